import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// How the customers of one simulated shop behave: what the shop sells, what a basket costs, and how many of its
/// customers order online once it offers click & collect.
///
/// Kept apart from the street model so that the planted truth stays in ``StreetModel`` (how many customers come) and
/// the shop only decides how they buy.
struct SimulatedShop: Sendable {
    /// One product of the shop's click & collect catalogue.
    struct Product: Sendable {
        var sku: String
        var name: String
        var priceCents: Int
    }

    var merchantID: String
    var sector: String
    var maturity: Int
    var products: [Product]
    /// The mean amount a walk-in customer spends, in cents.
    var basketCents: Double
    /// The share of customers who order online when the shop offers click & collect: more digital shops promote it
    /// better.
    var onlineShare: Double

    init(merchantID: String, sector: String, maturity: Int) {
        self.merchantID = merchantID
        self.sector = sector
        self.maturity = maturity
        products = Self.catalogues[sector] ?? Self.catalogues["grocery"]!
        let prices = products.map { Double($0.priceCents) }
        basketCents = 2 * prices.reduce(0, +) / Double(prices.count)
        onlineShare = 0.05 + 0.02 * Double(max(0, min(4, maturity)))
    }

    /// The catalogue as `setCatalogue` takes it, with stock enough for the whole trial.
    var catalogueRequest: JSONValue {
        .object(["action": "setCatalogue", "items": .array(products.map {
            .object(["sku": .string($0.sku), "name": .string($0.name), "priceCents": .number(Double($0.priceCents)),
                     "stock": 1_000_000])
        })])
    }

    /// A walk-in basket: the sector's mean with log-normal spread.
    func walkInBasket(_ random: inout LabRandom) -> Double {
        basketCents * exp(0.35 * random.nextNormal() - 0.35 * 0.35 / 2)
    }

    /// The lines of an online order: one to three products, one to three of each.
    func orderLines(_ random: inout LabRandom) -> [(product: Product, quantity: Int)] {
        var pool = products
        random.shuffle(&pool)
        let count = 1 + random.nextInt(below: min(3, pool.count))
        return pool.prefix(count).map { ($0, 1 + random.nextInt(below: 3)) }
    }

    /// Catalogues by sector; anything else sells groceries.
    static let catalogues: [String: [Product]] = [
        "bakery": [.init(sku: "baguette", name: "Baguette tradition", priceCents: 130),
                   .init(sku: "croissant", name: "Croissant", priceCents: 120),
                   .init(sku: "campagne", name: "Pain de campagne", priceCents: 480),
                   .init(sku: "tarte", name: "Tarte aux fruits", priceCents: 1_900)],
        "butcher": [.init(sku: "roti", name: "Rôti de porc", priceCents: 1_600),
                    .init(sku: "saucisses", name: "Saucisses de Toulouse", priceCents: 850),
                    .init(sku: "entrecote", name: "Entrecôte", priceCents: 2_400)],
        "cheese": [.init(sku: "comte", name: "Comté 18 mois", priceCents: 1_200),
                   .init(sku: "ossau", name: "Ossau-Iraty", priceCents: 1_050),
                   .init(sku: "beurre", name: "Beurre de baratte", priceCents: 450)],
        "grocery": [.init(sku: "panier", name: "Panier de légumes", priceCents: 1_500),
                    .init(sku: "huile", name: "Huile d'olive", priceCents: 1_100),
                    .init(sku: "cafe", name: "Café en grains", priceCents: 900),
                    .init(sku: "fruits", name: "Fruits de saison", priceCents: 600)],
        "wine": [.init(sku: "bordeaux", name: "Bordeaux supérieur", priceCents: 1_400),
                 .init(sku: "blanc", name: "Entre-deux-Mers", priceCents: 1_000),
                 .init(sku: "cremant", name: "Crémant de Bordeaux", priceCents: 1_300)],
        "florist": [.init(sku: "bouquet", name: "Bouquet de saison", priceCents: 2_500),
                    .init(sku: "plante", name: "Plante verte", priceCents: 1_800),
                    .init(sku: "rose", name: "Rose", priceCents: 400)],
    ]
}
