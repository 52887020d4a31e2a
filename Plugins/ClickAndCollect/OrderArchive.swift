import FirstPartyPluginSupport
import LivingLabPluginKit

/// Finished orders and the list of orders of each pick-up day, each under its own storage key beside the
/// merchant's working document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is open, so a
/// crash between the two writes leaves an order open, and the replayed request finishes it the same way.
struct OrderArchive {
    let storage: PluginStorage
    private var orders: [String: PickupOrder] = [:]
    private var days: [String: [String]] = [:]
    private var changedOrders: Set<String> = []
    private var changedDays: Set<String> = []

    init(storage: PluginStorage) {
        self.storage = storage
    }

    private static func orderKey(_ id: String) -> String { "order:\(id)" }
    private static func dayKey(_ day: LocalDay) -> String { "day:\(day)" }

    /// A finished order, or `nil` when there is none with that id.
    mutating func order(_ id: String) throws -> PickupOrder? {
        if let order = orders[id] { return order }
        let order = try storage.get(Self.orderKey(id), as: PickupOrder.self)
        orders[id] = order
        return order
    }

    mutating func store(_ order: PickupOrder) {
        orders[order.id] = order
        changedOrders.insert(order.id)
    }

    /// The ids of the orders for a pick-up day, in the order they were placed.
    mutating func orderIDs(on day: LocalDay) throws -> [String] {
        if let ids = days[day.description] { return ids }
        let ids = try storage.get(Self.dayKey(day), as: [String].self) ?? []
        days[day.description] = ids
        return ids
    }

    mutating func list(_ id: String, on day: LocalDay) throws {
        var ids = try orderIDs(on: day)
        guard !ids.contains(id) else { return }
        ids.append(id)
        days[day.description] = ids
        changedDays.insert(day.description)
    }

    func flush() throws {
        for day in changedDays.sorted() { try storage.set("day:\(day)", days[day] ?? []) }
        for id in changedOrders.sorted() {
            if let order = orders[id] { try storage.set(Self.orderKey(id), order) }
        }
    }
}
