import FirstPartyPluginSupport
import Foundation

/// The merchant's working document, read and written once per request: what every request may need, kept
/// small. Finished bookings and closed days move to ``DiaryArchive``, so the document does not grow with the
/// trial's history.
struct DiaryState: Codable, Sendable, Equatable {
    /// Hours open for appointments; until the merchant sets them, Monday to Saturday 09:00-12:00 and 14:00-18:00.
    var openingHours: OpeningHours = DiaryState.defaultHours
    /// Days the shop takes no appointments (holidays, closures).
    var closedDates: [LocalDay] = []
    /// Appointments still to come or to be recorded (status `booked`), by id.
    var open: [String: Appointment] = [:]
    /// Places held on each day not yet closed, keyed "YYYY-MM-DD": every booking but cancelled ones.
    var dayLoad: [String: Int] = [:]
    var nextBookingNumber = 1
    /// When the diary first served a request: slots before that were never on offer, so they don't count
    /// in the fill rate.
    var openedAt: Date?
    /// The last day whose fill rate was recorded.
    var lastClosedDay: LocalDay?
    var tally = Tally()

    /// Running counts for the summary, since the trial's history is archived.
    struct Tally: Codable, Sendable, Equatable {
        var bookings = 0
        var completed = 0
        var noShows = 0
        var cancellations = 0
        var remindersSent = 0
        var revenueCents = 0
        var closedDays = 0
        var placesOffered = 0
        var placesBooked = 0
    }

    static let defaultHours = OpeningHours(
        periods: Dictionary(
            uniqueKeysWithValues: LocalDay.weekdays.prefix(6).map {
                ($0, [OpenPeriod("09:00-12:00")!, OpenPeriod("14:00-18:00")!])
            }))

    /// The storage key of the document.
    static let key = "diary"

    mutating func hold(on day: LocalDay, by delta: Int) {
        let load = (dayLoad[day.description] ?? 0) + delta
        dayLoad[day.description] = load > 0 ? load : nil
    }
}

/// How full a finished day was: booked places over places offered.
struct DayFill: Codable, Sendable, Equatable {
    /// Places offered: slots times capacity (0 on a closed day).
    let offered: Int
    /// Places taken by appointments that were not cancelled.
    let booked: Int

    /// Booked over offered, capped at 1; `nil` when nothing was offered.
    var rate: Double? { offered == 0 ? nil : min(1, Double(booked) / Double(offered)) }
}
