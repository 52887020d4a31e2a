import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// One table of placement scenarios, run against the lab's plugin host on a real SQLite store and against the test
/// kit's in-memory host: both ask the one `PlacementRule`, so a plugin that passes its own tests is treated the same in
/// a lab. Each scenario gives one reason, spelled once (`DenialReason`).
@Suite("One placement rule: the lab's host and the test kit's host give the same answers")
struct PlacementScenarioTests {
    enum Scenario: String, CaseIterable, CustomStringConvertible {
        case allowed, notConsented, withdrew, expired, materialAmendmentNotRenewed, controlArm, otherTrial, paused,
             wrongDataCategory, exactWithdrawalBoundary

        var description: String { rawValue }

        /// The merchant asked about, and the answer both hosts must give (`nil`: allowed).
        var merchant: String { self == .notConsented ? "m5" : self == .controlArm ? "m3" : self == .otherTrial ? "m6" : "m1" }
        var expected: DenialReason? {
            switch self {
            case .allowed: nil
            case .notConsented: .notConsented
            case .withdrew, .exactWithdrawalBoundary: .withdrawn
            case .expired: .expired
            case .materialAmendmentNotRenewed: .versionNotCovered
            case .controlArm: .controlArm
            case .otherTrial: .otherTrial
            case .paused: .notActive
            case .wrongDataCategory: .categoryNotAllowed
            }
        }
    }

    static let plugin = PluginIdentity(id: "fr.livinglab.click-and-collect", version: "1.0.0", firm: "panier-malin")

    /// The host call each scenario makes: reading the merchant's fields needs a data category, the arm's configuration
    /// does not.
    static func ask(_ host: any PluginHostServices, _ scenario: Scenario) -> HostDenial.Code? {
        let result: Result<Void, HostDenial> = scenario == .wrongDataCategory
            ? host.merchantFields(scenario.merchant, for: plugin).map { _ in }
            : host.armConfiguration(scenario.merchant, for: plugin).map { _ in }
        if case .failure(let denial) = result { return denial.code }
        return nil
    }

    /// The lab: m1, m2, m4 in treatment, m3 in control, m5 invited only, m6 active in another plugin's trial.
    static func lab(_ scenario: Scenario) throws -> (TestLab, LabPluginHost) {
        let lab = try TestLab(kind: .sqlite)
        var other = try TestLab.definition()
        other.id = "booking"
        other.plugin = .init(id: "fr.example.booking", versions: ">=1.0.0")
        other.eligibility = ""
        _ = try lab.store.applyProtocol(other, reason: nil, actor: "coord")
        try lab.store.approveProtocol("booking", actor: "coord")
        try lab.consent(["m1", "m2", "m3", "m4"])
        try lab.store.enroll(["m5"], in: TestLab.protocolID, actor: "coord")
        try lab.store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: [
            .init(merchantID: "m1", arm: "treatment"), .init(merchantID: "m2", arm: "treatment"),
            .init(merchantID: "m3", arm: "control"), .init(merchantID: "m4", arm: "treatment"),
        ]), protocolID: TestLab.protocolID, actor: "coord")
        try lab.store.setTrialState(TestLab.protocolID, to: .running, actor: "coord")
        try lab.store.enroll(["m6"], in: "booking", actor: "coord")
        try lab.store.giveConsent(merchantID: "m6", protocolID: "booking", language: "fr", channel: "test", actor: "m6")
        try lab.store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: [.init(merchantID: "m6", arm: "treatment")]),
                                        protocolID: "booking", actor: "coord")
        try lab.store.setTrialState("booking", to: .running, actor: "coord")
        lab.tick()
        switch scenario {
        case .withdrew:
            try lab.store.withdrawConsent(merchantID: "m1", protocolID: TestLab.protocolID, channel: "test", actor: "m1")
            lab.tick()
        case .exactWithdrawalBoundary:
            // The call comes at the very millisecond of the withdrawal.
            try lab.store.withdrawConsent(merchantID: "m1", protocolID: TestLab.protocolID, channel: "test", actor: "m1")
        case .expired:
            try lab.store.expireConsent(merchantID: "m1", protocolID: TestLab.protocolID, actor: "system")
            lab.tick()
        case .materialAmendmentNotRenewed:
            var amended = try TestLab.definition()
            amended.consent.dataCategories.append("revenue")
            _ = try lab.store.applyProtocol(amended, reason: "Also measure revenue", actor: "coord")
            try lab.store.approveProtocol(TestLab.protocolID, actor: "coord")
            lab.tick()
        case .paused:
            try lab.store.setTrialState(TestLab.protocolID, to: .paused, actor: "coord")
            lab.tick()
        case .allowed, .notConsented, .controlArm, .otherTrial, .wrongDataCategory:
            break
        }
        return (lab, LabPluginHost(store: lab.store))
    }

    /// The same lab in memory.
    static func memory(_ scenario: Scenario) -> InMemoryPluginHost {
        let host = InMemoryPluginHost(trial: TestLab.protocolID, now: TestLab.start, dataCategories: ["orders"])
        for id in ["m1", "m2", "m4"] { host.enroll(id, arm: "treatment") }
        host.enroll("m3", arm: "control", control: true)
        host.enroll("m5")
        host.enroll("m6", trial: "booking")
        for id in ["m1", "m2", "m3", "m4", "m6"] { host.giveConsent(id) }
        host.advance(by: 60)
        switch scenario {
        case .withdrew:
            host.withdrawConsent("m1")
            host.advance(by: 60)
        case .exactWithdrawalBoundary:
            host.withdrawConsent("m1")
        case .expired:
            host.expireConsent("m1")
            host.advance(by: 60)
        case .materialAmendmentNotRenewed:
            host.amendProtocol(material: true)
            host.advance(by: 60)
        case .paused:
            host.setTrialState(.paused)
        case .allowed, .notConsented, .controlArm, .otherTrial, .wrongDataCategory:
            break
        }
        return host
    }

    @Test("both hosts give the scenario's one answer", arguments: Scenario.allCases)
    func bothHostsAgree(scenario: Scenario) throws {
        let (lab, labHost) = try Self.lab(scenario)
        let memoryHost = Self.memory(scenario)
        let expected = scenario.expected.map(HostDenial.Code.init)
        #expect(Self.ask(labHost, scenario) == expected, "the lab's host, \(scenario)")
        #expect(Self.ask(memoryHost, scenario) == expected, "the in-memory host, \(scenario)")
        if let reason = scenario.expected {
            // Counted under the one spelling in both.
            #expect(try lab.store.hostDenialCounts(pluginID: Self.plugin.id).map(\.reason) == [reason.rawValue])
            #expect(memoryHost.denialCount(HostDenial.Code(reason)) == 1)
        }
    }

    @Test("a renewed consent after a material amendment lets both hosts serve the merchant again")
    func renewalRestoresService() throws {
        let (lab, labHost) = try Self.lab(.materialAmendmentNotRenewed)
        try lab.store.giveConsent(merchantID: "m1", protocolID: TestLab.protocolID, language: "fr", channel: "test", actor: "m1")
        lab.tick()
        let memoryHost = Self.memory(.materialAmendmentNotRenewed)
        memoryHost.giveConsent("m1")
        memoryHost.advance(by: 60)
        #expect(Self.ask(labHost, .allowed) == nil)
        #expect(Self.ask(memoryHost, .allowed) == nil)
    }
}
