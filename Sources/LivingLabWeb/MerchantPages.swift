import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

/// The merchant's portal: their invitations, and one page per trial to take part or withdraw in one step each.
public enum MerchantPages {
    /// The trials a merchant is invited to.
    public static func home(_ invitations: [Invitation], _ context: PageContext) -> String {
        let t = context.t
        var body = #"<p class="lead">\#(HTML.escape(t("merchant.home.lead")))</p>"#
        if invitations.isEmpty { body += "<p>\(HTML.escape(t("merchant.home.none")))</p>" }
        for invitation in invitations {
            body += """
                <section class="card">
                <h2>\(HTML.escape(invitation.title))</h2>
                <p>\(status(invitation.consent, t)) · \(HTML.escape(t("trial.stateLabel")))\(HTML.escape(t.colon))\(HTML.escape(t("trial.state.\(invitation.trialState.rawValue)")))</p>
                <p><a class="button" href="/portal/trials/\(HTML.escape(HTML.query(invitation.protocolID)))">\(HTML.escape(t("merchant.home.open")))</a></p>
                </section>
                """
        }
        return context.page(title: t("merchant.home.title"), body)
    }

    static func status(_ state: ConsentStatus.State, _ t: Catalogue) -> String {
        let label = HTML.escape(t("status.consent." + state.rawValue))
        return #"<span class="status \#(state.rawValue)">\#(label)</span>"#
    }

    /// One trial: what it is, the data and why, how long, what withdrawal does, who runs it, the sponsor, the
    /// document, and one button to take part or one to withdraw.
    public static func trial(_ trial: MerchantTrial, _ context: PageContext) -> String {
        let t = context.t
        let p = trial.definition
        let id = HTML.query(p.id)
        var body = ""
        body += "<p>\(status(trial.invitation.consent, t)) · \(HTML.escape(t("trial.stateLabel")))\(HTML.escape(t.colon))\(HTML.escape(t("trial.state.\(trial.invitation.trialState.rawValue)")))</p>"
        // The protocol's own words are in one language; the document is in the reader's: what the trial does and its
        // title come from it.
        let what = trial.document.flatMap { Markdown.firstSection($0.text) }.map { Markdown.html($0) }
            ?? "<p>\(HTML.escape(p.hypothesis))</p>"
        body += "<h2>\(HTML.escape(t("trial.what")))</h2>\(what)"
        body += "<h2>\(HTML.escape(t("trial.firm")))</h2><p>\(HTML.escape(trial.firm?.name ?? p.firm))</p>"
        body += "<h2>\(HTML.escape(t("trial.sponsor")))</h2>"
        body += trial.sponsors.isEmpty ? "<p>\(HTML.escape(t("trial.sponsor.none")))</p>"
            : "<p>\(trial.sponsors.map { HTML.escape($0.name) }.joined(separator: ", "))</p>"
        body += "<h2>\(HTML.escape(t("trial.data")))</h2>"
        body += "<p><strong>\(HTML.escape(t("trial.purposes")))</strong>\(HTML.escape(t.colon))"
            + p.consent.purposes.map { HTML.escape(t.optional("purpose.\($0)") ?? $0) }.joined(separator: HTML.escape(t("punctuation.list"))) + "</p>"
        body += "<p><strong>\(HTML.escape(t("trial.categories")))</strong>\(HTML.escape(t.colon))"
            + p.consent.dataCategories.map { HTML.escape(t.optional("data.\($0)") ?? $0) }.joined(separator: HTML.escape(t("punctuation.list"))) + "</p>"
        body += "<h2>\(HTML.escape(t("trial.duration")))</h2><p>" + HTML.escape(t("trial.duration.value", [
            "baselineStart": t.day(p.schedule.baseline.start.startOfDay), "baselineEnd": t.day(p.schedule.baseline.end.startOfDay),
            "trialStart": t.day(p.schedule.trial.start.startOfDay), "trialEnd": t.day(p.schedule.trial.end.startOfDay),
        ])) + "</p>"
        body += "<h2>\(HTML.escape(t("trial.withdrawal")))</h2><p>\(HTML.escape(t("withdrawal.\(p.onWithdrawal.rawValue)")))</p>"
        if let document = trial.document {
            body += """
                <h2>\(HTML.escape(t("trial.document")))</h2>
                <details class="document"><summary>\(HTML.escape(t("trial.document"))) (v\(document.version))</summary>
                <div lang="\(HTML.escape(document.language))">\(Markdown.html(document.text, headingOffset: 2))</div></details>
                """
        }
        if !trial.changes.isEmpty {
            body += "<h2>\(HTML.escape(t("trial.changes")))</h2><ul>"
            for change in trial.changes {
                body += "<li><strong>\(HTML.escape(change.field))</strong>\(HTML.escape(t.colon))\(HTML.escape(change.before)) → \(HTML.escape(change.after))</li>"
            }
            body += "</ul>"
        }

        body += "<h2>\(HTML.escape(t("trial.status")))</h2>"
        switch trial.invitation.action {
        case .consent?, .renew?:
            guard let document = trial.document else { break }
            let label = trial.invitation.action == .renew ? t("trial.renew") : t("trial.take")
            body += context.form("/portal/trials/\(id)/consent", """
                <input type="hidden" name="language" value="\(HTML.escape(document.language))">
                <input type="hidden" name="sha256" value="\(HTML.escape(document.sha256))">
                <p class="note">\(HTML.escape(t("trial.take.note", ["version": String(document.version)])))</p>
                <button type="submit">\(HTML.escape(label))</button>
                """)
        case .withdraw?:
            body += context.form("/portal/trials/\(id)/withdraw", """
                <p class="note">\(HTML.escape(t("trial.withdraw.note")))</p>
                <button class="danger" type="submit">\(HTML.escape(t("trial.withdraw")))</button>
                """)
        case nil:
            body += "<p>\(HTML.escape(trial.invitation.approved ? t("trial.closed") : t("trial.notApproved")))</p>"
        }
        if !trial.events.isEmpty {
            body += "<h2>\(HTML.escape(t("trial.recorded")))</h2><ul class=\"events\">"
            for event in trial.events {
                body += "<li>" + HTML.escape(t("trial.recorded.event", [
                    "kind": t("event.\(event.kind.rawValue)"), "at": t.moment(event.at), "language": event.language,
                    "sha": event.documentSHA256,
                ])) + "</li>"
            }
            body += "</ul><p><a href=\"/portal/trials/\(id)/receipt\">\(HTML.escape(t("trial.receipt")))</a></p>"
        }
        if !trial.events.isEmpty {
            body += "<h2>\(HTML.escape(t("results.title")))</h2>"
            body += trial.weekly.map { Charts.weekly($0, t) } ?? "<p>\(HTML.escape(t("results.none")))</p>"
        }
        // Feedback is for those who took part (or did, and left).
        if !trial.events.isEmpty { body += feedbackSection(trial, context) }
        return context.page(title: trial.document.flatMap { Markdown.title($0.text) } ?? p.title, body)
    }

