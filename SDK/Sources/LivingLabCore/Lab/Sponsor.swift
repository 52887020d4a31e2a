/// A volunteer with digital know-how (*parrain*) paired with merchants, on a non-commercial basis.
public struct Sponsor: Codable, Sendable, Hashable, Identifiable {
    /// The lab's id for the sponsor, e.g. `s01`.
    public var id: String
    /// The sponsor's name (personal data: never written into the audit log).
    public var name: String
    /// The version of the sponsor charter they signed, e.g. `2026-1`.
    public var charterVersion: String
    /// The firm that employs the sponsor, if it is one of the lab's firms: used by the conflict-of-interest rule.
    public var employerFirmID: String?
    /// What the sponsor can help with.
    public var skills: [String]
    /// How to reach the sponsor.
    public var contact: String?

    /// Creates a sponsor; call ``validate()`` before storing it.
    public init(id: String, name: String, charterVersion: String, employerFirmID: String? = nil,
                skills: [String] = [], contact: String? = nil) {
        self.id = id
        self.name = name
        self.charterVersion = charterVersion
        self.employerFirmID = employerFirmID
        self.skills = skills
        self.contact = contact
    }

    /// Checks every field and says which one is wrong and how to fix it.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "sponsor")
        guard !name.trimmed.isEmpty else { throw .invalid("Sponsor \(id) has no name.") }
        guard !charterVersion.trimmed.isEmpty else {
            throw .rule("Sponsor \(id) has not signed the sponsor charter: give the charter version they signed with `--charter VERSION`.")
        }
    }
}

/// A startup or solution provider that owns plugins and sees its own trials in aggregate.
public struct Firm: Codable, Sendable, Hashable, Identifiable {
    /// The lab's id for the firm, e.g. `panier-malin`.
    public var id: String
    /// The firm's name.
    public var name: String
    /// How to reach the firm.
    public var contact: String?
    /// What the firm offers, in a sentence.
    public var summary: String?

    /// Creates a firm; call ``validate()`` before storing it.
    public init(id: String, name: String, contact: String? = nil, summary: String? = nil) {
        self.id = id
        self.name = name
        self.contact = contact
        self.summary = summary
    }

    /// Checks every field and says which one is wrong and how to fix it.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "firm")
        guard !name.trimmed.isEmpty else { throw .invalid("Firm \(id) has no name.") }
    }
}

/// The non-commercial rule of the programme: a sponsor is never paired with a merchant in a trial of their employer.
public enum SponsorPairingRule {
    /// Refuses a pairing when the merchant is in a trial whose plugin belongs to the sponsor's employer.
    ///
    /// - Parameter trialFirms: for each protocol the merchant is enrolled in, the id of the firm owning its plugin.
    public static func check(sponsor: Sponsor, merchantID: String, trialFirms: [(protocolID: String, firmID: String)]) throws(LabError) {
        guard let employer = sponsor.employerFirmID, !employer.isEmpty else { return }
        if let clash = trialFirms.first(where: { $0.firmID == employer }) {
            throw .rule("Sponsor \(sponsor.id) works for \(employer), whose plugin merchant \(merchantID) is trialling in protocol \(clash.protocolID): the sponsor relationship must stay non-commercial. Pair this merchant with another sponsor.")
        }
    }
}
