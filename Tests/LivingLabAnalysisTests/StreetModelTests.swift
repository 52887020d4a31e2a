import Foundation
import Testing
@testable import LivingLabAnalysis

@Suite("Street model")
struct StreetModelTests {
    func configuration() -> StreetModel.Configuration {
        var c = StreetModel.Configuration()
        c.merchants = 30
        c.weeks = 10
        c.shock = StreetModel.Shock(segments: ["north"], weeks: [6, 7], depth: 0.4)
        c.effect = StreetModel.PlantedEffect(kind: .additive, size: 5, perMaturityLevel: 2, startWeek: 5)
        return c
    }

    @Test("The same seed builds the same street")
    func streetIsSeeded() throws {
        let a = try StreetModel(configuration: configuration(), seed: 3)
        let b = try StreetModel(configuration: configuration(), seed: 3)
        let c = try StreetModel(configuration: configuration(), seed: 4)
        #expect(a == b)
        #expect(a.merchants != c.merchants)
        #expect(try a.observe(treated: Array(repeating: true, count: 30), seed: 1).outcome == (try b.observe(treated: Array(repeating: true, count: 30), seed: 1)).outcome)
    }

    @Test("The shock depresses demand by its depth on its segments and weeks only")
    func shockIsTargeted() throws {
        var plain = configuration()
        plain.shock = nil
        let shocked = try StreetModel(configuration: configuration(), seed: 5)
        let calm = try StreetModel(configuration: plain, seed: 5)
        for m in shocked.merchants.indices {
            for w in 0..<10 {
                let ratio = shocked.expectedDemand(merchant: m, week: w, treated: false) / calm.expectedDemand(merchant: m, week: w, treated: false)
                let hit = shocked.merchants[m].segment == "north" && (w == 6 || w == 7)
                #expect(abs(ratio - (hit ? 0.6 : 1)) < 1e-12)
                #expect(shocked.isShocked(merchant: m, week: w) == hit)
            }
        }
    }

    @Test("The planted effect starts at its week and grows with maturity")
    func plantedEffect() throws {
        let street = try StreetModel(configuration: configuration(), seed: 6)
        for (m, merchant) in street.merchants.enumerated() {
            #expect(street.trueEffect(merchant: m, week: 4) == 0)
            #expect(abs(street.trueEffect(merchant: m, week: 5) - (5 + 2 * Double(merchant.maturity - 2))) < 1e-9)
        }
        var multiplicative = configuration()
        multiplicative.effect = StreetModel.PlantedEffect(kind: .multiplicative, size: 0.1, startWeek: 5)
        let lifted = try StreetModel(configuration: multiplicative, seed: 6)
        #expect(abs(lifted.expectedDemand(merchant: 0, week: 8, treated: true) / lifted.expectedDemand(merchant: 0, week: 8, treated: false) - 1.1) < 1e-12)
    }

    @Test("Daily demand spreads the week's demand by the day-of-week profile")
    func dailyDemandSumsToWeek() throws {
        let street = try StreetModel(configuration: configuration(), seed: 7)
        let days = (0..<7).map { street.expectedDailyDemand(merchant: 2, week: 3, weekday: $0, treated: false) }
        #expect(abs(days.reduce(0, +) - street.expectedDemand(merchant: 2, week: 3, treated: false)) < 1e-9)
        #expect(days[5] > days[6])
    }

    @Test("Observed counts scatter around expected demand")
    func observedCountsFollowExpectation() throws {
        var c = configuration()
        c.merchants = 200
        let street = try StreetModel(configuration: c, seed: 8)
        let panel = try street.observe(treated: Array(repeating: false, count: 200), seed: 9)
        var expected = 0.0
        for m in 0..<200 { for w in 0..<10 { expected += street.expectedDemand(merchant: m, week: w, treated: false) } }
        let observed = panel.outcome.reduce(0, +)
        // Poisson total: SD = √expected ≈ 350 on ~120,000.
        #expect(abs(observed - expected) < 5 * expected.squareRoot())
    }

    @Test("Invalid street parameters are refused")
    func invalidStreet() {
        var c = configuration()
        c.shock = StreetModel.Shock(segments: ["north"], weeks: [1], depth: 1.5)
        #expect { try StreetModel(configuration: c, seed: 1) } throws: { ($0 as? AnalysisError)?.code == .invalidParameter }
    }
}
