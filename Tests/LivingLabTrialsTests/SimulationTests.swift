import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabTrials
import LivingLabStore
import Testing

/// A small synthetic street (12 merchants, 2 baseline + 4 trial weeks) run through the real ClickAndCollect library
/// that `swift test` builds next to the test bundle.
struct SimulatedStreet: Sendable {
    let temporary: TemporaryFolder
    let store: any LabStore
    let result: SimulationResult
    let definition: ExperimentProtocol

    init(merchants: Int = 12, baselineWeeks: Int = 2, trialWeeks: Int = 4, seed: UInt64 = 11) throws {
        temporary = try TemporaryFolder("simulation")
        var storeConfiguration = StoreConfiguration(path: temporary.path("lab.sqlite"))
        storeConfiguration.durability = .normal
        storeConfiguration.clock = ManualClock(try CalendarDay("2026-12-14").startOfDay)
        store = try SQLiteLabStore(storeConfiguration)
        var street = SyntheticStreet.Configuration()
        street.merchants = merchants
        street.baselineWeeks = baselineWeeks
        street.trialWeeks = trialWeeks
        street.followUpWeeks = 0
        street.seed = seed
        definition = try SyntheticStreet(in: store, pluginPath: try PluginShelf.library("ClickAndCollect"), configuration: street)
            .definition
        var configuration = StreetSimulation.Configuration(protocolID: SyntheticStreet.protocolID, seed: seed)
        configuration.shockID = SyntheticStreet.shockID
        result = try StreetSimulation(store: store, configuration: configuration).run()
    }

    /// One run shared by the tests that only read it.
    static let shared = Result { try SimulatedStreet() }
}

@Suite("Street simulator through the real runtime and plugin")
struct SimulationTests {
    @Test("plugin outcomes carry the plugin's source and the treatment arm; control merchants have only declarations")
    func pluginOutcomesAndDeclarations() throws {
        let street = try SimulatedStreet.shared.get()
        let outcomes = try street.store.outcomes(protocolID: SyntheticStreet.protocolID)
        let fromPlugin = outcomes.filter { $0.source.hasPrefix("plugin:") }
        #expect(street.result.ordersPlaced > 0)
        #expect(fromPlugin.filter { $0.metric == "orders" }.count == street.result.ordersPlaced)
        #expect(!fromPlugin.isEmpty && fromPlugin.allSatisfy {
            $0.source == "plugin:fr.livinglab.click-and-collect@1.0.0" && $0.arm == "treatment"
        })
        #expect(Set(fromPlugin.map(\.metric)).isSuperset(of: ["orders", "revenue", "pickup_rate"]))
        let control = Set(try street.store.assignments(in: SyntheticStreet.protocolID).filter { $0.arm == "control" }.map(\.merchantID))
        #expect(!control.isEmpty)
        let controlOutcomes = outcomes.filter { $0.merchantID.map(control.contains) ?? false }
        #expect(!controlOutcomes.isEmpty && controlOutcomes.allSatisfy {
            $0.source == "declaration" && ["weekly_sales", "weekly_revenue"].contains($0.metric)
        })
        // Every merchant still in declares both figures every week, baseline included, keyed merchant/week/metric.
        let sales = outcomes.filter { $0.metric == "weekly_sales" }
        #expect(sales.contains { $0.idempotencyKey.hasSuffix("/2027-W01/weekly_sales") })
        #expect(Set(sales.compactMap(\.merchantID)).count == street.result.merchants)
    }

    @Test("a merchant who withdraws mid-trial has no outcome after the withdrawal, and the gate refuses what follows")
    func withdrawalStopsOutcomes() throws {
        let street = try SimulatedStreet.shared.get()
        let withdrawals = street.result.withdrawals
        #expect(withdrawals.count == 2)
        #expect(Set(withdrawals.map(\.arm)) == ["control", "treatment"])
        for withdrawal in withdrawals {
            let theirs = try street.store.outcomes(protocolID: SyntheticStreet.protocolID, merchantID: withdrawal.merchantID)
            #expect(!theirs.isEmpty, "the protocol keeps data collected before a withdrawal")
            #expect(theirs.allSatisfy { $0.at < withdrawal.at })
        }
        // The treated shop's customers kept trying to order: each request was refused, and counted by the host.
        #expect(street.result.requestsRefusedAfterWithdrawal > 0)
        let denials = try street.store.hostDenialCounts(pluginID: "fr.livinglab.click-and-collect")
        #expect(denials.first { $0.reason == "withdrawn" }?.count == street.result.requestsRefusedAfterWithdrawal)
        // Their weekly declarations after leaving were refused too, and counted.
        #expect(street.result.declarationsRefused > 0)
        let rejections = try street.store.rejectionCounts(protocolID: SyntheticStreet.protocolID)
        #expect(rejections.first { $0.reason == "withdrawn" }?.count == street.result.declarationsRefused)
        #expect(try street.store.storedProtocol(SyntheticStreet.protocolID).state == .stopped)
    }

    @Test("the planted truth is the average expected change in weekly sales, positive for a positive lift")
    func plantedTruth() throws {
        let street = try SimulatedStreet.shared.get()
        let truth = street.result.truth
        #expect(truth.metric == "weekly_sales")
        // Measured merchant-weeks: every assigned merchant in every trial week, less the weeks after a withdrawal.
        #expect(truth.merchantWeeks > 0 && truth.merchantWeeks < street.result.merchants * street.result.trialWeeks)
        #expect(truth.averageEffect > 0)
    }

    @Test("the same seed gives the same outcomes twice")
    func deterministic() throws {
        func fingerprint(_ street: SimulatedStreet) throws -> [String] {
            try street.store.outcomes(protocolID: SyntheticStreet.protocolID).map {
                "\($0.idempotencyKey)|\($0.merchantID ?? "-")|\($0.arm ?? "-")|\($0.metric)|\($0.value)|\($0.at.timeIntervalSince1970)|\($0.source)"
            }.sorted()
        }
        let first = try SimulatedStreet(merchants: 8, baselineWeeks: 1, trialWeeks: 2, seed: 5)
        let second = try SimulatedStreet(merchants: 8, baselineWeeks: 1, trialWeeks: 2, seed: 5)
        let prints = try fingerprint(first)
        #expect(prints.count > 40)
        #expect(prints == (try fingerprint(second)))
        #expect(first.result == second.result)
    }

    @Test("the simulator refuses a lab that does not run on a manual clock, and says what to do")
    func needsManualClock() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("livinglab-sim-\(UUID().uuidString).sqlite").path
        let store = try SQLiteLabStore(path: path)
        #expect {
            _ = try StreetSimulation(store: store, configuration: .init(protocolID: "any"))
        } throws: { error in
            (error as? LabError)?.message.contains("ManualClock") == true
        }
    }
}
