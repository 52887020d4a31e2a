import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The click-and-collect rules for one merchant at one moment: reads a request, checks it against the
/// catalogue, the slots and the order's status, changes the state and records outcomes.
///
/// Every time comparison uses `at`, the request's time, never the wall clock: the street simulator drives the
/// plugin on simulated time.
struct OrderDesk {
    var state: ShopState
    var archive: OrderArchive
    let settings: PickupSettings
    let clock: StreetClock
    let at: Date
    let outcomes: OutcomeRecorder

    static let orderHint = #"{"orderID": "order-12"}"#
    static let placeHint =
        #"{"orderID": "web-123" (optional, makes retries safe), "slot": "<a start from listSlots>", "#
        + #""items": [{"sku": "baguette", "quantity": 2}], "customer": "c-42" (optional)}"#

    // MARK: Catalogue and hours

    /// `setCatalogue {"items": [{"sku", "name", "priceCents", "stock"}]}` replaces the catalogue →
    /// `{"catalogue": [...]}`.
    mutating func setCatalogue(_ body: RequestBody) throws -> JSONValue {
        let items = try body.objects("items", hint: CatalogueItem.hint).map(CatalogueItem.init)
        var seen = Set<String>()
        for item in items where !seen.insert(item.sku).inserted {
            throw Rejection.invalidField("sku '\(item.sku)' appears twice in 'items'; list each product once")
        }
        state.catalogue = items
        return catalogue()
    }

    /// `catalogue {}` → `{"catalogue": [{"sku", "name", "priceCents", "stock"}]}`.
    func catalogue() -> JSONValue {
        .object(["catalogue": .array(state.catalogue.map(Self.document))])
    }

    /// `setOpeningHours {"openingHours": {"monday": ["09:00-12:30", ...]}}` → `{"openingHours": {...}}`.
    mutating func setOpeningHours(_ body: RequestBody) throws -> JSONValue {
        state.openingHours = try OpeningHours(json: body.raw("openingHours", hint: OpeningHours.hint))
        return openingHours()
    }

    /// `openingHours {}` → `{"openingHours": {...}}`.
    func openingHours() -> JSONValue {
        .object(["openingHours": state.openingHours.json])
    }

    // MARK: Slots

    /// `listSlots {"date": "2026-12-01"}` (default: the request's day) → `{"date", "slotMinutes", "slotCapacity",
    /// "slots": [{"start", "end", "capacity", "taken", "remaining", "bookable"}]}`. A slot is bookable when it has
    /// room and starts after the preparation time.
    func listSlots(_ body: RequestBody) throws -> JSONValue {
        let day = try requestedDay(body)
        let earliest = at.addingTimeInterval(Double(settings.minLeadMinutes) * 60)
        let slots = slots(on: day).map { slot -> JSONValue in
            let taken = state.ordersHolding(slotStart: slot.start)
            let remaining = max(0, settings.slotCapacity - taken)
            return .object([
                "start": json(clock.text(slot.start)), "end": json(clock.text(slot.end)),
                "capacity": json(settings.slotCapacity), "taken": json(taken), "remaining": json(remaining),
                "bookable": json(remaining > 0 && slot.start >= earliest),
            ])
        }
        return .object([
            "date": json(day.description), "slotMinutes": json(settings.slotMinutes),
            "slotCapacity": json(settings.slotCapacity), "slots": .array(slots),
        ])
    }

    private func slots(on day: LocalDay) -> [Slot] {
        state.openingHours.slots(on: day, length: settings.slotMinutes, gap: 0, clock: clock)
    }

    private func requestedDay(_ body: RequestBody) throws -> LocalDay {
        guard let text = try body.optionalString("date", hint: #"{"date": "2026-12-01"}"#) else {
            return clock.day(of: at)
        }
        guard let day = clock.day(text) else {
            throw Rejection.invalidField("'date' must be a day written YYYY-MM-DD, e.g. {\"date\": \"2026-12-01\"}")
        }
        return day
    }

    // MARK: Orders

