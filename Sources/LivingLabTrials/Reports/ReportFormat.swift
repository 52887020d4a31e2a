import Foundation
import LivingLabAnalysis
import LivingLabCore

/// The formats a report renders to.
public enum ReportFormat: String, CaseIterable, Sendable {
    /// Plain text for a terminal.
    case text
    /// JSON with sorted keys; infinite interval bounds as the strings "Infinity" / "-Infinity".
    case json
    /// One long table: `section,item,field,value`.
    case csv
    /// One self-contained HTML page with inline CSS and SVG charts, in one language (LivingLabWeb's `ReportPage`).
    case html
}

extension TrialReport {
    /// The report as JSON (sorted keys, ISO 8601 dates, ±∞ and NaN as strings).
    public func jsonRendering() throws -> String {
        String(decoding: try ReportJSON.encoder().encode(self), as: UTF8.self)
    }
}

/// JSON settings shared by reports and analyses: intervals from randomisation inference can be infinite.
public enum ReportJSON {
    /// A pretty, sorted encoder that writes non-finite numbers as "Infinity", "-Infinity" and "NaN".
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }
}

/// Number formatting for every renderer (the text, CSV and HTML reports and the portal's pages): three significant digits, ±∞ spelt out.
public enum Figure {
    public static func text(_ x: Double?, digits: Int = 3) -> String {
        guard let x else { return "–" }
        if x.isNaN { return "–" }
        if !x.isFinite { return x > 0 ? "+∞" : "−∞" }
        if abs(x) >= 1e-3 && abs(x) < 1e6 {
            let magnitude = x == 0 ? 0 : Int(floor(log10(abs(x))))
            let decimals = max(0, digits - 1 - magnitude)
            return String(format: "%.\(decimals)f", x)
        }
        return x == 0 ? "0" : String(format: "%.\(digits - 1)e", x)
    }

    public static func p(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return x < 0.001 ? "< 0.001" : String(format: "%.3f", x)
    }

    /// "p = 0.042" or "p < 0.001", for sentences.
    public static func pStatement(_ x: Double) -> String {
        let text = p(x)
        return text.hasPrefix("<") ? "p \(text)" : "p = \(text)"
    }

    public static func interval(_ e: Estimate) -> String { "[\(text(e.lower)), \(text(e.upper))]" }

    public static func percent(_ level: Double) -> String { "\(Int((level * 100).rounded()))%" }
}
