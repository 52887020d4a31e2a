import LivingLabPluginKit

/// Finished deliveries and completed rounds, each under its own storage key beside the merchant's working
/// document.
///
/// Changes are written by ``flush()`` before the working document: that document decides what is still out,
/// so a crash between the two writes leaves a round out, and completing it again finishes it the same way.
struct DeliveryArchive {
    let storage: PluginStorage
    private var deliveries: [String: Delivery] = [:]
    private var rounds: [String: Round] = [:]
    private var changedDeliveries: Set<String> = []
    private var changedRounds: Set<String> = []

    init(storage: PluginStorage) {
        self.storage = storage
    }

    /// A finished delivery, or `nil` when there is none with that id.
    mutating func delivery(_ id: String) throws -> Delivery? {
        if let delivery = deliveries[id] { return delivery }
        let delivery = try storage.get("delivery:\(id)", as: Delivery.self)
        deliveries[id] = delivery
        return delivery
    }

    mutating func store(_ delivery: Delivery) {
        deliveries[delivery.id] = delivery
        changedDeliveries.insert(delivery.id)
    }

    /// A completed round, or `nil` when there is none with that id.
    mutating func round(_ id: String) throws -> Round? {
        if let round = rounds[id] { return round }
        let round = try storage.get("round:\(id)", as: Round.self)
        rounds[id] = round
        return round
    }

    mutating func store(_ round: Round) {
        rounds[round.id] = round
        changedRounds.insert(round.id)
    }

    func flush() throws {
        for id in changedDeliveries.sorted() {
            if let delivery = deliveries[id] { try storage.set("delivery:\(id)", delivery) }
        }
        for id in changedRounds.sorted() {
            if let round = rounds[id] { try storage.set("round:\(id)", round) }
        }
    }
}
