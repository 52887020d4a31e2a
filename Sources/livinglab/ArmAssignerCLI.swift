import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials
import LivingLabStore

/// `livinglab assign`'s work, shared with the demo: draw, commit, and describe the balance.
enum ArmAssignerCLI {
    struct Result {
        var plan: AssignmentPlan
        var summary: String
    }

    static func assign(store: any LabStore, protocolID: String, design: String?, seed: UInt64?, overrideReason: String?,
                       actor: String) throws -> Result {
        let outcome = try ArmAssigner.assign(store: store, protocolID: protocolID, designName: design, seed: seed,
                                             overrideReason: overrideReason, actor: actor)
        let plan = outcome.plan
        var lines = ["Assigned \(plan.entries.count) merchant(s) in \(protocolID) with the \(plan.design) design, seed \(plan.seed)"
            + (outcome.draws > 1 ? " (\(outcome.draws) draws)" : "") + "."]
        let byArm = Dictionary(grouping: plan.entries, by: { $0.wave.map { "wave \($0 + 1)" } ?? $0.arm })
        for arm in byArm.keys.sorted() {
            lines.append("  \(arm): \(byArm[arm]!.map(\.merchantID).joined(separator: ", "))")
        }
        let balance = outcome.balance
        if !balance.rows.isEmpty {
            lines.append("Balance (means per arm; standardised difference vs \(balance.armNames.first ?? "control")):")
            var table = TextTable(["covariate"] + balance.armNames.map { "\($0) (n=\(balance.counts[balance.armNames.firstIndex(of: $0)!]))" } + ["std. diff."])
            for row in balance.rows {
                table.add([row.covariate] + row.means.map { String(format: "%.2f", $0) }
                    + [row.standardizedDifferences.dropFirst().map { String(format: "%+.2f", $0) }.joined(separator: " ")])
            }
            lines.append(table.rendered.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return Result(plan: plan, summary: lines.joined(separator: "\n"))
    }
}
