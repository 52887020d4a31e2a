import Foundation
import LivingLabPluginKit

/// A shop's weekly opening hours: for each weekday, the periods it is open, in local minutes after midnight.
package struct OpeningHours: Codable, Sendable, Equatable {
    /// Periods per weekday name ("monday"…); a missing day is closed.
    package var periods: [String: [OpenPeriod]]

    /// What a request must look like, for error messages.
    package static let hint =
        #"{"openingHours": {"monday": ["09:00-12:30", "14:00-19:00"], "saturday": ["09:00-13:00"]}}"#

    /// Reads `{"monday": ["09:00-12:30", "14:00-19:00"], ...}`; days left out are closed.
    package init(json: JSONValue) throws {
        guard case .object(let days) = json else {
            throw Rejection.invalidField("'openingHours' must be an object keyed by weekday: send \(Self.hint)")
        }
        var periods: [String: [OpenPeriod]] = [:]
        for (day, value) in days {
            let weekday = day.lowercased()
            guard LocalDay.weekdays.contains(weekday) else {
                throw Rejection.invalidField(
                    "'\(day)' is not a weekday; use one of \(LocalDay.weekdays.joined(separator: ", ")): send \(Self.hint)"
                )
            }
            guard case .array(let items) = value else {
                throw Rejection.invalidField(
                    "'openingHours.\(day)' must be an array of \"HH:MM-HH:MM\": send \(Self.hint)")
            }
            var list: [OpenPeriod] = []
            for item in items {
                guard case .string(let text) = item, let period = OpenPeriod(text) else {
                    throw Rejection.invalidField(
                        "'openingHours.\(day)' holds \(item), which is not a period \"HH:MM-HH:MM\" "
                            + "with the start before the end: send \(Self.hint)")
                }
                list.append(period)
            }
            list.sort { $0.start < $1.start }
            for (earlier, later) in zip(list, list.dropFirst()) where later.start < earlier.end {
                throw Rejection.invalidField(
                    "'openingHours.\(day)' has overlapping periods \(earlier) and \(later); merge them into one")
            }
            if !list.isEmpty { periods[weekday] = list }
        }
        self.periods = periods
    }

    /// Hours built from periods already checked, such as ones read back from a plugin's archive.
    package init(periods: [String: [OpenPeriod]]) {
        self.periods = periods
    }

    /// The hours as a request would send them, for responses.
    package var json: JSONValue {
        .object(periods.mapValues { .array($0.map { .string($0.description) }) })
    }

    /// Start instants of the slots a day offers: each period is cut into slots of `length` minutes, with `gap`
    /// minutes between one slot's end and the next one's start; a slot that would run past closing is not offered.
    package func slots(on day: LocalDay, length: Int, gap: Int, clock: StreetClock) -> [Slot] {
        var result: [Slot] = []
        for period in periods[clock.weekday(of: day)] ?? [] {
            var start = period.start
            while start + length <= period.end {
                result.append(
                    Slot(
                        start: clock.instant(on: day, minute: start),
                        end: clock.instant(on: day, minute: start + length)))
                start += length + gap
            }
        }
        return result
    }
}

/// One opening period of a day, "09:00-12:30".
package struct OpenPeriod: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Minutes after local midnight.
    package let start: Int
    /// Minutes after local midnight; later than `start`.
    package let end: Int

    /// Reads "HH:MM-HH:MM"; `nil` unless both times are valid and the start comes before the end.
    package init?(_ text: String) {
        let bounds = text.split(separator: "-")
        guard bounds.count == 2, let start = Self.minute(bounds[0]), let end = Self.minute(bounds[1]), start < end
        else {
            return nil
        }
        self.start = start
        self.end = end
    }

    private static func minute(_ text: Substring) -> Int? {
        let parts = text.trimmingPrefixAndSuffixSpaces.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 24 * 60
        else { return nil }
        return hour * 60 + minute
    }

    /// The period as a request writes it, "09:00-12:30".
    package var description: String { "\(Self.clock(start))-\(Self.clock(end))" }

    private static func clock(_ minute: Int) -> String {
        let hour = minute / 60
        let rest = minute % 60
        return (hour < 10 ? "0\(hour)" : "\(hour)") + ":" + (rest < 10 ? "0\(rest)" : "\(rest)")
    }
}

/// A bookable interval of time.
package struct Slot: Equatable, Sendable {
    /// The instant the slot begins.
    package let start: Date
    /// The instant the slot ends; the next slot may begin later, after a gap.
    package let end: Date

    /// A slot from `start` to `end`.
    package init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }
}

extension Substring {
    fileprivate var trimmingPrefixAndSuffixSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
