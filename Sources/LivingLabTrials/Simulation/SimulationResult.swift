import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// Where a running simulation stands, reported once per simulated week.
public struct SimulationProgress: Sendable, Hashable {
    /// The week just simulated (0-based, from the first baseline week).
    public var week: Int
    /// Weeks in the whole run.
    public var totalWeeks: Int
    /// `baseline`, `trial` or `follow-up`.
    public var phase: String
    /// The ISO week, for example `2027-W09`.
    public var label: String
    /// Orders placed through the plugin so far.
    public var orders: Int
    /// Declarations stored so far.
    public var declarations: Int

    /// One line for a terminal.
    public var line: String {
        "simulated \(label) (\(phase), week \(week + 1)/\(totalWeeks)): \(orders) orders through the plugin, \(declarations) declarations stored"
    }
}

/// What a simulated trial did, and the truth planted in it.
public struct SimulationResult: Codable, Sendable, Hashable {
    /// A merchant who withdrew during the trial.
    public struct Withdrawal: Codable, Sendable, Hashable {
        /// The merchant.
        public var merchantID: String
        /// Their arm.
        public var arm: String
        /// When the withdrawal took effect.
        public var at: Date
    }

    /// An arm and its merchants.
    public struct Arm: Codable, Sendable, Hashable {
        /// The arm's name.
        public var name: String
        /// Whether it is a control arm (no plugin).
        public var control: Bool
        /// Merchants assigned to it.
        public var merchants: Int
    }

    /// Plugin outcomes of one metric in one arm, as the plugin logged them.
    public struct PluginMetric: Codable, Sendable, Hashable {
        /// The arm.
        public var arm: String
        /// The metric (`orders`, `revenue`, `pickup_rate`, `no_shows`, `reminders_sent`).
        public var metric: String
        /// Its unit.
        public var unit: String
        /// Outcomes stored.
        public var count: Int
        /// Their sum.
        public var total: Double
        /// Their mean (for `pickup_rate`, the pick-up rate).
        public var mean: Double
    }

    /// The effect planted in the street, and what it means for the primary metric.
    public struct PlantedTruth: Codable, Sendable, Hashable {
        /// The relative lift of customers at maturity 2 (0.15 = +15%).
        public var relativeLift: Double
        /// The change of that lift per maturity level above 2.
        public var perMaturityLevel: Double
        /// The primary metric.
        public var metric: String
        /// The average effect on the primary metric per merchant and trial week, over the measured merchant-weeks of
        /// assigned merchants: more customers, less the sales lost to orders never collected.
        public var averageEffect: Double
        /// Merchant-weeks averaged over.
        public var merchantWeeks: Int
    }

    /// The protocol simulated.
    public var protocolID: String
    /// The plugin that served the treatment arm(s), `id@version`.
    public var plugin: String
    /// The simulation's seed.
    public var seed: UInt64
    /// Assigned merchants.
    public var merchants: Int
    /// The protocol's arms.
    public var arms: [Arm]
    /// Assigned merchants in a treatment arm.
    public var treatedMerchants: Int
    /// Baseline weeks (declarations only).
    public var baselineWeeks: Int
    /// Trial weeks (the plugin serves the treatment arm).
    public var trialWeeks: Int
    /// Follow-up weeks (the feature is off again).
    public var followUpWeeks: Int
    /// Customers who walked into the shops.
    public var customers: Int
    /// Orders the plugin accepted.
    public var ordersPlaced: Int
    /// Orders collected.
    public var ordersCollected: Int
    /// Orders never collected.
    public var noShows: Int
    /// Orders the plugin refused (slot full, too late…): those customers bought in the shop.
    public var ordersRefusedByPlugin: Int
    /// Plugin requests refused by the consent gate because the merchant had withdrawn.
    public var requestsRefusedAfterWithdrawal: Int
    /// Weekly declarations stored.
    public var declarationsStored: Int
    /// Weekly declarations the consent gate refused (merchants who withdrew).
    public var declarationsRefused: Int
    /// Merchants who withdrew during the trial.
    public var withdrawals: [Withdrawal]
    /// Plugin outcomes per arm and metric, from the store.
    public var pluginOutcomes: [PluginMetric]
    /// The planted truth.
    public var truth: PlantedTruth
}
