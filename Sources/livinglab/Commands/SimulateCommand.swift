import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials
import LivingLabStore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a click & collect trial on a synthetic street with a planted effect, through the real plugin.",
        discussion: """
            Builds a synthetic street in a fresh lab database (merchants with sectors, segments and digital maturity,
            tram works on two segments during the trial), a protocol that trials the ClickAndCollect plugin (registered
            from the folder of this executable: run `swift build` first), and runs it on a simulated clock: baseline
            weeks, the trial (customers order through the plugin), two withdrawals half-way, follow-up weeks. Every
            merchant declares its weekly sales and revenue; weekly sales are the primary metric. It ends with the
            estimated effect, its interval, and the planted truth.

            Examples:
              livinglab simulate
              livinglab simulate --merchants 20 --weeks-trial 8 --effect 0.25 --seed 7 --format json
            """)

    @Option(help: "Merchants on the street.") var merchants: Int = 40
    @Option(help: "Baseline weeks (declarations only).") var weeksBaseline: Int = 8
    @Option(help: "Trial weeks.") var weeksTrial: Int = 12
    @Option(help: "Follow-up weeks after the trial.") var weeksFollowUp: Int = 2
    @Option(help: "The planted effect: relative lift of customers for a treated shop at maturity 2 (0.15 = +15%).")
    var effect: Double = 0.15
    @Option(help: "The seed of the street, the assignment and the customers.") var seed: UInt64 = 2027
    @Option(help: "Where to build the simulated lab (replaced if it exists).") var db: String = "livinglab-simulation.sqlite"
    @Option(help: "text or json.") var format: OutputFormat = .text

    func validate() throws {
        guard merchants >= 4, merchants <= 2_000 else { throw ValidationError("--merchants must be between 4 and 2000.") }
        guard weeksBaseline >= 1, weeksTrial >= 2, weeksFollowUp >= 0 else {
            throw ValidationError("Give at least 1 baseline week and 2 trial weeks (--weeks-baseline, --weeks-trial).")
        }
        guard effect > -0.9, effect < 5 else { throw ValidationError("--effect is a relative lift, e.g. 0.15 for +15%.") }
    }

    func run() throws {
        let path = URL(fileURLWithPath: db).standardizedFileURL.path
        let store = try SimulationLab.freshStore(at: path, firstMonday: try CalendarDay("2027-01-04"))
        var street = SyntheticStreet.Configuration()
        street.merchants = merchants
        street.baselineWeeks = weeksBaseline
        street.trialWeeks = weeksTrial
        street.followUpWeeks = weeksFollowUp
        street.seed = seed
        let plugin = try PluginShelf.library("ClickAndCollect")
        _ = try SyntheticStreet(in: store, pluginPath: plugin, configuration: street)
        var configuration = StreetSimulation.Configuration(protocolID: SyntheticStreet.protocolID, seed: seed)
        configuration.street.effect.size = effect
        configuration.shockID = SyntheticStreet.shockID
        let started = Date()
        let result = try StreetSimulation(store: store, configuration: configuration).run { Terminal.note($0.line) }
        let estimate = try SimulationLab.primaryEstimate(store: store, protocolID: SyntheticStreet.protocolID)
        let seconds = Date().timeIntervalSince(started)
        if format == .json {
            return try JSONOutput.print(SimulationLab.Summary(result: result, estimate: estimate, lab: path))
        }
        print("Synthetic street: \(merchants) merchants on \(SyntheticStreet.segments.joined(separator: ", ")), seed \(seed); tram works on \(SyntheticStreet.shockedSegments.joined(separator: " and ")) during the trial.")
        print("Simulated on a ManualClock (\(weeksBaseline) baseline + \(weeksTrial) trial + \(weeksFollowUp) follow-up weeks from 2027-01-04) in \(String(format: "%.1f", seconds)) s; lab in \(path).")
        print(SimulationLab.describe(result))
        print(SimulationLab.describe(estimate: estimate, truth: result.truth))
    }
}

