import Foundation

/// Who a caller of the lab's API is: the four kinds of people the lab serves.
public enum LabRole: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Runs the lab: sees and changes everything.
    case coordinator
    /// A digital firm: sees its own plugins and trials, and their results aggregated.
    case firm
    /// A merchant: sees and changes only their own profile, consent, results and feedback.
    case merchant
    /// A volunteer sponsor (*parrain*): sees the merchants they are paired with.
    case sponsor

    public var description: String { rawValue }
    /// Whether a token of this role names who it is for (a firm, merchant or sponsor id).
    public var needsSubject: Bool { self != .coordinator }
}

/// The one a request acts as: a role, and for every role but coordinator the firm, merchant or sponsor it stands for.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    public var role: LabRole
    /// The firm, merchant or sponsor id; `nil` for a coordinator.
    public var subject: String?
    /// The token the request presented, named in the audit log.
    public var tokenID: String

    public init(role: LabRole, subject: String?, tokenID: String) {
        self.role = role
        self.subject = subject
        self.tokenID = tokenID
    }

    /// How the audit log names this caller: `merchant:m04 (token t1a2b3c4)`, ids only.
    public var actor: String {
        if let subject { return "\(role):\(subject) (token \(tokenID))" }
        return "\(role) (token \(tokenID))"
    }

    public var description: String { actor }

    /// Whether this caller is the merchant `id`.
    public func isMerchant(_ id: String) -> Bool { role == .merchant && subject == id }
    /// Whether this caller is the firm `id`.
    public func isFirm(_ id: String) -> Bool { role == .firm && subject == id }
}

/// An API token as the lab keeps it: never its secret, only the secret's SHA-256.
public struct AccessToken: Codable, Sendable, Hashable {
    /// The token's public id (the part of the bearer text before its secret).
    public var id: String
    public var role: LabRole
    /// The firm, merchant or sponsor it is for; `nil` for a coordinator.
    public var subject: String?
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?
    /// What the token opens: the API, a web session once (a sign-in link), or the web portal (a session).
    public var kind: Kind
    /// When a sign-in link was opened (it opens one session, once).
    public var usedAt: Date?

    /// What a token opens.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The API, with `Authorization: Bearer` (`livinglab token create`).
        case api
        /// A one-time sign-in link to the web portal (`livinglab invite link`), handed over by a sponsor or sent by SMS.
        case link
        /// A web session, kept in an `HttpOnly` cookie, opened by a link or by an API token.
        case session
    }

    public init(id: String, role: LabRole, subject: String?, createdAt: Date, expiresAt: Date? = nil,
                revokedAt: Date? = nil, lastUsedAt: Date? = nil, kind: Kind = .api, usedAt: Date? = nil) {
        self.id = id
        self.role = role
        self.subject = subject
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.kind = kind
        self.usedAt = usedAt
    }

    /// Whether a token can be used.
    public enum State: String, Codable, Sendable {
        case active, expired, revoked, used
    }

    /// The token's state at `date`.
    public func state(at date: Date) -> State {
        if let revokedAt, revokedAt <= date { return .revoked }
        if kind == .link, usedAt != nil { return .used }
        if let expiresAt, expiresAt <= date { return .expired }
        return .active
    }

    /// The principal a request with this token acts as.
    public var principal: Principal { Principal(role: role, subject: subject, tokenID: id) }

    /// Checks the token's shape: an id, and a subject exactly when the role needs one.
    public func validate() throws(LabError) {
        try InputLimits.checkText(id, field: "the token id")
        guard !id.isEmpty else { throw .invalid("A token needs an id.") }
        if role.needsSubject {
            guard let subject, !subject.isEmpty else {
                throw .invalid("A \(role) token is for one \(role): name it with --for (e.g. --for \(role == .firm ? "panier-malin" : role == .merchant ? "m04" : "s01")).")
            }
            try InputLimits.checkText(subject, field: "the token's subject")
        } else if subject != nil {
            throw .invalid("A coordinator token is for the whole lab: leave out --for.")
        }
    }
}

/// The bearer text of a token, `llab_<id>_<secret>`, and how the lab checks a secret against its stored hash.
public enum BearerToken {
    /// The prefix every LivingLab token starts with, so that a leaked one is recognisable.
    public static let prefix = "llab_"

    /// Splits bearer text into its id and secret, or `nil` when it is not a LivingLab token.
    public static func parse(_ text: String) -> (id: String, secret: String)? {
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard let separator = rest.firstIndex(of: "_") else { return nil }
        let id = String(rest[..<separator])
        let secret = String(rest[rest.index(after: separator)...])
        guard !id.isEmpty, !secret.isEmpty, id.count <= 64, secret.count <= 256 else { return nil }
        return (id, secret)
    }

    /// The bearer text of a token.
    public static func text(id: String, secret: String) -> String { "\(prefix)\(id)_\(secret)" }

    /// The SHA-256 (hex) of a secret, as stored.
    public static func hash(_ secret: String) -> String { SHA256.hex(secret) }

    /// Compares two hashes in time that depends only on their length, not on where they first differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// A new random id (32 bits, hex) and secret (256 bits, base64url without padding).
    public static func generate() -> (id: String, secret: String) {
        var generator = SystemRandomNumberGenerator()
        let idBytes = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secretBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let id = idBytes.hexString
        let secret = Data(secretBytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (id, secret)
    }
}
