import Foundation
import LivingLabCore
import LivingLabRuntime
import LivingLabStore
import Testing

/// The C visit counter registered in a lab on SQLite, called through the store-backed host: the consent gate as a
/// plugin meets it in a real lab (invariant 7).
struct LabWithCPlugin {
    let folder: URL
    let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    let store: LabStore
    let library: String

    static let pluginID = "org.livinglab.example.visitcounter"

    init(isolation: String = "in-process") throws {
        folder = try TestSupport.temporaryFolder()
        library = try TestSupport.compileC(file: TestSupport.repositoryRoot.appendingPathComponent("Examples/CPlugin/visit_counter.c").path,
                                           named: "VisitCounter", in: folder)
        store = try LabStore(path: folder.appendingPathComponent("lab.sqlite").path, clock: clock)
        try store.addFirm(Firm(id: "livinglab-examples", name: "Examples"), actor: "c")
        try store.addMerchants((1...6).map {
            Merchant(id: "m\($0)", name: "Shop \($0)", sector: "bakery", segment: "S", positionMetres: $0, maturity: 1,
                     contact: "m\($0)@example.fr")
        }, actor: "c")
        for (id, plugin) in [("visits", Self.pluginID), ("other", "org.example.other")] {
            _ = try store.applyProtocol(try Self.definition(id: id, plugin: plugin), reason: nil, actor: "c")
            try store.approveProtocol(id, actor: "c")
        }
        try store.enroll(["m1", "m2", "m3", "m4", "m6"], in: "visits", actor: "c")
        for merchant in ["m1", "m2", "m3", "m4"] {
            try store.giveConsent(merchantID: merchant, protocolID: "visits", language: "fr", channel: "test", actor: merchant)
        }
        try store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: [
            .init(merchantID: "m1", arm: "treatment"), .init(merchantID: "m2", arm: "treatment"),
            .init(merchantID: "m3", arm: "control"), .init(merchantID: "m4", arm: "control"),
        ]), protocolID: "visits", actor: "c")
        try store.enroll(["m5"], in: "other", actor: "c")
        try store.giveConsent(merchantID: "m5", protocolID: "other", language: "fr", channel: "test", actor: "m5")
        try store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: [.init(merchantID: "m5", arm: "treatment")]),
                                    protocolID: "other", actor: "c")
        try store.setTrialState("other", to: .running, actor: "c")
        let binary = try PluginLoader.load(path: library)
        try store.registerPlugin(PluginRegistration(id: Self.pluginID, version: "1.0.0", firm: "livinglab-examples", path: library,
                                                    sha256: binary.sha256, manifest: binary.manifestJSON, registeredAt: clock.now(),
                                                    isolation: isolation), actor: "c")
        clock.advance(by: 60)
    }

    static func definition(id: String, plugin: String) throws(LabError) -> ExperimentProtocol {
        ExperimentProtocol(
            id: id, title: "Visits", hypothesis: "More visits.", plugin: .init(id: plugin, versions: ">=1.0.0 <2.0.0"),
            firm: "livinglab-examples", eligibility: "",
            arms: [.init(name: "control", control: true), .init(name: "treatment", configuration: ["greeting": "bonjour"])],
            design: .init(name: "complete", seed: 1),
            metrics: .init(primary: .init(name: "visits", unit: "count", direction: "increase")),
            schedule: .init(baseline: DayRange(start: try CalendarDay("2027-01-04"), end: try CalendarDay("2027-02-28")),
                            trial: DayRange(start: try CalendarDay("2027-03-01"), end: try CalendarDay("2027-05-23"))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData],
                           dataCategories: [MerchantDataCategory.profile], documents: ["fr": "Fiche"]),
            onWithdrawal: .erase)
    }

    func start() throws -> TrialRunner {
        let runner = try TrialRunner(store: store, protocolID: "visits")
        try store.setTrialState("visits", to: .running, actor: "c")
        return runner
    }

    func denials() throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try store.hostDenialCounts(pluginID: Self.pluginID).map { ($0.reason, $0.count) })
    }
}

