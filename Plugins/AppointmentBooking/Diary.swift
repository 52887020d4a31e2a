import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The appointment rules for one merchant at one moment: opening hours cut into slots, bookings checked
/// against them, and the outcomes each change records.
///
/// Every time comparison uses `at`, the request's time, never the wall clock: the street simulator drives the
/// plugin on simulated time.
struct Diary {
    var state: DiaryState
    var archive: DiaryArchive
    let settings: BookingSettings
    let clock: StreetClock
    let at: Date
    let outcomes: OutcomeRecorder

    static let bookingHint = #"{"bookingID": "booking-3"}"#
    static let bookHint =
        #"{"bookingID": "web-77" (optional, makes retries safe), "start": "<a start from availableSlots>", "#
        + #""customer": "c-42" (optional), "service": "coupe" (optional), "priceCents": 2500 (optional)}"#
    static let dateHint = #"{"date": "2026-12-01"}"#
    static let longestCatchUp = 400

    // MARK: Hours

    /// `setOpeningHours {"openingHours": {"monday": ["09:00-12:00", ...]}, "closedDates": ["2026-12-25"]?}`
    /// → `{"openingHours", "closedDates"}`. Closed dates are replaced only when sent.
    mutating func setOpeningHours(_ body: RequestBody) throws -> JSONValue {
        state.openingHours = try OpeningHours(json: body.raw("openingHours", hint: OpeningHours.hint))
        if body.has("closedDates") {
            let hint = #"{"closedDates": ["2026-12-25", "2027-01-01"]}"#
            state.closedDates = try body.strings("closedDates", hint: hint).map { text in
                guard let day = clock.day(text) else {
                    throw Rejection.invalidField("'\(text)' in 'closedDates' is not a day YYYY-MM-DD: send \(hint)")
                }
                return day
            }.sorted()
        }
        return openingHours()
    }

    /// `openingHours {}` → `{"openingHours", "closedDates"}`.
    func openingHours() -> JSONValue {
        .object([
            "openingHours": state.openingHours.json,
            "closedDates": .array(state.closedDates.map { json($0.description) }),
        ])
    }

    // MARK: Slots

    private func slots(on day: LocalDay) -> [Slot] {
        if state.closedDates.contains(day) { return [] }
        return state.openingHours.slots(
            on: day, length: settings.slotMinutes, gap: settings.bufferMinutes, clock: clock)
    }

    /// Places taken in a slot by appointments still to come: a finished one started before now, and only
    /// slots after now are offered.
    private func placesTaken(in slot: Slot) -> Int {
        state.open.values.filter { $0.overlaps(slot) }.count
    }

    private var earliestStart: Date { at.addingTimeInterval(Double(settings.minLeadMinutes) * 60) }
    private var latestStart: Date { at.addingTimeInterval(Double(settings.horizonDays) * 24 * 3600) }

    /// `availableSlots {"date"?}` (default: the request's day) → `{"date", "slotMinutes", "bufferMinutes",
    /// "capacity", "closed", "slots": [{"start", "end", "remaining"}]}`: only slots a customer can book now.
    func availableSlots(_ body: RequestBody) throws -> JSONValue {
        let day = try requestedDay(body)
        let open = slots(on: day)
            .filter { $0.start >= earliestStart && $0.start <= latestStart }
            .map { slot in (slot, settings.capacity - placesTaken(in: slot)) }
            .filter { $0.1 > 0 }
        return .object([
            "date": json(day.description), "slotMinutes": json(settings.slotMinutes),
            "bufferMinutes": json(settings.bufferMinutes), "capacity": json(settings.capacity),
            "closed": json(
                state.closedDates.contains(day) || state.openingHours.periods[clock.weekday(of: day)] == nil),
            "slots": .array(
                open.map { slot, remaining in
                    .object([
                        "start": json(clock.text(slot.start)), "end": json(clock.text(slot.end)),
                        "remaining": json(remaining),
                    ])
                }),
        ])
    }

    private func requestedDay(_ body: RequestBody) throws -> LocalDay {
        guard let text = try body.optionalString("date", hint: Self.dateHint) else { return clock.day(of: at) }
        guard let day = clock.day(text) else {
            throw Rejection.invalidField("'date' must be a day written YYYY-MM-DD: send \(Self.dateHint)")
        }
        return day
    }

    // MARK: Bookings

