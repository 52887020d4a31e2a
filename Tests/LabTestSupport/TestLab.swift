import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// A lab on its own temporary SQLite file, with a manual clock, a firm, six merchants and an approved protocol.
public struct TestLab {
    /// Removed with everything in it when the fixture goes away.
    public let temporary: TemporaryFolder
    public var folder: URL { temporary.url }
    public let clock: ManualClock
    public let store: any LabStore
    public static let start = Date(timeIntervalSince1970: 1_800_000_000)
    public static let protocolID = "cc"

    public var path: String { temporary.path("lab.sqlite") }

    public let kind: StoreKind

    public init(kind: StoreKind = .sqlite, approved: Bool = true) throws {
        self.kind = kind
        let temporary = try TemporaryFolder("store")
        self.temporary = temporary
        clock = ManualClock(Self.start)
        store = try kind.open(in: temporary, clock: clock)
        try store.addFirm(Firm(id: "panier-malin", name: "Panier Malin"), actor: "coord")
        try store.addFirm(Firm(id: "agenda-quartier", name: "Agenda Quartier"), actor: "coord")
        try store.addMerchants((1...6).map {
            Merchant(id: "m\($0)", name: "Boutique \($0) Dupont", sector: $0 <= 5 ? "bakery" : "florist", segment: $0 % 2 == 0 ? "Nord" : "Sud",
                     positionMetres: $0 * 100, maturity: $0 % 4, contact: "contact\($0)@example.fr")
        }, actor: "coord")
        _ = try store.applyProtocol(try Self.definition(), reason: nil, actor: "coord")
        if approved { try store.approveProtocol(Self.protocolID, actor: "coord") }
    }

    public static func definition() throws(LabError) -> ExperimentProtocol {
        ExperimentProtocol(
            id: protocolID, title: "Click & collect", hypothesis: "More orders.",
            plugin: .init(id: "fr.livinglab.click-and-collect", versions: ">=1.0.0 <2.0.0"), firm: "panier-malin",
            eligibility: "sector in [bakery]",
            arms: [.init(name: "control", control: true), .init(name: "treatment", configuration: ["slotMinutes": 30])],
            design: .init(name: "complete", seed: 7),
            metrics: .init(primary: .init(name: "orders", unit: "count", direction: "increase")),
            schedule: .init(baseline: DayRange(start: try CalendarDay("2027-01-04"), end: try CalendarDay("2027-02-28")),
                            trial: DayRange(start: try CalendarDay("2027-03-01"), end: try CalendarDay("2027-05-23"))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData],
                           dataCategories: ["orders"], documents: ["fr": "Fiche d'information du test", "en": "Information sheet"]),
            onWithdrawal: .anonymise)
    }

    /// Moves the clock on by `seconds` and returns the new time.
    @discardableResult
    public func tick(_ seconds: TimeInterval = 60) -> Date {
        clock.advance(by: seconds)
        return clock.now()
    }

    /// Enrolls and consents merchants, moving the clock a minute each time.
    public func consent(_ merchants: [String], language: String = "fr") throws {
        try store.enroll(merchants, in: Self.protocolID, actor: "coord")
        for merchant in merchants {
            tick()
            try store.giveConsent(merchantID: merchant, protocolID: Self.protocolID, language: language, channel: "cli", actor: merchant)
        }
    }

    /// A second store on the same database: another process of the lab.
    public func reopen() throws -> any LabStore { try kind.reopen(in: temporary, clock: clock) }

    /// Runs SQL behind the store's back, as someone holding the database would.
    public func rawExecute(_ sql: String) throws { try kind.rawExecute(in: temporary, sql) }

    /// Reads text rows behind the store's back.
    public func rawStrings(_ sql: String) throws -> [String] { try kind.rawStrings(in: temporary, sql) }

    public func outcome(_ merchant: String, at date: Date, key: String, value: Double = 1) -> OutcomeSubmission {
        OutcomeSubmission(protocolID: Self.protocolID, merchantID: merchant, metric: "orders", value: value, at: date,
                          source: "test", idempotencyKey: key)
    }

    /// Row counts of every table and the audit chain's length: equal snapshots mean nothing was stored.
    public func snapshot() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        counts["merchants"] = try store.merchants().count
        counts["sponsors"] = try store.sponsors().count
        counts["audit"] = try store.auditEntries().count
        counts["consents"] = try store.consentEvents().count
        counts["outcomes"] = try store.outcomeCount()
        counts["enrollments"] = try store.enrollments(in: Self.protocolID).count
        counts["versions"] = try store.storedProtocol(Self.protocolID).versions.count
        counts["cohorts"] = try store.cohortNames().count
        counts["rejections"] = try store.rejectionCounts().reduce(0) { $0 + $1.count }
        return counts
    }
}
