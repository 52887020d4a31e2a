import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// A small lab with planted outcomes: 12 bakeries on two segments, one withdraws before assignment, the rest split
/// by hand into control and treatment; weekly orders rise by `effect` for treated shops in trial weeks, and no-shows
/// rise by 3 (a harmed guardrail).
public struct ReportLab {
    /// Removed with everything in it when the fixture goes away.
    public let temporary: TemporaryFolder
    public var folder: URL { temporary.url }
    public let clock: ManualClock
    public let store: any LabStore
    public static let protocolID = "cc-test"
    /// The planted effect on weekly orders.
    public static let effect = 10.0
    public static let merchantIDs = (1...12).map { String(format: "shop-%02d", $0) }
    public static let withdrawn = "shop-12"
    /// Baseline 2027-01-04 → 2027-02-28 (8 ISO weeks), trial 2027-03-01 → 2027-04-25 (8 weeks).
    public static let baselineWeeks = 8, trialWeeks = 8

    /// - Parameter recordedDesign: commit a blocked-by-segment draw whose spec and seed are recorded in the plan (as
    ///   `livinglab assign` does), instead of a hand-made split with no spec.
    /// - Parameter noShowsFromPluginOnly: record `no_shows` for treatment merchants only, as a plugin would.
    public init(baseline: Bool = true, shock: Bool = false, recordedDesign: Bool = false, noShowsFromPluginOnly: Bool = false) throws {
        let temporary = try TemporaryFolder("report")
        self.temporary = temporary
        clock = ManualClock(try CalendarDay("2026-12-01").startOfDay)
        store = try SQLiteLabStore(path: temporary.path("lab.sqlite"), clock: clock)
        try store.addFirm(Firm(id: "panier-malin", name: "Panier Malin"), actor: "coord")
        try store.addMerchants(Self.merchantIDs.enumerated().map { i, id in
            Merchant(id: id, name: "Boulangerie \(i + 1)", sector: "bakery", segment: i % 2 == 0 ? "Nord" : "Sud",
                     positionMetres: (i + 1) * 50, maturity: i % 4)
        }, actor: "coord")
        _ = try store.applyProtocol(try Self.definition(), reason: nil, actor: "coord")
        try store.approveProtocol(Self.protocolID, actor: "coord")
        try store.enroll(Self.merchantIDs, in: Self.protocolID, actor: "coord")
        for id in Self.merchantIDs {
            clock.advance(by: 3600)
            try store.giveConsent(merchantID: id, protocolID: Self.protocolID, language: "fr", channel: "cli", actor: id)
        }
        clock.advance(by: 86_400)
        try store.withdrawConsent(merchantID: Self.withdrawn, protocolID: Self.protocolID, channel: "cli", actor: Self.withdrawn)
        let assigned = Self.merchantIDs.filter { $0 != Self.withdrawn }
        var treatedIDs = Set(assigned.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
        if recordedDesign {
            let units = assigned.enumerated().map { i, id in
                ExperimentUnit(id: id, attributes: ["segment": .category(i % 2 == 0 ? "Nord" : "Sud"), "sector": .category("bakery"),
                                                    "maturity": .number(Double(i % 4)), "position": .number(Double((i + 1) * 50)),
                                                    "member": .category("false")])
            }
            let spec = DesignSpec.blocked(by: [BlockingFactor("segment")], arms: [Arm("control"), Arm("treatment")])
            let drawn = try LivingLabAnalysis.Assignment.draw(units: units, design: spec, seed: 11)
            treatedIDs = Set(zip(drawn.unitIDs, drawn.armIndex).filter { $0.1 == 1 }.map(\.0))
            let specJSON = try JSONValue.parse(String(decoding: try JSONEncoder().encode(spec), as: UTF8.self))
            try store.commitAssignments(
                AssignmentPlan(design: "blocked", seed: 11, parameters: .object(["spec": specJSON]), entries: assigned.map {
                    .init(merchantID: $0, arm: treatedIDs.contains($0) ? "treatment" : "control")
                }), protocolID: Self.protocolID, actor: "coord")
        } else {
            try store.commitAssignments(
                AssignmentPlan(design: "complete", seed: 7, entries: assigned.map {
                    .init(merchantID: $0, arm: treatedIDs.contains($0) ? "treatment" : "control")
                }), protocolID: Self.protocolID, actor: "coord")
        }
        if shock {
            try store.addShock(Shock(id: "tram", kind: "tram-works", segments: ["Nord"],
                                     period: DayRange(start: try CalendarDay("2027-03-15"), end: try CalendarDay("2027-03-28"))),
                               actor: "coord")
        }
        var submissions: [OutcomeSubmission] = []
        let firstMonday = try CalendarDay("2027-01-04")
        for (i, id) in assigned.enumerated() {
            let treated = treatedIDs.contains(id)
            let level = 30 + Double(i) * 4
            for week in 0..<(Self.baselineWeeks + Self.trialWeeks) where baseline || week >= Self.baselineWeeks {
                let post = week >= Self.baselineWeeks
                // A small deterministic wobble so that nothing is perfectly collinear.
                let noise = Double((i * 7 + week * 3) % 5) - 2
                let orders = level + noise + (treated && post ? Self.effect : 0)
                let noShows = 2 + Double((i + week) % 2) + (treated && post ? 3 : 0)
                let at = firstMonday.adding(days: week * 7 + 2).startOfDay.addingTimeInterval(12 * 3600)
                submissions.append(.init(protocolID: Self.protocolID, merchantID: id, metric: "orders", value: orders, at: at,
                                         source: "test", idempotencyKey: "\(id)-o-\(week)"))
                submissions.append(.init(protocolID: Self.protocolID, merchantID: id, metric: "revenue", value: orders * 12 + noise,
                                         at: at, source: "test", idempotencyKey: "\(id)-r-\(week)"))
                if treated || !noShowsFromPluginOnly {
                    submissions.append(.init(protocolID: Self.protocolID, merchantID: id, metric: "no_shows", value: noShows, at: at,
                                             source: "test", idempotencyKey: "\(id)-n-\(week)"))
                }
            }
        }
        // The outcomes are imported once the trial is over: the lab refuses outcomes dated in its future.
        clock.set(try CalendarDay("2027-04-26").endOfDay)
        let result = try store.recordOutcomes(submissions, actor: "import")
        precondition(result.stored == submissions.count, "the fixture's outcomes must all pass the consent gate")
    }

    public static func definition() throws(LabError) -> ExperimentProtocol {
        ExperimentProtocol(
            id: protocolID, title: "Click & collect", hypothesis: "More orders.",
            plugin: .init(id: "fr.livinglab.click-and-collect", versions: ">=1.0.0 <2.0.0"), firm: "panier-malin",
            eligibility: "sector in [bakery]",
            arms: [.init(name: "control", control: true), .init(name: "treatment")],
            design: .init(name: "complete", seed: 7),
            metrics: .init(primary: .init(name: "orders", unit: "count", direction: "increase"),
                           secondary: [.init(name: "revenue", unit: "EUR", direction: "increase")],
                           guardrails: [.init(name: "no_shows", unit: "count", direction: "decrease")]),
            schedule: .init(baseline: DayRange(start: try CalendarDay("2027-01-04"), end: try CalendarDay("2027-02-28")),
                            trial: DayRange(start: try CalendarDay("2027-03-01"), end: try CalendarDay("2027-04-25"))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement], dataCategories: ["orders"],
                           documents: ["fr": "Fiche d'information du test"]),
            onWithdrawal: .keep)
    }
}
