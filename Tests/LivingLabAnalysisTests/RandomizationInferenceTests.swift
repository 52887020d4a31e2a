import Foundation
import Synchronization
import Testing
@testable import LivingLabAnalysis

@Suite("Randomisation inference")
struct RandomizationInferenceTests {
    @Test("Exact randomisation p-value on 3 + 3 numbers matches the hand count")
    func exactPValueByHand() throws {
        // Values 1, 2, 3, 4, 6, 8 (sum 24), treated {4, 6, 8}: DiM = 4. For a treated set S of 3,
        // DiM = (2·ΣS − 24)/3, so |DiM| ≥ 4 ⇔ ΣS ≥ 18 or ΣS ≤ 6: only {4, 6, 8} and {1, 2, 3}.
        // There are C(6, 3) = 20 assignments, so p = 2/20 = 0.1.
        let scheme = RandomizationScheme.complete(observed: [1, 1, 1, 0, 0, 0])
        #expect(scheme.assignmentCount == 20)
        let e = try RandomizationInference.differenceInMeans(outcomes: [4, 6, 8, 1, 2, 3], scheme: scheme)
        #expect(e.estimate == 4)
        #expect(abs(e.pValue - 0.1) < 1e-12)
        #expect(e.monteCarloError == nil)
        #expect(e.notes.contains { $0.contains("no p-value can be below 0.1") })
        #expect(e.lower == -.infinity && e.upper == .infinity)
    }

    @Test("Enumeration yields each assignment of the design exactly once, within blocks and pairs")
    func enumerationIsCompleteAndDistinct() {
        // Blocks of 4 (2/2) and 5 (2/3): C(4,2)·C(5,2) = 6 · 10 = 60. Pairs: 2⁴ = 16.
        let blocked = RandomizationScheme(groups: [0, 0, 0, 0, 1, 1, 1, 1, 1], observed: [1, 1, 0, 0, 1, 1, 0, 0, 0])
        let pairs = RandomizationScheme(groups: [0, 0, 1, 1, 2, 2, 3, 3], observed: [0, 1, 1, 0, 0, 1, 0, 1])
        for (scheme, expected) in [(blocked, 60), (pairs, 16)] {
            var seen = Set<[Int]>()
            scheme.enumerate { seen.insert($0); return true }
            #expect(seen.count == expected)
            #expect(scheme.assignmentCount == Double(expected))
            for labels in seen {
                for g in Set(scheme.groups) {
                    let idx = scheme.groups.indices.filter { scheme.groups[$0] == g }
                    #expect(idx.map { labels[$0] }.sorted() == idx.map { scheme.observed[$0] }.sorted())
                }
            }
        }
    }

    @Test("Monte Carlo draws permute labels only within blocks and reach every unit")
    func monteCarloRespectsBlocks() throws {
        let groups = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
        let observed = [1, 1, 0, 0, 1, 0, 0, 0, 0, 0]
        let scheme = RandomizationScheme(groups: groups, observed: observed)
        var treatedCounts = [Int](repeating: 0, count: 10)
        var respected = true
        let test = try RandomizationInference.test(scheme: scheme, options: RandomizationOptions(maxExactAssignments: 0, monteCarloDraws: 3_000, seed: 4)) { labels in
            respected = respected && labels[0..<4].filter { $0 == 1 }.count == 2 && labels[4...].filter { $0 == 1 }.count == 1
            for i in 0..<10 where labels[i] == 1 { treatedCounts[i] += 1 }
            return Double(labels[0])
        }
        #expect(!test.exact && test.assignments == 3_000)
        #expect(respected)
        // Block 1: each unit treated with probability 1/2; block 2: 1/6 (3,000 draws, SD ≤ 27 and ≤ 20).
        #expect(treatedCounts[0..<4].allSatisfy { abs($0 - 1_500) < 120 })
        #expect(treatedCounts[4...].allSatisfy { abs($0 - 500) < 90 })
    }

    @Test("Monte Carlo p-value agrees with the exact one within its reported error")
    func monteCarloAgreesWithExact() throws {
        var rng = LabRandom(seed: 31)
        let y = (0..<14).map { i in rng.nextNormal() + (i < 7 ? 0.8 : 0) }
        let scheme = RandomizationScheme.complete(observed: (0..<14).map { $0 < 7 ? 1 : 0 })
        let exact = try RandomizationInference.differenceInMeans(outcomes: y, scheme: scheme)
        let mc = try RandomizationInference.differenceInMeans(outcomes: y, scheme: scheme, options: RandomizationOptions(maxExactAssignments: 0, monteCarloDraws: 4_000, seed: 2))
        let se = try #require(mc.monteCarloError)
        #expect(abs(mc.pValue - exact.pValue) < 4 * se + 1e-3)
        #expect(abs(mc.lower - exact.lower) < 0.2 && abs(mc.upper - exact.upper) < 0.2)
    }

