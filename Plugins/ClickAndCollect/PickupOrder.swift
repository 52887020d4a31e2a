import Foundation

/// A customer's click-and-collect order and where it stands.
struct PickupOrder: Codable, Sendable, Equatable {
    /// Where an order stands; `collected`, `noShow` and `cancelled` are final.
    enum Status: String, Codable, Sendable {
        case placed, ready, collected
        case noShow = "no-show"
        case cancelled

        var isOpen: Bool { self == .placed || self == .ready }
    }

    /// One product line, priced when the order was placed.
    struct Line: Codable, Sendable, Equatable {
        let sku: String
        let name: String
        let quantity: Int
        let unitPriceCents: Int
    }

    let id: String
    /// A pseudonymous customer reference chosen by the shop front, never a name.
    let customer: String?
    let lines: [Line]
    let slotStart: Date
    let slotEnd: Date
    let placedAt: Date
    var status: Status = .placed
    var readyAt: Date?
    var closedAt: Date?
    var reminderSentAt: Date?

    var totalCents: Int { lines.reduce(0) { $0 + $1.quantity * $1.unitPriceCents } }

    /// Whether a replayed placement asks for the same order (so it is a retry, not a clash of ids).
    func matches(lines requested: [(sku: String, quantity: Int)], slotStart: Date, customer: String?) -> Bool {
        self.slotStart == slotStart && self.customer == customer
            && lines.map { "\($0.sku)×\($0.quantity)" } == requested.map { "\($0.sku)×\($0.quantity)" }
    }
}
