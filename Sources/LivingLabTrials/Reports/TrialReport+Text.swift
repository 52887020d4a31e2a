import Foundation
import LivingLabAnalysis
import LivingLabCore

extension TrialReport {
    /// The report as plain text for a terminal.
    public func textRendering() -> String {
        var out: [String] = []
        out.append("\(title) — \(protocolID) (\(state))")
        out.append("Hypothesis: \(hypothesis)")
        out.append("Plugin: \(plugin), firm \(firm)")
        var periods = "Baseline \(schedule.baseline.joined(separator: " → ")), trial \(schedule.trial.joined(separator: " → "))"
        if let f = schedule.followUp { periods += ", follow-up \(f.joined(separator: " → "))" }
        out.append(periods)
        if case .merchant(let id) = audience, let m = merchant {
            out.append("")
            out.append("Your figures (merchant \(id)): arm \(m.arm ?? "not assigned"), consent \(m.consent)"
                + (m.consentSince.map { " since \(CalendarDay(date: $0))" } ?? ""))
            var table = TextTable("metric", "unit", "baseline/week", "trial/week", "change", "records")
            for f in m.metrics {
                table.add(f.metric, f.unit, Figure.text(f.baselineWeeklyMean), Figure.text(f.trialWeeklyMean), Figure.text(f.change), "\(f.observations)")
            }
            out.append(table.rendered)
        }
        if let design {
            out.append("")
            out.append("Design: \(design.name), seed \(design.seed)" + (design.blockBy.isEmpty ? "" : ", on \(design.blockBy.joined(separator: ", "))")
                + "; committed \(Timestamp.format(design.committedAt)) by \(design.committedBy)")
            out.append("Arms: " + design.arms.map { "\($0.arm)\($0.control ? " (control)" : "") \($0.merchants)" }.joined(separator: ", "))
        }
        if let balance, !balance.rows.isEmpty {
            out.append("")
            out.append("Balance (means per arm; standardised difference vs \(balance.armNames.first ?? "arm 0"), |d| > 0.25 is imbalance):")
            var table = TextTable(["covariate"] + balance.armNames + balance.armNames.dropFirst().map { "d \($0)" })
            for row in balance.rows {
                table.add([row.covariate] + row.means.map { Figure.text($0) } + row.standardizedDifferences.dropFirst().map { Figure.text($0, digits: 2) })
            }
            out.append(table.rendered)
        }
        if let funnel {
            out.append("")
            out.append("Consent: \(funnel.invited) invited, \(funnel.consented) consented, \(funnel.withdrawn) withdrawn, \(funnel.active) active now, \(funnel.pending) not answered")
            for day in funnel.days {
                var parts: [String] = []
                if day.consented > 0 { parts.append("+\(day.consented) consented") }
                if day.withdrawn > 0 { parts.append("−\(day.withdrawn) withdrew") }
                out.append("  \(day.day): \(parts.joined(separator: ", "))")
            }
        }
        let metrics = [primary].compactMap { $0 } + secondary + guardrails
        if !metrics.isEmpty {
            out.append("")
            out.append("Effects (treatment − control, per merchant and week):")
            var table = TextTable("metric", "role", "effect", "SE", "CI", "p", "p (Holm)", "MDE", "status")
            for m in metrics {
                guard let e = m.estimate else {
                    table.add(m.name, m.role.rawValue, "–", "–", "–", "–", "–", "–", "not estimated")
                    continue
                }
                table.add(m.name, m.role.rawValue, Figure.text(e.estimate), Figure.text(e.standardError),
                          "\(Figure.percent(e.confidenceLevel)) \(Figure.interval(e))", Figure.p(e.pValue), Figure.p(m.adjustedPValue),
                          Figure.text(m.minimumDetectableEffect), m.guardrail.map { $0 == .harmed ? "HARMED" : $0.rawValue } ?? "")
            }
            out.append(table.rendered)
            for m in metrics {
                if let e = m.estimate { out.append("  \(m.name): \(e.method), \(e.units) merchants") }
                if let r = m.randomization {
                    out.append("  \(m.name), randomisation check: effect \(Figure.text(r.estimate)), \(Figure.percent(r.confidenceLevel)) CI \(Figure.interval(r)), \(Figure.pStatement(r.pValue))"
                        + (r.monteCarloError.map { " ± \(Figure.text($0, digits: 2))" } ?? "") + " (\(r.method))")
                }
                if let problem = m.problem { out.append("  \(m.name): not estimated — \(problem)") }
            }
        }
        if let weekly {
            out.append("")
            out.append("Weekly \(weekly.metric) (\(weekly.unit), \(merchant == nil ? "mean weekly total per merchant" : "your weekly total"); * = shock, | = trial start):")
            var table = TextTable(["week", ""] + weekly.lines.map(\.name))
            for (w, label) in weekly.labels.enumerated() {
                let shocked = weekly.bands.contains { $0.firstWeek <= w && w <= $0.lastWeek }
                let mark = (w == weekly.trialStartWeek ? "|" : " ") + (shocked ? "*" : " ")
                table.add([label, mark] + weekly.lines.map { Figure.text($0.values[w]) })
            }
            out.append(table.rendered)
            for band in weekly.bands {
                out.append("  * \(band.shock) (\(band.kind)) on \(band.segments.joined(separator: ", ")): weeks \(weekly.labels[band.firstWeek])–\(weekly.labels[band.lastWeek])")
            }
        }
        if !notes.isEmpty {
            out.append("")
            out.append("Notes:")
            out += notes.map { "  - \($0)" }
        }
        return out.joined(separator: "\n")
    }
}
