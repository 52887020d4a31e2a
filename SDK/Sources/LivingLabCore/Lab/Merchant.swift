/// A shop on the street (*commerçant*) that may volunteer for trials.
public struct Merchant: Codable, Sendable, Hashable, Identifiable {
    /// The lab's id for the merchant, e.g. `m01`.
    public var id: String
    /// The shop's trading name.
    public var name: String
    /// The trade, as a lower-case word: `bakery`, `butcher`, `florist`…
    public var sector: String
    /// The street segment the shop stands on.
    public var segment: String
    /// Position along the street, in metres from its start.
    public var positionMetres: Int
    /// Digital maturity from 0 (no digital tools) to 4 (sells online on its own).
    public var maturity: Int
    /// The merchants' association it belongs to, if any.
    public var association: String?
    /// How to reach the merchant (personal data: never written into the audit log).
    public var contact: String?

    /// The range of digital maturity levels.
    public static let maturityLevels = 0...4

    /// Creates a merchant; call ``validate()`` before storing it.
    public init(id: String, name: String, sector: String, segment: String, positionMetres: Int, maturity: Int,
                association: String? = nil, contact: String? = nil) {
        self.id = id
        self.name = name
        self.sector = sector
        self.segment = segment
        self.positionMetres = positionMetres
        self.maturity = maturity
        self.association = association
        self.contact = contact
    }

    /// Checks every field and says which one is wrong and how to fix it.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "merchant")
        for (field, value) in [("name", name), ("sector", sector), ("segment", segment), ("association", association ?? ""),
                               ("contact", contact ?? "")] {
            try InputLimits.checkText(value, field: "Merchant \(id)'s \(field)")
        }
        guard !name.trimmed.isEmpty else { throw .invalid("Merchant \(id) has no name: give the shop's trading name.") }
        guard !sector.trimmed.isEmpty else {
            throw .invalid("Merchant \(id) has no sector: give its trade as one word, e.g. `bakery`.")
        }
        guard !sector.contains(" ") else {
            throw .invalid("Merchant \(id) has sector `\(sector)`: use one lower-case word such as `bakery`, without spaces.")
        }
        guard !segment.trimmed.isEmpty else {
            throw .invalid("Merchant \(id) has no street segment: give the segment it stands on, e.g. `Barrière`.")
        }
        guard positionMetres >= 0 else {
            throw .invalid("Merchant \(id) has position \(positionMetres) m: give metres from the start of the street (0 or more).")
        }
        guard Merchant.maturityLevels.contains(maturity) else {
            throw .invalid("Merchant \(id) has digital maturity \(maturity): use a level from 0 (none) to 4 (sells online).")
        }
    }

    /// The attributes that eligibility and cohort criteria can test, by name.
    public var criteriaAttributes: [String: CriteriaValue] {
        [
            "id": .text(id),
            "name": .text(name),
            "sector": .text(sector),
            "segment": .text(segment),
            "position": .number(Double(positionMetres)),
            "maturity": .number(Double(maturity)),
            "association": .text(association ?? ""),
            "member": .boolean(!(association ?? "").isEmpty),
        ]
    }
}

/// The data categories a protocol can let a plugin see of a merchant, and the fields each one opens.
public enum MerchantDataCategory {
    /// The shop's public profile: name, sector, segment, position, maturity, association.
    public static let profile = "merchant-profile"
    /// How to reach the merchant.
    public static let contact = "contact"

    /// The merchant's fields that the allowed categories open, as text.
    public static func fields(of merchant: Merchant, allowed categories: [String]) -> [String: String] {
        var fields: [String: String] = ["id": merchant.id]
        if categories.contains(profile) {
            fields["name"] = merchant.name
            fields["sector"] = merchant.sector
            fields["segment"] = merchant.segment
            fields["position_m"] = String(merchant.positionMetres)
            fields["maturity"] = String(merchant.maturity)
            if let association = merchant.association { fields["association"] = association }
        }
        if categories.contains(contact), let value = merchant.contact { fields["contact"] = value }
        return fields
    }
}