/// What `simulate` and `demo` share: a fresh lab on a simulated clock, the run's description, and the estimate.
enum SimulationLab {
    /// `simulate --format json`.
    struct Summary: Encodable {
        var result: SimulationResult
        var estimate: Estimate?
        var truthCovered: Bool?
        var lab: String

        init(result: SimulationResult, estimate: Estimate?, lab: String) {
            self.result = result
            // JSON has no infinity: an interval that cannot exclude any effect is left out, and the truth counts as covered.
            self.estimate = estimate.flatMap { $0.lower.isFinite && $0.upper.isFinite && $0.estimate.isFinite ? $0 : nil }
            truthCovered = estimate?.covers(result.truth.averageEffect)
            self.lab = lab
        }
    }

    /// A new lab database at `path` (any old one removed) on a ManualClock set three weeks before `firstMonday`.
    ///
    /// Commits use `synchronous=NORMAL`: a simulated lab is rebuilt in seconds, so it trades power-loss durability for
    /// speed.
    static func freshStore(at path: String, firstMonday: CalendarDay) throws -> any LabStore {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
        var configuration = StoreConfiguration(path: path)
        configuration.durability = .normal
        configuration.clock = ManualClock(firstMonday.adding(days: -21).startOfDay.addingTimeInterval(9 * 3600))
        return try SQLiteLabStore(configuration)
    }

    /// The primary effect as the lab's report computes it.
    static func primaryEstimate(store: any LabStore, protocolID: String) throws -> Estimate? {
        var options = ReportOptions()
        options.randomizationDraws = 500
        return try TrialReport.assemble(from: store, protocolID: protocolID, options: options).primary?.estimate
    }

    static func describe(_ result: SimulationResult) -> String {
        var lines = ["What happened (\(result.merchants) merchants assigned, \(result.treatedMerchants) with \(result.plugin)):"]
        lines.append("  \(result.customers) customer visits; \(result.ordersPlaced) orders placed through the plugin, \(result.ordersCollected) collected, \(result.noShows) not collected; \(result.ordersRefusedByPlugin) refused by the plugin (bought in the shop instead).")
        for withdrawal in result.withdrawals {
            lines.append("  \(withdrawal.merchantID) (\(withdrawal.arm)) withdrew on \(Timestamp.format(withdrawal.at)): plugin deactivated for them.")
        }
        lines.append("  Refused by the consent gate after withdrawal: \(result.requestsRefusedAfterWithdrawal) plugin request(s) and \(result.declarationsRefused) weekly declaration(s).")
        lines.append("  Weekly declarations stored (every merchant, all channels): \(result.declarationsStored).")
        lines.append("Plugin outcomes per arm (descriptive: the plugin only measures shops that have it):")
        var table = TextTable("arm", "metric", "outcomes", "total", "mean")
        for metric in result.pluginOutcomes {
            table.add(metric.arm, metric.metric, "\(metric.count)", String(format: "%.2f", metric.total), String(format: "%.3f", metric.mean))
        }
        lines.append(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        for arm in result.arms where !result.pluginOutcomes.contains(where: { $0.arm == arm.name }) {
            lines.append("  \(arm.name) (\(arm.merchants) merchants): no plugin outcome"
                + (arm.control ? ", as it should be: the plugin never serves a control shop." : "."))
        }
        return lines.joined(separator: "\n")
    }

    static func describe(estimate: Estimate?, truth: SimulationResult.PlantedTruth) -> String {
        let planted = String(format: "%+.0f%% customers at maturity 2, %+.0f points per level", truth.relativeLift * 100,
                             truth.perMaturityLevel * 100)
        let effect = String(format: "%+.2f", truth.averageEffect)
        guard let estimate else {
            return "Primary effect (\(truth.metric)): no estimate could be computed. Planted truth: \(planted) = \(effect) per merchant-week."
        }
        return """
            Primary effect on \(truth.metric) (per merchant and week): \(estimate)
            Planted truth: \(planted) = \(effect) \(truth.metric) per merchant-week over \(truth.merchantWeeks) measured merchant-weeks; \
            \(estimate.covers(truth.averageEffect) ? "inside" : "OUTSIDE") the \(Int((estimate.confidenceLevel * 100).rounded()))% interval.
            """
    }
}
