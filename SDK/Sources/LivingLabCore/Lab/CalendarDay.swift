import Foundation

/// A calendar day (`YYYY-MM-DD`), read as the UTC day: protocol schedules and shocks are dated by day.
public struct CalendarDay: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`.
    public init(_ text: String) throws(LabError) {
        let parts = text.trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else {
            throw .invalid("`\(text)` is not a date: write it as YYYY-MM-DD, e.g. 2027-03-01.")
        }
        self.year = year
        self.month = month
        self.day = day
        guard CalendarDay.calendar.date(from: components) != nil,
              CalendarDay(date: startOfDay) == self
        else {
            throw .invalid("`\(text)` is not a day of the calendar: check the month's number of days.")
        }
    }

    /// The UTC day that contains `date`.
    public init(date: Date) {
        let parts = CalendarDay.calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year!
        month = parts.month!
        day = parts.day!
    }

    private var components: DateComponents {
        DateComponents(timeZone: .gmt, year: year, month: month, day: day)
    }

    /// Midnight UTC at the start of the day.
    public var startOfDay: Date { CalendarDay.calendar.date(from: components)! }

    /// Midnight UTC at the start of the next day: the exclusive end of this day.
    public var endOfDay: Date { startOfDay.addingTimeInterval(86_400) }

    /// The day `count` days later (or earlier when negative).
    public func adding(days count: Int) -> CalendarDay { CalendarDay(date: startOfDay.addingTimeInterval(Double(count) * 86_400)) }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try CalendarDay(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()
}

/// A closed range of days, e.g. a trial period.
public struct DayRange: Codable, Sendable, Hashable, CustomStringConvertible {
    public var start: CalendarDay
    public var end: CalendarDay

    public init(start: CalendarDay, end: CalendarDay) {
        self.start = start
        self.end = end
    }

    /// Whether `date` falls on a day of the range (UTC).
    public func contains(_ date: Date) -> Bool { date >= start.startOfDay && date < end.endOfDay }

    /// The number of days in the range.
    public var dayCount: Int { Int((end.endOfDay.timeIntervalSince(start.startOfDay) / 86_400).rounded()) }

    public var description: String { "\(start) → \(end)" }
}

/// ISO 8601 timestamps as LivingLab writes and reads them: UTC, with or without fractional seconds.
public enum Timestamp {
    /// Formats a date as ISO 8601 UTC with milliseconds, e.g. `2027-03-01T09:30:00.000Z`.
    public static func format(_ date: Date) -> String {
        // Every audit entry hashes a formatted timestamp, and Foundation's style cost more than the rest of an outcome's
        // audit entry. This writes the same text (a test compares the two over random dates): Foundation counts from
        // 2001 and truncates the fraction of that count to milliseconds, so this does too.
        let sinceReference = date.timeIntervalSinceReferenceDate
        let wholeSeconds = sinceReference.rounded(.down)
        let seconds = wholeSeconds + Date.timeIntervalBetween1970AndReferenceDate
        guard seconds >= 0, seconds < 253_402_300_800 else {
            return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
        }
        // A fraction a hair under 1 can round to 1000 once multiplied: it still belongs to this second.
        let milliseconds = min(Int((sinceReference - wholeSeconds) * 1000), 999)
        let total = Int(seconds)
        let (year, month, day) = civilDate(daysSince1970: total / 86_400)
        let time = total % 86_400
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, digits: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, digits: 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, digits: 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, digits: 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(time / 3600, digits: 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(time / 60 % 60, digits: 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(time % 60, digits: 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(milliseconds, digits: 3, at: 20)
            buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f…]Z`, read byte by byte; `nil` for any other form (Foundation reads those).
    static func parseUTC(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            guard bytes.count >= 20, bytes.count <= 40, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  bytes[bytes.count - 1] == UInt8(ascii: "Z") else { return nil }
            func number(_ start: Int, _ count: Int) -> Int? {
                var value = 0
                for index in start..<(start + count) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), year >= 1970, (1...12).contains(month),
                  hour < 24, minute < 60, second < 60 else { return nil }
            let monthDays = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...monthDays[month - 1]).contains(day) else { return nil }
            var fraction = 0.0
            if bytes.count > 20 {
                guard bytes[19] == UInt8(ascii: "."), bytes.count > 21 else { return nil }
                var scale = 0.1
                for index in 20..<(bytes.count - 1) {
                    let digit = Int(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    fraction += Double(digit) * scale
                    scale /= 10
                }
            }
            // Days from civil: the inverse of civilDate(daysSince1970:).
            let y = month <= 2 ? year - 1 : year
            let era = y / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
            return Date(timeIntervalSince1970: seconds + fraction)
        }
    }

    /// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01 (days ≥ 0).
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        // Counted in 400-year eras from 0000-03-01, so that the leap day ends a year.
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Parses an ISO 8601 timestamp or a plain day (read as midnight UTC).
    public static func parse(_ text: String) throws(LabError) -> Date {
        // The form the lab writes (and most callers send) is read directly: Foundation's parse styles cost more than
        // storing the outcome that carries the date.
        if let date = parseUTC(text) { return date }
        let value = text.trimmed
        // Foundation rolls an impossible day over (2027-02-30 reads as 2027-03-02): refuse it instead.
        if value.count > 10, value.dropFirst(10).first == "T", (try? CalendarDay(String(value.prefix(10)))) == nil {
            throw .invalid("`\(text)` is not a timestamp: \(value.prefix(10)) is not a day of the calendar.")
        }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(value) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(value) { return date }
        if value.count == 10, let day = try? CalendarDay(value) { return day.startOfDay }
        throw .invalid("`\(text)` is not a timestamp: write ISO 8601, e.g. 2027-03-01T09:30:00Z or 2027-03-01.")
    }
}
