import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

/// A firm's portal: its trials with their aggregated answers, and merchants' feedback on its plugins to answer.
public enum FirmPages {
    /// One of the firm's trials, as its home page lists it.
    public struct Trial: Sendable {
        public var id: String
        public var title: String
        public var state: TrialState
        /// Consent states and how many merchants are in each: counts only, never who.
        public var consents: [String: Int]

        public init(id: String, title: String, state: TrialState, consents: [String: Int]) {
            self.id = id
            self.title = title
            self.state = state
            self.consents = consents
        }
    }

    public static func home(_ trials: [Trial], feedback: [FeedbackThread], _ context: PageContext) -> String {
        let t = context.t
        var body = trials.isEmpty ? "<p>\(HTML.escape(t("firm.home.none")))</p>" : ""
        for trial in trials {
            body += "<section class=\"card\"><h2>\(HTML.escape(trial.title))</h2><p class=\"note\"><code>\(HTML.escape(trial.id))</code></p>"
            body += "<p>\(HTML.escape(t("trial.stateLabel")))\(HTML.escape(t.colon))\(HTML.escape(t("trial.state.\(trial.state.rawValue)")))</p>"
            body += "<h3>\(HTML.escape(t("firm.trial.consents")))</h3>"
            if trial.consents.isEmpty { body += "<p>\(HTML.escape(t("firm.trial.noAnswers")))</p>" }
            body += "<ul>"
            for (state, count) in trial.consents.sorted(by: { $0.key < $1.key }) {
                body += "<li>\(HTML.escape(t("count.consent.\(state)")))\(HTML.escape(t.colon))\(count)</li>"
            }
            body += "</ul><p><a href=\"/portal/trials/\(HTML.escape(HTML.query(trial.id)))/report\">\(HTML.escape(t("firm.trial.report")))</a></p></section>"
        }
        body += "<h2>\(HTML.escape(t("firm.feedback.title")))</h2>"
        if feedback.isEmpty { body += "<p>\(HTML.escape(t("feedback.none")))</p>" }
        for thread in feedback {
            body += "<div class=\"card\"><p class=\"note\">\(HTML.escape(t("firm.feedback.author"))) · \(HTML.escape(thread.pluginID)) · \(HTML.escape(t.moment(thread.at)))</p>"
            body += "<p>\(HTML.escape(thread.text))\(thread.rating.map { " (\($0)/5)" } ?? "")</p>"
            for answer in thread.answers {
                body += "<div class=\"answer\"><p>\(HTML.escape(answer.text))</p></div>"
            }
            body += context.form("/portal/feedback/\(thread.id)/answer", """
                <label for="answer-\(thread.id)">\(HTML.escape(t("firm.feedback.answer")))</label>
                <textarea id="answer-\(thread.id)" name="text" required maxlength="\(InputLimits.freeTextLength)"></textarea>
                <p><button class="secondary" type="submit">\(HTML.escape(t("firm.feedback.answer")))</button></p>
                """)
            body += "</div>"
        }
        return context.page(title: t("firm.home.title"), body)
    }
}

/// The coordinator's dashboard: protocols with their state and what can be done next, the merchants (filtered by a
/// criteria expression), and the audit check.
public enum CoordinatorPages {
    public static func home(protocols: [StoredProtocol], merchants: [Merchant], filter: String, filterError: String?,
                            audit: AuditVerification?, _ context: PageContext) -> String {
        let t = context.t
        var body = "<h2>\(HTML.escape(t("coordinator.protocols")))</h2><div class=\"table-wrap\"><table><thead><tr>"
        body += ["table.id", "table.title", "table.state", "table.version", "table.actions"].map { "<th scope=\"col\">\(HTML.escape(t($0)))</th>" }.joined()
        body += "</tr></thead><tbody>"
        for stored in protocols {
            let id = HTML.query(stored.id)
            var actions: [String] = []
            if stored.latest.approvedAt == nil {
                actions.append(context.form("/portal/trials/\(id)/approve", class: "inline",
                                            "<button class=\"secondary\" type=\"submit\">\(HTML.escape(t("coordinator.approve")))</button>"))
            }
            if [.approved, .paused].contains(stored.state) {
                actions.append(context.form("/portal/trials/\(id)/start", class: "inline",
                                            "<button class=\"secondary\" type=\"submit\">\(HTML.escape(t("coordinator.start")))</button>"))
            }
            actions.append("<a href=\"/portal/trials/\(id)/report\">\(HTML.escape(t("coordinator.report")))</a>")
            body += "<tr><td><code>\(HTML.escape(stored.id))</code></td><td>\(HTML.escape(stored.latest.definition.title))</td>"
                + "<td>\(HTML.escape(t("trial.state.\(stored.state.rawValue)")))</td><td>\(stored.latest.version)</td>"
                + "<td>\(actions.joined(separator: " "))</td></tr>"
        }
        body += "</tbody></table></div>"

        body += "<h2>\(HTML.escape(t("coordinator.merchants")))</h2>"
        body += """
            <form method="get" action="/portal">
            <label for="where">\(HTML.escape(t("coordinator.filter")))</label>
            <input id="where" type="text" name="where" value="\(HTML.escape(filter))" placeholder="sector in [bakery, butcher] and maturity &lt;= 2"\(filterError == nil ? "" : #" aria-invalid="true" aria-describedby="where-error""#)>
            \(filterError.map { #"<p id="where-error" class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? "")
            <p><button class="secondary" type="submit">\(HTML.escape(t("coordinator.filter.submit")))</button></p>
            </form>
            <p>\(HTML.escape(t("coordinator.filter.count", ["count": String(merchants.count)])))</p>
            <div class="table-wrap"><table><thead><tr>
            """
        body += ["table.id", "table.name", "table.sector", "table.segment"].map { "<th scope=\"col\">\(HTML.escape(t($0)))</th>" }.joined()
        body += "</tr></thead><tbody>"
        for merchant in merchants {
            body += "<tr><td><code>\(HTML.escape(merchant.id))</code></td><td>\(HTML.escape(merchant.name))</td>"
                + "<td>\(HTML.escape(merchant.sector))</td><td>\(HTML.escape(merchant.segment))</td></tr>"
        }
        body += "</tbody></table></div>"

        body += "<h2>\(HTML.escape(t("coordinator.audit")))</h2>"
        if let audit {
            body += audit.isIntact ? "<p class=\"ok\">\(HTML.escape(t("coordinator.audit.ok", ["count": String(audit.entriesChecked)])))</p>"
                : "<p class=\"error\">\(HTML.escape(t("coordinator.audit.broken", ["sequence": audit.firstBrokenSequence.map { String($0) } ?? "?"])))</p>"
        }
        body += "<p><a href=\"/portal?audit=1\">\(HTML.escape(t("coordinator.audit")))</a></p>"
        return context.page(title: t("coordinator.home.title"), wide: true, body)
    }
}
