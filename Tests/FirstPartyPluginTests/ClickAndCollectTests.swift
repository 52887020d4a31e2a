import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// Click & collect driven through the real `libClickAndCollect.so` in an in-memory lab. 1 December 2026 is a
/// Tuesday; shops open 09:00-19:00 unless told otherwise.
@Suite("Click & collect")
struct ClickAndCollectTests {
    struct SlotList: Decodable {
        struct Slot: Decodable {
            let start: String
            let end: String
            let taken: Int
            let remaining: Int
            let bookable: Bool
        }

        let date: String
        let slotMinutes: Int
        let slots: [Slot]
    }

    struct OrderEnvelope: Decodable {
        let order: Order
        let replayed: Bool?
    }

    struct Order: Decodable {
        let orderID: String
        let status: String
        let slotStart: String
        let slotEnd: String
        let totalCents: Int
        let reminderSentAt: String?
    }

    struct Catalogue: Decodable {
        struct Item: Decodable {
            let sku: String
            let stock: Int
        }

        let catalogue: [Item]

        func stock(_ sku: String) -> Int? { catalogue.first { $0.sku == sku }?.stock }
    }

    struct Reminders: Decodable {
        struct Reminder: Decodable {
            let orderID: String
            let slot: String
        }

        let remindersEnabled: Bool
        let reminders: [Reminder]
    }

    struct OrderList: Decodable {
        let orders: [Order]
    }

    struct Summary: Decodable {
        let orders: Int
        let collected: Int
        let noShows: Int
        let cancelled: Int
        let revenueCents: Int
        let pickupRate: Double?
    }

    static var items: [[String: Any]] {
        [
            ["sku": "baguette", "name": "Baguette tradition", "priceCents": 130, "stock": 40],
            ["sku": "croissant", "name": "Croissant", "priceCents": 110, "stock": 10],
            ["sku": "tarte", "name": "Tarte aux pommes", "priceCents": 1850, "stock": 2],
        ]
    }

    /// A lab whose merchants have the bakery's catalogue.
    static func bakery(
        _ merchants: [(id: String, arm: String, configuration: String)] = [("shop-1", "treatment", "{}")]
    )
        throws -> StreetLab
    {
        let lab = try StreetLab(
            plugin: "ClickAndCollect", merchants: merchants.map { ($0.id, $0.arm, $0.configuration, [:]) })
        for merchant in merchants {
            try lab.send(merchant.id, "setCatalogue", ["items": items], at: "2026-12-01T07:00")
        }
        return lab
    }

    static func order(_ id: String, _ slot: String, _ lines: [(String, Int)]) -> [String: Any] {
        ["orderID": id, "slot": StreetLab.text(slot), "items": lines.map { ["sku": $0.0, "quantity": $0.1] }]
    }

    @Test("an order goes placed, ready, collected and logs orders, revenue and pick-up rate")
    func orderLifecycle() throws {
        let lab = try Self.bakery()
        let placed = try lab.call(
            "placeOrder", Self.order("web-1", "2026-12-01T10:00", [("baguette", 2), ("croissant", 3)]),
            at: "2026-12-01T07:45", as: OrderEnvelope.self)
        #expect(placed.order.status == "placed")
        #expect(placed.order.totalCents == 2 * 130 + 3 * 110)
        #expect(placed.order.slotStart == StreetLab.text("2026-12-01T10:00"))
        #expect(placed.order.slotEnd == StreetLab.text("2026-12-01T10:30"))
        #expect(placed.replayed == false)

        let shelf = try lab.call("catalogue", at: "2026-12-01T07:46", as: Catalogue.self)
        #expect(shelf.stock("baguette") == 38)
        #expect(shelf.stock("croissant") == 7)

        let ready = try lab.call("markReady", ["orderID": "web-1"], at: "2026-12-01T09:30", as: OrderEnvelope.self)
        #expect(ready.order.status == "ready")
        let collected = try lab.call("collect", ["orderID": "web-1"], at: "2026-12-01T10:10", as: OrderEnvelope.self)
        #expect(collected.order.status == "collected")

        #expect(lab.values("orders") == [1])
        #expect(lab.values("revenue") == [5.9])
        #expect(lab.outcomes("revenue").first?.unit == "EUR")
        #expect(lab.outcomes("revenue").first?.at == StreetLab.time("2026-12-01T10:10"))
        #expect(lab.values("pickup_rate") == [1])
        #expect(lab.host.outcomes.allSatisfy { $0.arm == "treatment" })

        let summary = try lab.call("summary", at: "2026-12-01T19:00", as: Summary.self)
        #expect(summary.orders == 1)
        #expect(summary.collected == 1)
        #expect(summary.revenueCents == 590)
        #expect(summary.pickupRate == 1)
    }

