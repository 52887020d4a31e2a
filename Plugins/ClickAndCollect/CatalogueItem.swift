import FirstPartyPluginSupport

/// A product a merchant offers for pick-up, with what is left on the shelf.
struct CatalogueItem: Codable, Sendable, Equatable {
    let sku: String
    var name: String
    var priceCents: Int
    var stock: Int

    /// What a catalogue request looks like, for error messages.
    static let hint =
        #"{"items": [{"sku": "baguette", "name": "Baguette tradition", "priceCents": 130, "stock": 40}]}"#

    init(sku: String, name: String, priceCents: Int, stock: Int) {
        self.sku = sku
        self.name = name
        self.priceCents = priceCents
        self.stock = stock
    }

    init(_ body: RequestBody) throws {
        sku = try body.string("sku", hint: Self.hint)
        name = try body.optionalString("name", hint: Self.hint) ?? sku
        priceCents = try body.integer("priceCents", hint: Self.hint, in: 0...10_000_000)
        stock = try body.integer("stock", hint: Self.hint, in: 0...1_000_000)
    }
}
