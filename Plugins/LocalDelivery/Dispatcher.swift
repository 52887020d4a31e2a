import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// The local-delivery rules for one merchant at one moment: takes delivery requests, groups them into rounds
/// along the street, dispatches and completes rounds, and records the outcomes.
struct Dispatcher {
    var book: DeliveryBook
    var archive: DeliveryArchive
    let settings: RoundSettings
    let at: Date
    let outcomes: OutcomeRecorder

    static let requestHint =
        #"{"deliveryID": "web-9" (optional, makes retries safe), "positionMetres": 420, "basketCents": 3450, "#
        + #""customer": "c-42" (optional), "address": "12 rue Fondaudège" (optional)}"#
    static let deliveryHint = #"{"deliveryID": "delivery-4"}"#
    static let roundHint = #"{"roundID": "round-2"}"#
    static let completeHint = #"{"roundID": "round-2", "failed": ["delivery-5"] (optional)}"#

    private var planner: RoundPlanner { RoundPlanner(settings: settings) }

    // MARK: Requests

    /// `requestDelivery {"deliveryID"?, "positionMetres", "basketCents", "customer"?, "address"?}` →
    /// `{"delivery", "replayed"}`: queues a basket for the next round. Refused when the address lies beyond
    /// the longest round. Sending the same `deliveryID` again returns the stored delivery, `"replayed": true`.
    mutating func requestDelivery(_ body: RequestBody) throws -> JSONValue {
        let position = try body.integer("positionMetres", hint: Self.requestHint, in: 0...100_000)
        let basket = try body.integer("basketCents", hint: Self.requestHint, in: 1...10_000_000)
        let customer = try body.optionalString("customer", hint: Self.requestHint)
        let address = try body.optionalString("address", hint: Self.requestHint)
        let clientID = try body.optionalIdentifier("deliveryID", hint: Self.requestHint)

        if let clientID, let existing = try findDelivery(clientID) {
            let same = existing.sameRequest(
                positionMetres: position, basketCents: basket, customer: customer, address: address)
            guard same else {
                throw Rejection.conflict(
                    "delivery '\(clientID)' already exists for another address or basket; "
                        + "send a new 'deliveryID' for a new delivery, or the same request to retry")
            }
            return .object(["delivery": document(existing), "replayed": json(true)])
        }
        let distance = abs(position - settings.depotMetres)
        guard distance <= settings.reachMetres else {
            let nearest = max(0, settings.depotMetres - settings.reachMetres)
            let farthest = settings.depotMetres + settings.reachMetres
            throw Rejection.outOfRange(
                "the address at \(position) m is \(distance) m from the depot at \(settings.depotMetres) m, but "
                    + "rounds are at most \(settings.maxRoundMetres) m there and back; deliver only from "
                    + "\(nearest) m to \(farthest) m")
        }
        var id = clientID ?? ""
        if clientID == nil {
            repeat {
                id = "delivery-\(book.nextDeliveryNumber)"
                book.nextDeliveryNumber += 1
            } while try findDelivery(id) != nil
        }
        let delivery = Delivery(
            id: id, customer: customer, address: address, positionMetres: position, basketCents: basket,
            requestedAt: at)
        book.active[id] = delivery
        book.tally.requests += 1
        return .object(["delivery": document(delivery), "replayed": json(false)])
    }

    /// A delivery pending or out from the working document, else a finished one from the archive.
    private mutating func findDelivery(_ id: String) throws -> Delivery? {
        if let delivery = book.active[id] { return delivery }
        return try archive.delivery(id)
    }

    /// A round out from the working document, else a completed one from the archive.
    private mutating func findRound(_ id: String) throws -> Round? {
        if let round = book.out[id] { return round }
        return try archive.round(id)
    }

    private var pending: [Delivery] { book.active.values.filter { $0.status == .pending } }

    // MARK: Rounds

    /// `planRounds {}` → `{"rounds": [{"deliveryIDs", "fromMetres", "toMetres", "lengthMetres"}], "pending"}`:
    /// how `dispatch` would group the pending deliveries now, without dispatching anything.
    func planRounds() -> JSONValue {
        let plans = planner.plan(pending)
        return .object([
            "pending": json(pending.count),
            "rounds": .array(
                plans.map { plan in
                    .object([
                        "deliveryIDs": .array(plan.stops.map { json($0.id) }), "fromMetres": json(plan.fromMetres),
                        "toMetres": json(plan.toMetres), "lengthMetres": json(plan.lengthMetres),
                    ])
                }),
        ])
    }

