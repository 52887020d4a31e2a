import Foundation
import Testing
@testable import LivingLabAnalysis

/// A small street: 24 merchants in 3 segments, with maturity and a baseline level.
func sampleUnits(_ n: Int = 24, seed: UInt64 = 1) -> [ExperimentUnit] {
    var rng = LabRandom(seed: seed)
    let segments = ["north", "centre", "south"]
    return (0..<n).map { i in
        ExperimentUnit(id: "m\(i)", attributes: [
            "segment": .category(segments[i % 3]),
            "maturity": .number(Double(rng.nextInt(below: 5))),
            "baseline": .number(50 + 20 * rng.nextNormal()),
        ])
    }
}

@Suite("Assignment designs")
struct AssignmentDesignTests {
    @Test("Complete randomisation gives fixed arm sizes in the ratio of the weights")
    func completeHasFixedArmSizes() throws {
        let units = sampleUnits(30)
        let equal = try Assignment.draw(units: units, design: .complete(), seed: 1)
        #expect(equal.armIndex.filter { $0 == 1 }.count == 15)
        let twoToOne = try Assignment.draw(units: units, design: .complete(arms: [Arm("control"), Arm("treatment", weight: 2)]), seed: 1)
        #expect(twoToOne.armIndex.filter { $0 == 1 }.count == 20)
        #expect(twoToOne.armIndex.filter { $0 == 0 }.count == 10)
    }

    @Test("The same seed and units give the same assignment; another seed gives another")
    func seedReproducesAssignment() throws {
        let units = sampleUnits()
        for design in [DesignSpec.complete(), .blocked(by: [BlockingFactor("segment")]), .matchedPairs(on: ["baseline"]),
                       .steppedWedge(waves: 4), .rerandomized(on: ["baseline", "maturity"], threshold: 0.5)] {
            let a = try Assignment.draw(units: units, design: design, seed: 77)
            let b = try Assignment.draw(units: units, design: design, seed: 77)
            let c = try Assignment.draw(units: units, design: design, seed: 78)
            #expect(a == b)
            #expect(a.armIndex != c.armIndex)
        }
    }

    @Test("Recorded seeds keep reproducing the assignments they produced when first committed")
    func recordedSeedsStayStable() throws {
        // A compatibility lock, not a computation: these assignments were drawn once and stored by labs. If this
        // test fails, a change to the generator or the designs would silently re-assign committed trials.
        let units = (0..<10).map { ExperimentUnit(id: "m\($0)", attributes: ["segment": .category($0 < 5 ? "north" : "south")]) }
        #expect(try Assignment.draw(units: units, design: .complete(), seed: 2026).armIndex == [0, 0, 1, 1, 0, 0, 1, 1, 0, 1])
        #expect(try Assignment.draw(units: units, design: .blocked(by: [BlockingFactor("segment")]), seed: 2026).armIndex == [0, 1, 0, 1, 0, 0, 0, 0, 1, 1])
        var rng = LabRandom(seed: 2026)
        #expect((0..<3).map { _ in rng.next() } == [10_583_478_199_052_185_109, 5_232_962_402_658_359_512, 14_988_153_452_874_227_418])
    }

    @Test("Complete randomisation puts each unit in the treated arm half of the time")
    func completeIsUnbiasedPerUnit() throws {
        let units = sampleUnits(10)
        var treated = [Int](repeating: 0, count: 10)
        for seed in 0..<2_000 {
            let a = try Assignment.draw(units: units, design: .complete(), seed: UInt64(seed))
            for (i, arm) in a.armIndex.enumerated() where arm == 1 { treated[i] += 1 }
        }
        // Binomial(2000, 0.5): SD ≈ 22, so ±90 is beyond 4 SD.
        #expect(treated.allSatisfy { abs($0 - 1_000) < 90 })
    }

    @Test("Blocked randomisation balances arms within every block, numeric attributes binned")
    func blockedBalancesWithinBlocks() throws {
        let units = sampleUnits(36)
        let a = try Assignment.draw(units: units, design: .blocked(by: [BlockingFactor("segment"), BlockingFactor("baseline", bins: 2)]), seed: 4)
        #expect(a.groupNames.count == 6)
        #expect(a.groupNames.contains { $0.contains("segment=north") && $0.contains("baseline bin 1/2") })
        for g in a.groupNames.indices {
            let arms = a.group.indices.filter { a.group[$0] == g }.map { a.armIndex[$0] }
            let treated = arms.filter { $0 == 1 }.count
            #expect(abs(2 * treated - arms.count) <= 1)
        }
    }

    @Test("Matched pairs pair the closest units and split every pair across the arms")
    func matchedPairsPairNeighbours() throws {
        let values = [1.0, 10.0, 5.0, 1.2, 10.3, 5.1, 20.0, 19.5]
        let units = values.enumerated().map { ExperimentUnit(id: "u\($0)", attributes: ["baseline": .number($1)]) }
        let a = try Assignment.draw(units: units, design: .matchedPairs(on: ["baseline"]), seed: 2)
        var partners: [Set<Int>] = []
        for g in Set(a.group) {
            let members = a.group.indices.filter { a.group[$0] == g }
            #expect(members.count == 2)
            #expect(Set(members.map { a.armIndex[$0] }) == [0, 1])
            partners.append(Set(members))
        }
        #expect(Set(partners) == [[0, 3], [1, 4], [2, 5], [6, 7]])
    }

