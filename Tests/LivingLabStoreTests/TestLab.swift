import Foundation
import LivingLabCore
import LivingLabStore

/// A lab on its own temporary SQLite file, with a manual clock, a firm, six merchants and an approved protocol.
struct TestLab {
    let folder: URL
    let clock: ManualClock
    let store: LabStore
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let protocolID = "cc"

    var path: String { folder.appendingPathComponent("lab.sqlite").path }

    init(approved: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("livinglab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        clock = ManualClock(Self.start)
        store = try LabStore(path: folder.appendingPathComponent("lab.sqlite").path, clock: clock)
        try store.addFirm(Firm(id: "panier-malin", name: "Panier Malin"), actor: "coord")
        try store.addFirm(Firm(id: "agenda-quartier", name: "Agenda Quartier"), actor: "coord")
        try store.addMerchants((1...6).map {
            Merchant(id: "m\($0)", name: "Boutique \($0) Dupont", sector: $0 <= 5 ? "bakery" : "florist", segment: $0 % 2 == 0 ? "Nord" : "Sud",
                     positionMetres: $0 * 100, maturity: $0 % 4, contact: "contact\($0)@example.fr")
        }, actor: "coord")
        _ = try store.applyProtocol(try Self.definition(), reason: nil, actor: "coord")
        if approved { try store.approveProtocol(Self.protocolID, actor: "coord") }
    }

    static func definition() throws(LabError) -> ExperimentProtocol {
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
    func tick(_ seconds: TimeInterval = 60) -> Date {
        clock.advance(by: seconds)
        return clock.now()
    }

    /// Enrolls and consents merchants, moving the clock a minute each time.
    func consent(_ merchants: [String], language: String = "fr") throws {
        try store.enroll(merchants, in: Self.protocolID, actor: "coord")
        for merchant in merchants {
            tick()
            try store.giveConsent(merchantID: merchant, protocolID: Self.protocolID, language: language, channel: "cli", actor: merchant)
        }
    }

    func outcome(_ merchant: String, at date: Date, key: String, value: Double = 1) -> OutcomeSubmission {
        OutcomeSubmission(protocolID: Self.protocolID, merchantID: merchant, metric: "orders", value: value, at: date,
                          source: "test", idempotencyKey: key)
    }

    /// Row counts of every table and the audit chain's length: equal snapshots mean nothing was stored.
    func snapshot() throws -> [String: Int] {
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
