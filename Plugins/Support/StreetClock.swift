import Foundation
import LivingLabPluginKit

/// The street's local time: shop hours are local, requests carry instants, so every slot is computed here.
package struct StreetClock: Sendable {
    /// The street's time zone, from the plugin configuration key `timeZone`.
    package let timeZone: TimeZone
    private let calendar: Calendar

    /// The clock a plugin configuration names with `timeZone` (an IANA name, default "Europe/Paris").
    package init(pluginConfiguration configuration: JSONValue) throws {
        let config = try ConfigurationReader(configuration, source: "plugin configuration")
        try self.init(
            timeZoneIdentifier: config.string("timeZone", default: "Europe/Paris", meaning: "the street's time zone"))
    }

    /// A clock for an IANA time zone such as "Europe/Paris"; rejects unknown names as bad configuration.
    package init(timeZoneIdentifier: String) throws {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else {
            throw Rejection.badConfiguration(
                "unknown time zone '\(timeZoneIdentifier)' in the plugin configuration key 'timeZone'; "
                    + "use an IANA name such as \"Europe/Paris\"")
        }
        timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// Reads an ISO-8601 instant ("2026-12-01T10:00:00+01:00" or "...Z").
    package func instant(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// Writes an instant in local time with its offset, so a merchant reads the hour they know.
    package func text(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeSeparator: .colon, timeZoneSeparator: .colon, timeZone: timeZone))
    }

    /// Reads a day written "YYYY-MM-DD", refusing days the calendar does not have (2026-02-30).
    package func day(_ text: String) -> LocalDay? {
        guard let day = LocalDay(text), self.day(of: instant(on: day, minute: 12 * 60)) == day else { return nil }
        return day
    }

    /// The local day an instant falls on.
    package func day(of date: Date) -> LocalDay {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return LocalDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The instant of a local wall-clock time on a day (minutes after midnight).
    package func instant(on day: LocalDay, minute: Int) -> Date {
        let parts = DateComponents(
            year: day.year, month: day.month, day: day.day, hour: minute / 60, minute: minute % 60)
        return calendar.date(from: parts) ?? Date(timeIntervalSince1970: 0)
    }

    /// The day's weekday name in English, lower case ("monday"), as opening hours are keyed.
    package func weekday(of day: LocalDay) -> String {
        let noon = instant(on: day, minute: 12 * 60)
        let index = calendar.component(.weekday, from: noon)  // 1 = Sunday
        return LocalDay.weekdays[(index + 5) % 7]
    }

    /// The day `days` after `day` (before it when negative), counted on the local calendar.
    package func adding(days: Int, to day: LocalDay) -> LocalDay {
        let noon = instant(on: day, minute: 12 * 60)
        return self.day(of: calendar.date(byAdding: .day, value: days, to: noon) ?? noon)
    }
}

/// A calendar day on the street, written "YYYY-MM-DD".
package struct LocalDay: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Weekday names from Monday, the order opening hours are listed in.
    package static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The year, such as 2026.
    package let year: Int
    /// The month, 1 to 12.
    package let month: Int
    /// The day of the month, 1 to 31.
    package let day: Int

    /// A day from its parts, taken as given; use `StreetClock.day(_:)` to reject days the calendar lacks.
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads "YYYY-MM-DD", checking only the shape and ranges; `StreetClock.day(_:)` also checks the calendar.
    package init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Decodes a day stored as "YYYY-MM-DD".
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = LocalDay(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a day: \(text)"))
        }
        self = day
    }

    /// Encodes the day as "YYYY-MM-DD", the form requests use.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The day as "YYYY-MM-DD".
    package var description: String {
        let month = month < 10 ? "0\(month)" : "\(month)"
        let day = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(month)-\(day)"
    }

    /// Earlier days sort first.
    package static func < (lhs: LocalDay, rhs: LocalDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
