import Foundation
import LivingLabTrials

/// Text made safe for HTML and SVG: every page and report writes what it did not write itself through ``escape(_:)``.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
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

    /// A query value, percent-encoded.
    public static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

/// What every page needs: the reader's words, the form token of their session, where they are.
public struct PageContext: Sendable {
    public var t: Catalogue
    /// The session's CSRF token, for every form; `nil` when signed out.
    public var csrf: String?
    /// The path of the page, for the language switch.
    public var path: String
    /// What the last action did, said at the top of the page.
    public var notice: String?

    public init(t: Catalogue, csrf: String?, path: String, notice: String? = nil) {
        self.t = t
        self.csrf = csrf
        self.path = path
        self.notice = notice
    }

    /// The hidden field every form posts.
    var csrfField: String {
        csrf.map { #"<input type="hidden" name="csrf" value="\#(HTML.escape($0))">"# } ?? ""
    }

    /// A form posting to `action` with its CSRF token.
    func form(_ action: String, class className: String? = nil, _ body: String) -> String {
        #"<form method="post" action="\#(HTML.escape(action))"\#(className.map { #" class="\#($0)""# } ?? "")>\#(csrfField)\#(body)</form>"#
    }

    /// The whole page around `body`.
    public func page(title: String, wide: Bool = false, _ body: String) -> String {
        let other = t.language == "fr" ? "en" : "fr"
        let separator = path.contains("?") ? "&" : "?"
        let signOut = csrf == nil ? "" : form("/portal/sign-out", class: "inline", #"<button class="link" type="submit">\#(HTML.escape(t("nav.signOut")))</button>"#)
        return """
            <!doctype html>
            <html lang="\(t.language)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · LivingLab</title>
            <link rel="stylesheet" href="/portal/style.css">
            </head>
            <body>
            <a class="skip" href="#main">\(HTML.escape(t("nav.skip")))</a>
            <header class="site">
            <a class="brand" href="/portal">\(HTML.escape(t("lab.name")))</a>
            <nav aria-label="\(HTML.escape(t("nav.home")))">
            <a href="\(HTML.escape(path + separator + "lang=" + other))" lang="\(other)" hreflang="\(other)">\(HTML.escape(t("language.switch")))</a>
            \(signOut)
            </nav>
            </header>
            <main id="main"\(wide ? #" class="wide""# : "")>
            <h1>\(HTML.escape(title))</h1>
            \(notice.map { #"<p class="ok" role="status">\#(HTML.escape($0))</p>"# } ?? "")
            \(body)
            </main>
            <footer class="site">LivingLab</footer>
            </body>
            </html>
            """
    }
}
