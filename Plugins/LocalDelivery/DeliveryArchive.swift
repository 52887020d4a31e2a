import FirstPartyPluginSupport
import LivingLabPluginKit

/// Finished deliveries and completed rounds, each under its own storage key beside the merchant's working
/// document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is still out,
/// so a crash between the two writes leaves a round out, and completing it again finishes it the same way.
struct DeliveryArchive {
    private var deliveries: StoredRecords<Delivery>
    private var rounds: StoredRecords<Round>

    init(storage: PluginStorage) {
        deliveries = StoredRecords(storage: storage, prefix: "delivery")
        rounds = StoredRecords(storage: storage, prefix: "round")
    }

    /// A finished delivery, or `nil` when there is none with that id.
    mutating func delivery(_ id: String) throws -> Delivery? { try deliveries.value(id) }

    mutating func store(_ delivery: Delivery) { deliveries.set(delivery, for: delivery.id) }

    /// A completed round, or `nil` when there is none with that id.
    mutating func round(_ id: String) throws -> Round? { try rounds.value(id) }

    mutating func store(_ round: Round) { rounds.set(round, for: round.id) }

    func flush() throws {
        try deliveries.flush()
        try rounds.flush()
    }
}
