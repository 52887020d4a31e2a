import Foundation
import Testing
@testable import LivingLabAnalysis

@Suite("Power, minimum detectable effect and multiple metrics")
struct PowerAndMetricsTests {
    @Test("MDE for 20 + 20 merchants with SD 10 matches the hand formula")
    func mdeByHand() throws {
        // SE = 10 · √(1/20 + 1/20) = 3.16228; df = 38; t₀.₉₇₅ = 2.024394, t₀.₈ = 0.851194 → MDE = 2.875588 · 3.16228 = 9.0934.
        let r = try PowerAnalysis.minimumDetectableEffect(PowerInputs(treatedUnits: 20, controlUnits: 20, outcomeSD: 10))
        #expect(abs(r.standardError - 10 * (0.1).squareRoot()) < 1e-12)
        #expect(abs(r.minimumDetectableEffect - 9.09337265541319) < 1e-6)
        // A pre-period covariate with ρ = 0.6 scales the SE by √(1 − 0.36) = 0.8.
        let ancova = try PowerAnalysis.minimumDetectableEffect(PowerInputs(treatedUnits: 20, controlUnits: 20, outcomeSD: 10, preCorrelation: 0.6))
        #expect(abs(ancova.minimumDetectableEffect / r.minimumDetectableEffect - 0.8) < 1e-12)
        // Panel DiD, ICC 0.75, 6 + 6 weeks: per-unit variance 100 · 0.25 · (1/6 + 1/6) = 8.333.
        let panel = try PowerAnalysis.minimumDetectableEffect(PowerInputs(treatedUnits: 20, controlUnits: 20, outcomeSD: 10, periodsPre: 6, periodsPost: 6, icc: 0.75))
        #expect(abs(panel.standardError - (2 * 100 * 0.25 / 3 / 20).squareRoot()) < 1e-12)
    }

    @Test("The power at the MDE is the target power, and simulated trials reject at that rate")
    func powerMatchesSimulation() throws {
        let inputs = PowerInputs(treatedUnits: 15, controlUnits: 15, outcomeSD: 4)
        let mde = try PowerAnalysis.minimumDetectableEffect(inputs).minimumDetectableEffect
        #expect(abs(try PowerAnalysis.power(effect: mde, inputs) - 0.8) < 0.01)
        var rng = LabRandom(seed: 17)
        var rejections = 0
        let trials = 1_000
        for _ in 0..<trials {
            let y = (0..<30).map { i in 4 * rng.nextNormal() + (i < 15 ? mde : 0) }
            if try DifferenceInMeans.estimate(outcomes: y, treated: (0..<30).map { $0 < 15 }).pValue < 0.05 { rejections += 1 }
        }
        // Binomial(1000, 0.8): SD 1.3 points; Welch vs pooled df costs a little power.
        #expect(abs(Double(rejections) / Double(trials) - 0.8) < 0.05)
        let needed = try #require(try PowerAnalysis.unitsPerArm(toDetect: mde, inputs))
        #expect(needed == 15)
    }

    @Test("Power inputs that make no sense are refused with a hint")
    func badPowerInputs() {
        #expect { try PowerAnalysis.minimumDetectableEffect(PowerInputs(treatedUnits: 1, controlUnits: 5, outcomeSD: 1)) } throws: { ($0 as? AnalysisError)?.code == .emptyArm }
        #expect { try PowerAnalysis.minimumDetectableEffect(PowerInputs(treatedUnits: 5, controlUnits: 5, outcomeSD: 0)) } throws: { error in
            let e = error as? AnalysisError
            return e?.code == .noVariance && e!.message.contains("baseline")
        }
    }

    @Test("Holm adjustment matches the hand computation")
    func holmByHand() {
        // Sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06.
        #expect(MetricFamily.holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06])
        #expect(MetricFamily.holm([0.5, 0.9]) == [1, 1])
    }

    func estimate(_ lower: Double, _ upper: Double, p: Double = 0.5) -> Estimate {
        Estimate(method: "test", estimate: (lower + upper) / 2, standardError: nil, lower: lower, upper: upper, confidenceLevel: 0.95, pValue: p, units: 10)
    }

    @Test("A guardrail is flagged as harmed in the harmful direction only")
    func guardrailsAreDirectionAware() {
        // Fewer orders is harm; more no-shows is harm.
        #expect(MetricFamily.guardrailStatus(estimate(-5, -1), direction: .increaseIsGood) == .harmed)
        #expect(MetricFamily.guardrailStatus(estimate(-5, -1), direction: .decreaseIsGood) == .ok)
        #expect(MetricFamily.guardrailStatus(estimate(1, 5), direction: .decreaseIsGood) == .harmed)
        #expect(MetricFamily.guardrailStatus(estimate(-2, 5), direction: .increaseIsGood) == .inconclusive)
        #expect(MetricFamily.guardrailStatus(estimate(-2, 5), direction: .increaseIsGood, harmMargin: 3) == .ok)
    }

    @Test("Evaluating a metric family adjusts secondaries together and checks guardrails, leaving the primary alone")
    func metricFamily() {
        let results = MetricFamily.evaluate([
            MetricInput(name: "orders", role: .primary, estimate: estimate(1, 3, p: 0.01)),
            MetricInput(name: "basket", role: .secondary, estimate: estimate(1, 3, p: 0.02)),
            MetricInput(name: "repeat", role: .secondary, estimate: estimate(-1, 3, p: 0.2)),
            MetricInput(name: "no-shows", role: .guardrail, direction: .decreaseIsGood, estimate: estimate(0.5, 2)),
        ])
        #expect(results[0].adjustedPValue == nil && results[0].guardrail == nil)
        #expect(results[1].adjustedPValue == 0.04)
        #expect(results[2].adjustedPValue == 0.2)
        #expect(results[3].guardrail == .harmed)
    }
}