    @Test("Rerandomisation only accepts assignments under the balance threshold and records the draws")
    func rerandomisationRespectsThreshold() throws {
        let units = sampleUnits(24)
        let a = try Assignment.draw(units: units, design: .rerandomized(on: ["baseline", "maturity"], threshold: 0.2), seed: 9)
        let rule = try BalanceRule(units: units, covariates: ["baseline", "maturity"], threshold: 0.2)
        #expect(rule.statistic(a.armIndex) <= 0.2)
        #expect(a.balanceStatistic == rule.statistic(a.armIndex))
        #expect(a.draws >= 1)
        // Under balance the statistic is about χ²(2): P(M ≤ 0.2) ≈ 10%, so across seeds many draws are needed.
        let draws = try (0..<40).map { try Assignment.draw(units: units, design: .rerandomized(on: ["baseline", "maturity"], threshold: 0.2), seed: UInt64($0)).draws }
        #expect(Double(draws.reduce(0, +)) / 40 > 3)
    }

    @Test("Rerandomisation by acceptance probability accepts about that share of draws")
    func rerandomisationAcceptanceProbability() throws {
        let design = try DesignSpec.rerandomized(on: ["baseline", "maturity"], acceptanceProbability: 0.1)
        // χ²(2) 10% quantile = −2 ln 0.9.
        #expect(abs(design.threshold! + 2 * log(0.9)) < 1e-9)
        let units = sampleUnits(40)
        let draws = try (0..<300).map { try Assignment.draw(units: units, design: design, seed: UInt64($0)).draws }
        // Draws until acceptance are geometric with mean 1/p ≈ 10 (finite-sample p differs a little from χ²).
        let mean = Double(draws.reduce(0, +)) / 300
        #expect(mean > 6 && mean < 15)
    }

    @Test("Stepped-wedge puts (nearly) equal numbers of units in each wave, in random order")
    func steppedWedgeFillsWaves() throws {
        let units = sampleUnits(22)
        let a = try Assignment.draw(units: units, design: .steppedWedge(waves: 4), seed: 5)
        let sizes = (0..<4).map { w in a.armIndex.filter { $0 == w }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(sizes.reduce(0, +) == 22)
        #expect(a.armNames == ["wave 1", "wave 2", "wave 3", "wave 4"])
        let b = try Assignment.draw(units: units, design: .steppedWedge(waves: 4), seed: 6)
        #expect(a.armIndex != b.armIndex)
    }

    @Test("An assignment survives a JSON round trip with its design, seed and groups")
    func assignmentIsCodable() throws {
        let units = sampleUnits()
        let a = try Assignment.draw(units: units, design: .rerandomized(on: ["baseline"], threshold: 1, blockBy: [BlockingFactor("segment")]), seed: 12)
        let decoded = try JSONDecoder().decode(Assignment.self, from: JSONEncoder().encode(a))
        #expect(decoded == a)
        #expect(decoded.arm(of: "m3") == a.armNames[a.armIndex[3]])
    }

    @Test("The balance table shows means per arm and standardised differences computed by hand")
    func balanceTableByHand() throws {
        let units = [4.0, 6.0, 8.0, 1.0, 2.0, 3.0].enumerated().map {
            ExperimentUnit(id: "u\($0)", attributes: ["baseline": .number($1), "segment": .category($0 % 2 == 0 ? "a" : "b")])
        }
        var a = try Assignment.draw(units: units, design: .complete(), seed: 1)
        a.armIndex = [1, 1, 1, 0, 0, 0]
        let table = try BalanceTable(units: units, assignment: a)
        let row = try #require(table.rows.first { $0.covariate == "baseline" })
        // Treated 4, 6, 8: mean 6, variance 4. Control 1, 2, 3: mean 2, variance 1.
        // d = (6 − 2) / √((4 + 1) / 2) = 4 / 1.5811 = 2.5298.
        #expect(row.means == [2, 6])
        #expect(abs(row.standardizedDifferences[1] - 4 / (2.5).squareRoot()) < 1e-12)
        // Segment a is units 0, 2, 4: treated 2 of 3, control 1 of 3.
        let seg = try #require(table.rows.first { $0.covariate == "segment=a" })
        #expect(abs(seg.means[1] - 2.0 / 3) < 1e-12 && abs(seg.means[0] - 1.0 / 3) < 1e-12)
        #expect(table.counts == [3, 3])
    }

    @Test("Impossible designs fail with a code and a message that says what to do")
    func impossibleDesignsExplainThemselves() {
        let units = sampleUnits(5)
        #expect { try Assignment.draw(units: units, design: .matchedPairs(on: ["baseline"]), seed: 1) } throws: { error in
            let e = error as? AnalysisError
            return e?.code == .infeasibleDesign && e!.message.contains("even number")
        }
        #expect { try Assignment.draw(units: Array(units.prefix(2)), design: .complete(arms: [Arm("c"), Arm("t", weight: 2)]), seed: 1) } throws: { error in
            (error as? AnalysisError)?.code == .emptyArm
        }
        #expect { try Assignment.draw(units: units, design: .blocked(by: [BlockingFactor("sector")]), seed: 1) } throws: { error in
            let e = error as? AnalysisError
            return e?.code == .missingValues && e!.message.contains("sector")
        }
        #expect { try Assignment.draw(units: units, design: .rerandomized(on: ["baseline"], threshold: 1e-9, maxDraws: 5), seed: 1) } throws: { error in
            let e = error as? AnalysisError
            return e?.code == .infeasibleDesign && e!.message.contains("raise the threshold")
        }
    }
}
