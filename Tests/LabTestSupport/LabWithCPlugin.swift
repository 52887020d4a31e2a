import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// The C visit counter registered in a lab on SQLite, called through the store-backed host: the consent gate as a
/// plugin meets it in a real lab (invariant 7).
public struct LabWithCPlugin {
    /// Removed with everything in it when the fixture goes away.
    public let temporary: TemporaryFolder
    public var folder: URL { temporary.url }
    public let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    public let store: any LabStore
    public let library: String

    public static let pluginID = "org.livinglab.example.visitcounter"

    public init(isolation: String = "in-process") throws {
        let temporary = try TemporaryFolder("c-plugin")
        self.temporary = temporary
        library = try TestSupport.compileC(file: TestSupport.repositoryRoot.appendingPathComponent("Examples/CPlugin/visit_counter.c").path,
                                           named: "VisitCounter", in: temporary.url)
        store = try SQLiteLabStore(path: temporary.path("lab.sqlite"), clock: clock)
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

    public static func definition(id: String, plugin: String) throws(LabError) -> ExperimentProtocol {
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

    public func start() throws -> TrialRunner {
        let runner = try TrialRunner(store: store, protocolID: "visits")
        try store.setTrialState("visits", to: .running, actor: "c")
        return runner
    }

    public func denials() throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try store.hostDenialCounts(pluginID: Self.pluginID).map { ($0.reason, $0.count) })
    }
}
