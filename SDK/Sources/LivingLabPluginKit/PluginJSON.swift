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
        return text.withUTF8 { fastParseDate(bytes: $0) }
    }

    /// ``fastParseDate(_:)`` over the UTF-8 bytes of the text, as they sit in a request.
    static func fastParseDate(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20, let p = b.baseAddress else { return nil }
        // A digit's value; any other byte gives 10 or more (the subtraction wraps), which the range checks refuse.
        @inline(__always) func digit(_ i: Int) -> Int { Int(p[i] &- UInt8(ascii: "0")) }
        @inline(__always) func pair(_ i: Int) -> Int? {
            let high = digit(i), low = digit(i + 1)
            return high < 10 && low < 10 ? high * 10 + low : nil
        }
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"), p[10] == UInt8(ascii: "T"),
              p[13] == UInt8(ascii: ":"), p[16] == UInt8(ascii: ":"),
              let century = pair(0), let yearOfCentury = pair(2), let month = pair(5), let day = pair(8),
              let hour = pair(11), let minute = pair(14), let second = pair(17),
              (1...12).contains(month), hour < 24, minute < 60, second < 60
        else { return nil }
        let year = century * 100 + yearOfCentury
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays: Int
        switch month {
        case 2: monthDays = leap ? 29 : 28
        case 4, 6, 9, 11: monthDays = 30
        default: monthDays = 31
        }
        guard (1...monthDays).contains(day) else { return nil }
        var index = 19
        var fraction = 0.0
        if p[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, digit(index) < 10 {
                fraction += Double(digit(index)) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offset = 0
        if p[index] == UInt8(ascii: "Z") {
            index += 1
        } else if p[index] == UInt8(ascii: "+") || p[index] == UInt8(ascii: "-") {
            guard index + 6 <= b.count, p[index + 3] == UInt8(ascii: ":"),
                  let h = pair(index + 1), let m = pair(index + 4) else { return nil }
            offset = (h * 3600 + m * 60) * (p[index] == UInt8(ascii: "-") ? -1 : 1)
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