    /// `dispatch {"maxRounds"?}` → `{"rounds": [round...]}`: sends riders out on the planned rounds (all of
    /// them, or the first `maxRounds` along the street) and records each round's `round_length_m`.
    mutating func dispatch(_ body: RequestBody) throws -> JSONValue {
        let limit = try body.optionalInteger("maxRounds", hint: #"{"maxRounds": 2} (optional)"#, in: 1...1000)
        var plans = planner.plan(pending)
        if let limit { plans = Array(plans.prefix(limit)) }
        var dispatched: [JSONValue] = []
        for plan in plans {
            var id: String
            repeat {
                id = "round-\(book.nextRoundNumber)"
                book.nextRoundNumber += 1
            } while try findRound(id) != nil
            let round = Round(
                id: id, deliveryIDs: plan.stops.map(\.id), fromMetres: plan.fromMetres, toMetres: plan.toMetres,
                dispatchedAt: at)
            try outcomes.record(.roundLength, Double(round.lengthMetres), event: "round:\(id):dispatched")
            book.out[id] = round
            book.tally.rounds += 1
            book.tally.roundMetres += round.lengthMetres
            book.tally.roundStops += round.deliveryIDs.count
            for stop in plan.stops {
                book.active[stop.id]?.status = .dispatched
                book.active[stop.id]?.roundID = id
            }
            dispatched.append(document(round))
        }
        return .object(["rounds": .array(dispatched)])
    }

    /// `completeRound {"roundID", "failed"?: [deliveryID]}` → `{"round"}`: the rider is back; every delivery of
    /// the round not listed in `failed` was handed over and records `deliveries` and `basket_value`; failed
    /// ones record `failed_deliveries`. Completing a round again changes nothing.
    mutating func completeRound(_ body: RequestBody) throws -> JSONValue {
        let id = try body.string("roundID", hint: Self.completeHint)
        guard var round = try findRound(id) else {
            throw Rejection.notFound("no round '\(id)' for this merchant; call 'rounds' for the rounds out")
        }
        let failed = Set(body.has("failed") ? try body.strings("failed", hint: Self.completeHint) : [])
        if let stranger = failed.sorted().first(where: { !round.deliveryIDs.contains($0) }) {
            throw Rejection.invalidField(
                "'\(stranger)' in 'failed' is not in round '\(id)' (\(round.deliveryIDs.joined(separator: ", "))); "
                    + "list only deliveries of this round")
        }
        if round.status == .out {
            round.status = .completed
            round.completedAt = at
            for deliveryID in round.deliveryIDs {
                guard var delivery = book.active.removeValue(forKey: deliveryID) else { continue }
                delivery.status = failed.contains(deliveryID) ? .failed : .delivered
                delivery.closedAt = at
                if delivery.status == .delivered {
                    book.tally.delivered += 1
                    book.tally.deliveredBasketCents += delivery.basketCents
                } else {
                    book.tally.failed += 1
                }
                archive.store(delivery)
            }
            book.out[id] = nil
            archive.store(round)
        }
        for deliveryID in round.deliveryIDs {
            guard let delivery = try archive.delivery(deliveryID) else { continue }
            let event = "delivery:\(deliveryID):\(delivery.status.rawValue)"
            if delivery.status == .delivered {
                try outcomes.record(.deliveries, 1, at: delivery.closedAt, event: event)
                try outcomes.record(.basketValue, euros(delivery.basketCents), at: delivery.closedAt, event: event)
            } else if delivery.status == .failed {
                try outcomes.record(.failedDeliveries, 1, at: delivery.closedAt, event: event)
            }
        }
        return .object(["round": document(round)])
    }

    /// `cancel {"deliveryID"}` → `{"delivery"}`: calls off a delivery that no rider has taken yet.
    mutating func cancel(_ body: RequestBody) throws -> JSONValue {
        var delivery = try existing(body)
        switch delivery.status {
        case .cancelled: break
        case .pending:
            delivery.status = .cancelled
            delivery.closedAt = at
            book.active[delivery.id] = nil
            book.tally.cancelled += 1
            archive.store(delivery)
        default:
            throw Rejection.invalidTransition(
                "delivery '\(delivery.id)' is \(delivery.status.rawValue)"
                    + (delivery.roundID.map { " (round '\($0)')" } ?? "")
                    + "; only a pending delivery can be cancelled")
        }
        return .object(["delivery": document(delivery)])
    }

    // MARK: Reading

    private mutating func existing(_ body: RequestBody) throws -> Delivery {
        let id = try body.string("deliveryID", hint: Self.deliveryHint)
        guard let delivery = try findDelivery(id) else {
            throw Rejection.notFound("no delivery '\(id)' for this merchant; call 'deliveries' to list them")
        }
        return delivery
    }

    /// `delivery {"deliveryID"}` → `{"delivery"}`.
    mutating func delivery(_ body: RequestBody) throws -> JSONValue {
        .object(["delivery": document(try existing(body))])
    }

    /// `deliveries {"status"?}` → `{"deliveries": [...]}` along the street: the ones pending or out.
    func deliveries(_ body: RequestBody) throws -> JSONValue {
        let hint = #"{"status": "pending"} (pending or dispatched)"#
        let status = try body.optionalString("status", hint: hint).map { text in
            guard let status = Delivery.Status(rawValue: text), status == .pending || status == .dispatched else {
                throw Rejection.invalidField(
                    "'deliveries' lists deliveries pending or out, not '\(text)': send \(hint), "
                        + "or ask 'round' or 'delivery' for finished ones")
            }
            return status
        }
        let list = book.active.values
            .filter { delivery in status.map { delivery.status == $0 } ?? true }
            .sorted { ($0.positionMetres, $0.id) < ($1.positionMetres, $1.id) }
        return .object(["deliveries": .array(list.map(document))])
    }

    /// `rounds {}` → `{"rounds": [...]}`: the rounds out, in dispatch order.
    func rounds() -> JSONValue {
        let list = book.out.values.sorted {
            ($0.dispatchedAt, $0.id.count, $0.id) < ($1.dispatchedAt, $1.id.count, $1.id)
        }
        return .object(["rounds": .array(list.map(document))])
    }

    /// `round {"roundID"}` → `{"round", "deliveries": [...]}`: a round out or completed, with its deliveries in
    /// visiting order.
    mutating func round(_ body: RequestBody) throws -> JSONValue {
        let id = try body.string("roundID", hint: Self.roundHint)
        guard let round = try findRound(id) else {
            throw Rejection.notFound("no round '\(id)' for this merchant; call 'rounds' for the rounds out")
        }
        let stops = try round.deliveryIDs.compactMap { try findDelivery($0) }
        return .object(["round": document(round), "deliveries": .array(stops.map(document))])
    }

    /// `summary {}` → counts by status, rounds, `deliveredBasketCents`, `averageBasketEUR`,
    /// `averageRoundMetres`, `deliveriesPerRound`, and the arm's settings in force.
    func summary() -> JSONValue {
        let tally = book.tally
        let pending = pending.count
        return .object([
            "requests": json(tally.requests), "pending": json(pending),
            "dispatched": json(book.active.count - pending), "delivered": json(tally.delivered),
            "failed": json(tally.failed), "cancelled": json(tally.cancelled), "rounds": json(tally.rounds),
            "deliveredBasketCents": json(tally.deliveredBasketCents),
            "averageBasketEUR": tally.delivered == 0
                ? .null : json(euros(tally.deliveredBasketCents) / Double(tally.delivered)),
            "averageRoundMetres": tally.rounds == 0 ? .null : json(Double(tally.roundMetres) / Double(tally.rounds)),
            "deliveriesPerRound": tally.rounds == 0 ? .null : json(Double(tally.roundStops) / Double(tally.rounds)),
            "settings": .object([
                "roundCapacity": json(settings.roundCapacity), "maxRoundMetres": json(settings.maxRoundMetres),
                "depotMetres": json(settings.depotMetres),
            ]),
        ])
    }

    private func document(_ delivery: Delivery) -> JSONValue {
        .object([
            "deliveryID": json(delivery.id), "status": json(delivery.status.rawValue),
            "customer": json(delivery.customer), "address": json(delivery.address),
            "positionMetres": json(delivery.positionMetres), "basketCents": json(delivery.basketCents),
            "requestedAt": json(delivery.requestedAt), "roundID": json(delivery.roundID),
            "closedAt": json(delivery.closedAt),
        ])
    }

    private func document(_ round: Round) -> JSONValue {
        .object([
            "roundID": json(round.id), "status": json(round.status.rawValue),
            "deliveryIDs": .array(round.deliveryIDs.map { json($0) }),
            "fromMetres": json(round.fromMetres), "toMetres": json(round.toMetres),
            "lengthMetres": json(round.lengthMetres), "dispatchedAt": json(round.dispatchedAt),
            "completedAt": json(round.completedAt),
        ])
    }
}
