import Foundation

/// The portal's words in one language, read from `Resources/<language>.json`: a third language is a file, not a
/// code change. A key missing from a catalogue shows as the key itself (and the catalogue test fails).
public struct Catalogue: Sendable {
    public let language: String
    let strings: [String: String]

    /// The languages the portal speaks, French first.
    public static let languages = ["fr", "en"]
    /// Each language's catalogue, read once.
    static let all: [String: Catalogue] = {
        var all: [String: Catalogue] = [:]
        for language in languages {
            guard let url = Bundle.module.url(forResource: language, withExtension: "json", subdirectory: "Resources"),
                  let data = try? Data(contentsOf: url),
                  let strings = try? JSONDecoder().decode([String: String].self, from: data)
            else { continue }
            all[language] = Catalogue(language: language, strings: strings)
        }
        return all
    }()

    /// The catalogue of `language`, or French's.
    public static func named(_ language: String?) -> Catalogue {
        language.flatMap { all[$0] } ?? all["fr"] ?? Catalogue(language: "fr", strings: [:])
    }

    /// The language a request asks for: `?lang=`, else the `llab_lang` cookie, else French.
    public static func choose(query: String?, cookie: String?) -> String {
        if let query, languages.contains(query) { return query }
        if let cookie, languages.contains(cookie) { return cookie }
        return "fr"
    }

    /// Every key of this catalogue.
    public var keys: Set<String> { Set(strings.keys) }

    /// The text for `key`, with `{name}` placeholders filled from `values`.
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = strings[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// The colon between a label and its value, as the language writes it (`État : en cours`, `State: running`).
    public var colon: String { self("punctuation.colon") }

    /// The text for `key` if the catalogue has it (for data categories a protocol names freely).
    public func optional(_ key: String) -> String? { strings[key] }

    /// A date in this language, in UTC: `1 mars 2027` / `1 March 2027`.
    public func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == "fr" ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy"
        return formatter.string(from: date)
    }

    /// A date and time in this language, in UTC.
    public func moment(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == "fr" ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = language == "fr" ? "d MMMM yyyy 'à' HH:mm 'UTC'" : "d MMMM yyyy 'at' HH:mm 'UTC'"
        return formatter.string(from: date)
    }
}

/// The CSS of the portal.
public enum PortalStyle {
    public static let css: String = {
        guard let url = Bundle.module.url(forResource: "style", withExtension: "css", subdirectory: "Resources"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()
}