    @Test("finished orders leave the working document but stay listed by pick-up day")
    func finishedOrdersAreArchived() throws {
        let lab = try Self.bakery()
        try lab.send("placeOrder", Self.order("done", "2026-12-01T10:00", [("baguette", 1)]), at: "2026-12-01T08:00")
        try lab.send("placeOrder", Self.order("waiting", "2026-12-01T11:00", [("baguette", 1)]), at: "2026-12-01T08:01")
        try lab.send("collect", ["orderID": "done"], at: "2026-12-01T10:05")

        let plugin = "fr.livinglab.click-and-collect"
        let working = try #require(lab.host.storedValue("shop", merchantID: "shop-1", plugin: plugin))
        #expect(!working.contains("\"done\""))
        #expect(working.contains("\"waiting\""))
        #expect(lab.host.storedValue("order:done", merchantID: "shop-1", plugin: plugin) != nil)

        let open = try lab.call("orders", at: "2026-12-01T10:06", as: OrderList.self)
        #expect(open.orders.map(\.orderID) == ["waiting"])
        let day = try lab.call("orders", ["date": "2026-12-01"], at: "2026-12-01T10:06", as: OrderList.self)
        #expect(day.orders.map(\.orderID) == ["done", "waiting"])
        #expect(day.orders.map(\.status) == ["collected", "placed"])
        let collected = try lab.call(
            "orders", ["date": "2026-12-01", "status": "collected"], at: "2026-12-01T10:06", as: OrderList.self)
        #expect(collected.orders.map(\.orderID) == ["done"])
        let unknownStatus = lab.failure("orders", ["status": "lost"], at: "2026-12-01T10:06")
        #expect(unknownStatus?.code == .invalid)
        #expect(unknownStatus?.message.contains("unknown status 'lost'") == true)
        #expect(unknownStatus?.message.contains("placed, ready, collected, no-show or cancelled") == true)
        let found = try lab.call("order", ["orderID": "done"], at: "2026-12-01T10:07", as: OrderEnvelope.self)
        #expect(found.order.status == "collected")
        let summary = try lab.call("summary", at: "2026-12-01T10:08", as: Summary.self)
        #expect(summary.orders == 2)
        #expect(summary.collected == 1)
    }

    @Test("orders live in host storage, so a fresh plugin instance sees them")
    func stateSurvivesANewInstance() throws {
        let lab = try Self.bakery()
        try lab.send("placeOrder", Self.order("web-1", "2026-12-01T10:00", [("tarte", 1)]), at: "2026-12-01T08:00")

        let second = try PluginTestHarness(pluginNamed: "ClickAndCollect", host: lab.host)
        try second.activate("shop-1")
        let order = try second.call(
            "shop-1", action: "order", ["orderID": "web-1"], at: StreetLab.time("2026-12-01T08:05"),
            as: OrderEnvelope.self)
        #expect(order.order.totalCents == 1850)
        let shelf = try second.call(
            "shop-1", action: "catalogue", at: StreetLab.time("2026-12-01T08:05"), as: Catalogue.self)
        #expect(shelf.stock("tarte") == 1)
    }

