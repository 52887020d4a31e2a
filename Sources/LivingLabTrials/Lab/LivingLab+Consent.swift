import Foundation
import LivingLabCore
import LivingLabStore

/// The consent document of a protocol's version in force, in one language, with the hash a consent names.
public struct ConsentDocument: Codable, Sendable, Hashable {
    public var protocolID: String
    public var version: Int
    public var language: String
    public var text: String
    public var sha256: String
}

extension LivingLab {
    /// Creates a protocol from its definition, or amends it; the result says what changed and whether it is material.
    public func applyProtocol(_ definition: ExperimentProtocol, reason: String?) throws(LabError) -> ProtocolApplyResult {
        try store.applyProtocol(definition, reason: reason, actor: actor)
    }

    /// Approves the newest version of a protocol: it is in force from now on.
    public func approveProtocol(_ protocolID: String) throws(LabError) -> ProtocolVersion {
        try store.approveProtocol(protocolID, actor: actor)
    }

    /// Invites merchants into a protocol's trial, from a cohort or a list (one of the two).
    public func enroll(in protocolID: String, cohort: String?, merchantIDs: [String]?) throws(LabError) -> [Enrollment] {
        let ids: [String]
        switch (cohort, merchantIDs) {
        case (let name?, nil): ids = try store.cohort(name).merchantIDs
        case (nil, let list?): ids = list
        default: throw LabError.invalid("Say whom to enroll with either --cohort NAME or --merchants m01,m02.")
        }
        return try store.enroll(ids, in: protocolID, actor: actor)
    }

    /// What a merchant reads before consenting: the document of the version in force, in `language`, and its SHA-256.
    public func consentDocument(protocolID: String, language: String) throws(LabError) -> ConsentDocument {
        let stored = try store.storedProtocol(protocolID)
        let version = stored.approved ?? stored.latest
        guard let text = version.definition.consent.documents[language] else {
            throw LabError.notFound("Protocol \(protocolID) has no document in `\(language)`: use one of \(version.definition.consent.documents.keys.sorted().joined(separator: ", ")).")
        }
        return ConsentDocument(protocolID: protocolID, version: version.version, language: language, text: text,
                               sha256: SHA256.hex(text))
    }

    /// Records a merchant's consent (or its renewal after a material amendment), tied to the document in `language`.
    public func giveConsent(merchantID: String, protocolID: String, language: String, purposes: [String]?, channel: String)
        throws(LabError) -> ConsentEvent
    {
        try store.giveConsent(merchantID: merchantID, protocolID: protocolID, language: language, purposes: purposes,
                              channel: channel, actor: actor)
    }

    /// Records a consent given through a screen that showed the document whose SHA-256 is `shownSHA256`: refused when
    /// that is not the document of the version in force in `language` (the merchant must read the current one).
    public func giveConsent(merchantID: String, protocolID: String, language: String, shownSHA256: String,
                            purposes: [String]?, channel: String) throws(LabError) -> ConsentEvent
    {
        let document = try consentDocument(protocolID: protocolID, language: language)
        guard shownSHA256.lowercased() == document.sha256 else {
            throw LabError.conflict("The document shown (sha256 \(shownSHA256.prefix(16))…) is not the `\(language)` document of \(protocolID) version \(document.version) (sha256 \(document.sha256.prefix(16))…): show the merchant the current document and send its sha256.")
        }
        return try giveConsent(merchantID: merchantID, protocolID: protocolID, language: language, purposes: purposes,
                               channel: channel)
    }

    /// Withdraws a merchant's consent in one step, effective now, applying the protocol's data policy.
    public func withdrawConsent(merchantID: String, protocolID: String, channel: String) throws(LabError) -> WithdrawalResult {
        try store.withdrawConsent(merchantID: merchantID, protocolID: protocolID, channel: channel, actor: actor)
    }
}
