import Foundation

/// A customer's basket to be taken to an address along the street.
struct Delivery: Codable, Sendable, Equatable {
    /// Where a delivery stands; `delivered`, `failed` and `cancelled` are final.
    enum Status: String, Codable, Sendable {
        case pending, dispatched, delivered, failed, cancelled
    }

    let id: String
    /// A pseudonymous customer reference, never a name.
    let customer: String?
    /// The address as the rider needs it (personal data: the `delivery-addresses` category).
    let address: String?
    /// Position of the address along the street, in metres from its start.
    let positionMetres: Int
    let basketCents: Int
    let requestedAt: Date
    var status: Status = .pending
    var roundID: String?
    var closedAt: Date?

    func sameRequest(positionMetres: Int, basketCents: Int, customer: String?, address: String?) -> Bool {
        self.positionMetres == positionMetres && self.basketCents == basketCents && self.customer == customer
            && self.address == address
    }
}

/// A rider's round: one pass along the street from the depot, then back.
struct Round: Codable, Sendable, Equatable {
    /// Whether the rider is out or back.
    enum Status: String, Codable, Sendable {
        case out, completed
    }

    let id: String
    /// Deliveries in the order the rider reaches them.
    let deliveryIDs: [String]
    /// The stretch of street the round covers, depot included.
    let fromMetres: Int
    let toMetres: Int
    let dispatchedAt: Date
    var status: Status = .out
    var completedAt: Date?

    /// Depot to one end, along to the other end, back to the depot: twice the stretch.
    var lengthMetres: Int { 2 * (toMetres - fromMetres) }
}
