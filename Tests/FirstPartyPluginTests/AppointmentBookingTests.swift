import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// Appointment booking driven through the real `libAppointmentBooking.so` in an in-memory lab. 1 December 2026
/// is a Tuesday; the tests open the shop 09:00-12:00 on Tuesdays and Wednesdays.
@Suite("Appointment booking")
struct AppointmentBookingTests {
    struct SlotList: Decodable {
        struct Slot: Decodable {
            let start: String
            let end: String
            let remaining: Int
        }

        let date: String
        let closed: Bool
        let slots: [Slot]
    }

    struct BookingEnvelope: Decodable {
        let booking: Booking
        let replayed: Bool?
    }

    struct Booking: Decodable {
        let bookingID: String
        let status: String
        let start: String
        let end: String
        let reminderSentAt: String?
    }

    struct DayFigures: Decodable {
        let date: String
        let offered: Int
        let booked: Int
        let fillRate: Double?
    }

    struct Reminders: Decodable {
        struct Reminder: Decodable {
            let bookingID: String
        }

        let remindersEnabled: Bool
        let reminders: [Reminder]
    }

    struct BookingList: Decodable {
        let bookings: [Booking]
    }

    struct Summary: Decodable {
        let bookings: Int
        let completed: Int
        let noShows: Int
        let cancellations: Int
        let noShowRate: Double?
        let closedDays: Int
        let fillRate: Double?
    }

    static var mornings: [String: Any] {
        ["openingHours": ["tuesday": ["09:00-12:00"], "wednesday": ["09:00-12:00"]], "closedDates": ["2026-12-08"]]
    }

    /// A lab whose merchants open on Tuesday and Wednesday mornings.
    static func salon(_ merchants: [(id: String, arm: String, configuration: String)] = [("shop-1", "treatment", "{}")])
        throws -> StreetLab
    {
        let lab = try StreetLab(
            plugin: "AppointmentBooking", merchants: merchants.map { ($0.id, $0.arm, $0.configuration, [:]) })
        for merchant in merchants {
            try lab.send(merchant.id, "setOpeningHours", mornings, at: "2026-12-01T07:00")
        }
        return lab
    }

    static func booking(_ id: String, _ start: String) -> [String: Any] {
        ["bookingID": id, "start": StreetLab.text(start), "customer": "c-\(id)", "service": "coupe"]
    }

    @Test("bookings are completed, missed or cancelled, and each logs its outcome, with revenue when priced")
    func bookingLifecycle() throws {
        let lab = try Self.salon()
        var paid = Self.booking("b1", "2026-12-01T10:00")
        paid["priceCents"] = 2500
        let booked = try lab.call("book", paid, at: "2026-12-01T07:30", as: BookingEnvelope.self)
        #expect(booked.booking.status == "booked")
        #expect(booked.booking.end == StreetLab.text("2026-12-01T10:30"))
        try lab.send("book", Self.booking("b2", "2026-12-01T10:30"), at: "2026-12-01T07:31")
        try lab.send("book", Self.booking("b3", "2026-12-01T11:00"), at: "2026-12-01T07:32")
        #expect(lab.values("bookings") == [1, 1, 1])

        try lab.send("cancel", ["bookingID": "b3"], at: "2026-12-01T09:00")
        let done = try lab.call("complete", ["bookingID": "b1"], at: "2026-12-01T10:25", as: BookingEnvelope.self)
        #expect(done.booking.status == "completed")
        let missed = try lab.call("markNoShow", ["bookingID": "b2"], at: "2026-12-01T10:45", as: BookingEnvelope.self)
        #expect(missed.booking.status == "no-show")

        #expect(lab.values("cancellations") == [1])
        #expect(lab.values("no_show_rate") == [0, 1])
        #expect(lab.values("revenue") == [25])
        #expect(lab.outcomes("no_show_rate").map(\.unit) == ["ratio", "ratio"])

        let day = try lab.call("bookings", ["date": "2026-12-01"], at: "2026-12-01T12:00", as: BookingList.self)
        #expect(day.bookings.map(\.bookingID) == ["b1", "b2", "b3"])
        #expect(day.bookings.map(\.status) == ["completed", "no-show", "cancelled"])
        #expect(try lab.call("bookings", at: "2026-12-01T12:00", as: BookingList.self).bookings.isEmpty)

        let summary = try lab.call("summary", at: "2026-12-01T12:00", as: Summary.self)
        #expect(summary.bookings == 3)
        #expect(summary.completed == 1)
        #expect(summary.noShows == 1)
        #expect(summary.cancellations == 1)
        #expect(summary.noShowRate == 0.5)
    }

