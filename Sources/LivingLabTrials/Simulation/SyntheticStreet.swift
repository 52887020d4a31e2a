import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// A synthetic shopping street set up as a lab, ready for ``StreetSimulation``: merchants drawn from a seeded
/// ``StreetModel`` (sectors, segments, maturity), tram works on two segments during the trial, a click & collect
/// protocol measured by the merchants' weekly declarations, every merchant enrolled and consenting, and the plugin
/// registered.
public struct SyntheticStreet: Sendable {
    /// The street to build.
    public struct Configuration: Sendable {
        /// Number of merchants.
        public var merchants = 40
        /// Baseline weeks.
        public var baselineWeeks = 8
        /// Trial weeks.
        public var trialWeeks = 12
        /// Follow-up weeks (0 for none).
        public var followUpWeeks = 2
        /// The Monday the baseline starts.
        public var firstMonday = "2027-01-04"
        /// The seed of the street and of the assignment.
        public var seed: UInt64 = 1
        /// What happens to a merchant's data when they withdraw.
        public var onWithdrawal = WithdrawalPolicy.keep
        /// Whether the treatment arm reminds customers before their slot.
        public var reminders = true

        /// The default street: 40 merchants, 8 baseline, 12 trial and 2 follow-up weeks from 2027-01-04.
        public init() {}
    }

    /// The protocol the street runs.
    public static let protocolID = "street-click-collect"
    /// The tram works' shock id.
    public static let shockID = "tram-works"
    /// The three street segments, north to south.
    public static let segments = ["Nord", "Centre", "Sud"]
    /// The two segments the tram works hit.
    public static let shockedSegments = ["Nord", "Centre"]
    /// The sectors of a food street.
    public static let sectors = ["bakery", "butcher", "cheese", "grocery", "wine", "florist"]

    /// What was built.
    public let configuration: Configuration
    /// The protocol, as stored.
    public let definition: ExperimentProtocol

    /// Builds the street in an empty `store` and registers the click & collect plugin from `pluginPath`.
    ///
    /// Consents are given at the store's current time, which must be before the first Monday.
    public init(in store: any LabStore, pluginPath: String, configuration: Configuration = Configuration(),
                actor: String = "coord-sim") throws(LabError)
    {
        let c = configuration
        guard c.merchants >= 4, c.baselineWeeks >= 1, c.trialWeeks >= 2, c.followUpWeeks >= 0 else {
            throw LabError.invalid("A synthetic street needs at least 4 merchants, 1 baseline week and 2 trial weeks.")
        }
        let monday = try CalendarDay(c.firstMonday)
        guard store.now() < monday.startOfDay else {
            throw LabError.invalid("The lab's clock must be before the street's first Monday (\(monday)): merchants consent before the baseline.")
        }
        self.configuration = c
        var street = StreetModel.Configuration()
        street.merchants = c.merchants
        street.weeks = 1
        street.sectors = Self.sectors
        street.segments = Self.segments
        let model: StreetModel
        do {
            model = try StreetModel(configuration: street, seed: c.seed)
        } catch {
            throw LabError.invalid("The street cannot be drawn: \(error)")
        }
        try store.setLab(Lab(id: "synthetic-street", name: "Synthetic street (seed \(c.seed))", area: "a simulated shopping street",
                             coordinators: [.init(id: actor, name: "Simulation coordinator")],
                             segments: Self.segments.enumerated().map { .init(name: $1, from: $0 * 800, to: ($0 + 1) * 800) }),
                         actor: actor)
        try store.addFirm(Firm(id: "panier-malin", name: "Panier Malin"), actor: actor)
        let merchants = model.merchants.enumerated().map { index, m in
            Merchant(id: m.id, name: "Shop \(m.id) (\(m.sector))", sector: m.sector, segment: m.segment,
                     positionMetres: (Self.segments.firstIndex(of: m.segment) ?? 0) * 800 + (index * 37) % 800,
                     maturity: m.maturity)
        }
        try store.addMerchants(merchants, actor: actor)
        let trialStart = monday.adding(days: 7 * c.baselineWeeks)
        let trialEnd = trialStart.adding(days: 7 * c.trialWeeks - 1)
        // The tram works start in the trial's second week and last half of it: a shock the naive comparison would
        // mistake for (or hide) an effect, which is why the design blocks by segment.
        let shockStart = trialStart.adding(days: 7)
        try store.addShock(Shock(id: Self.shockID, kind: "tram-works", segments: Self.shockedSegments,
                                 period: DayRange(start: shockStart, end: shockStart.adding(days: 7 * max(1, c.trialWeeks / 2) - 1)),
                                 description: "Tram works: one lane, pavements partly closed."), actor: actor)
        definition = ExperimentProtocol(
            id: Self.protocolID, title: "Click & collect on a synthetic street",
            hypothesis: "Offering click & collect raises a shop's weekly sales (all channels), including where tram works keep passers-by away.",
            plugin: .init(id: "fr.livinglab.click-and-collect", versions: ">=1.0.0 <2.0.0"), firm: "panier-malin",
            eligibility: "",
            arms: [.init(name: "control", control: true),
                   .init(name: "treatment", configuration: ["slotMinutes": 30, "slotCapacity": 4, "reminders": .bool(c.reminders)])],
            design: .init(name: "blocked", seed: c.seed, blockBy: ["segment"]),
            metrics: .init(primary: .init(name: "weekly_sales", unit: "count", direction: "increase"),
                           secondary: [.init(name: "weekly_revenue", unit: "EUR", direction: "increase"),
                                       .init(name: "pickup_rate", unit: "ratio", direction: "increase")],
                           guardrails: [.init(name: "no_shows", unit: "count", direction: "decrease")]),
            schedule: .init(baseline: DayRange(start: monday, end: trialStart.adding(days: -1)),
                            trial: DayRange(start: trialStart, end: trialEnd),
                            followUp: c.followUpWeeks == 0 ? nil
                                : DayRange(start: trialEnd.adding(days: 1), end: trialEnd.adding(days: 7 * c.followUpWeeks))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData],
                           dataCategories: ["merchant-profile", "orders", "revenue"],
                           documents: ["fr": "Essai click & collect (simulation) : vous déclarez chaque semaine vos ventes et votre chiffre d'affaires.",
                                       "en": "Click & collect trial (simulation): you declare your sales and revenue every week."]),
            onWithdrawal: c.onWithdrawal)
        _ = try store.applyProtocol(definition, reason: nil, actor: actor)
        try store.approveProtocol(Self.protocolID, actor: actor)
        try store.enroll(merchants.map(\.id), in: Self.protocolID, actor: actor)
        for merchant in merchants {
            try store.giveConsent(merchantID: merchant.id, protocolID: Self.protocolID, language: "fr", channel: "cli",
                                  actor: merchant.id)
        }
        try PluginShelf.register(pluginPath, in: store, actor: actor)
    }
}