@Suite("The plugin host of a lab on SQLite (invariant 7)")
struct LabPluginHostTests {
    @Test("a treatment merchant's plugin call stores an outcome with the plugin, its version and the arm; a replay stores nothing")
    func outcomesThroughPlugin() throws {
        let lab = try LabWithCPlugin()
        let runner = try lab.start()
        #expect(try runner.call("m1", request: #"{"action": "visit", "visit_id": "v1"}"#).contains("\"visits\": 1"))
        #expect(try runner.call("m1", request: #"{"action": "visit", "visit_id": "v2"}"#).contains("\"visits\": 2"))
        _ = try runner.call("m1", request: #"{"action": "visit", "visit_id": "v2"}"#)
        let outcomes = try lab.store.outcomes(protocolID: "visits")
        #expect(outcomes.map(\.idempotencyKey) == ["v1", "v2"])
        #expect(outcomes.allSatisfy { $0.arm == "treatment" && $0.source == "plugin:\(LabWithCPlugin.pluginID)@1.0.0" })
        #expect(try lab.store.pluginValue(pluginID: LabWithCPlugin.pluginID, merchantID: "m1", key: "visits") == "3")
    }

    @Test("the plugin sees only the profile fields its protocol allows, and its arm's configuration")
    func fieldsAreLimited() throws {
        let lab = try LabWithCPlugin()
        let runner = try lab.start()
        let answer = try runner.call("m2", request: #"{"action": "whoami"}"#)
        #expect(answer.contains("\"sector\":\"bakery\"") && answer.contains("\"greeting\":\"bonjour\""))
        #expect(!answer.contains("example.fr"))
    }

    @Test("control arm, not consented, other trial: refused, and each refusal counted")
    func refusals() throws {
        let lab = try LabWithCPlugin()
        let runner = try lab.start()
        for merchant in ["m3", "m6", "m5"] {
            let error = #expect(throws: LabError.self) { try runner.call(merchant, request: #"{"action": "whoami"}"#) }
            #expect(error?.code == .consentDenied)
        }
        // A treatment merchant's request that logs an outcome about a control merchant is refused too.
        #expect(throws: LabError.self) {
            try runner.call("m1", request: #"{"action": "visit", "visit_id": "x", "merchant": "m4"}"#)
        }
        #expect(try lab.denials() == ["controlArm": 2, "notConsented": 1, "otherTrial": 1])
        #expect(try lab.store.outcomeCount(protocolID: "visits") == 0)
    }

    @Test("a withdrawal mid-trial stops the plugin at once: deactivated, its data erased, later calls refused")
    func withdrawalMidTrial() throws {
        let lab = try LabWithCPlugin()
        let runner = try lab.start()
        _ = try runner.call("m1", request: #"{"action": "visit", "visit_id": "v1"}"#)
        lab.clock.advance(by: 60)
        let withdrawal = try lab.store.withdrawConsent(merchantID: "m1", protocolID: "visits", channel: "test", actor: "m1")
        try runner.deactivate("m1")
        #expect(!runner.plugin.activeMerchants.contains("m1"))
        #expect(withdrawal.outcomesAffected == 1 && withdrawal.pluginEntriesRemoved == 1)
        let error = #expect(throws: LabError.self) { try runner.call("m1", request: #"{"action": "visit", "visit_id": "v2"}"#) }
        #expect(error?.message.contains("withdrew") == true)
        #expect(throws: LabError.self) { try runner.call("m2", request: #"{"action": "visit", "visit_id": "v3", "merchant": "m1"}"#) }
        #expect(try lab.denials()["withdrawn"] == 2)
        #expect(try lab.store.outcomes(protocolID: "visits").isEmpty)
    }

    @Test("a paused trial refuses every host call until resumed")
    func pausedTrial() throws {
        let lab = try LabWithCPlugin()
        let runner = try lab.start()
        try lab.store.setTrialState("visits", to: .paused, actor: "c")
        #expect(throws: LabError.self) { try runner.call("m2", request: #"{"action": "whoami"}"#) }
        #expect(try lab.denials()["notActive"] == 1)
        try lab.store.setTrialState("visits", to: .running, actor: "c")
        #expect(try runner.call("m2", request: #"{"action": "whoami"}"#).contains("bonjour"))
    }

    @Test("a binary changed after registration is refused until registered again")
    func tamperedBinary() throws {
        let lab = try LabWithCPlugin()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: lab.library))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let error = #expect(throws: LabError.self) { try TrialRunner(store: lab.store, protocolID: "visits") }
        #expect(error?.message.contains("register it again") == true, "\(error?.message ?? "")")
    }

    @Test("the same rules hold when the plugin runs isolated in a worker process")
    func isolatedWorker() throws {
        let lab = try LabWithCPlugin(isolation: "isolated")
        let runner = try lab.start()
        #expect(runner.plugin is IsolatedPluginInstance)
        #expect(try runner.call("m1", request: #"{"action": "visit", "visit_id": "w1"}"#).contains("\"visits\": 1"))
        #expect(throws: LabError.self) { try runner.call("m3", request: #"{"action": "whoami"}"#) }
        #expect(try lab.store.outcomes(protocolID: "visits").map(\.idempotencyKey) == ["w1"])
    }
}
