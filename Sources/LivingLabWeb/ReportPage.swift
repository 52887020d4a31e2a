import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabTrials

/// A trial's report as one HTML page in one language: the words come from the catalogue (`report.*` keys), the
/// numbers are written as the language writes them (`12,5` in French), and every table folds into label–value lines
/// on a narrow screen, so the page never scrolls sideways on a 390-px phone.
///
/// The statistical notes the analysis writes (why a method was chosen, what it assumes) are English sentences made
/// by LivingLabAnalysis; on a page in another language they are listed under their own heading and marked
/// `lang="en"`, so a screen reader reads them in English. The two warnings a reader must not miss (too few merchants,
/// a harmed guardrail) are written from the report's figures in the reader's language.
public struct ReportPage: Sendable {
    /// How the page carries its CSS.
    public enum Style: Sendable {
        /// Inline, for a file that opens without a network (`livinglab report --format html`).
        case inline
        /// Linked, for the portal, whose Content-Security-Policy forbids inline styles.
        case linked(String)
    }

    public var report: TrialReport
    public var t: Catalogue
    public var style: Style

    public init(_ report: TrialReport, language: String?, style: Style = .inline) {
        self.report = report
        self.t = Catalogue.named(language)
        self.style = style
    }

    /// The report as a whole HTML page.
    public var html: String {
        let r = report
        var body: [String] = []
        let colon = t.colon
        let state = t.optional("trial.state.\(r.state)") ?? r.state
        body.append("<header><h1>\(esc(r.title))</h1><p class=\"sub\">\(esc(r.protocolID)) · \(esc(t("trial.stateLabel")))\(esc(colon))<b>\(esc(state))</b> · \(esc(r.plugin)) · \(esc(r.firm))</p>")
        body.append("<p><b>\(esc(t("report.hypothesis")))</b>\(esc(colon))\(esc(r.hypothesis))</p>")
        var periods = t("report.periods", ["baseline": span(r.schedule.baseline), "trial": span(r.schedule.trial)])
        if let followUp = r.schedule.followUp { periods += " · " + t("report.followUp", ["span": span(followUp)]) }
        periods += " · " + t("report.generated", ["at": t.moment(r.generatedAt)])
        body.append("<p class=\"sub\">\(esc(periods))</p></header>")

        for warning in warnings { body.append("<div class=\"alert\" role=\"note\">\(esc(warning))</div>") }

        if let merchant = r.merchant {
            body.append("<section><h2>\(esc(t("report.yours")))</h2>")
            let consent = t.optional("status.consent.\(merchant.consent)") ?? merchant.consent
            var line = "\(esc(t("report.merchant")))\(esc(colon))<b>\(esc(merchant.merchantID))</b> · \(esc(t("report.arm")))\(esc(colon))<b>\(esc(merchant.arm ?? "—"))</b> · \(esc(consent))"
            if let since = merchant.consentSince { line += " " + esc(t("report.since", ["day": t.day(since)])) }
            body.append("<p>\(line)</p>")
            body.append(table([t("report.col.metric"), t("report.col.unit"), t("report.col.baselineWeek"), t("report.col.trialWeek"), t("report.col.change"), t("report.col.records")],
                              merchant.metrics.map { [esc(metricName($0.metric)), esc($0.unit), n($0.baselineWeeklyMean), n($0.trialWeeklyMean), n($0.change), "\($0.observations)"] }))
            body.append("</section>")
        }
        if let primary = r.primary {
            body.append("<section><h2>\(esc(t("report.primary")))</h2>")
            body.append(headline(primary))
            body.append("</section>")
        }
        let metrics = [r.primary].compactMap { $0 } + r.secondary + r.guardrails
        if !metrics.isEmpty {
            body.append("<section><h2>\(esc(t("report.allMetrics")))</h2>")
            body.append(ForestPlot(metrics: metrics, words: chartWords).svg)
            body.append(table([t("report.col.metric"), t("report.col.role"), t("report.col.effect"), t("report.col.interval"), "p", t("report.col.holm"), t("report.col.mde"), t("report.col.method"), t("report.col.status")], metrics.map { m in
                let role = t("report.role.\(m.role.rawValue)")
                guard let e = m.estimate else {
                    return [esc(metricName(m.name)), esc(role), "–", "–", "–", "–", "–", esc(m.problem ?? ""), esc(t("report.notEstimated"))]
                }
                let status = m.guardrail.map { g in
                    g == .harmed ? "<span class=\"bad\">\(esc(t("report.guardrail.harmed")))</span>" : esc(t("report.guardrail.\(g.rawValue)"))
                } ?? ""
                return [esc(metricName(m.name)), esc(role), n(e.estimate) + " " + esc(m.unit), "\(percent(e.confidenceLevel)) \(interval(e))",
                        esc(p(e.pValue)), esc(p(m.adjustedPValue)), n(m.minimumDetectableEffect), esc(e.method), status]
            }, wrap: [0, 7]))
            body.append("</section>")
        }
        if let weekly = r.weekly {
            body.append("<section><h2>\(esc(t("report.weekly", ["metric": metricName(weekly.metric)])))</h2>")
            let what = t(r.merchant == nil ? "report.weekly.aggregate" : "report.weekly.yours", ["unit": weekly.unit])
            body.append("<p class=\"sub\">\(esc(what))</p>")
            body.append(WeeklyChart(series: weekly, words: chartWords).svg)
            for band in weekly.bands {
                body.append("<p class=\"sub\">▮ \(esc(band.shock)) (\(esc(band.kind))) — \(esc(band.segments.joined(separator: ", ")))\(esc(colon))\(esc(weekly.labels[band.firstWeek])) → \(esc(weekly.labels[band.lastWeek]))</p>")
            }
            body.append("</section>")
        }
        if let design = r.design {
            body.append("<section><h2>\(esc(t("report.design")))</h2>")
            var line = t("report.design.line", ["name": design.name, "seed": "\(design.seed)", "at": t.moment(design.committedAt), "by": design.committedBy])
            if !design.blockBy.isEmpty { line += " · " + t("report.design.blocks", ["on": design.blockBy.joined(separator: ", ")]) }
            body.append("<p>\(esc(line))</p>")
            body.append(table([t("report.col.arm"), t("report.col.control"), t("report.col.merchants")],
                              design.arms.map { [esc($0.arm), esc(t($0.control ? "report.yes" : "report.no")), "\($0.merchants)"] }))
            if let balance = r.balance, !balance.rows.isEmpty {
                body.append("<h3>\(esc(t("report.balance")))</h3><p class=\"sub\">\(esc(t("report.balance.lead", ["arm": balance.armNames.first ?? "", "threshold": number("0.25")])))</p>")
                body.append(table([t("report.col.covariate")] + balance.armNames + balance.armNames.dropFirst().map { "d " + $0 }, balance.rows.map { row in
                    [esc(row.covariate)] + row.means.map { n($0) } + row.standardizedDifferences.dropFirst().map { d in
                        abs(d) > 0.25 ? "<span class=\"bad\">\(n(d, digits: 2))</span>" : n(d, digits: 2)
                    }
                }))
            }
            body.append("</section>")
        }
        if let funnel = r.funnel {
            body.append("<section><h2>\(esc(t("report.funnel")))</h2>")
            body.append(FunnelChart(funnel: funnel, words: chartWords).svg)
            if !funnel.days.isEmpty {
                body.append(table([t("report.col.day"), t("report.col.consented"), t("report.col.withdrawn")], funnel.days.map { [$0.day, "\($0.consented)", "\($0.withdrawn)"] }))
            }
            body.append("</section>")
        }
        let notes = r.notes.filter { !isWarning($0) }
        if !notes.isEmpty {
            let lang = t.language == "en" ? "" : " lang=\"en\""
            body.append("<section><h2>\(esc(t("report.notes")))</h2>")
            if t.language != "en" { body.append("<p class=\"sub\">\(esc(t("report.notes.english")))</p>") }
            body.append("<ul\(lang)>" + notes.map { "<li>\(esc($0))</li>" }.joined() + "</ul></section>")
        }
        let audience: String
        switch r.audience {
        case .aggregate: audience = t("report.audience.aggregate")
        case .merchant(let id): audience = t("report.audience.merchant", ["merchant": id])
        }
        let styling: String
        switch style {
        case .inline: styling = "<style>\(Self.css)</style>"
        case .linked(let href): styling = "<link rel=\"stylesheet\" href=\"\(esc(href))\">"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(t.language)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(r.title)) — LivingLab</title>
            \(styling)</head>
            <body class="report"><main>
            \(body.joined(separator: "\n"))
            <footer>LivingLab · \(esc(r.protocolID)) · \(esc(audience))</footer>
            </main></body></html>
            """
    }

    // MARK: - Parts

    /// What the reader must not miss, in their language: too few merchants, a harmed guardrail.
    var warnings: [String] {
        var out: [String] = []
        if let design = report.design, let smallest = design.arms.map(\.merchants).min(), smallest < 10 {
            let unit = report.primary?.unit ?? ""
            let mde = report.primary?.minimumDetectableEffect.map { n($0) + " " + unit } ?? t("report.unknown")
            out.append(t("report.warning.fewMerchants", ["count": "\(smallest)", "mde": mde]))
        }
        for guardrail in report.guardrails where guardrail.guardrail == .harmed {
            out.append(t("report.warning.harmed", ["metric": metricName(guardrail.name)]))
        }
        return out
    }

    /// The notes the warnings above replace on the page (they stay in the report's JSON, CSV and text).
    func isWarning(_ note: String) -> Bool {
        note.hasPrefix("Too few merchants") || (note.hasPrefix("Guardrail ") && note.contains(" is harmed"))
    }

    func headline(_ m: MetricReport) -> String {
        guard let e = m.estimate else {
            return "<p class=\"big\">\(esc(t("report.noEstimate")))</p><p>\(esc(m.problem ?? ""))</p>"
        }
        var out = "<p class=\"big\">\(n(e.estimate)) \(esc(m.unit)) <span class=\"ci\">\(esc(t("report.ci"))) \(percent(e.confidenceLevel)) \(interval(e)) · \(esc(pStatement(e.pValue)))</span></p>"
        out += "<p>\(esc(t("report.primary.reading", ["metric": metricName(m.name), "method": e.method, "units": "\(e.units)"])))</p>"
        if let r = m.randomization {
            let error = r.monteCarloError.map { " ± " + n($0, digits: 2) } ?? ""
            out += "<p>\(esc(t("report.randomization", ["interval": interval(r), "p": pStatement(r.pValue) + error, "method": r.method])))</p>"
        }
        if let mde = m.minimumDetectableEffect {
            out += "<p>\(esc(t("report.mde")))\(esc(t.colon))<b>\(n(mde)) \(esc(m.unit))</b></p>"
        }
        return out
    }

    /// A table whose cells carry their column's name, so that a narrow screen shows each row as label–value lines.
    /// Header texts are plain text; cells are already HTML.
    /// Columns in `wrap` hold sentences and wrap; the others (figures) keep each cell on one line.
    func table(_ header: [String], _ rows: [[String]], wrap: Set<Int> = []) -> String {
        "<div class=\"table\"><table><thead><tr>" + header.map { "<th scope=\"col\">\(esc($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { row in
                "<tr>" + row.enumerated().map { i, cell in
                    "<td data-label=\"\(esc(i < header.count ? header[i] : ""))\"\(wrap.contains(i) ? " class=\"text\"" : "")>\(cell)</td>"
                }.joined() + "</tr>"
            }.joined() + "</tbody></table></div>"
    }

    var chartWords: ChartWords {
        ChartWords(trialStart: t("report.chart.trialStart"), followUp: t("report.chart.followUp"),
                   zero: t("report.chart.zero"), weekly: t("report.chart.weekly"), effects: t("report.chart.effects"),
                   funnel: t("report.funnel"),
                   invited: t("report.funnel.invited"), consented: t("report.funnel.consented"),
                   active: t("report.funnel.active"), withdrawn: t("report.funnel.withdrawn"),
                   role: { self.t("report.role.\($0.rawValue)") }, number: { self.number($0) }, line: { self.lineName($0) },
                   metric: { self.metricName($0) },
                   estimate: { self.n($0.estimate) + " " + self.interval($0) })
    }

    func metricName(_ name: String) -> String { t.optional("metric.\(name)") ?? name }

    func lineName(_ name: String) -> String { t.optional("report.line.\(name)") ?? name }

    func span(_ days: [String]) -> String { days.joined(separator: " → ") }

    // MARK: - Numbers as the language writes them

    /// `12.5` → `12,5` in French; `[1.2, 3.4]` → `[1,2 ; 3,4]`.
    func number(_ text: String) -> String {
        t.language == "fr" ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    func n(_ x: Double?, digits: Int = 3) -> String { number(Figure.text(x, digits: digits)) }

    func p(_ x: Double?) -> String { number(Figure.p(x)) }

    func pStatement(_ x: Double) -> String { number(Figure.pStatement(x)) }

    func percent(_ level: Double) -> String { t.language == "fr" ? "\(Int((level * 100).rounded())) %" : Figure.percent(level) }

    func interval(_ e: Estimate) -> String {
        let separator = t.language == "fr" ? " ; " : ", "
        return "[\(n(e.lower))\(separator)\(n(e.upper))]"
    }

    func esc(_ text: String) -> String { HTML.escape(text) }

    /// The report's CSS: inline in a report file, served as `/portal/report.css` by the portal.
    public static let css = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;background:#f4f5f7;margin:0;overflow-wrap:anywhere}
        main{max-width:1040px;margin:0 auto;padding:24px}
        header,section{background:#fff;border-radius:10px;padding:18px 22px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
        h1{margin:0 0 4px;font-size:26px}h2{margin:0 0 10px;font-size:19px;color:#23395d}h3{font-size:16px;margin:14px 0 4px}
        .sub{color:#4f5868;font-size:13px;margin:4px 0}.big{font-size:28px;font-weight:700;margin:4px 0}
        .ci{font-size:16px;font-weight:400;color:#3d4758;margin-left:10px}
        .alert{background:#fff4e0;border-left:5px solid #e08a00;padding:10px 14px;margin-bottom:16px;border-radius:6px}
        .bad{color:#b3261e;font-weight:700}
        table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
        th,td{border-bottom:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f0f2f5;font-weight:600}
        .table{overflow-x:auto}
        @media (min-width:641px){th{min-width:5.5em}td{white-space:nowrap}td.text{white-space:normal;min-width:14em}}
        svg{max-width:100%;height:auto;display:block;margin:6px 0}
        footer{color:#4f5868;font-size:12px;text-align:center;padding:8px}
        @media (max-width:640px){
        main{padding:10px}header,section{padding:14px 14px}h1{font-size:22px}.big{font-size:22px}.ci{display:block;margin:2px 0 0}
        table,tbody,tr,td{display:block;width:100%}thead{position:absolute;left:-10000px}
        tr{border-bottom:1px solid #c9ced6;padding:6px 0}td{border:0;padding:2px 0;display:flex;gap:12px;justify-content:space-between}
        td::before{content:attr(data-label);font-weight:600;color:#4f5868;flex:0 0 45%}
        }
        """
}

/// The words a chart writes, in the reader's language.
struct ChartWords {
    var trialStart: String
    var followUp: String
    var zero: String
    var weekly: String
    var effects: String
    var funnel: String
    var invited: String
    var consented: String
    var active: String
    var withdrawn: String
    var role: (MetricRole) -> String
    var number: (String) -> String
    var line: (String) -> String
    var metric: (String) -> String
    var estimate: (Estimate) -> String
}

extension TrialReport {
    /// Renders the report in `format`; HTML speaks `language` (French when `nil`), the other formats are data.
    public func rendered(as format: ReportFormat, language: String? = nil) throws -> String {
        switch format {
        case .text: return textRendering()
        case .json: return try jsonRendering()
        case .csv: return csvRendering()
        case .html: return ReportPage(self, language: language).html
        }
    }
}