    static func feedbackSection(_ trial: MerchantTrial, _ context: PageContext) -> String {
        let t = context.t
        var body = "<h2>\(HTML.escape(t("feedback.title")))</h2><p class=\"note\">\(HTML.escape(t("feedback.lead")))</p>"
        for thread in trial.feedback {
            body += "<div class=\"card\"><p>\(HTML.escape(thread.text))\(thread.rating.map { " (\($0)/5)" } ?? "")</p>"
            body += "<p class=\"note\">\(HTML.escape(t.moment(thread.at)))</p>"
            for answer in thread.answers {
                let author = answer.authorKind == .firm ? (trial.firm?.name ?? answer.authorID) : answer.authorID
                body += "<div class=\"answer\"><p><strong>\(HTML.escape(t("feedback.answer", ["author": author])))</strong></p>"
                    + "<p>\(HTML.escape(answer.text))</p></div>"
            }
            body += "</div>"
        }
        let options = ["<option value=\"\">\(HTML.escape(t("feedback.rating.none")))</option>"]
            + (1...5).map { "<option value=\"\($0)\">\($0)/5</option>" }
        body += context.form("/portal/trials/\(HTML.query(trial.definition.id))/feedback", """
            <label for="feedback-text">\(HTML.escape(t("feedback.text")))</label>
            <textarea id="feedback-text" name="text" required maxlength="\(InputLimits.freeTextLength)"></textarea>
            <label for="feedback-rating">\(HTML.escape(t("feedback.rating")))</label>
            <select id="feedback-rating" name="rating">\(options.joined())</select>
            <p><button class="secondary" type="submit">\(HTML.escape(t("feedback.send")))</button></p>
            """)
        return body
    }

    /// The copy of what was recorded a merchant may keep: the document they were shown and their consent events.
    public static func receipt(_ trial: MerchantTrial, _ t: Catalogue) -> String {
        var text = "\(trial.definition.title)\n\(trial.definition.id)\n\n\(t("trial.recorded"))\n"
        for event in trial.events {
            text += "- " + t("trial.recorded.event", ["kind": t("event.\(event.kind.rawValue)"), "at": t.moment(event.at),
                                                     "language": event.language, "sha": event.documentSHA256]) + "\n"
        }
        if let document = trial.document {
            text += "\n\(t("trial.document")) (\(document.language), v\(document.version), SHA-256 \(document.sha256))\n\n\(document.text)\n"
        }
        return text
    }
}
