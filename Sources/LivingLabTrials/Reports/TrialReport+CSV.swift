import Foundation
import LivingLabAnalysis
import LivingLabCore

extension TrialReport {
    /// The report as one long CSV table, `section,item,field,value`, so that a spreadsheet can filter it.
    public func csvRendering() -> String {
        var rows: [[String]] = [["section", "item", "field", "value"]]
        func add(_ section: String, _ item: String, _ field: String, _ value: String) { rows.append([section, item, field, value]) }
        func number(_ x: Double?) -> String {
            guard let x else { return "" }
            if x.isNaN { return "" }
            if !x.isFinite { return x > 0 ? "Infinity" : "-Infinity" }
            return "\(x)"
        }
        add("protocol", protocolID, "title", title)
        add("protocol", protocolID, "state", state)
        add("protocol", protocolID, "generatedAt", Timestamp.format(generatedAt))
        if let design {
            add("design", design.name, "seed", "\(design.seed)")
            for arm in design.arms { add("design", arm.arm, "merchants", "\(arm.merchants)") }
        }
        if let balance {
            for row in balance.rows {
                for (a, arm) in balance.armNames.enumerated() {
                    add("balance", row.covariate, "mean \(arm)", number(row.means[a]))
                    if a > 0 { add("balance", row.covariate, "standardised difference \(arm)", number(row.standardizedDifferences[a])) }
                }
            }
        }
        if let funnel {
            add("consent", "all", "invited", "\(funnel.invited)")
            add("consent", "all", "consented", "\(funnel.consented)")
            add("consent", "all", "withdrawn", "\(funnel.withdrawn)")
            add("consent", "all", "active", "\(funnel.active)")
            for day in funnel.days {
                add("consent", day.day, "consented", "\(day.consented)")
                add("consent", day.day, "withdrawn", "\(day.withdrawn)")
            }
        }
        for m in [primary].compactMap({ $0 }) + secondary + guardrails {
            add("effect", m.name, "role", m.role.rawValue)
            if let e = m.estimate {
                add("effect", m.name, "estimate", number(e.estimate))
                add("effect", m.name, "standardError", number(e.standardError))
                add("effect", m.name, "lower", number(e.lower))
                add("effect", m.name, "upper", number(e.upper))
                add("effect", m.name, "confidenceLevel", number(e.confidenceLevel))
                add("effect", m.name, "pValue", number(e.pValue))
                add("effect", m.name, "method", e.method)
                add("effect", m.name, "merchants", "\(e.units)")
            }
            if let p = m.adjustedPValue { add("effect", m.name, "holmPValue", number(p)) }
            if let g = m.guardrail { add("effect", m.name, "guardrail", g.rawValue) }
            if let mde = m.minimumDetectableEffect { add("effect", m.name, "mde", number(mde)) }
            if let r = m.randomization {
                add("effect", m.name, "randomisation pValue", number(r.pValue))
                add("effect", m.name, "randomisation lower", number(r.lower))
                add("effect", m.name, "randomisation upper", number(r.upper))
            }
            if let problem = m.problem { add("effect", m.name, "problem", problem) }
        }
        if let merchant {
            add("merchant", merchant.merchantID, "arm", merchant.arm ?? "")
            add("merchant", merchant.merchantID, "consent", merchant.consent)
            for f in merchant.metrics {
                add("merchant", f.metric, "baselineWeeklyMean", number(f.baselineWeeklyMean))
                add("merchant", f.metric, "trialWeeklyMean", number(f.trialWeeklyMean))
                add("merchant", f.metric, "change", number(f.change))
            }
        }
        if let weekly {
            for line in weekly.lines {
                for (w, value) in line.values.enumerated() { add("weekly \(weekly.metric)", line.name, weekly.weeks[w], number(value)) }
            }
            for band in weekly.bands {
                add("shock", band.shock, "weeks", "\(weekly.weeks[band.firstWeek])..\(weekly.weeks[band.lastWeek])")
            }
        }
        for (i, note) in notes.enumerated() { add("note", "\(i + 1)", "text", note) }
        return rows.map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
