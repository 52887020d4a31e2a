import Foundation
import LabTestSupport
import LivingLabTrials
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// The consent gate seen from inside a plugin: a denial reaches the plugin as its code, and the lab counts it.
@Suite struct ConsentGateTests {
    private func lab() -> InMemoryPluginHost {
        let lab = InMemoryPluginHost()
        lab.enroll("served", fields: ["sector": "bakery"])
        lab.giveConsent("served")
        return lab
    }

    private func plugin(_ lab: InMemoryPluginHost) throws -> PluginTestHarness {
        let plugin = try PluginTestHarness(library: TestSupport.visitCounter.get(), host: lab)
        try plugin.activate("served")
        return plugin
    }

    /// Asks the plugin to log a visit about `merchantID` and returns the denial the plugin passed back.
    private func denial(visiting merchantID: String, through plugin: PluginTestHarness) throws -> PluginCallError {
        try #require(throws: PluginCallError.self) {
            try plugin.call("served", action: "visit", ["visit_id": UUID().uuidString, "merchant": merchantID])
        }
    }

    @Test func aMerchantWhoNeverConsentedIsDeniedAsNotConsented() throws {
        let lab = lab()
        lab.enroll("shy")
        let plugin = try plugin(lab)
        let error = try denial(visiting: "shy", through: plugin)
        #expect(error.code == .denied)
        #expect(error.denial == .notConsented)
        #expect(lab.denialCount(.notConsented) == 1)
        #expect(lab.outcomes.isEmpty)
    }

    @Test func aMerchantWhoWithdrewMidTrialIsDeniedFromTheWithdrawalOn() throws {
        let lab = lab()
        let plugin = try plugin(lab)
        _ = try plugin.call("served", action: "visit", ["visit_id": "before"])
        lab.advance(by: 3600)
        lab.withdrawConsent("served")
        lab.advance(by: 60)
        let error = try #require(throws: PluginCallError.self) {
            try plugin.call("served", action: "visit", ["visit_id": "after"])
        }
        #expect(error.denial == .withdrawn)
        #expect(lab.denialCount(.withdrawn) == 1)
        #expect(lab.outcomes.map(\.outcome.idempotencyKey) == ["before"])
    }

    @Test func anOutcomeBackdatedBeforeConsentIsDenied() throws {
        let lab = lab()
        lab.enroll("late")
        lab.giveConsent("late", at: lab.now())
        let plugin = try plugin(lab)
        try plugin.activate("late")
        let outcome = PluginOutcome(
            merchantID: "late", metric: "visits", value: 1, unit: "count", at: lab.now() - 86_400, idempotencyKey: "old")
        let result = lab.logOutcome(outcome, from: plugin.binary.identity)
        #expect(throws: HostDenial.self) { try result.get() }
        #expect(lab.denialCount(.notConsented) == 1)
    }

    @Test func aMerchantInTheControlArmIsInvisibleToThePlugin() throws {
        let lab = lab()
        lab.enroll("control-shop", arm: "control", control: true)
        lab.giveConsent("control-shop")
        let plugin = try plugin(lab)
        let error = try denial(visiting: "control-shop", through: plugin)
        #expect(error.denial == .controlArm)
        #expect(lab.denialCount(.controlArm) == 1)
        let fields = try #require(throws: PluginCallError.self) {
            try plugin.call("served", action: "whoami", ["merchant": "control-shop"])
        }
        #expect(fields.denial == .controlArm)
        #expect(lab.denialCount(.controlArm) == 2)
    }

    @Test func aMerchantInAnotherTrialIsDeniedAsOtherTrial() throws {
        let lab = lab()
        lab.enroll("elsewhere", trial: "another-trial")
        lab.giveConsent("elsewhere")
        let plugin = try plugin(lab)
        let error = try denial(visiting: "elsewhere", through: plugin)
        #expect(error.denial == .otherTrial)
        #expect(lab.denialCount(.otherTrial) == 1)
    }

    @Test func aMerchantEnrolledNowhereIsDeniedAsNotEnrolled() throws {
        let lab = lab()
        lab.addUnenrolledMerchant("passer-by")
        let plugin = try plugin(lab)
        #expect(try denial(visiting: "passer-by", through: plugin).denial == .notEnrolled)
        #expect(try denial(visiting: "unknown", through: plugin).denial == .notEnrolled)
        #expect(lab.denialCount(.notEnrolled) == 2)
        #expect(lab.denials.allSatisfy { $0.call == "storageGet" && $0.plugin.id == plugin.binary.manifest.id })
    }

    @Test func theTestKitRefusesToActivateAMerchantTheLabWouldNot() throws {
        let lab = lab()
        lab.enroll("control-shop", arm: "control", control: true)
        lab.giveConsent("control-shop")
        let plugin = try plugin(lab)
        let error = try #require(throws: PluginCallError.self) { try plugin.activate("control-shop") }
        #expect(error.denial == .controlArm)
        #expect(plugin.instance.activeMerchants == ["served"])
    }

    @Test func withdrawingThroughTheHarnessDeactivatesThePluginAtOnce() throws {
        let lab = lab()
        let plugin = try plugin(lab)
        try plugin.withdraw("served")
        #expect(plugin.instance.activeMerchants.isEmpty)
        let error = try #require(throws: PluginCallError.self) {
            try plugin.call("served", action: "visit", ["visit_id": "late"])
        }
        #expect(error.code == .notActive)
    }
}
