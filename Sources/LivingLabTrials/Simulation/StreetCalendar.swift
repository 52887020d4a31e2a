import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// The simulated weeks on the street's local time (Europe/Paris), from the Monday the baseline starts.
///
/// Shops open and customers come by local time, while the store keeps UTC: the calendar turns "week 3, Tuesday,
/// 10:30 on the street" into an instant.
struct StreetCalendar: Sendable {
    /// The first day of week 0.
    let firstDay: CalendarDay

    static let street: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar
    }()

    static let iso: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// Day `day` (0 = the first day of the week) of week `week`.
    func day(week: Int, day: Int) -> CalendarDay { firstDay.adding(days: 7 * week + day) }

    /// The instant at `minute` minutes after local midnight on that day.
    func local(week: Int, day: Int, minute: Int) -> Date {
        let date = self.day(week: week, day: day)
        let midnight = Self.street.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
        return midnight.addingTimeInterval(Double(minute) * 60)
    }

    /// The ISO week label of week `week`, for example `2027-W09`.
    func isoWeek(_ week: Int) -> String {
        let date = day(week: week, day: 0).startOfDay
        return String(format: "%04d-W%02d", Self.iso.component(.yearForWeekOfYear, from: date),
                      Self.iso.component(.weekOfYear, from: date))
    }

    /// The ISO week number of week `week`, which places it in the seasons.
    func weekOfYear(_ week: Int) -> Int { Self.iso.component(.weekOfYear, from: day(week: week, day: 0).startOfDay) }
}
