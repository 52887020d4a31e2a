import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// Appointments for a street shop (hairdresser, tailor, optician): opening hours cut into slots, bookings,
/// cancellations, no-shows and reminders, with each finished day's fill rate.
///
/// Arms differ by appointment length, buffer between appointments, places at once, booking window and
/// reminders (see ``BookingSettings``). All state lives in host storage (a small working document per merchant,
/// finished records beside it), so a host may load the plugin for a single request.
public final class AppointmentBooking: SolutionPlugin {
    /// Who this plugin is and what it reports, as the lab registers it.
    public static let manifest = PluginManifest(
        id: "fr.livinglab.appointment-booking",
        version: "1.0.0",
        firm: "agenda-quartier",
        name: "Appointment booking",
        summary: "Customers book an appointment online in the shop's free slots; the shop keeps one diary "
            + "with cancellations, no-shows and optional reminders.",
        capabilities: ["requests", "outcomes", "storage"],
        metrics: BookingMetric.allCases.map(\.spec),
        dataCategories: ["merchant-profile", "bookings", "revenue"]
    )

    /// The actions `handle` understands.
    static let actions = [
        "setOpeningHours", "openingHours", "availableSlots", "book", "cancel", "markNoShow", "complete",
        "sendReminders", "closeDay", "booking", "bookings", "summary",
    ]

    let host: PluginHost
    let clock: StreetClock

    /// Reads the plugin-wide configuration: `timeZone` (IANA name, default "Europe/Paris").
    public init(host: PluginHost, configuration: JSONValue) throws {
        clock = try StreetClock(pluginConfiguration: configuration)
        self.host = host
    }

    /// Checks the arm's configuration up front, so a bad protocol fails at trial start rather than on a booking.
    public func activate(_ merchant: MerchantContext) throws {
        let settings = try BookingSettings(arm: merchant.configuration)
        host.log(
            .info,
            "appointment booking on for \(merchant.merchantID) (arm \(merchant.arm)): \(settings.slotMinutes)-minute "
                + "appointments, \(settings.bufferMinutes)-minute buffer, reminders \(settings.reminders ? "on" : "off")"
        )
    }

    /// Runs one action for a merchant; ``Diary`` documents each action's request and response.
    public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
        let body = try RequestBody(request)
        guard Self.actions.contains(request.action) else {
            throw Rejection.unknownAction(
                "appointment booking has no action '\(request.action)'; send one of: \(Self.actions.joined(separator: ", "))"
            )
        }
        let settings = try BookingSettings(arm: merchant.configuration)
        let storage = host.storage(merchantID: merchant.merchantID)
        // The working document is read and written once per request: the host calls an instance one request
        // at a time, so nothing changes it in between.
        let stored = try storage.get(DiaryState.key, as: DiaryState.self) ?? DiaryState()
        var diary = Diary(
            state: stored, archive: DiaryArchive(storage: storage), settings: settings, clock: clock, at: request.at,
            outcomes: OutcomeRecorder(host: host, merchantID: merchant.merchantID))
        diary.open()
        try diary.closeEndedDays()

        let response: JSONValue
        switch request.action {
        case "setOpeningHours": response = try diary.setOpeningHours(body)
        case "openingHours": response = diary.openingHours()
        case "availableSlots": response = try diary.availableSlots(body)
        case "book": response = try diary.book(body)
        case "cancel": response = try diary.cancel(body)
        case "markNoShow": response = try diary.markNoShow(body)
        case "complete": response = try diary.complete(body)
        case "sendReminders": response = try diary.sendReminders()
        case "closeDay": response = try diary.closeDay(body)
        case "booking": response = try diary.booking(body)
        case "bookings": response = try diary.bookings(body)
        default: response = diary.summary()
        }
        // The archive first: the working document decides what is open and closed, so it is written last.
        try diary.archive.flush()
        if diary.state != stored {
            try storage.set(DiaryState.key, diary.state)
        }
        return response
    }
}

/// The plugin's entry point, found by the host with `dlsym`.
@_cdecl("livinglab_plugin_entry")
public func livinglabPluginEntry() -> PluginEntryPoint { export(AppointmentBooking.self) }
