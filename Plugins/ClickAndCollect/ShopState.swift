import FirstPartyPluginSupport
import Foundation

/// The merchant's working document, read and written once per request: what every request may need, kept
/// small. Finished orders move to ``OrderArchive``, so the document does not grow with the trial's history.
struct ShopState: Codable, Sendable, Equatable {
    var catalogue: [CatalogueItem] = []
    /// Pick-up hours; until the merchant sets them, Monday to Saturday 09:00-19:00.
    var openingHours: OpeningHours = ShopState.defaultHours
    /// Orders still to be collected (placed or ready), by id.
    var open: [String: PickupOrder] = [:]
    /// Orders holding a place in each slot, keyed by the slot's start in seconds since 1970. A no-show still
    /// holds its place (its parcel was prepared for that slot); a cancellation frees it.
    var slotLoad: [String: Int] = [:]
    var tally = Tally()
    var nextOrderNumber = 1

    /// Running counts for the summary, since the trial's history is archived.
    struct Tally: Codable, Sendable, Equatable {
        var orders = 0
        var collected = 0
        var noShows = 0
        var cancelled = 0
        var revenueCents = 0
        var remindersSent = 0
    }

    static let defaultHours = OpeningHours(
        periods: Dictionary(
            uniqueKeysWithValues: LocalDay.weekdays.prefix(6).map { ($0, [OpenPeriod("09:00-19:00")!]) }))

    /// The storage key of the document.
    static let key = "shop"
    /// How long a slot's load is kept after it starts: long enough for late no-shows, short enough to stay small.
    static let slotLoadRetention: TimeInterval = 7 * 24 * 3600

    func item(_ sku: String) -> CatalogueItem? { catalogue.first { $0.sku == sku } }

    mutating func adjustStock(_ sku: String, by delta: Int) {
        if let index = catalogue.firstIndex(where: { $0.sku == sku }) {
            catalogue[index].stock += delta
        }
    }

    private static func slotKey(_ start: Date) -> String { String(Int(start.timeIntervalSince1970)) }

    func ordersHolding(slotStart start: Date) -> Int { slotLoad[Self.slotKey(start)] ?? 0 }

    mutating func hold(slotStart start: Date, by delta: Int) {
        let key = Self.slotKey(start)
        let load = (slotLoad[key] ?? 0) + delta
        slotLoad[key] = load > 0 ? load : nil
    }

    /// Forgets the load of slots long past, which no request can book any more.
    mutating func forgetSlots(before date: Date) {
        let cutoff = date.timeIntervalSince1970 - Self.slotLoadRetention
        slotLoad = slotLoad.filter { key, _ in (Double(key) ?? 0) >= cutoff }
    }
}
