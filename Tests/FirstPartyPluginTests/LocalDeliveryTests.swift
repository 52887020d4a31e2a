import Foundation
import LabTestSupport
import LivingLabPluginTesting
import LivingLabRuntime
import Testing

/// Local delivery driven through the real `libLocalDelivery.so` in an in-memory lab. The shop stands at 500 m
/// along the street; its `position_m` field is the rider's depot unless the arm names one.
@Suite("Local delivery")
struct LocalDeliveryTests {
    struct DeliveryEnvelope: Decodable {
        let delivery: Delivery
        let replayed: Bool?
    }

    struct Delivery: Decodable {
        let deliveryID: String
        let status: String
        let positionMetres: Int
        let roundID: String?
    }

    struct Rounds: Decodable {
        let rounds: [Round]
    }

    struct Round: Decodable {
        let roundID: String?
        let status: String?
        let deliveryIDs: [String]
        let fromMetres: Int
        let toMetres: Int
        let lengthMetres: Int
    }

    struct RoundEnvelope: Decodable {
        let round: Round
    }

    struct RoundDetail: Decodable {
        let round: Round
        let deliveries: [Delivery]
    }

    struct DeliveryList: Decodable {
        let deliveries: [Delivery]
    }

    struct Summary: Decodable {
        let requests: Int
        let delivered: Int
        let failed: Int
        let rounds: Int
        let deliveredBasketCents: Int
        let averageRoundMetres: Double?
    }

    static let shop = ["position_m": "500", "sector": "wine"]

    /// Baskets along the street: id, position in metres, basket in cents.
    static let baskets: [(String, Int, Int)] = [
        ("d1", 300, 2400), ("d2", 350, 1800), ("d3", 700, 5200), ("d4", 900, 3100), ("d5", 1200, 4500),
    ]

    static func lab(_ merchants: [(id: String, arm: String, configuration: String)] = [("shop-1", "treatment", "{}")])
        throws -> StreetLab
    {
        let lab = try StreetLab(
            plugin: "LocalDelivery", merchants: merchants.map { ($0.id, $0.arm, $0.configuration, Self.shop) })
        for merchant in merchants {
            for (id, position, basket) in baskets {
                try lab.send(
                    merchant.id, "requestDelivery",
                    ["deliveryID": id, "positionMetres": position, "basketCents": basket, "customer": "c-\(id)"],
                    at: "2026-12-01T10:00")
            }
        }
        return lab
    }

