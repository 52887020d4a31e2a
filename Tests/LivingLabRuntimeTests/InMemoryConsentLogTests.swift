import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// The in-memory lab reads consent as an append-only log.
@Suite struct InMemoryConsentLogTests {
    @Test func aWithdrawalRecordedAtTheSameInstantAsTheConsentWinsAndIsFinalAsInALab() {
        let lab = InMemoryPluginHost()
        lab.enroll("m1")
        lab.giveConsent("m1")
        lab.withdrawConsent("m1")
        #expect(lab.denialReason(for: "m1")?.code == .withdrawn)
        // A lab refuses to bring back a merchant who withdrew from a trial; the test kit answers the same.
        lab.giveConsent("m1")
        #expect(lab.denialReason(for: "m1")?.code == .withdrawn)
    }

    @Test func consentCountsFromItsEffectiveTimeNotFromWhenItWasRecorded() {
        let lab = InMemoryPluginHost()
        lab.enroll("m1")
        let start = lab.now()
        lab.giveConsent("m1", at: start + 3600)
        #expect(lab.denialReason(for: "m1")?.code == .notConsented)
        lab.advance(by: 3600)
        #expect(lab.denialReason(for: "m1") == nil)
        #expect(lab.denialReason(for: "m1", at: start)?.code == .notConsented)
    }

    @Test func pluginWideStorageNeedsNoMerchantConsent() throws {
        let lab = InMemoryPluginHost()
        let plugin = PluginIdentity(id: "p", version: "1.0.0", firm: "f")
        try lab.storageSet("k", value: "1", merchantID: nil, for: plugin).get()
        #expect(try lab.storageGet("k", merchantID: nil, for: plugin).get() == "1")
        #expect(throws: HostDenial.self) { try lab.storageSet("k", value: "1", merchantID: "stranger", for: plugin).get() }
        #expect(lab.denialCount(.notEnrolled) == 1)
    }
}
