import Foundation

/// One entry of a merchant's consent history for a protocol. Events are appended, never edited or deleted.
public struct ConsentEvent: Codable, Sendable, Hashable {
    /// What happened.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The merchant opted in.
        case given
        /// The merchant opted out: effective at once, for every version of the protocol.
        case withdrawn
        /// The consent lapsed (its validity ended).
        case expired
        /// The merchant confirmed their consent again, e.g. to an amended version.
        case renewed
    }

    /// The event's position in the ledger (assigned by the store).
    public var sequence: Int64?
    public var merchantID: String
    public var protocolID: String
    public var protocolVersion: Int
    public var kind: Kind
    /// The purposes consented to (empty for withdrawal and expiry).
    public var purposes: [String]
    /// SHA-256 of the exact document text the merchant was shown.
    public var documentSHA256: String
    /// The language of that document, e.g. `fr`.
    public var language: String
    /// When the event took effect (server UTC).
    public var at: Date
    /// How it was recorded: `cli`, `http`, `dashboard`, `import`…
    public var channel: String
    /// Who recorded it (the merchant, or the coordinator acting on their signed form).
    public var recordedBy: String

    public init(sequence: Int64? = nil, merchantID: String, protocolID: String, protocolVersion: Int, kind: Kind,
                purposes: [String], documentSHA256: String, language: String, at: Date, channel: String, recordedBy: String) {
        self.sequence = sequence
        self.merchantID = merchantID
        self.protocolID = protocolID
        self.protocolVersion = protocolVersion
        self.kind = kind
        self.purposes = purposes
        self.documentSHA256 = documentSHA256
        self.language = language
        self.at = at
        self.channel = channel
        self.recordedBy = recordedBy
    }
}

/// The consent gate's answer.
public enum ConsentDecision: Sendable, Hashable {
    case allowed
    case denied(DenialReason)

    /// Whether the request may go ahead.
    public var isAllowed: Bool { if case .allowed = self { true } else { false } }
}

/// Why the consent gate (or the trial rules around it) refused a request. Rejections are counted per reason.
public enum DenialReason: String, Codable, Sendable, Hashable, CaseIterable, CustomStringConvertible, Error {
    /// The merchant never consented to this protocol before that time.
    case notConsented = "not-consented"
    /// The merchant had withdrawn by that time.
    case withdrawn
    /// The consent had expired by that time.
    case expired
    /// The consent was given to an earlier version, and a material amendment since needs renewed consent.
    case versionNotCovered = "version-not-covered"
    /// The consent does not include this purpose.
    case purposeNotCovered = "purpose-not-covered"
    /// The merchant is not enrolled in this protocol.
    case notEnrolled = "not-enrolled"
    /// The merchant is in a control arm: the plugin is not active for them.
    case controlArm = "control-arm"
    /// The merchant is enrolled in another trial than the plugin's.
    case otherTrial = "other-trial"
    /// The data category is not allowed by the protocol.
    case categoryNotAllowed = "category-not-allowed"
    /// The plugin is not active for that merchant (trial not running, paused, stopped).
    case notActive = "not-active"

    /// The status a plugin receives for this reason across the C ABI (`LIVINGLAB_DENIED_*`, 101–110).
    public var abiStatus: Int32 {
        switch self {
        case .notConsented: 101
        case .withdrawn: 102
        case .notEnrolled: 103
        case .controlArm: 104
        case .otherTrial: 105
        case .categoryNotAllowed: 106
        case .notActive: 107
        case .expired: 108
        case .versionNotCovered: 109
        case .purposeNotCovered: 110
        }
    }

    public var description: String {
        switch self {
        case .notConsented: "the merchant has not consented to this protocol"
        case .withdrawn: "the merchant withdrew their consent"
        case .expired: "the merchant's consent expired"
        case .versionNotCovered: "the protocol was materially amended since the merchant consented: they must renew their consent"
        case .purposeNotCovered: "the merchant's consent does not cover this purpose"
        case .notEnrolled: "the merchant is not enrolled in this protocol"
        case .controlArm: "the merchant is in a control arm"
        case .otherTrial: "the merchant is in another trial"
        case .categoryNotAllowed: "the protocol does not allow this data category"
        case .notActive: "the plugin is not active for this merchant"
        }
    }
}