    @Test("a cancelled appointment frees its slot for someone else")
    func cancellationFreesTheSlot() throws {
        let lab = try Self.salon()
        try lab.send("book", Self.booking("b1", "2026-12-01T10:00"), at: "2026-12-01T07:30")
        let taken = try lab.call("availableSlots", ["date": "2026-12-01"], at: "2026-12-01T07:31", as: SlotList.self)
        #expect(!taken.slots.map(\.start).contains(StreetLab.text("2026-12-01T10:00")))
        try lab.send("cancel", ["bookingID": "b1"], at: "2026-12-01T07:32")
        let free = try lab.call("availableSlots", ["date": "2026-12-01"], at: "2026-12-01T07:33", as: SlotList.self)
        #expect(free.slots.map(\.start).contains(StreetLab.text("2026-12-01T10:00")))
        try lab.send("book", Self.booking("b2", "2026-12-01T10:00"), at: "2026-12-01T07:34")
    }

    @Test("appointment length and buffer come from the arm and change the slots on offer")
    func slotGridComesFromTheArm() throws {
        let lab = try Self.salon([
            ("quick", "half-hour", #"{"slotMinutes": 30}"#),
            ("relaxed", "long-with-buffer", #"{"slotMinutes": 45, "bufferMinutes": 15}"#),
        ])
        let quick = try lab.call(
            "quick", "availableSlots", ["date": "2026-12-01"], at: "2026-12-01T07:00", as: SlotList.self)
        let relaxed = try lab.call(
            "relaxed", "availableSlots", ["date": "2026-12-01"], at: "2026-12-01T07:00", as: SlotList.self)
        #expect(
            quick.slots.map(\.start)
                == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"].map {
                    StreetLab.text("2026-12-01T\($0)")
                })
        #expect(relaxed.slots.map(\.start) == ["09:00", "10:00", "11:00"].map { StreetLab.text("2026-12-01T\($0)") })
        #expect(relaxed.slots.first?.end == StreetLab.text("2026-12-01T09:45"))

        try lab.send("quick", "book", Self.booking("b1", "2026-12-01T09:30"), at: "2026-12-01T07:10")
        let offGrid = lab.failure("relaxed", "book", Self.booking("b1", "2026-12-01T09:30"), at: "2026-12-01T07:10")
        #expect(offGrid?.message.hasPrefix("slot-unavailable:") == true)
        #expect(offGrid?.message.contains("15 minutes between them") == true)
    }

