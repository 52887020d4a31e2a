import Foundation
import LivingLabCore

/// ISO weeks (Monday start, UTC) from the Monday of the baseline's first week to the week of the schedule's last day.
///
/// Reports bucket outcome timestamps into these weeks: weekly totals smooth the day-of-week cycle of shop trade, and
/// a common grid lets arms be compared week by week.
public struct WeekCalendar: Sendable, Hashable {
    /// The Monday (00:00 UTC) that starts week 0.
    public var firstMonday: Date
    /// The number of weeks on the grid.
    public var count: Int

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// A grid covering `first` to `last` (days, inclusive).
    public init(from first: CalendarDay, to last: CalendarDay) {
        firstMonday = Self.monday(of: first.startOfDay)
        let lastMonday = Self.monday(of: last.startOfDay)
        count = Int((lastMonday.timeIntervalSince(firstMonday) / 604_800).rounded()) + 1
    }

    /// A grid covering a protocol's baseline, trial and follow-up.
    public init(schedule: ExperimentProtocol.Schedule) {
        self.init(from: schedule.baseline.start, to: schedule.followUp?.end ?? schedule.trial.end)
    }

    /// 00:00 UTC on the Monday of the ISO week holding `date`.
    public static func monday(of date: Date) -> Date {
        let start = utc.startOfDay(for: date)
        // ISO weekday via the Gregorian numbering: Sunday 1 … Saturday 7, so Monday is 2.
        let weekday = utc.component(.weekday, from: start)
        return start.addingTimeInterval(-Double((weekday + 5) % 7) * 86_400)
    }

    /// The week index of `date`, or `nil` when it falls outside the grid.
    public func week(of date: Date) -> Int? {
        let offset = date.timeIntervalSince(firstMonday)
        guard offset >= 0 else { return nil }
        let index = Int(offset / 604_800)
        return index < count ? index : nil
    }

    /// The start (Monday 00:00 UTC) of week `index`.
    public func start(of index: Int) -> Date { firstMonday.addingTimeInterval(Double(index) * 604_800) }

    /// The end (next Monday 00:00 UTC, exclusive) of week `index`.
    public func end(of index: Int) -> Date { start(of: index + 1) }

    /// The Monday of week `index` as `YYYY-MM-DD`.
    public func day(of index: Int) -> String { CalendarDay(date: start(of: index)).description }

    /// The ISO label of week `index`, for example `2027-W09`.
    public func label(of index: Int) -> String {
        let date = start(of: index)
        let week = Self.utc.component(.weekOfYear, from: date)
        let year = Self.utc.component(.yearForWeekOfYear, from: date)
        return String(format: "%04d-W%02d", year, week)
    }

    /// The weeks that overlap the days of `range`, clipped to the grid; `nil` when none does.
    public func weeks(overlapping range: DayRange) -> ClosedRange<Int>? {
        let first = max(0, Int(floor(range.start.startOfDay.timeIntervalSince(firstMonday) / 604_800)))
        let last = min(count - 1, Int(floor((range.end.endOfDay.timeIntervalSince(firstMonday) - 1) / 604_800)))
        return first <= last ? first...last : nil
    }
}
