import Foundation

/// The JSON conventions of the plugin boundary: sorted keys, ISO-8601 dates.
enum PluginJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 date such as 2026-05-04T10:00:00Z, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }

    /// ISO-8601 in UTC, with milliseconds only when the date has them.
    static func formatDate(_ date: Date) -> String {
        let wholeSeconds = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: !wholeSeconds)
        return date.formatted(style)
    }

    /// Accepts ISO-8601 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        if let date = fastParseDate(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)`, the form requests carry, read digit by digit: every request with an
    /// `at` goes through here, and Foundation's parser costs microseconds.
    static func fastParseDate(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            func digits(_ start: Int, _ count: Int) -> Int? {
                guard start + count <= b.count else { return nil }
                var value = 0
                for i in start..<(start + count) {
                    let d = Int(b[i]) - 48
                    guard (0...9).contains(d) else { return nil }
                    value = value * 10 + d
                }
                return value
            }
            guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
                  b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                  let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
                  let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
                  (1...12).contains(month), hour < 24, minute < 60, second < 60
            else { return nil }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            guard (1...monthDays).contains(day) else { return nil }
            var index = 19
            var fraction = 0.0
            if b[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < b.count, (48...57).contains(b[index]) {
                    fraction += Double(b[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            guard index < b.count else { return nil }
            var offset = 0
            if b[index] == UInt8(ascii: "Z") {
                index += 1
            } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
                guard index + 6 <= b.count, b[index + 3] == UInt8(ascii: ":"),
                      let h = digits(index + 1, 2), let m = digits(index + 4, 2) else { return nil }
                offset = (h * 3600 + m * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            } else {
                return nil
            }
            guard index == b.count else { return nil }
            // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(seconds) + fraction)
        }
    }
}
