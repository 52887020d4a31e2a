import Foundation
import LivingLabPluginKit

/// A loyalty card on the merchant's counter: a stamp per purchase, a reward after a full card.
///
/// The arm configuration decides how many stamps fill a card (`stamps_per_card`, default 10)
/// and the smallest basket that earns a stamp (`minimum_basket`, default 0), so two arms can
/// test an easy card against a demanding one.
public final class StampCard: SolutionPlugin {
    /// The stamp card's identity, metrics and the merchant data it needs.
    public static let manifest = PluginManifest(
        id: "com.example.stampcard",
        version: "1.0.0",
        firm: "Example Loyalty SAS",
        name: "Stamp card",
        summary: "A digital stamp card: customers earn a reward after a number of purchases.",
        capabilities: ["requests", "outcomes", "storage"],
        metrics: [
            MetricSpec(name: "stamps", unit: "count", direction: .increase),
            MetricSpec(name: "rewards", unit: "count", direction: .increase),
            MetricSpec(name: "basket_value", unit: "EUR", direction: .increase),
        ],
        dataCategories: ["sector"]
    )

    /// One customer's card at one merchant; kept in host storage, never in memory.
    struct Card: Codable {
        var stamps: Int
        var rewards: Int
        var lastStampAt: Date?
    }

    struct Purchase: Decodable {
        var customer: String
        var basket: Double
        var receipt: String
    }

    struct CustomerRef: Decodable {
        var customer: String
    }

    private let host: PluginHost

    /// Keeps the host's services; the card has no plugin-wide configuration.
    public init(host: PluginHost, configuration: JSONValue) throws {
        self.host = host
    }

    /// Serves `purchase`, `redeem`, `card` and `forget` for an active merchant.
    public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
        let storage = host.storage(merchantID: merchant.merchantID)
        let stampsPerCard = merchant.configuration["stamps_per_card"]?.int ?? 10
        let minimumBasket = merchant.configuration["minimum_basket"]?.double ?? 0
        guard stampsPerCard > 0 else {
            throw PluginError.invalid("stamps_per_card must be at least 1 in the arm configuration")
        }

        switch request.action {
        case "purchase":
            let purchase = try request.decodeBody(Purchase.self)
            var card = try storage.get("card/\(purchase.customer)", as: Card.self) ?? Card(stamps: 0, rewards: 0)
            try host.logOutcome(
                merchantID: merchant.merchantID, metric: "basket_value", value: purchase.basket, unit: "EUR",
                at: request.at, idempotencyKey: "basket/\(purchase.receipt)")
            guard purchase.basket >= minimumBasket else {
                return ["stamped": false, "stamps": .number(Double(card.stamps))]
            }
            card.stamps += 1
            card.lastStampAt = request.at
            try storage.set("card/\(purchase.customer)", card)
            try host.logOutcome(
                merchantID: merchant.merchantID, metric: "stamps", value: 1, unit: "count", at: request.at,
                idempotencyKey: "stamp/\(purchase.receipt)")
            return [
                "stamped": true, "stamps": .number(Double(card.stamps)),
                "reward_available": .bool(card.stamps >= stampsPerCard),
            ]

        case "redeem":
            let ref = try request.decodeBody(CustomerRef.self)
            guard var card = try storage.get("card/\(ref.customer)", as: Card.self) else {
                throw PluginError.notFound("customer \(ref.customer) has no card at this shop")
            }
            guard card.stamps >= stampsPerCard else {
                throw PluginError.invalid(
                    "the card has \(card.stamps) of \(stampsPerCard) stamps: the reward is not available yet")
            }
            card.stamps -= stampsPerCard
            card.rewards += 1
            try storage.set("card/\(ref.customer)", card)
            try host.logOutcome(
                merchantID: merchant.merchantID, metric: "rewards", value: 1, unit: "count", at: request.at,
                idempotencyKey: "reward/\(ref.customer)/\(card.rewards)")
            return ["redeemed": true, "stamps": .number(Double(card.stamps)), "rewards": .number(Double(card.rewards))]

        case "card":
            let ref = try request.decodeBody(CustomerRef.self)
            let card = try storage.get("card/\(ref.customer)", as: Card.self) ?? Card(stamps: 0, rewards: 0)
            return try JSONValue(encoding: card)

        case "forget":
            // A customer may ask the shop to delete their card; the stamps go with it.
            let ref = try request.decodeBody(CustomerRef.self)
            try storage.remove("card/\(ref.customer)")
            return ["forgotten": true]

        default:
            throw PluginError.invalid("unknown action \"\(request.action)\": use purchase, redeem, card or forget")
        }
    }
}

/// The one line that makes this library a LivingLab plugin.
@_cdecl("livinglab_plugin_entry")
public func livinglabPluginEntry() -> PluginEntryPoint { export(StampCard.self) }
