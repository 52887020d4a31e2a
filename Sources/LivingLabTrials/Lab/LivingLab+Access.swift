import Foundation
import LivingLabCore
import LivingLabStore

/// A token just created: the only moment its bearer text exists outside the caller's hands.
public struct IssuedToken: Codable, Sendable, Hashable {
    public var token: AccessToken
    /// `llab_<id>_<secret>`: shown once, never stored.
    public var bearer: String
}

/// Who may see what: the rules the HTTP API applies for every role, in one place.
///
/// A resource the caller may not see is answered as if it did not exist (`not-found`), so that a firm cannot learn
/// that another firm's trial exists; an action the caller's role may never do is `forbidden`.
extension LivingLab {
    // MARK: Tokens

    /// Creates a token for a role (and the firm, merchant or sponsor it stands for), valid for `lifetime` seconds or
    /// until revoked.
    public func createToken(role: LabRole, subject: String?, lifetime: TimeInterval?) throws(LabError) -> IssuedToken {
        if let subject {
            switch role {
            case .coordinator: break
            case .firm:
                guard try store.firms().contains(where: { $0.id == subject }) else {
                    throw .notFound("There is no firm \(subject): `livinglab firm list` shows the firms.")
                }
            case .merchant: _ = try store.merchant(subject)
            case .sponsor:
                guard try store.sponsors().contains(where: { $0.id == subject }) else {
                    throw .notFound("There is no sponsor \(subject): `livinglab sponsor list` shows the sponsors.")
                }
            }
        }
        if let lifetime, lifetime <= 0 { throw .invalid("A token's lifetime must be positive, e.g. --expires 30d.") }
        let (id, secret) = BearerToken.generate()
        let now = store.now()
        let token = AccessToken(id: id, role: role, subject: subject, createdAt: now,
                                expiresAt: lifetime.map { now.addingTimeInterval($0).roundedToMilliseconds })
        try store.addAccessToken(token, secretHash: BearerToken.hash(secret), actor: actor)
        return IssuedToken(token: token, bearer: BearerToken.text(id: id, secret: secret))
    }

    /// Revokes a token from now on.
    public func revokeToken(_ id: String) throws(LabError) -> AccessToken {
        try store.revokeAccessToken(id: id, actor: actor)
    }

