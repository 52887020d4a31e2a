import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore
import Logging

/// Runs a protocol's trial on simulated time through the real runtime and the real plugin, with customers drawn from a
/// seeded ``StreetModel`` that holds a planted effect.
///
/// The lab must be ready as for a live trial: the protocol approved, its merchants enrolled and consenting, its plugin
/// registered, and the store on a ``ManualClock`` set before the baseline. The simulation assigns arms if they are not
/// assigned yet, runs the baseline weeks (declarations only), starts the trial, sends the treatment merchants'
/// customers' orders to the plugin (catalogue, `listSlots`, `placeOrder`, `markReady`, `collect` or `markNoShow`), has
/// every merchant declare its weekly figures, makes a few merchants withdraw half-way, runs the follow-up weeks and
/// stops the trial. Everything reaches the store through the consent gate, exactly as in a live lab, and the same seed
/// gives the same outcomes.
public struct StreetSimulation: Sendable {
    /// What to simulate.
    public struct Configuration: Sendable {
        /// The protocol whose trial runs.
        public var protocolID: String
        /// The seed of every random draw (the street, the customers, who withdraws).
        public var seed: UInt64 = 1
        /// The street's demand: level, spread, noise, seasons, and the planted effect (`effect.kind`, `effect.size`,
        /// `effect.perMaturityLevel`). Merchants, weeks, the effect's start week and the shock come from the lab.
        public var street = StreetModel.Configuration()
        /// The stored shock the street lives through (its segments and days), if any.
        public var shockID: String?
        /// The share of customers a shock keeps away.
        public var shockDepth = 0.3
        /// How many merchants withdraw half-way through the trial (alternately from a treatment arm and a control arm).
        public var withdrawals = 2
        /// The chance that an online order is never collected.
        public var noShowRate = 0.12
        /// The same in arms whose configuration has `reminders: true`.
        public var noShowRateWithReminders = 0.05
        /// The weekly declaration of sales, all channels (a count): the protocol's primary metric.
        public var salesMetric = "weekly_sales"
        /// The weekly declaration of revenue, all channels, in EUR.
        public var revenueMetric = "weekly_revenue"
        /// Who the simulator acts as in the audit log.
        public var actor = "simulator"

        /// A simulation of `protocolID` with the default street (+15% customers at maturity 2, +2 points per level).
        public init(protocolID: String, seed: UInt64 = 1) {
            self.protocolID = protocolID
            self.seed = seed
            street.effect = StreetModel.PlantedEffect(kind: .multiplicative, size: 0.15, perMaturityLevel: 0.02, startWeek: 0)
        }
    }

    /// The lab the trial runs in.
    public let store: any LabStore
    /// What to simulate.
    public let configuration: Configuration
    let clock: ManualClock
    let logger: Logger

    /// A simulation of the trial in `store`, which must run on a ``ManualClock``.
    ///
    /// - Parameter logger: receives the plugin's log lines; by default only warnings and errors, since a simulated
    ///   trial activates and calls the plugin thousands of times.
    public init(store: any LabStore, configuration: Configuration, logger: Logger? = nil) throws(LabError) {
        guard let clock = store.clock as? ManualClock else {
            throw LabError.invalid("The street simulator moves time itself: open the lab with a ManualClock set before the baseline (SQLiteLabStore(path:clock:)).")
        }
        guard (0...1).contains(configuration.noShowRate), (0...1).contains(configuration.noShowRateWithReminders),
              (0...1).contains(configuration.shockDepth), configuration.withdrawals >= 0
        else {
            throw LabError.invalid("No-show rates and the shock's depth are shares between 0 and 1, and withdrawals a count of 0 or more.")
        }
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger ?? {
            var quiet = Logger(label: "livinglab.simulation")
            quiet.logLevel = .warning
            return quiet
        }()
    }

    /// Runs the whole trial, calling `progress` after each simulated week.
    public func run(progress: (SimulationProgress) -> Void = { _ in }) throws(LabError) -> SimulationResult {
        var run = try SimulationRun(simulation: self)
        return try run.execute(progress: progress)
    }
}