    /// `placeOrder {"orderID"?, "slot", "items": [{"sku", "quantity"}], "customer"?}` → `{"order": {...},
    /// "replayed": false}`. Checks the slot is on the grid, far enough ahead and not full, and that the stock
    /// covers every line; then takes the stock and records `orders`. Sending the same `orderID` again returns
    /// the stored order with `"replayed": true` and changes nothing.
    mutating func placeOrder(_ body: RequestBody) throws -> JSONValue {
        let slotText = try body.string("slot", hint: Self.placeHint)
        guard let slotStart = clock.instant(slotText) else {
            throw Rejection.invalidField(
                "'slot' must be an ISO-8601 time such as \"2026-12-01T10:00:00+01:00\"; use a 'start' from listSlots")
        }
        let customer = try body.optionalString("customer", hint: Self.placeHint)
        let requested = try requestedLines(body)
        let clientID = try body.optionalIdentifier("orderID", hint: Self.placeHint)

        if let clientID, let existing = try findOrder(clientID) {
            guard existing.matches(lines: requested, slotStart: slotStart, customer: customer) else {
                throw Rejection.conflict(
                    "order '\(clientID)' already exists with other items, slot or customer; "
                        + "send a new 'orderID' for a new order, or the same request to retry")
            }
            try outcomes.record(.orders, 1, at: existing.placedAt, event: "order:\(clientID):placed")
            return .object(["order": document(existing), "replayed": json(true)])
        }

        let slot = try bookableSlot(startingAt: slotStart, text: slotText)
        var lines: [PickupOrder.Line] = []
        for (sku, quantity) in requested {
            guard let item = state.item(sku) else {
                throw Rejection.notFound(
                    "no product '\(sku)' in the catalogue; call 'catalogue' for the skus on offer")
            }
            guard item.stock >= quantity else {
                throw Rejection.outOfStock(
                    "only \(item.stock) of '\(sku)' left and the order asks for \(quantity); "
                        + (item.stock > 0 ? "order at most \(item.stock)" : "remove it from the order"))
            }
            lines.append(.init(sku: sku, name: item.name, quantity: quantity, unitPriceCents: item.priceCents))
        }

        let id = try clientID ?? nextGeneratedID()
        let order = PickupOrder(
            id: id, customer: customer, lines: lines, slotStart: slot.start, slotEnd: slot.end, placedAt: at)
        try outcomes.record(.orders, 1, event: "order:\(id):placed")
        for line in lines { state.adjustStock(line.sku, by: -line.quantity) }
        try archive.list(id, on: clock.day(of: slot.start))
        state.open[id] = order
        state.hold(slotStart: slot.start, by: 1)
        state.tally.orders += 1
        return .object(["order": document(order), "replayed": json(false)])
    }

    private func requestedLines(_ body: RequestBody) throws -> [(sku: String, quantity: Int)] {
        let lines = try body.objects("items", hint: Self.placeHint)
        guard !lines.isEmpty else {
            throw Rejection.invalidField("'items' is empty; an order needs at least one line: send \(Self.placeHint)")
        }
        var merged: [(sku: String, quantity: Int)] = []
        for line in lines {
            let sku = try line.string("sku", hint: Self.placeHint)
            let quantity = try line.integer("quantity", hint: Self.placeHint, in: 1...10_000)
            if let index = merged.firstIndex(where: { $0.sku == sku }) {
                merged[index].quantity += quantity
            } else {
                merged.append((sku, quantity))
            }
        }
        return merged
    }

    private func bookableSlot(startingAt start: Date, text: String) throws -> Slot {
        let day = clock.day(of: start)
        guard let slot = slots(on: day).first(where: { abs($0.start.timeIntervalSince(start)) < 1 }) else {
            throw Rejection.slotUnavailable(
                "no pick-up slot starts at \(text) (slots last \(settings.slotMinutes) minutes within opening hours); "
                    + "call listSlots with {\"date\": \"\(day)\"} and send one of its 'start' values")
        }
        let earliest = at.addingTimeInterval(Double(settings.minLeadMinutes) * 60)
        guard slot.start >= earliest else {
            throw Rejection.slotUnavailable(
                "the slot at \(clock.text(slot.start)) starts before the order could be ready "
                    + "(\(settings.minLeadMinutes) minutes of preparation, so \(clock.text(earliest)) at the earliest); "
                    + "choose a later slot from listSlots")
        }
        let taken = state.ordersHolding(slotStart: slot.start)
        guard taken < settings.slotCapacity else {
            throw Rejection.slotFull(
                "the slot at \(clock.text(slot.start)) is full (\(taken) of \(settings.slotCapacity) orders); "
                    + "choose a slot with 'remaining' above 0 from listSlots")
        }
        return slot
    }

    private mutating func nextGeneratedID() throws -> String {
        while try findOrder("order-\(state.nextOrderNumber)") != nil { state.nextOrderNumber += 1 }
        defer { state.nextOrderNumber += 1 }
        return "order-\(state.nextOrderNumber)"
    }

