import Foundation

/// Getting in without a password: a sign-in link's landing page, the token form, and the page that says why not.
public enum AccessPages {
    /// The landing page of a sign-in link: opening it takes one more press, so that a link preview (an SMS app, a
    /// mail scanner) fetching it does not use it up.
    public static func join(code: String, next: String, _ context: PageContext) -> String {
        let t = context.t
        return context.page(title: t("join.title"), """
            <p class="lead">\(HTML.escape(t("join.lead")))</p>
            <form method="post" action="/join/\(HTML.escape(HTML.query(code)))?next=\(HTML.escape(HTML.query(next)))">
            <button type="submit">\(HTML.escape(t("join.continue")))</button>
            </form>
            """)
    }

    /// The token form, for firms and coordinators who hold an API token.
    public static func signIn(error: String? = nil, _ context: PageContext) -> String {
        let t = context.t
        return context.page(title: t("signIn.title"), """
            \(error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? "")
            <p class="lead">\(HTML.escape(t("signIn.lead")))</p>
            <form method="post" action="/sign-in">
            <label for="token">\(HTML.escape(t("signIn.token")))</label>
            <input id="token" type="password" name="token" autocomplete="current-password" required>
            <p><button type="submit">\(HTML.escape(t("signIn.submit")))</button></p>
            </form>
            """)
    }

    /// A page saying what went wrong and where to go.
    public static func problem(_ message: String, _ context: PageContext) -> String {
        let t = context.t
        return context.page(title: t("error.title"), """
            <p class="error" role="alert">\(HTML.escape(message))</p>
            <p><a href="/portal">\(HTML.escape(t("error.back")))</a></p>
            """)
    }
}
