import Foundation
import Testing
@testable import LivingLabAnalysis

@Suite("Stepped-wedge analysis")
struct SteppedWedgeTests {
    /// A stepped-wedge trial on a street model: 24 merchants in 4 waves starting at weeks 2, 4, 6, 8.
    func trial(effect: Double, seed: UInt64) throws -> (PanelData, Assignment, [Int]) {
        var c = StreetModel.Configuration()
        c.merchants = 24
        c.weeks = 10
        c.effect = StreetModel.PlantedEffect(size: effect, startWeek: 0)
        let street = try StreetModel(configuration: c, seed: seed)
        let assignment = try Assignment.draw(units: street.units, design: .steppedWedge(waves: 4), seed: seed)
        let starts = [2, 4, 6, 8]
        var rng = LabRandom(seed: seed &+ 1)
        var unit: [String] = [], period: [Int] = [], y: [Double] = [], exposed: [Bool] = []
        for m in street.merchants.indices {
            for w in 0..<10 {
                let on = w >= starts[assignment.armIndex[m]]
                unit.append(street.merchants[m].id); period.append(w); exposed.append(on)
                y.append(Double(rng.nextPoisson(mean: street.expectedDemand(merchant: m, week: w, treated: on))))
            }
        }
        return (PanelData(unit: unit, period: period, outcome: y, exposed: exposed), assignment, starts)
    }

    @Test("Stepped-wedge RI re-draws wave orders and finds a large planted effect")
    func detectsLargeEffect() throws {
        let (panel, assignment, starts) = try trial(effect: 25, seed: 3)
        let e = try RandomizationInference.steppedWedge(panel, unitIDs: assignment.unitIDs, scheme: assignment.scheme(),
                                                        waveStartPeriods: starts, options: RandomizationOptions(monteCarloDraws: 300))
        #expect(abs(e.estimate - (try DifferenceInDifferences.estimate(panel)).estimate) < 1e-9)
        #expect(e.pValue < 0.05)
        #expect(e.method.contains("Monte Carlo"))
    }

    @Test("Stepped-wedge RI does not reject when there is no effect")
    func noEffectNoRejection() throws {
        var rejections = 0
        for seed in 0..<12 {
            let (panel, assignment, starts) = try trial(effect: 0, seed: UInt64(100 + seed))
            let e = try RandomizationInference.steppedWedge(panel, unitIDs: assignment.unitIDs, scheme: assignment.scheme(),
                                                            waveStartPeriods: starts, options: RandomizationOptions(monteCarloDraws: 200, seed: UInt64(seed)))
            if e.pValue < 0.05 { rejections += 1 }
        }
        // Binomial(12, 0.05): P(≥ 3) ≈ 2%.
        #expect(rejections <= 2)
    }

    @Test("An estimate's minimum detectable effect follows from its standard error")
    func mdeFromEstimate() throws {
        let e = try DifferenceInMeans.estimate(outcomes: [4, 6, 8, 1, 2, 3], treated: [true, true, true, false, false, false])
        let df = 50.0 / 17
        let expected = (Distributions.studentTQuantile(0.975, df: df) + Distributions.studentTQuantile(0.8, df: df)) * (5.0 / 3).squareRoot()
        #expect(abs(try #require(e.minimumDetectableEffect()) - expected) < 1e-12)
    }
}
