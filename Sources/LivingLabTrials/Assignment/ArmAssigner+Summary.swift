import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabStore

extension ArmAssigner.Outcome {
    /// The assignment as a coordinator reads it: who went where, and the balance of the arms.
    public func summary(protocolID: String) -> String {
        var lines = ["Assigned \(plan.entries.count) merchant(s) in \(protocolID) with the \(plan.design) design, seed \(plan.seed)"
            + (draws > 1 ? " (\(draws) draws)" : "") + "."]
        let byArm = Dictionary(grouping: plan.entries, by: { $0.wave.map { "wave \($0 + 1)" } ?? $0.arm })
        for arm in byArm.keys.sorted() {
            lines.append("  \(arm): \(byArm[arm]!.map(\.merchantID).joined(separator: ", "))")
        }
        if !balance.rows.isEmpty {
            lines.append("Balance (means per arm; standardised difference vs \(balance.armNames.first ?? "control")):")
            var table = TextTable(["covariate"] + balance.armNames.map { "\($0) (n=\(balance.counts[balance.armNames.firstIndex(of: $0)!]))" } + ["std. diff."])
            for row in balance.rows {
                table.add([row.covariate] + row.means.map { String(format: "%.2f", $0) }
                    + [row.standardizedDifferences.dropFirst().map { String(format: "%+.2f", $0) }.joined(separator: " ")])
            }
            lines.append(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }
}