    /// An open order from the working document, else a finished one from the archive.
    private mutating func findOrder(_ id: String) throws -> PickupOrder? {
        if let order = state.open[id] { return order }
        return try archive.order(id)
    }

    private mutating func existingOrder(_ body: RequestBody) throws -> PickupOrder {
        let id = try body.string("orderID", hint: Self.orderHint)
        guard let order = try findOrder(id) else {
            throw Rejection.notFound(
                "no order '\(id)' for this merchant; call 'orders' with the pick-up {\"date\"} to list them")
        }
        return order
    }

    /// Keeps an order open in the working document, or moves it to the archive once it is finished.
    private mutating func save(_ order: PickupOrder) {
        if order.status.isOpen {
            state.open[order.id] = order
        } else {
            state.open[order.id] = nil
            archive.store(order)
        }
    }

    private func wrongStatus(_ order: PickupOrder, for action: String, allowed: String) -> PluginError {
        Rejection.invalidTransition(
            "order '\(order.id)' is \(order.status.rawValue); '\(action)' applies only to \(allowed) orders")
    }

    /// `markReady {"orderID"}` → `{"order"}`: the parcel is prepared. Repeating it changes nothing.
    mutating func markReady(_ body: RequestBody) throws -> JSONValue {
        var order = try existingOrder(body)
        switch order.status {
        case .ready: break
        case .placed:
            order.status = .ready
            order.readyAt = at
        default: throw wrongStatus(order, for: "markReady", allowed: "placed")
        }
        save(order)
        return .object(["order": document(order)])
    }

    /// `collect {"orderID"}` → `{"order"}`: the customer took the parcel; records `revenue` and `pickup_rate` = 1.
    mutating func collect(_ body: RequestBody) throws -> JSONValue {
        var order = try existingOrder(body)
        switch order.status {
        case .collected: break
        case .placed, .ready:
            order.status = .collected
            order.closedAt = at
            state.tally.collected += 1
            state.tally.revenueCents += order.totalCents
        default: throw wrongStatus(order, for: "collect", allowed: "placed or ready")
        }
        try outcomes.record(.revenue, euros(order.totalCents), at: order.closedAt, event: "order:\(order.id):collected")
        try outcomes.record(.pickupRate, 1, at: order.closedAt, event: "order:\(order.id):closed")
        save(order)
        return .object(["order": document(order)])
    }

    /// `markNoShow {"orderID"}` → `{"order"}`: nobody came by the end of the slot; the stock goes back on the
    /// shelf; records `no_shows` = 1 and `pickup_rate` = 0. Refused before the slot ends.
    mutating func markNoShow(_ body: RequestBody) throws -> JSONValue {
        var order = try existingOrder(body)
        switch order.status {
        case .noShow: break
        case .placed, .ready:
            guard at >= order.slotEnd else {
                throw Rejection.tooEarly(
                    "order '\(order.id)' can still be collected until its slot ends at \(clock.text(order.slotEnd)); "
                        + "record a no-show after that")
            }
            order.status = .noShow
            order.closedAt = at
            state.tally.noShows += 1
            for line in order.lines { state.adjustStock(line.sku, by: line.quantity) }
        default: throw wrongStatus(order, for: "markNoShow", allowed: "placed or ready")
        }
        try outcomes.record(.noShows, 1, at: order.closedAt, event: "order:\(order.id):no-show")
        try outcomes.record(.pickupRate, 0, at: order.closedAt, event: "order:\(order.id):closed")
        save(order)
        return .object(["order": document(order)])
    }

    /// `cancel {"orderID"}` → `{"order"}`: the order is called off before pick-up and its stock released.
    mutating func cancel(_ body: RequestBody) throws -> JSONValue {
        var order = try existingOrder(body)
        switch order.status {
        case .cancelled: break
        case .placed, .ready:
            order.status = .cancelled
            order.closedAt = at
            state.tally.cancelled += 1
            state.hold(slotStart: order.slotStart, by: -1)
            for line in order.lines { state.adjustStock(line.sku, by: line.quantity) }
        default: throw wrongStatus(order, for: "cancel", allowed: "placed or ready")
        }
        save(order)
        return .object(["order": document(order)])
    }

