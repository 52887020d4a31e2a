import Foundation
import LivingLabAnalysis
import LivingLabCore

extension TrialReport {
    /// The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched from the network.
    ///
    /// Labels are French first with English after, as coordinators and merchants of the programme read French.
    public func htmlRendering() -> String {
        var body: [String] = []
        body.append("<header><h1>\(esc(title))</h1><p class=\"sub\">\(esc(protocolID)) · état / state: <b>\(esc(state))</b> · \(esc(plugin)) · \(esc(firm))</p>")
        body.append("<p><b>Hypothèse / hypothesis:</b> \(esc(hypothesis))</p>")
        var periods = "Référence / baseline \(schedule.baseline.joined(separator: " → ")) · essai / trial \(schedule.trial.joined(separator: " → "))"
        if let f = schedule.followUp { periods += " · suivi / follow-up \(f.joined(separator: " → "))" }
        body.append("<p class=\"sub\">\(esc(periods)) · généré / generated \(esc(Timestamp.format(generatedAt)))</p></header>")

        let warnings = notes.filter { $0.hasPrefix("Too few") || $0.contains("harmed") }
        for w in warnings { body.append("<div class=\"alert\">\(esc(w))</div>") }

        if let merchant {
            body.append("<section><h2>Vos résultats / your figures</h2>")
            body.append("<p>Commerçant / merchant <b>\(esc(merchant.merchantID))</b> · bras / arm <b>\(esc(merchant.arm ?? "—"))</b> · consentement / consent <b>\(esc(merchant.consent))</b>\(merchant.consentSince.map { " depuis / since " + CalendarDay(date: $0).description } ?? "")</p>")
            body.append(table(["Indicateur / metric", "Unité", "Référence / semaine", "Essai / semaine", "Écart / change", "Mesures"],
                              merchant.metrics.map { [esc($0.metric), esc($0.unit), Figure.text($0.baselineWeeklyMean), Figure.text($0.trialWeeklyMean), Figure.text($0.change), "\($0.observations)"] }))
            body.append("</section>")
        }
        if let primary {
            body.append("<section><h2>Effet principal / primary effect</h2>")
            body.append(headline(primary))
            body.append("</section>")
        }
        let metrics = [primary].compactMap { $0 } + secondary + guardrails
        if !metrics.isEmpty {
            body.append("<section><h2>Tous les indicateurs / all metrics</h2>")
            body.append(ForestPlot(metrics: metrics).svg)
            body.append(table(["Indicateur", "Rôle", "Effet", "IC / CI", "p", "p (Holm)", "MDE", "Méthode / method", "Statut"], metrics.map { m in
                guard let e = m.estimate else {
                    return [esc(m.name), m.role.rawValue, "–", "–", "–", "–", "–", esc(m.problem ?? ""), "non estimé"]
                }
                let status = m.guardrail.map { $0 == .harmed ? "<span class=\"bad\">DÉGRADÉ / HARMED</span>" : esc($0.rawValue) } ?? ""
                return [esc(m.name), m.role.rawValue, Figure.text(e.estimate) + " " + esc(m.unit), "\(Figure.percent(e.confidenceLevel)) \(Figure.interval(e))",
                        esc(Figure.p(e.pValue)), esc(Figure.p(m.adjustedPValue)), Figure.text(m.minimumDetectableEffect), esc(e.method), status]
            }))
            body.append("</section>")
        }
        if let weekly {
            body.append("<section><h2>Série hebdomadaire / weekly \(esc(weekly.metric))</h2>")
            let what = merchant == nil ? "Total hebdomadaire moyen par commerçant / mean weekly total per merchant" : "Votre total hebdomadaire / your weekly total"
            body.append("<p class=\"sub\">\(what) (\(esc(weekly.unit))), semaines ISO (lundi, UTC). Zones orangées : chocs sur la rue (travaux…) / shaded: shocks on the street.</p>")
            body.append(WeeklyChart(series: weekly).svg)
            for band in weekly.bands {
                body.append("<p class=\"sub\">▮ \(esc(band.shock)) (\(esc(band.kind))) — \(esc(band.segments.joined(separator: ", "))): \(esc(weekly.labels[band.firstWeek])) → \(esc(weekly.labels[band.lastWeek]))</p>")
            }
            body.append("</section>")
        }
        if let design {
            body.append("<section><h2>Plan d'affectation / design</h2>")
            body.append("<p>\(esc(design.name)), graine / seed \(design.seed)\(design.blockBy.isEmpty ? "" : ", sur / on " + esc(design.blockBy.joined(separator: ", "))) · engagé / committed \(esc(Timestamp.format(design.committedAt))) par \(esc(design.committedBy))</p>")
            body.append(table(["Bras / arm", "Témoin / control", "Commerçants"], design.arms.map { [esc($0.arm), $0.control ? "oui" : "non", "\($0.merchants)"] }))
            if let balance, !balance.rows.isEmpty {
                body.append("<h3>Équilibre / balance</h3><p class=\"sub\">Moyennes par bras ; différence standardisée d vs \(esc(balance.armNames.first ?? "")) (|d| &gt; 0,25 : déséquilibre).</p>")
                body.append(table(["Variable"] + balance.armNames.map(esc) + balance.armNames.dropFirst().map { "d " + esc($0) }, balance.rows.map { row in
                    [esc(row.covariate)] + row.means.map { Figure.text($0) } + row.standardizedDifferences.dropFirst().map { d in
                        abs(d) > 0.25 ? "<span class=\"bad\">\(Figure.text(d, digits: 2))</span>" : Figure.text(d, digits: 2)
                    }
                }))
            }
            body.append("</section>")
        }
        if let funnel {
            body.append("<section><h2>Consentement / consent funnel</h2>")
            body.append(FunnelChart(funnel: funnel).svg)
            if !funnel.days.isEmpty {
                body.append(table(["Jour / day", "Consentements", "Retraits / withdrawals"], funnel.days.map { [$0.day, "\($0.consented)", "\($0.withdrawn)"] }))
            }
            body.append("</section>")
        }
        if !notes.isEmpty {
            body.append("<section><h2>À savoir / notes</h2><ul>" + notes.map { "<li>\(esc($0))</li>" }.joined() + "</ul></section>")
        }
        return """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title)) — LivingLab</title>
            <style>\(Self.css)</style></head>
            <body><main>
            \(body.joined(separator: "\n"))
            <footer>LivingLab · \(esc(protocolID)) · \(audienceLine)</footer>
            </main></body></html>
            """
    }

