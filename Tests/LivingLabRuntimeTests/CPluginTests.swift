import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// The plugin in plain C (Examples/CPlugin) loads and runs: the ABI does not need Swift.
@Suite struct CPluginTests {
    private func harness(_ host: InMemoryPluginHost) throws -> PluginTestHarness {
        try PluginTestHarness(library: TestSupport.visitCounter.get(), host: host)
    }

    private func consentedLab() -> InMemoryPluginHost {
        let lab = InMemoryPluginHost()
        lab.enroll("bakery", armConfiguration: #"{"greeting": "bonjour"}"#, fields: ["sector": "bakery"])
        lab.giveConsent("bakery")
        return lab
    }

    @Test func theCPluginLoadsWithItsManifestAndTheFileHash() throws {
        let path = try TestSupport.visitCounter.get()
        let binary = try PluginLoader.load(path: path)
        #expect(binary.manifest.id == "org.livinglab.example.visitcounter")
        #expect(binary.manifest.version == "1.0.0")
        #expect(binary.manifest.metrics == [.init(name: "visits", unit: "count", direction: .increase)])
        #expect(binary.abiVersion == PluginABI.currentVersion)
        let sha = try TestSupport.run("sha256sum", [path])
        #expect(sha.output.hasPrefix(binary.sha256 + " "))
    }

    @Test func theCPluginCountsVisitsInHostStorageAndLogsAnOutcome() throws {
        let lab = consentedLab()
        let plugin = try harness(lab)
        try plugin.activate("bakery")
        let first = try plugin.call("bakery", action: "visit", ["visit_id": "v1"])
        let second = try plugin.call("bakery", action: "visit", ["visit_id": "v2"])
        #expect(first["visits"] as? Int == 1)
        #expect(second["visits"] as? Int == 2)
        #expect(lab.storedValue("visits", merchantID: "bakery", plugin: plugin.binary.manifest.id) == "2")
        #expect(lab.outcomes.map(\.outcome.idempotencyKey) == ["v1", "v2"])
        #expect(lab.outcomes.allSatisfy { $0.outcome.metric == "visits" && $0.arm == "treatment" })
        #expect(lab.logLines.contains { $0.message == "counting visits for bakery (arm treatment)" })
    }

    @Test func anOutcomeLoggedTwiceWithOneKeyIsStoredOnce() throws {
        let lab = consentedLab()
        let plugin = try harness(lab)
        try plugin.activate("bakery")
        _ = try plugin.call("bakery", action: "visit", ["visit_id": "same"])
        _ = try plugin.call("bakery", action: "visit", ["visit_id": "same"])
        #expect(lab.outcomes.count == 1)
        #expect(lab.duplicateOutcomes == 1)
    }

    @Test func theCPluginReadsAllowedFieldsAndArmConfigurationThroughHostBuffers() throws {
        let lab = consentedLab()
        let plugin = try harness(lab)
        try plugin.activate("bakery")
        let answer = try plugin.call("bakery", action: "whoami")
        #expect(answer["fields"] as? [String: String] == ["sector": "bakery"])
        #expect((answer["configuration"] as? [String: Any])?["greeting"] as? String == "bonjour")
    }

    @Test func thePluginsOwnErrorsArriveAsCodesWithItsMessage() throws {
        let lab = consentedLab()
        let plugin = try harness(lab)
        try plugin.activate("bakery")
        let error = try #require(throws: PluginCallError.self) { try plugin.call("bakery", action: "dance") }
        #expect(error.code == .invalid)
        #expect(error.message.contains("unknown action"))
        let missing = try #require(throws: PluginCallError.self) { try plugin.call("bakery", action: "visit") }
        #expect(missing.code == .invalid)
        #expect(missing.message.contains("visit_id"))
    }

    @Test func theRuntimeRefusesRequestsForAMerchantThePluginIsNotActiveFor() throws {
        let lab = consentedLab()
        let plugin = try harness(lab)
        let error = try #require(throws: PluginCallError.self) {
            try plugin.call("bakery", action: "visit", ["visit_id": "v1"])
        }
        #expect(error.code == .notActive)
        #expect(error.message.contains("not active for merchant bakery"))
        #expect(lab.outcomes.isEmpty)
        try plugin.activate("bakery")
        try plugin.instance.deactivate(merchantID: "bakery")
        #expect(plugin.instance.activeMerchants.isEmpty)
        #expect(throws: PluginCallError.self) { try plugin.call("bakery", action: "visit", ["visit_id": "v2"]) }
    }
}
