import FirstPartyPluginSupport
import LivingLabPluginKit

/// The arm configuration of a click-and-collect trial: what differs between arms.
struct PickupSettings: Sendable, Equatable {
    /// Length of a pick-up slot in minutes (`slotMinutes`, default 30).
    var slotMinutes = 30
    /// Orders one slot takes (`slotCapacity`, default 4).
    var slotCapacity = 4
    /// Whether customers get a reminder before their slot (`reminders`, default false).
    var reminders = false
    /// How long before the slot a reminder goes out (`reminderLeadMinutes`, default 120).
    var reminderLeadMinutes = 120
    /// Preparation time: the earliest slot a new order can take starts this long after the order
    /// (`minLeadMinutes`, default 30).
    var minLeadMinutes = 30

    init() {}

    init(arm configuration: JSONValue) throws {
        let config = try ConfigurationReader(configuration, source: "arm configuration")
        slotMinutes = try config.integer(
            "slotMinutes", default: slotMinutes, in: 5...240, meaning: "pick-up slot length in minutes")
        slotCapacity = try config.integer(
            "slotCapacity", default: slotCapacity, in: 1...100, meaning: "orders per pick-up slot")
        reminders = try config.bool("reminders", default: reminders, meaning: "send pick-up reminders")
        reminderLeadMinutes = try config.integer(
            "reminderLeadMinutes", default: reminderLeadMinutes, in: 5...(7 * 24 * 60),
            meaning: "minutes before the slot")
        minLeadMinutes = try config.integer(
            "minLeadMinutes", default: minLeadMinutes, in: 0...(7 * 24 * 60),
            meaning: "preparation minutes before the first slot")
    }
}