    @Test("15-minute and 30-minute arms offer different pick-up slots")
    func slotLengthComesFromTheArm() throws {
        let lab = try Self.bakery([
            ("short", "quarter-hour", #"{"slotMinutes": 15}"#), ("long", "half-hour", #"{"slotMinutes": 30}"#),
        ])
        let short = try lab.call(
            "short", "listSlots", ["date": "2026-12-01"], at: "2026-12-01T07:30", as: SlotList.self)
        let long = try lab.call("long", "listSlots", ["date": "2026-12-01"], at: "2026-12-01T07:30", as: SlotList.self)
        #expect(short.slotMinutes == 15)
        #expect(short.slots.count == 40)
        #expect(long.slots.count == 20)
        #expect(short.slots.prefix(2).map(\.start) == ["09:00", "09:15"].map { StreetLab.text("2026-12-01T\($0)") })
        #expect(long.slots.prefix(2).map(\.start) == ["09:00", "09:30"].map { StreetLab.text("2026-12-01T\($0)") })
        #expect(long.slots.last?.end == StreetLab.text("2026-12-01T19:00"))

        let quarterPast = Self.order("o-1", "2026-12-01T09:15", [("baguette", 1)])
        try lab.send("short", "placeOrder", quarterPast, at: "2026-12-01T07:45")
        let refused = lab.failure("long", "placeOrder", quarterPast, at: "2026-12-01T07:45")
        #expect(refused?.code == .invalid)
        #expect(refused?.message.hasPrefix("slot-unavailable:") == true)
        #expect(refused?.message.contains("listSlots") == true)
    }

    @Test("a full slot refuses the next order and says to pick another slot")
    func slotCapacity() throws {
        let lab = try Self.bakery([("shop-1", "treatment", #"{"slotCapacity": 1}"#)])
        try lab.send("placeOrder", Self.order("a", "2026-12-01T11:00", [("baguette", 1)]), at: "2026-12-01T08:00")
        let full = lab.failure(
            "placeOrder", Self.order("b", "2026-12-01T11:00", [("baguette", 1)]), at: "2026-12-01T08:01")
        #expect(full?.code == .invalid)
        #expect(full?.message.hasPrefix("slot-full:") == true)
        #expect(full?.message.contains("remaining") == true)

        let slots = try lab.call("listSlots", ["date": "2026-12-01"], at: "2026-12-01T08:02", as: SlotList.self)
        let eleven = try #require(slots.slots.first { $0.start == StreetLab.text("2026-12-01T11:00") })
        #expect(eleven.taken == 1)
        #expect(eleven.remaining == 0)
        #expect(!eleven.bookable)
        try lab.send("placeOrder", Self.order("b", "2026-12-01T11:30", [("baguette", 1)]), at: "2026-12-01T08:03")
    }

    @Test("an order needs the preparation time of the arm before its slot")
    func preparationTime() throws {
        let lab = try Self.bakery([("shop-1", "treatment", #"{"minLeadMinutes": 45}"#)])
        let early = lab.failure(
            "placeOrder", Self.order("a", "2026-12-01T10:00", [("croissant", 1)]), at: "2026-12-01T09:30")
        #expect(early?.message.hasPrefix("slot-unavailable:") == true)
        #expect(early?.message.contains("45 minutes of preparation") == true)
        try lab.send("placeOrder", Self.order("a", "2026-12-01T10:30", [("croissant", 1)]), at: "2026-12-01T09:30")
    }

    @Test("stock is checked: too many or an unknown product is refused and nothing is taken")
    func stockChecks() throws {
        let lab = try Self.bakery()
        let tooMany = lab.failure(
            "placeOrder", Self.order("a", "2026-12-01T12:00", [("tarte", 3)]), at: "2026-12-01T08:00")
        #expect(tooMany?.code == .invalid)
        #expect(tooMany?.message.hasPrefix("out-of-stock:") == true)
        #expect(tooMany?.message.contains("order at most 2") == true)

        let merged = lab.failure(
            "placeOrder", Self.order("a", "2026-12-01T12:00", [("tarte", 2), ("tarte", 1)]), at: "2026-12-01T08:00")
        #expect(merged?.message.hasPrefix("out-of-stock:") == true)

        let unknown = lab.failure(
            "placeOrder", Self.order("a", "2026-12-01T12:00", [("pain", 1)]), at: "2026-12-01T08:00")
        #expect(unknown?.code == .notFound)
        #expect(unknown?.message.contains("'catalogue'") == true)

        #expect(try lab.call("catalogue", at: "2026-12-01T08:01", as: Catalogue.self).stock("tarte") == 2)
        #expect(lab.values("orders").isEmpty)
    }

    @Test("bad requests get errors that say what to send")
    func badRequests() throws {
        let lab = try Self.bakery()
        let unknown = lab.failure("checkout", at: "2026-12-01T08:00")
        #expect(unknown?.code == .invalid)
        #expect(unknown?.message.hasPrefix("unknown-action:") == true)
        #expect(unknown?.message.contains("placeOrder") == true)

        let noSlot = lab.failure("placeOrder", ["items": [["sku": "baguette", "quantity": 1]]], at: "2026-12-01T08:00")
        #expect(noSlot?.message.contains("missing field 'slot'") == true)
        #expect(noSlot?.message.contains("listSlots") == true)

        let vague = lab.failure(
            "placeOrder", ["slot": "tomorrow at ten", "items": [["sku": "baguette", "quantity": 1]]],
            at: "2026-12-01T08:00")
        #expect(vague?.message.contains("ISO-8601") == true)

        let zero = lab.failure(
            "placeOrder", Self.order("a", "2026-12-01T12:00", [("baguette", 0)]), at: "2026-12-01T08:00")
        #expect(zero?.message.contains("'items[0].quantity'") == true)

        let spaced = lab.failure(
            "placeOrder", Self.order("web 1", "2026-12-01T12:00", [("baguette", 1)]), at: "2026-12-01T08:00")
        #expect(spaced?.message.contains("'orderID' must be 1 to 64 characters without spaces") == true)

        let twice = lab.failure("setCatalogue", ["items": [Self.items[0], Self.items[0]]], at: "2026-12-01T08:00")
        #expect(twice?.message.contains("appears twice") == true)

        let hours = lab.failure("setOpeningHours", ["openingHours": ["lundi": ["09:00-12:00"]]], at: "2026-12-01T08:00")
        #expect(hours?.message.contains("not a weekday") == true)

        let noOrder = lab.failure("collect", ["orderID": "nope"], at: "2026-12-01T08:00")
        #expect(noOrder?.code == .notFound)
    }

    @Test("an arm configuration the plugin cannot use fails activation with the key to fix")
    func badArmConfiguration() throws {
        let host = InMemoryPluginHost(now: StreetLab.consentDay)
        host.enroll("shop-1", armConfiguration: #"{"slotMinutes": "thirty"}"#)
        host.giveConsent("shop-1")
        let plugin = try PluginTestHarness(pluginNamed: "ClickAndCollect", host: host)
        do {
            try plugin.activate("shop-1")
            Issue.record("activation with a malformed arm configuration succeeded")
        } catch let error as PluginCallError {
            #expect(error.code == .invalid)
            #expect(error.message.contains("'slotMinutes'"))
        }
    }

    @Test("an unknown time zone in the plugin configuration stops the plugin from starting")
    func badTimeZone() throws {
        do {
            _ = try PluginTestHarness(pluginNamed: "ClickAndCollect", configuration: #"{"timeZone": "Europe/Bordeaux"}"#)
            Issue.record("the plugin started with an unknown time zone")
        } catch let error as PluginCallError {
            #expect(error.code == .invalid)
            #expect(error.message.contains("unknown time zone 'Europe/Bordeaux'"))
            #expect(error.message.contains("Europe/Paris"))
        }
    }

    @Test("a no-show is recorded only after the slot ends, logs a no-show and puts the stock back")
    func noShow() throws {
        let lab = try Self.bakery()
        try lab.send("placeOrder", Self.order("a", "2026-12-01T10:00", [("tarte", 2)]), at: "2026-12-01T08:00")
        let early = lab.failure("markNoShow", ["orderID": "a"], at: "2026-12-01T10:15")
        #expect(early?.message.hasPrefix("too-early:") == true)

        let missed = try lab.call("markNoShow", ["orderID": "a"], at: "2026-12-01T10:31", as: OrderEnvelope.self)
        #expect(missed.order.status == "no-show")
        #expect(lab.values("no_shows") == [1])
        #expect(lab.values("pickup_rate") == [0])
        #expect(lab.values("revenue").isEmpty)
        #expect(try lab.call("catalogue", at: "2026-12-01T10:32", as: Catalogue.self).stock("tarte") == 2)

        let late = lab.failure("collect", ["orderID": "a"], at: "2026-12-01T10:40")
        #expect(late?.message.hasPrefix("invalid-transition:") == true)
        let summary = try lab.call("summary", at: "2026-12-01T19:00", as: Summary.self)
        #expect(summary.noShows == 1)
        #expect(summary.pickupRate == 0)
    }

    @Test("a cancelled order frees its stock and cannot be collected")
    func cancellation() throws {
        let lab = try Self.bakery()
        try lab.send("placeOrder", Self.order("a", "2026-12-01T10:00", [("croissant", 4)]), at: "2026-12-01T08:00")
        try lab.send("cancel", ["orderID": "a"], at: "2026-12-01T08:30")
        #expect(try lab.call("catalogue", at: "2026-12-01T08:31", as: Catalogue.self).stock("croissant") == 10)
        #expect(lab.failure("collect", ["orderID": "a"], at: "2026-12-01T10:00")?.message.contains("cancelled") == true)
        #expect(try lab.call("summary", at: "2026-12-01T19:00", as: Summary.self).cancelled == 1)
    }

    @Test("reminders go out only in the arm that has them, once, within the lead time")
    func remindersFollowTheArm() throws {
        let lab = try Self.bakery([
            ("reminded", "reminders", #"{"reminders": true, "reminderLeadMinutes": 120}"#),
            ("silent", "no-reminders", #"{"reminders": false}"#),
        ])
        for shop in ["reminded", "silent"] {
            try lab.send(
                shop, "placeOrder", Self.order("a", "2026-12-01T11:00", [("baguette", 1)]), at: "2026-12-01T07:45")
        }
        let tooSoon = try lab.call("reminded", "sendReminders", at: "2026-12-01T08:30", as: Reminders.self)
        #expect(tooSoon.remindersEnabled)
        #expect(tooSoon.reminders.isEmpty)

        let due = try lab.call("reminded", "sendReminders", at: "2026-12-01T09:30", as: Reminders.self)
        #expect(due.reminders.map(\.orderID) == ["a"])
        #expect(due.reminders.first?.slot == StreetLab.text("2026-12-01T11:00"))
        let again = try lab.call("reminded", "sendReminders", at: "2026-12-01T09:45", as: Reminders.self)
        #expect(again.reminders.isEmpty)

        let silent = try lab.call("silent", "sendReminders", at: "2026-12-01T09:30", as: Reminders.self)
        #expect(!silent.remindersEnabled)
        #expect(silent.reminders.isEmpty)

        #expect(lab.values("reminders_sent", merchant: "reminded") == [1])
        #expect(lab.values("reminders_sent", merchant: "silent").isEmpty)
        let order = try lab.call("reminded", "order", ["orderID": "a"], at: "2026-12-01T09:50", as: OrderEnvelope.self)
        #expect(order.order.reminderSentAt == StreetLab.text("2026-12-01T09:30"))
    }

    @Test("replaying an order or a collection stores no second outcome and takes no second stock")
    func replays() throws {
        let lab = try Self.bakery()
        let request = Self.order("web-7", "2026-12-01T10:00", [("tarte", 1)])
        try lab.send("placeOrder", request, at: "2026-12-01T08:00")
        let replay = try lab.call("placeOrder", request, at: "2026-12-01T08:00", as: OrderEnvelope.self)
        #expect(replay.replayed == true)
        try lab.send("collect", ["orderID": "web-7"], at: "2026-12-01T10:05")
        try lab.send("collect", ["orderID": "web-7"], at: "2026-12-01T10:05")

        #expect(lab.values("orders") == [1])
        #expect(lab.values("revenue") == [18.5])
        #expect(lab.values("pickup_rate") == [1])
        #expect(lab.host.duplicateOutcomes == 3)
        #expect(try lab.call("catalogue", at: "2026-12-01T10:06", as: Catalogue.self).stock("tarte") == 1)

        let clash = lab.failure(
            "placeOrder", Self.order("web-7", "2026-12-01T10:00", [("tarte", 2)]), at: "2026-12-01T10:07")
        #expect(clash?.message.hasPrefix("conflict:") == true)
    }

    @Test("after the merchant withdraws mid-trial the plugin surfaces denials and stores nothing")
    func withdrawalMidTrial() throws {
        let lab = try Self.bakery()
        try lab.send("placeOrder", Self.order("a", "2026-12-01T10:00", [("baguette", 1)]), at: "2026-12-01T08:00")
        lab.host.withdrawConsent("shop-1", at: StreetLab.time("2026-12-01T09:00"))

        let denied = lab.failure("collect", ["orderID": "a"], at: "2026-12-01T10:05")
        #expect(denied?.code == .denied)
        #expect(denied?.denial == .withdrawn)
        #expect(lab.values("revenue").isEmpty)
        #expect(lab.host.denialCount(.withdrawn) >= 1)

        try lab.plugin.withdraw("shop-1")
        let inactive = lab.failure("summary", at: "2026-12-01T10:10")
        #expect(inactive?.code == .notActive)
        #expect(lab.values("orders") == [1])
    }
}