    @Test("Test-inversion intervals cover a constant shift about 95% of the time")
    func testInversionCoverage() throws {
        var covered = 0
        let trials = 100
        for t in 0..<trials {
            var rng = LabRandom(seed: UInt64(1_000 + t))
            let y0 = (0..<12).map { _ in rng.nextNormal() }
            var labels = (0..<12).map { $0 < 6 ? 1 : 0 }
            rng.shuffle(&labels)
            let y = y0.indices.map { y0[$0] + (labels[$0] == 1 ? 1.5 : 0) }
            let e = try RandomizationInference.differenceInMeans(outcomes: y, scheme: .complete(observed: labels))
            // At the bounds the test rejects at about 5%.
            if e.covers(1.5) { covered += 1 }
        }
        // Binomial(100, 0.95): 88 is more than 3 SD below.
        #expect(covered >= 88)
    }

    @Test("Re-drawn assignments obey the rerandomisation rule the design used")
    func rerandomisationRuleIsReapplied() throws {
        let units = sampleUnits(12)
        let assignment = try Assignment.draw(units: units, design: .rerandomized(on: ["baseline"], threshold: 0.3), seed: 3)
        let scheme = try assignment.scheme(units: units)
        let rule = try #require(scheme.balanceRule)
        var statistics: [Double] = []
        let test = try RandomizationInference.test(scheme: scheme) { labels in
            statistics.append(rule.statistic(labels))
            return Double(labels[0])
        }
        #expect(test.exact)
        #expect(statistics.count == test.assignments + 1)
        #expect(statistics.allSatisfy { $0 <= 0.3 })
        #expect(Double(test.assignments) < scheme.assignmentCount / 2)
    }

    @Test("RI for DiD on a street panel gives the two-way FE estimate and reports Monte Carlo error and progress")
    func panelRandomizationInference() throws {
        let street = try StreetModel(seed: 12)
        let assignment = try Assignment.draw(units: street.units, design: .blocked(by: [BlockingFactor("segment")]), seed: 12)
        let panel = try street.observe(treated: assignment.treated, seed: 12)
        let reported = Mutex<[Double]>([])
        let options = RandomizationOptions(monteCarloDraws: 2_000, seed: 5, progress: { f in reported.withLock { $0.append(f) } })
        let ri = try RandomizationInference.differenceInDifferences(panel, unitIDs: assignment.unitIDs, scheme: try assignment.scheme(units: street.units), options: options)
        let twfe = try DifferenceInDifferences.estimate(panel)
        #expect(abs(ri.estimate - twfe.estimate) < 1e-9)
        #expect(ri.monteCarloError != nil)
        #expect(ri.lower < ri.estimate && ri.estimate < ri.upper)
        let fractions = reported.withLock { $0 }
        #expect(fractions.last == 1)
        #expect(fractions == fractions.sorted())
    }

    @Test("RI on an unbalanced panel refits the model for each re-drawn assignment")
    func unbalancedPanelRefits() throws {
        let street = try StreetModel(seed: 13)
        let assignment = try Assignment.draw(units: street.units, design: .complete(), seed: 13)
        var panel = try street.observe(treated: assignment.treated, seed: 13)
        let keep = panel.outcome.indices.filter { $0 % 17 != 0 }
        panel = PanelData(unit: keep.map { panel.unit[$0] }, period: keep.map { panel.period[$0] }, outcome: keep.map { panel.outcome[$0] }, exposed: keep.map { panel.exposed[$0] })
        let ri = try RandomizationInference.differenceInDifferences(panel, unitIDs: assignment.unitIDs, scheme: try assignment.scheme(units: street.units), options: RandomizationOptions(monteCarloDraws: 200))
        #expect(ri.method.contains("refitted"))
        #expect(abs(ri.estimate - (try DifferenceInDifferences.estimate(panel)).estimate) < 1e-9)
        #expect(ri.pValue > 0 && ri.pValue <= 1)
    }
}
