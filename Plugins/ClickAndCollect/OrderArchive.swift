import FirstPartyPluginSupport
import LivingLabPluginKit

/// Finished orders and the list of orders of each pick-up day, each under its own storage key beside the
/// merchant's working document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is open, so a
/// crash between the two writes leaves an order open, and the replayed request finishes it the same way.
struct OrderArchive {
    private var orders: StoredRecords<PickupOrder>
    private var days: StoredRecords<[String]>

    init(storage: PluginStorage) {
        orders = StoredRecords(storage: storage, prefix: "order")
        days = StoredRecords(storage: storage, prefix: "day")
    }

    /// A finished order, or `nil` when there is none with that id.
    mutating func order(_ id: String) throws -> PickupOrder? { try orders.value(id) }

    mutating func store(_ order: PickupOrder) { orders.set(order, for: order.id) }

    /// The ids of the orders for a pick-up day, in the order they were placed.
    mutating func orderIDs(on day: LocalDay) throws -> [String] { try days.value(day.description) ?? [] }

    mutating func list(_ id: String, on day: LocalDay) throws { try days.append(id, to: day.description) }

    func flush() throws {
        try days.flush()
        try orders.flush()
    }
}