    var audienceLine: String {
        switch audience {
        case .aggregate: return "vue agrégée : aucun commerçant n'est nommé / aggregate view: no merchant is named"
        case .merchant(let id): return "vue personnelle de \(esc(id)) / personal view"
        }
    }

    func headline(_ m: MetricReport) -> String {
        guard let e = m.estimate else {
            return "<p class=\"big\">Pas d'estimation / no estimate</p><p>\(esc(m.problem ?? ""))</p>"
        }
        var out = "<p class=\"big\">\(Figure.text(e.estimate)) \(esc(m.unit)) <span class=\"ci\">IC \(Figure.percent(e.confidenceLevel)) \(Figure.interval(e)) · \(esc(Figure.pStatement(e.pValue)))</span></p>"
        out += "<p>\(esc(m.name)) par commerçant et par semaine, essai − témoin / per merchant and week, treatment − control. Méthode : \(esc(e.method)), \(e.units) commerçants.</p>"
        if let r = m.randomization {
            out += "<p>Contrôle par randomisation / randomisation check: IC \(Figure.interval(r)), \(esc(Figure.pStatement(r.pValue)))\(r.monteCarloError.map { " ± " + Figure.text($0, digits: 2) } ?? "") (\(esc(r.method))).</p>"
        }
        if let mde = m.minimumDetectableEffect {
            out += "<p>Effet minimal détectable / minimum detectable effect (80 %): <b>\(Figure.text(mde)) \(esc(m.unit))</b>.</p>"
        }
        return out
    }

    func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + header.map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }

    static let css = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2433;background:#f4f5f7;margin:0}
        main{max-width:1040px;margin:0 auto;padding:24px}
        header,section{background:#fff;border-radius:10px;padding:18px 22px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
        h1{margin:0 0 4px;font-size:26px}h2{margin:0 0 10px;font-size:19px;color:#23395d}h3{font-size:16px;margin:14px 0 4px}
        .sub{color:#5b6475;font-size:13px;margin:4px 0}.big{font-size:28px;font-weight:700;margin:4px 0}
        .ci{font-size:16px;font-weight:400;color:#3d4758;margin-left:10px}
        .alert{background:#fff4e0;border-left:5px solid #e08a00;padding:10px 14px;margin-bottom:16px;border-radius:6px}
        .bad{color:#b3261e;font-weight:700}
        table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
        th,td{border-bottom:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f0f2f5;font-weight:600}
        svg{max-width:100%;height:auto;display:block;margin:6px 0}
        footer{color:#5b6475;font-size:12px;text-align:center;padding:8px}
        """
}

/// Text made safe for HTML and SVG: the one escaping of the report and of the web portal's pages.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// Escapes text for HTML and SVG.
func esc(_ text: String) -> String { HTMLText.escape(text) }