    /// `sendReminders {}` → `{"remindersEnabled", "reminders": [{"orderID", "customer", "slot"}]}`: in arms with
    /// reminders on, reminds each open order whose slot starts within `reminderLeadMinutes`, once, and records
    /// `reminders_sent`. Whether a reminder changes anything is for the customers to show, not for the plugin.
    mutating func sendReminders() throws -> JSONValue {
        guard settings.reminders else {
            return .object(["remindersEnabled": json(false), "reminders": .array([])])
        }
        let horizon = at.addingTimeInterval(Double(settings.reminderLeadMinutes) * 60)
        let due = state.open.values
            .filter { $0.reminderSentAt == nil && $0.slotStart > at && $0.slotStart <= horizon }
            .sorted { ($0.slotStart, $0.id) < ($1.slotStart, $1.id) }
        var sent: [JSONValue] = []
        for var order in due {
            try outcomes.record(.remindersSent, 1, event: "order:\(order.id):reminder")
            order.reminderSentAt = at
            state.tally.remindersSent += 1
            state.open[order.id] = order
            sent.append(
                .object([
                    "orderID": json(order.id), "customer": json(order.customer),
                    "slot": json(clock.text(order.slotStart)),
                ]))
        }
        return .object(["remindersEnabled": json(true), "reminders": .array(sent)])
    }

    // MARK: Reading

    /// `order {"orderID"}` → `{"order"}`.
    mutating func order(_ body: RequestBody) throws -> JSONValue {
        .object(["order": document(try existingOrder(body))])
    }

    /// `orders {"date"?, "status"?}` → `{"orders": [...]}` by slot: every order for that pick-up day, or without
    /// a date the open ones (placed or ready); filtered to a status if given.
    mutating func orders(_ body: RequestBody) throws -> JSONValue {
        let day = try body.has("date") ? requestedDay(body) : nil
        let statusHint = #"{"status": "placed"} (placed, ready, collected, no-show or cancelled)"#
        let status = try body.optionalCase("status", as: PickupOrder.Status.self, hint: statusHint)
        var list = Array(state.open.values)
        if let day {
            list = try archive.orderIDs(on: day).compactMap { try findOrder($0) }
        }
        list = list.filter { order in status.map { order.status == $0 } ?? true }
            .sorted { ($0.slotStart, $0.id) < ($1.slotStart, $1.id) }
        return .object(["orders": .array(list.map(document))])
    }

    /// `summary {}` → counts by status, `revenueCents`, `revenueEUR`, `pickupRate` (collected over collected plus
    /// no-shows; null before any order closes), `remindersSent`, and the arm's settings in force.
    func summary() -> JSONValue {
        let tally = state.tally
        let placed = state.open.values.filter { $0.status == .placed }.count
        let closed = tally.collected + tally.noShows
        return .object([
            "orders": json(tally.orders), "placed": json(placed), "ready": json(state.open.count - placed),
            "collected": json(tally.collected), "noShows": json(tally.noShows), "cancelled": json(tally.cancelled),
            "revenueCents": json(tally.revenueCents), "revenueEUR": json(euros(tally.revenueCents)),
            "pickupRate": closed == 0 ? .null : json(Double(tally.collected) / Double(closed)),
            "remindersSent": json(tally.remindersSent),
            "settings": .object([
                "slotMinutes": json(settings.slotMinutes), "slotCapacity": json(settings.slotCapacity),
                "reminders": json(settings.reminders), "reminderLeadMinutes": json(settings.reminderLeadMinutes),
                "minLeadMinutes": json(settings.minLeadMinutes),
            ]),
        ])
    }

    // MARK: Documents

    private static func document(_ item: CatalogueItem) -> JSONValue {
        .object([
            "sku": .string(item.sku), "name": .string(item.name),
            "priceCents": .number(Double(item.priceCents)), "stock": .number(Double(item.stock)),
        ])
    }

    private func document(_ order: PickupOrder) -> JSONValue {
        .object([
            "orderID": .string(order.id), "status": .string(order.status.rawValue),
            "customer": json(order.customer),
            "slotStart": .string(clock.text(order.slotStart)), "slotEnd": .string(clock.text(order.slotEnd)),
            "items": .array(
                order.lines.map { line in
                    .object([
                        "sku": .string(line.sku), "name": .string(line.name),
                        "quantity": .number(Double(line.quantity)),
                        "unitPriceCents": .number(Double(line.unitPriceCents)),
                    ])
                }),
            "totalCents": .number(Double(order.totalCents)),
            "placedAt": .string(clock.text(order.placedAt)),
            "readyAt": json(order.readyAt, clock), "closedAt": json(order.closedAt, clock),
            "reminderSentAt": json(order.reminderSentAt, clock),
        ])
    }
}
