import FirstPartyPluginSupport
import LivingLabPluginKit

/// The arm configuration of an appointment-booking trial: what differs between arms.
struct BookingSettings: Sendable, Equatable {
    /// Length of an appointment in minutes (`slotMinutes`, default 30).
    var slotMinutes = 30
    /// Minutes kept free after each appointment, to tidy up or run late (`bufferMinutes`, default 0).
    var bufferMinutes = 0
    /// Appointments the shop can take at once: chairs, staff (`capacity`, default 1).
    var capacity = 1
    /// Whether customers get a reminder before their appointment (`reminders`, default false).
    var reminders = false
    /// How long before the appointment the reminder goes out (`reminderLeadMinutes`, default 1440: a day).
    var reminderLeadMinutes = 24 * 60
    /// How far ahead customers may book, in days (`horizonDays`, default 28).
    var horizonDays = 28
    /// The latest a customer may book, in minutes before the start (`minLeadMinutes`, default 60).
    var minLeadMinutes = 60

    init() {}

    init(arm configuration: JSONValue) throws {
        let config = try ConfigurationReader(configuration, source: "arm configuration")
        slotMinutes = try config.integer(
            "slotMinutes", default: slotMinutes, in: 5...480, meaning: "appointment length in minutes")
        bufferMinutes = try config.integer(
            "bufferMinutes", default: bufferMinutes, in: 0...240, meaning: "free minutes after each appointment")
        capacity = try config.integer(
            "capacity", default: capacity, in: 1...50, meaning: "appointments at the same time")
        reminders = try config.bool("reminders", default: reminders, meaning: "send appointment reminders")
        reminderLeadMinutes = try config.integer(
            "reminderLeadMinutes", default: reminderLeadMinutes, in: 5...(7 * 24 * 60),
            meaning: "minutes before the appointment")
        horizonDays = try config.integer(
            "horizonDays", default: horizonDays, in: 1...365, meaning: "days ahead bookings open")
        minLeadMinutes = try config.integer(
            "minLeadMinutes", default: minLeadMinutes, in: 0...(7 * 24 * 60),
            meaning: "minutes before the start bookings close")
    }
}
