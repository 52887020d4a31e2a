import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabStore

/// What `simulate` and `demo` share: a fresh lab on a simulated clock, the run's description, and the estimate.
public enum SimulationLab {
    /// `simulate --format json`.
    public struct Summary: Encodable {
        var result: SimulationResult
        var estimate: Estimate?
        var truthCovered: Bool?
        var lab: String

        public init(result: SimulationResult, estimate: Estimate?, lab: String) {
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
    public static func freshStore(at path: String, firstMonday: CalendarDay) throws -> any LabStore {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
        var configuration = StoreConfiguration(path: path)
        configuration.durability = .normal
        configuration.clock = ManualClock(firstMonday.adding(days: -21).startOfDay.addingTimeInterval(9 * 3600))
        return try SQLiteLabStore(configuration)
    }

    /// The primary effect as the lab's report computes it.
    public static func primaryEstimate(store: any LabStore, protocolID: String) throws -> Estimate? {
        var options = ReportOptions()
        options.randomizationDraws = 500
        return try TrialReport.assemble(from: store, protocolID: protocolID, options: options).primary?.estimate
    }

    public static func describe(_ result: SimulationResult) -> String {
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

    public static func describe(estimate: Estimate?, truth: SimulationResult.PlantedTruth) -> String {
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