    /// `book {"bookingID"?, "start", "customer"?, "service"?, "priceCents"?}` → `{"booking", "replayed"}`. The
    /// price, when given, is logged as `revenue` once the appointment is completed. The start must be a
    /// slot of the arm's grid, open, within the booking horizon, after the booking lead time and not full.
    /// Sending the same `bookingID` again returns the stored booking with `"replayed": true`.
    mutating func book(_ body: RequestBody) throws -> JSONValue {
        let startText = try body.string("start", hint: Self.bookHint)
        guard let start = clock.instant(startText) else {
            throw Rejection.invalidField(
                "'start' must be an ISO-8601 time such as \"2026-12-01T10:00:00+01:00\"; use a 'start' from availableSlots"
            )
        }
        let customer = try body.optionalString("customer", hint: Self.bookHint)
        let service = try body.optionalString("service", hint: Self.bookHint)
        let price = try body.optionalInteger("priceCents", hint: Self.bookHint, in: 0...10_000_000)
        let clientID = try body.optionalIdentifier("bookingID", hint: Self.bookHint)

        if let clientID, let existing = try findBooking(clientID) {
            guard abs(existing.start.timeIntervalSince(start)) < 1, existing.customer == customer,
                existing.service == service, existing.priceCents == price
            else {
                throw Rejection.conflict(
                    "booking '\(clientID)' already exists for another time, customer, service or price; "
                        + "send a new 'bookingID' for a new booking, or the same request to retry")
            }
            try outcomes.record(.bookings, 1, at: existing.bookedAt, event: "booking:\(clientID):booked")
            return .object(["booking": document(existing), "replayed": json(true)])
        }

        let day = clock.day(of: start)
        let hint = "call availableSlots with {\"date\": \"\(day)\"} and send one of its 'start' values"
        if state.closedDates.contains(day) {
            throw Rejection.slotUnavailable(
                "the shop takes no appointments on \(day) (a closed date); call availableSlots for another day")
        }
        guard let slot = slots(on: day).first(where: { abs($0.start.timeIntervalSince(start)) < 1 }) else {
            throw Rejection.slotUnavailable(
                "no appointment starts at \(startText) (appointments last \(settings.slotMinutes) minutes with "
                    + "\(settings.bufferMinutes) minutes between them, within opening hours); \(hint)")
        }
        guard slot.start >= earliestStart else {
            throw Rejection.slotUnavailable(
                "bookings for \(clock.text(slot.start)) closed \(settings.minLeadMinutes) minutes before it; \(hint)")
        }
        guard slot.start <= latestStart else {
            throw Rejection.slotUnavailable(
                "bookings open \(settings.horizonDays) days ahead, so \(clock.text(slot.start)) cannot be booked yet; "
                    + "book on or before \(clock.day(of: latestStart))")
        }
        let taken = placesTaken(in: slot)
        guard taken < settings.capacity else {
            throw Rejection.slotFull(
                "the appointment at \(clock.text(slot.start)) is taken (\(taken) of \(settings.capacity) places); \(hint)"
            )
        }

        let id = try clientID ?? nextGeneratedID()
        let appointment = Appointment(
            id: id, customer: customer, service: service, priceCents: price, start: slot.start, end: slot.end,
            bookedAt: at)
        try outcomes.record(.bookings, 1, at: at, event: "booking:\(id):booked")
        try archive.list(id, on: day)
        state.open[id] = appointment
        state.hold(on: day, by: 1)
        state.tally.bookings += 1
        return .object(["booking": document(appointment), "replayed": json(false)])
    }

    private mutating func nextGeneratedID() throws -> String {
        while try findBooking("booking-\(state.nextBookingNumber)") != nil { state.nextBookingNumber += 1 }
        defer { state.nextBookingNumber += 1 }
        return "booking-\(state.nextBookingNumber)"
    }

    /// A booking still to come from the working document, else a finished one from the archive.
    private mutating func findBooking(_ id: String) throws -> Appointment? {
        if let appointment = state.open[id] { return appointment }
        return try archive.booking(id)
    }

    private mutating func existing(_ body: RequestBody) throws -> Appointment {
        let id = try body.string("bookingID", hint: Self.bookingHint)
        guard let appointment = try findBooking(id) else {
            throw Rejection.notFound(
                "no booking '\(id)' for this merchant; call 'bookings' with the appointment's {\"date\"} to list them")
        }
        return appointment
    }

    /// Keeps a booking in the working document while it is to come, or moves it to the archive once finished.
    private mutating func save(_ appointment: Appointment) {
        if appointment.status == .booked {
            state.open[appointment.id] = appointment
        } else {
            state.open[appointment.id] = nil
            archive.store(appointment)
        }
    }

    private func wrongStatus(_ appointment: Appointment, for action: String) -> PluginError {
        Rejection.invalidTransition(
            "booking '\(appointment.id)' is \(appointment.status.rawValue); '\(action)' applies only to booked appointments"
        )
    }

