import Foundation
import LabTestSupport
import LivingLabTrials
import LivingLabCore
import LivingLabRuntime
import LivingLabStore
import Testing

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
        #expect(try lab.denials() == ["control-arm": 2, "not-consented": 1, "other-trial": 1])
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
        #expect(try lab.denials()["not-active"] == 1)
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