    @Test("several places per slot take several bookings, then the slot is full")
    func capacityFromTheArm() throws {
        let lab = try Self.salon([("shop-1", "two-chairs", #"{"capacity": 2}"#)])
        try lab.send("book", Self.booking("b1", "2026-12-01T10:00"), at: "2026-12-01T07:30")
        let slots = try lab.call("availableSlots", ["date": "2026-12-01"], at: "2026-12-01T07:31", as: SlotList.self)
        #expect(slots.slots.first { $0.start == StreetLab.text("2026-12-01T10:00") }?.remaining == 1)
        try lab.send("book", Self.booking("b2", "2026-12-01T10:00"), at: "2026-12-01T07:32")
        let full = lab.failure("book", Self.booking("b3", "2026-12-01T10:00"), at: "2026-12-01T07:33")
        #expect(full?.message.hasPrefix("slot-full:") == true)
        #expect(full?.message.contains("availableSlots") == true)
    }

    @Test("each ended day logs its fill rate once, from the slots offered after the diary opened")
    func fillRatePerDay() throws {
        let lab = try Self.salon()
        try lab.send("book", Self.booking("b1", "2026-12-01T09:00"), at: "2026-12-01T07:30")
        try lab.send("book", Self.booking("b2", "2026-12-01T11:30"), at: "2026-12-01T07:31")
        try lab.send("book", Self.booking("b3", "2026-12-02T09:00"), at: "2026-12-01T07:32")
        try lab.send("cancel", ["bookingID": "b3"], at: "2026-12-01T08:00")
        #expect(lab.values("fill_rate").isEmpty)

        // Thursday: Tuesday (2 of 6) and Wednesday (0 of 6) have ended.
        let tuesday = try lab.call("closeDay", ["date": "2026-12-01"], at: "2026-12-03T08:00", as: DayFigures.self)
        #expect(tuesday.offered == 6)
        #expect(tuesday.booked == 2)
        #expect(tuesday.fillRate == 2.0 / 6.0)
        #expect(lab.values("fill_rate") == [2.0 / 6.0, 0])
        #expect(lab.outcomes("fill_rate").first?.at == StreetLab.time("2026-12-01T23:59"))

        try lab.send("summary", at: "2026-12-03T09:00")
        #expect(lab.values("fill_rate").count == 2)
        let summary = try lab.call("summary", at: "2026-12-03T09:00", as: Summary.self)
        #expect(summary.closedDays == 2)
        #expect(summary.fillRate == 2.0 / 12.0)

        let notYet = lab.failure("closeDay", ["date": "2026-12-03"], at: "2026-12-03T10:00")
        #expect(notYet?.message.hasPrefix("too-early:") == true)
    }

    @Test("bookings respect lead time, horizon and closed dates, with errors that say what to do")
    func bookingWindow() throws {
        let lab = try Self.salon([("shop-1", "treatment", #"{"minLeadMinutes": 60, "horizonDays": 7}"#)])
        let tooLate = lab.failure("book", Self.booking("b1", "2026-12-01T10:00"), at: "2026-12-01T09:30")
        #expect(tooLate?.message.hasPrefix("slot-unavailable:") == true)
        #expect(tooLate?.message.contains("closed 60 minutes before") == true)

        let farAhead = lab.failure("book", Self.booking("b1", "2026-12-15T10:00"), at: "2026-12-01T07:00")
        #expect(farAhead?.message.contains("7 days ahead") == true)

        let holiday = lab.failure("book", Self.booking("b1", "2026-12-08T10:00"), at: "2026-12-01T07:00")
        #expect(holiday?.message.contains("closed date") == true)
        let closed = try lab.call("availableSlots", ["date": "2026-12-08"], at: "2026-12-01T07:00", as: SlotList.self)
        #expect(closed.closed)
        #expect(closed.slots.isEmpty)

        let thursday = try lab.call("availableSlots", ["date": "2026-12-03"], at: "2026-12-01T07:00", as: SlotList.self)
        #expect(thursday.closed)
    }

    @Test("bad requests and wrong moments get errors that say what to send")
    func badRequests() throws {
        let lab = try Self.salon()
        let unknown = lab.failure("reserve", at: "2026-12-01T07:00")
        #expect(unknown?.code == .invalid)
        #expect(unknown?.message.contains("book") == true)

        let noStart = lab.failure("book", ["customer": "c1"], at: "2026-12-01T07:00")
        #expect(noStart?.message.contains("missing field 'start'") == true)

        let hours = lab.failure("setOpeningHours", ["openingHours": ["monday": ["9h-12h"]]], at: "2026-12-01T07:00")
        #expect(hours?.message.contains("HH:MM-HH:MM") == true)
        let overlap = lab.failure(
            "setOpeningHours", ["openingHours": ["monday": ["09:00-12:00", "11:00-13:00"]]], at: "2026-12-01T07:00")
        #expect(overlap?.message.contains("overlapping") == true)

        try lab.send("book", Self.booking("b1", "2026-12-01T10:00"), at: "2026-12-01T07:30")
        let early = lab.failure("markNoShow", ["bookingID": "b1"], at: "2026-12-01T09:59")
        #expect(early?.message.hasPrefix("too-early:") == true)
        let late = lab.failure("cancel", ["bookingID": "b1"], at: "2026-12-01T10:05")
        #expect(late?.message.hasPrefix("too-late:") == true)
        #expect(late?.message.contains("markNoShow") == true)

        let missing = lab.failure("complete", ["bookingID": "b9"], at: "2026-12-01T10:05")
        #expect(missing?.code == .notFound)
        #expect(lab.values("cancellations").isEmpty)
        #expect(lab.values("no_show_rate").isEmpty)
    }

    @Test("reminders go out only in the arm that has them, once, a day ahead by default")
    func remindersFollowTheArm() throws {
        let lab = try Self.salon([
            ("reminded", "reminders", #"{"reminders": true}"#), ("silent", "no-reminders", #"{"reminders": false}"#),
        ])
        for shop in ["reminded", "silent"] {
            try lab.send(shop, "book", Self.booking("b1", "2026-12-02T10:00"), at: "2026-12-01T07:00")
        }
        #expect(try lab.call("reminded", "sendReminders", at: "2026-12-01T09:00", as: Reminders.self).reminders.isEmpty)
        let due = try lab.call("reminded", "sendReminders", at: "2026-12-01T10:00", as: Reminders.self)
        #expect(due.reminders.map(\.bookingID) == ["b1"])
        #expect(try lab.call("reminded", "sendReminders", at: "2026-12-01T11:00", as: Reminders.self).reminders.isEmpty)
        let silent = try lab.call("silent", "sendReminders", at: "2026-12-01T10:00", as: Reminders.self)
        #expect(!silent.remindersEnabled)
        #expect(lab.values("reminders_sent", merchant: "reminded") == [1])
        #expect(lab.values("reminders_sent", merchant: "silent").isEmpty)
    }

    @Test("replaying a booking or its outcome stores nothing twice")
    func replays() throws {
        let lab = try Self.salon()
        let request = Self.booking("web-1", "2026-12-01T10:00")
        try lab.send("book", request, at: "2026-12-01T07:30")
        let replay = try lab.call("book", request, at: "2026-12-01T07:30", as: BookingEnvelope.self)
        #expect(replay.replayed == true)
        try lab.send("complete", ["bookingID": "web-1"], at: "2026-12-01T10:10")
        try lab.send("complete", ["bookingID": "web-1"], at: "2026-12-01T10:10")
        #expect(lab.values("bookings") == [1])
        #expect(lab.values("no_show_rate") == [0])
        #expect(lab.host.duplicateOutcomes == 2)

        let clash = lab.failure("book", Self.booking("web-1", "2026-12-01T11:00"), at: "2026-12-01T10:20")
        #expect(clash?.message.hasPrefix("conflict:") == true)
    }

    @Test("after the merchant withdraws mid-trial the plugin surfaces denials and stores nothing")
    func withdrawalMidTrial() throws {
        let lab = try Self.salon()
        try lab.send("book", Self.booking("b1", "2026-12-01T10:00"), at: "2026-12-01T07:30")
        lab.host.withdrawConsent("shop-1", at: StreetLab.time("2026-12-01T08:00"))
        let denied = lab.failure("book", Self.booking("b2", "2026-12-01T11:00"), at: "2026-12-01T08:30")
        #expect(denied?.code == .denied)
        #expect(denied?.denial == .withdrawn)
        #expect(lab.values("bookings") == [1])
        #expect(lab.host.denialCount(.withdrawn) >= 1)
    }
}