    /// `cancel {"bookingID"}` → `{"booking"}`: frees the place; records `cancellations`. Refused once the
    /// appointment has started (record a no-show instead).
    mutating func cancel(_ body: RequestBody) throws -> JSONValue {
        var appointment = try existing(body)
        switch appointment.status {
        case .cancelled: break
        case .booked:
            guard at < appointment.start else {
                throw Rejection.tooLate(
                    "booking '\(appointment.id)' started at \(clock.text(appointment.start)); "
                        + "record what happened with 'complete' or 'markNoShow' instead")
            }
            appointment.status = .cancelled
            appointment.closedAt = at
            state.tally.cancellations += 1
            state.hold(on: clock.day(of: appointment.start), by: -1)
        default: throw wrongStatus(appointment, for: "cancel")
        }
        try outcomes.record(
            .cancellations, 1, at: appointment.closedAt ?? at, event: "booking:\(appointment.id):cancelled")
        save(appointment)
        return .object(["booking": document(appointment)])
    }

    /// `markNoShow {"bookingID"}` → `{"booking"}`: the customer did not come; records `no_show_rate` = 1.
    /// Refused before the appointment starts.
    mutating func markNoShow(_ body: RequestBody) throws -> JSONValue {
        try finish(body, as: .noShow, action: "markNoShow")
    }

    /// `complete {"bookingID"}` → `{"booking"}`: the appointment took place; records `no_show_rate` = 0, and
    /// `revenue` when the booking carries a price.
    /// Refused before the appointment starts.
    mutating func complete(_ body: RequestBody) throws -> JSONValue {
        try finish(body, as: .completed, action: "complete")
    }

    private mutating func finish(_ body: RequestBody, as status: Appointment.Status, action: String) throws -> JSONValue
    {
        var appointment = try existing(body)
        if appointment.status != status {
            guard appointment.status == .booked else { throw wrongStatus(appointment, for: action) }
            guard at >= appointment.start else {
                throw Rejection.tooEarly(
                    "booking '\(appointment.id)' starts at \(clock.text(appointment.start)); "
                        + "send '\(action)' once it has started, or 'cancel' before")
            }
            appointment.status = status
            appointment.closedAt = at
            if status == .noShow {
                state.tally.noShows += 1
            } else {
                state.tally.completed += 1
                state.tally.revenueCents += appointment.priceCents ?? 0
            }
        }
        let event = "booking:\(appointment.id):attended"
        try outcomes.record(.noShowRate, status == .noShow ? 1 : 0, at: appointment.closedAt ?? at, event: event)
        if status == .completed, let price = appointment.priceCents {
            try outcomes.record(.revenue, euros(price), at: appointment.closedAt ?? at, event: event)
        }
        save(appointment)
        return .object(["booking": document(appointment)])
    }

    /// `sendReminders {}` → `{"remindersEnabled", "reminders": [{"bookingID", "customer", "start"}]}`: in arms
    /// with reminders on, reminds each booking starting within `reminderLeadMinutes`, once; records
    /// `reminders_sent`. Whether customers then come is for them to show, not for the plugin.
    mutating func sendReminders() throws -> JSONValue {
        guard settings.reminders else {
            return .object(["remindersEnabled": json(false), "reminders": .array([])])
        }
        let horizon = at.addingTimeInterval(Double(settings.reminderLeadMinutes) * 60)
        let due = state.open.values
            .filter { $0.reminderSentAt == nil && $0.start > at && $0.start <= horizon }
            .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        var sent: [JSONValue] = []
        for var appointment in due {
            try outcomes.record(.remindersSent, 1, at: at, event: "booking:\(appointment.id):reminder")
            appointment.reminderSentAt = at
            state.tally.remindersSent += 1
            state.open[appointment.id] = appointment
            sent.append(
                .object([
                    "bookingID": json(appointment.id), "customer": json(appointment.customer),
                    "start": json(clock.text(appointment.start)),
                ]))
        }
        return .object(["remindersEnabled": json(true), "reminders": .array(sent)])
    }

    // MARK: Days

    /// Records the first request, so the fill rate counts only slots that were on offer.
    mutating func open() {
        if state.openedAt == nil { state.openedAt = at }
    }

    /// Closes every day that has ended since the last one closed, recording its `fill_rate`; runs on every
    /// request so that a simulator or a shop that never calls `closeDay` still gets one rate per day.
    mutating func closeEndedDays() throws {
        let today = clock.day(of: at)
        guard let openedAt = state.openedAt else { return }
        var day = state.lastClosedDay.map { clock.adding(days: 1, to: $0) } ?? clock.day(of: openedAt)
        var closed = 0
        while day < today, closed < Self.longestCatchUp {
            try close(day)
            state.lastClosedDay = day
            day = clock.adding(days: 1, to: day)
            closed += 1
        }
    }