    /// The principal a bearer token stands for, or `unauthenticated` saying why not.
    public func authenticate(bearer text: String) throws(LabError) -> Principal {
        guard let (id, secret) = BearerToken.parse(text) else {
            throw LabError(.unauthenticated, "This is not a LivingLab token: send `Authorization: Bearer llab_…` with a token from `livinglab token create`.")
        }
        // The hash is compared in constant time; an unknown id costs a hash too, so both take as long.
        let presented = BearerToken.hash(secret)
        let stored = try store.accessToken(id: id)
        guard let stored, BearerToken.constantTimeEqual(presented, stored.secretHash) else {
            throw LabError(.unauthenticated, "This token is not recognised: ask the lab's coordinator for a new one.")
        }
        let now = store.now()
        switch stored.token.state(at: now) {
        case .revoked: throw LabError(.unauthenticated, "This token was revoked: ask the lab's coordinator for a new one.")
        case .expired: throw LabError(.unauthenticated, "This token expired: ask the lab's coordinator for a new one.")
        case .active: break
        }
        // A token's use is written at most once a minute: a busy caller must not cost a durable write per request.
        if stored.token.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try store.noteAccessTokenUse(id: id, at: now)
        }
        return stored.token.principal
    }

    // MARK: What each role sees

    /// The merchants `principal` may see: all for a coordinator, their own for a merchant, the paired ones for a sponsor.
    public func merchants(visibleTo principal: Principal, matching criteria: String?) throws(LabError) -> [Merchant] {
        let all = try merchants(matching: criteria)
        switch principal.role {
        case .coordinator: return all
        case .merchant: return all.filter { $0.id == principal.subject }
        case .sponsor:
            var paired: [Merchant] = []
            for merchant in all where try isPaired(principal, with: merchant.id) { paired.append(merchant) }
            return paired
        case .firm: throw LabError(.forbidden, "A firm does not see the merchant directory: it sees its trials' results, aggregated.")
        }
    }

    /// One merchant's profile, if `principal` may see it (`not-found` otherwise).
    public func merchantProfile(_ id: String, visibleTo principal: Principal) throws(LabError) -> MerchantProfile {
        switch principal.role {
        case .coordinator: break
        case .merchant where principal.subject == id: break
        case .sponsor where try isPaired(principal, with: id): break
        default: throw Self.noMerchant(id)
        }
        return try merchantProfile(id)
    }

    /// The protocols `principal` may see: all for a coordinator, its own for a firm, those a merchant was invited to,
    /// and those of a sponsor's paired merchants.
    public func protocols(visibleTo principal: Principal) throws(LabError) -> [StoredProtocol] {
        var visible: [StoredProtocol] = []
        for id in try store.protocolIDs() {
            let stored = try store.storedProtocol(id)
            if try mayRead(stored, principal) { visible.append(stored) }
        }
        return visible
    }

    /// A protocol, if `principal` may see it (`not-found` otherwise).
    public func storedProtocol(_ id: String, visibleTo principal: Principal) throws(LabError) -> StoredProtocol {
        let stored: StoredProtocol
        do throws(LabError) {
            stored = try store.storedProtocol(id)
        } catch where error.code == .notFound {
            throw Self.noProtocol(id)
        }
        guard try mayRead(stored, principal) else { throw Self.noProtocol(id) }
        return stored
    }

    /// Requires that `principal` may act for merchant `merchantID` (the merchant themselves, or a coordinator).
    public func requireActsFor(merchant merchantID: String, _ principal: Principal) throws(LabError) {
        switch principal.role {
        case .coordinator: _ = try store.merchant(merchantID)
        case .merchant where principal.subject == merchantID: break
        case .merchant: throw Self.noMerchant(merchantID)
        case .sponsor: throw LabError(.forbidden, "A sponsor helps a merchant but does not consent or withdraw for them: the merchant or a coordinator does.")
        case .firm: throw LabError(.forbidden, "A firm cannot act for a merchant: the merchant or a coordinator does.")
        }
    }

    /// Requires a coordinator.
    public func requireCoordinator(_ principal: Principal, for what: String) throws(LabError) {
        guard principal.role == .coordinator else {
            throw LabError(.forbidden, "Only a coordinator may \(what).")
        }
    }

    /// Requires that `principal` runs the protocol: a coordinator, or the protocol's own firm.
    public func requireRuns(_ stored: StoredProtocol, _ principal: Principal, for what: String) throws(LabError) {
        switch principal.role {
        case .coordinator: return
        case .firm where principal.subject == stored.latest.definition.firm: return
        default: throw LabError(.forbidden, "Only a coordinator or the firm running \(stored.id) may \(what).")
        }
    }

    func mayRead(_ stored: StoredProtocol, _ principal: Principal) throws(LabError) -> Bool {
        switch principal.role {
        case .coordinator: return true
        case .firm: return stored.latest.definition.firm == principal.subject
        case .merchant:
            guard let subject = principal.subject else { return false }
            return try !store.enrollments(protocolID: stored.id, merchantID: subject).isEmpty
        case .sponsor:
            for enrollment in try store.enrollments(protocolID: stored.id, merchantID: nil)
            where try isPaired(principal, with: enrollment.merchantID) {
                return true
            }
            return false
        }
    }

    func isPaired(_ principal: Principal, with merchantID: String) throws(LabError) -> Bool {
        guard principal.role == .sponsor, let subject = principal.subject else { return false }
        return try store.sponsors(of: merchantID).contains { $0.id == subject }
    }

    static func noMerchant(_ id: String) -> LabError {
        .notFound("There is no merchant \(id) that you may see: check the id.")
    }

    static func noProtocol(_ id: String) -> LabError {
        .notFound("There is no protocol \(id) that you may see: check the id.")
    }
}