    @Test("pending baskets go out in one round along the street and delivered ones log value and count")
    func roundLifecycle() throws {
        let lab = try Self.lab()
        let plan = try lab.call("planRounds", at: "2026-12-01T11:00", as: Rounds.self)
        #expect(plan.rounds.count == 1)
        #expect(lab.values("round_length_m").isEmpty)

        let dispatched = try lab.call("dispatch", at: "2026-12-01T11:00", as: Rounds.self)
        let round = try #require(dispatched.rounds.first)
        #expect(dispatched.rounds.count == 1)
        #expect(round.deliveryIDs == ["d1", "d2", "d3", "d4", "d5"])
        #expect(round.fromMetres == 300)
        #expect(round.toMetres == 1200)
        #expect(round.lengthMetres == 1800)
        #expect(lab.values("round_length_m") == [1800])
        #expect(lab.outcomes("round_length_m").first?.unit == "metre")

        let out = try lab.call("delivery", ["deliveryID": "d3"], at: "2026-12-01T11:05", as: DeliveryEnvelope.self)
        #expect(out.delivery.status == "dispatched")
        #expect(out.delivery.roundID == round.roundID)

        let back = try lab.call(
            "completeRound", ["roundID": try #require(round.roundID), "failed": ["d4"]], at: "2026-12-01T12:00",
            as: RoundEnvelope.self)
        #expect(back.round.status == "completed")
        #expect(lab.values("deliveries") == [1, 1, 1, 1])
        #expect(lab.values("basket_value").sorted() == [18, 24, 45, 52])
        #expect(lab.values("failed_deliveries") == [1])

        let detail = try lab.call(
            "round", ["roundID": back.round.roundID ?? ""], at: "2026-12-01T12:01", as: RoundDetail.self)
        #expect(detail.deliveries.map(\.status) == ["delivered", "delivered", "delivered", "failed", "delivered"])
        #expect(try lab.call("deliveries", at: "2026-12-01T12:01", as: DeliveryList.self).deliveries.isEmpty)

        let summary = try lab.call("summary", at: "2026-12-01T12:05", as: Summary.self)
        #expect(summary.delivered == 4)
        #expect(summary.failed == 1)
        #expect(summary.deliveredBasketCents == 2400 + 1800 + 5200 + 4500)
        #expect(summary.averageRoundMetres == 1800)
    }

    @Test("round capacity and length from the arm change how baskets are grouped")
    func groupingComesFromTheArm() throws {
        let lab = try Self.lab([
            ("big", "cargo-bike", #"{"roundCapacity": 6, "maxRoundMetres": 2000}"#),
            ("small", "small-rounds", #"{"roundCapacity": 2, "maxRoundMetres": 2000}"#),
            ("short", "short-rounds", #"{"roundCapacity": 6, "maxRoundMetres": 1400}"#),
        ])
        let big = try lab.call("big", "planRounds", at: "2026-12-01T11:00", as: Rounds.self)
        let small = try lab.call("small", "planRounds", at: "2026-12-01T11:00", as: Rounds.self)
        let short = try lab.call("short", "planRounds", at: "2026-12-01T11:00", as: Rounds.self)
        #expect(big.rounds.map(\.deliveryIDs) == [["d1", "d2", "d3", "d4", "d5"]])
        #expect(small.rounds.map(\.deliveryIDs) == [["d2", "d1"], ["d3", "d4"], ["d5"]])
        #expect(short.rounds.map(\.deliveryIDs) == [["d1", "d2", "d3", "d4"], ["d5"]])
        #expect(short.rounds.map(\.lengthMetres) == [2 * (900 - 300), 2 * (1200 - 500)])
    }

    @Test("the rider rides out to the nearer end and delivers in one sweep")
    func visitOrder() throws {
        let lab = try StreetLab(plugin: "LocalDelivery", configuration: #"{"depotMetres": 800}"#)
        for (id, position) in [("a", 100), ("b", 950), ("c", 600)] {
            try lab.send(
                "requestDelivery", ["deliveryID": id, "positionMetres": position, "basketCents": 1000],
                at: "2026-12-01T10:00")
        }
        let round = try #require(try lab.call("dispatch", at: "2026-12-01T10:30", as: Rounds.self).rounds.first)
        #expect(round.deliveryIDs == ["b", "c", "a"])
        #expect(round.lengthMetres == 2 * (950 - 100))
    }

    @Test("an address beyond the longest round is refused with the range that can be served")
    func outOfRange() throws {
        let lab = try Self.lab()
        let far = lab.failure("requestDelivery", ["positionMetres": 2600, "basketCents": 1000], at: "2026-12-01T10:10")
        #expect(far?.code == .invalid)
        #expect(far?.message.hasPrefix("out-of-range:") == true)
        #expect(far?.message.contains("from 0 m to 1500 m") == true)
    }

    @Test("bad requests and wrong moments get errors that say what to send")
    func badRequests() throws {
        let lab = try Self.lab()
        let unknown = lab.failure("deliver", at: "2026-12-01T10:10")
        #expect(unknown?.message.hasPrefix("unknown-action:") == true)
        #expect(unknown?.message.contains("requestDelivery") == true)

        let noPosition = lab.failure("requestDelivery", ["basketCents": 1000], at: "2026-12-01T10:10")
        #expect(noPosition?.message.contains("missing field 'positionMetres'") == true)
        let negative = lab.failure(
            "requestDelivery", ["positionMetres": -5, "basketCents": 1000], at: "2026-12-01T10:10")
        #expect(negative?.message.contains("whole number from 0") == true)

        let round = try #require(
            try lab.call("dispatch", at: "2026-12-01T11:00", as: Rounds.self).rounds.first?.roundID)
        let taken = lab.failure("cancel", ["deliveryID": "d1"], at: "2026-12-01T11:01")
        #expect(taken?.message.hasPrefix("invalid-transition:") == true)
        #expect(taken?.message.contains(round) == true)

        let stranger = lab.failure("completeRound", ["roundID": round, "failed": ["d9"]], at: "2026-12-01T12:00")
        #expect(stranger?.message.contains("'d9'") == true)
        let noRound = lab.failure("completeRound", ["roundID": "round-99"], at: "2026-12-01T12:00")
        #expect(noRound?.code == .notFound)
        #expect(lab.values("deliveries").isEmpty)
    }

    @Test("a cancelled basket stays out of the next round")
    func cancellation() throws {
        let lab = try Self.lab()
        try lab.send("cancel", ["deliveryID": "d5"], at: "2026-12-01T10:30")
        let round = try #require(try lab.call("dispatch", at: "2026-12-01T11:00", as: Rounds.self).rounds.first)
        #expect(round.deliveryIDs == ["d1", "d2", "d3", "d4"])
        #expect(round.lengthMetres == 2 * (900 - 300))
        #expect(try lab.call("dispatch", at: "2026-12-01T11:01", as: Rounds.self).rounds.isEmpty)
    }

    @Test("replaying a request or a completed round stores nothing twice")
    func replays() throws {
        let lab = try Self.lab()
        let again = try lab.call(
            "requestDelivery", ["deliveryID": "d1", "positionMetres": 300, "basketCents": 2400, "customer": "c-d1"],
            at: "2026-12-01T10:20", as: DeliveryEnvelope.self)
        #expect(again.replayed == true)
        let clash = lab.failure(
            "requestDelivery", ["deliveryID": "d1", "positionMetres": 310, "basketCents": 2400], at: "2026-12-01T10:21")
        #expect(clash?.message.hasPrefix("conflict:") == true)

        let round = try #require(
            try lab.call("dispatch", at: "2026-12-01T11:00", as: Rounds.self).rounds.first?.roundID)
        try lab.send("completeRound", ["roundID": round], at: "2026-12-01T12:00")
        try lab.send("completeRound", ["roundID": round], at: "2026-12-01T12:00")
        #expect(lab.values("deliveries").count == 5)
        #expect(lab.values("basket_value").count == 5)
        #expect(lab.host.duplicateOutcomes == 10)
        #expect(try lab.call("summary", at: "2026-12-01T12:05", as: Summary.self).requests == 5)
    }

    @Test("after the merchant withdraws mid-trial the plugin surfaces denials and stores nothing")
    func withdrawalMidTrial() throws {
        let lab = try Self.lab()
        lab.host.withdrawConsent("shop-1", at: StreetLab.time("2026-12-01T10:30"))
        let denied = lab.failure("dispatch", at: "2026-12-01T11:00")
        #expect(denied?.code == .denied)
        #expect(denied?.denial == .withdrawn)
        #expect(lab.values("round_length_m").isEmpty)
        #expect(lab.host.denialCount(.withdrawn) >= 1)
    }
}
