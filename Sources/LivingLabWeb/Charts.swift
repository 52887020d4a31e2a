import Foundation
import LivingLabTrials

/// The merchant's chart: their weekly figure next to the street's mean, drawn as SVG in the page (no script), with
/// the same numbers in a table for those who do not see it.
public enum Charts {
    public static func weekly(_ series: WeeklySeries, _ t: Catalogue) -> String {
        let you = series.lines.first { $0.name == "you" }
        let street = series.lines.first { $0.name == "street" }
        let all = series.lines.flatMap { $0.values.compactMap { $0 } }
        // Weeks without a figure read as zero: a chart of nothing but zeros says nothing yet.
        guard let you, all.contains(where: { $0 != 0 }), series.weeks.count > 1 else { return "<p>\(HTML.escape(t("results.none")))</p>" }
        let width = 640.0, height = 260.0, left = 48.0, bottom = 28.0, top = 12.0
        let high = max(all.max() ?? 1, 1) * 1.1
        func x(_ week: Int) -> Double { left + (width - left - 8) * Double(week) / Double(series.weeks.count - 1) }
        func y(_ value: Double) -> Double { top + (height - top - bottom) * (1 - value / high) }
        func path(_ line: WeeklySeries.Line) -> String {
            line.values.enumerated().compactMap { week, value in value.map { String(format: "%.1f,%.1f", x(week), y($0)) } }
                .joined(separator: " ")
        }
        let youLabel = t("results.you"), streetLabel = t("results.street")
        var svg = #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(HTML.escape(t("results.lead", ["metric": t.optional("metric.\(series.metric)") ?? series.metric])))">"#
        // The trial's start, and the axis with its top value.
        svg += String(format: #"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="start"/>"#,
                      x(series.trialStartWeek), top, x(series.trialStartWeek), height - bottom)
        svg += String(format: #"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="axis"/>"#, left, height - bottom, width - 8, height - bottom)
        svg += #"<text x="4" y="\#(Int(top + 10))" class="label">\#(Int(high.rounded()))</text>"#
        svg += #"<text x="4" y="\#(Int(height - bottom))" class="label">0</text>"#
        svg += #"<text x="\#(Int(left))" y="\#(Int(height - 8))" class="label">\#(HTML.escape(series.labels.first ?? ""))</text>"#
        svg += #"<text x="\#(Int(width - 70))" y="\#(Int(height - 8))" class="label">\#(HTML.escape(series.labels.last ?? ""))</text>"#
        if let street {
            svg += #"<polyline class="street" fill="none" stroke-width="2" points="\#(path(street))"/>"#
        }
        svg += #"<polyline class="you" fill="none" stroke-width="3" points="\#(path(you))"/>"#
        svg += "</svg>"
        var legend = #"<p class="legend"><span>━ \#(HTML.escape(youLabel))</span>"#
        if street != nil { legend += #"<span>╌ \#(HTML.escape(streetLabel))</span>"# }
        legend += "</p>"
        var table = "<details><summary>\(HTML.escape(t("results.table")))</summary><div class=\"table-wrap\"><table><thead><tr>"
        table += "<th scope=\"col\">\(HTML.escape(t("results.weekColumn")))</th><th scope=\"col\">\(HTML.escape(youLabel))</th>"
        if street != nil { table += "<th scope=\"col\">\(HTML.escape(streetLabel))</th>" }
        table += "</tr></thead><tbody>"
        for (week, label) in series.labels.enumerated() {
            func cell(_ line: WeeklySeries.Line?) -> String {
                line.flatMap { $0.values[week] }.map { String(format: "%.0f", $0) } ?? "–"
            }
            table += "<tr><td>\(HTML.escape(label))</td><td>\(cell(you))</td>\(street == nil ? "" : "<td>\(cell(street))</td>")</tr>"
        }
        table += "</tbody></table></div></details>"
        return "<p>\(HTML.escape(t("results.lead", ["metric": t.optional("metric.\(series.metric)") ?? series.metric])))</p>" + svg + legend + table
    }
}