    /// `closeDay {"date"}` → `{"date", "offered", "booked", "fillRate"}`: the figures of an ended day, closing
    /// it if it is not yet. Days close by themselves on the first request after they end, so this mostly reads.
    mutating func closeDay(_ body: RequestBody) throws -> JSONValue {
        let text = try body.string("date", hint: Self.dateHint)
        guard let day = clock.day(text) else {
            throw Rejection.invalidField("'date' must be a day written YYYY-MM-DD: send \(Self.dateHint)")
        }
        guard day < clock.day(of: at) else {
            throw Rejection.tooEarly("\(day) has not ended yet; close it from the next day on")
        }
        let fill = try close(day)
        return .object([
            "date": json(day.description), "offered": json(fill.offered), "booked": json(fill.booked),
            "fillRate": fill.rate.map(json) ?? .null,
        ])
    }

    /// Records a day's fill rate, working it out the first time: places offered after the diary opened,
    /// and places held by bookings that were not cancelled.
    ///
    /// Whether the day is new comes from the working document, not the archive: after a crash between the
    /// two writes the archived figures are reused, and the running totals still count the day once.
    @discardableResult
    private mutating func close(_ day: LocalDay) throws -> DayFill {
        let archived = try archive.fill(on: day)
        var figures = archived ?? DayFill(offered: 0, booked: 0)
        let opened = state.openedAt.map { day >= clock.day(of: $0) } ?? false
        if opened, state.lastClosedDay.map({ day > $0 }) ?? true {
            let openedAt = state.openedAt ?? at
            figures =
                archived
                ?? DayFill(
                    offered: slots(on: day).filter { $0.start >= openedAt }.count * settings.capacity,
                    booked: state.dayLoad[day.description] ?? 0)
            archive.store(figures, on: day)
            state.dayLoad[day.description] = nil
            state.tally.closedDays += 1
            state.tally.placesOffered += figures.offered
            state.tally.placesBooked += min(figures.booked, figures.offered)
        }
        if let rate = figures.rate {
            try outcomes.record(
                .fillRate, rate, at: clock.instant(on: day, minute: 24 * 60 - 1), event: "day:\(day):closed")
        }
        return figures
    }

    // MARK: Reading

    /// `booking {"bookingID"}` → `{"booking"}`.
    mutating func booking(_ body: RequestBody) throws -> JSONValue {
        .object(["booking": document(try existing(body))])
    }

    /// `bookings {"date"?, "status"?}` → `{"bookings": [...]}` by start time: every booking of that day, or
    /// without a date the ones still to come; filtered to a status if given.
    mutating func bookings(_ body: RequestBody) throws -> JSONValue {
        let day = try body.has("date") ? requestedDay(body) : nil
        let statusHint = #"{"status": "booked"} (booked, completed, no-show or cancelled)"#
        let status = try body.optionalCase("status", as: Appointment.Status.self, hint: statusHint)
        var list = Array(state.open.values)
        if let day {
            list = try archive.bookingIDs(on: day).compactMap { try findBooking($0) }
        }
        list = list.filter { appointment in status.map { appointment.status == $0 } ?? true }
            .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        return .object(["bookings": .array(list.map(document))])
    }

    /// `summary {}` → counts by status, `noShowRate` (no-shows over finished appointments, null before any),
    /// `fillRate` (places booked over places offered on all closed days, null before any), `remindersSent`,
    /// and the arm's settings in force.
    func summary() -> JSONValue {
        let tally = state.tally
        let finished = tally.completed + tally.noShows
        return .object([
            "bookings": json(tally.bookings), "booked": json(state.open.count), "completed": json(tally.completed),
            "noShows": json(tally.noShows), "cancellations": json(tally.cancellations),
            "revenueCents": json(tally.revenueCents),
            "noShowRate": finished == 0 ? .null : json(Double(tally.noShows) / Double(finished)),
            "closedDays": json(tally.closedDays),
            "fillRate": tally.placesOffered == 0
                ? .null : json(Double(tally.placesBooked) / Double(tally.placesOffered)),
            "remindersSent": json(tally.remindersSent),
            "settings": .object([
                "slotMinutes": json(settings.slotMinutes), "bufferMinutes": json(settings.bufferMinutes),
                "capacity": json(settings.capacity), "reminders": json(settings.reminders),
                "reminderLeadMinutes": json(settings.reminderLeadMinutes), "horizonDays": json(settings.horizonDays),
                "minLeadMinutes": json(settings.minLeadMinutes),
            ]),
        ])
    }

    private func document(_ appointment: Appointment) -> JSONValue {
        .object([
            "bookingID": json(appointment.id), "status": json(appointment.status.rawValue),
            "customer": json(appointment.customer), "service": json(appointment.service),
            "priceCents": appointment.priceCents.map(json) ?? .null,
            "start": json(clock.text(appointment.start)), "end": json(clock.text(appointment.end)),
            "bookedAt": json(clock.text(appointment.bookedAt)), "closedAt": json(appointment.closedAt, clock),
            "reminderSentAt": json(appointment.reminderSentAt, clock),
        ])
    }
}
