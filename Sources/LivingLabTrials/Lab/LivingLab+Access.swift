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
        try issue(role: role, subject: subject, lifetime: lifetime, kind: .api)
    }

    /// Refuses a token for a firm, merchant or sponsor the lab does not know.
    func checkSubject(role: LabRole, subject: String?) throws(LabError) {
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
        guard stored.token.kind == .api else {
            throw LabError(.unauthenticated, stored.token.kind == .link
                ? "This is a sign-in link, not an API token: open it in a browser."
                : "This is a web session, not an API token: ask the lab's coordinator for a token.")
        }
        let now = store.now()
        switch stored.token.state(at: now) {
        case .revoked: throw LabError(.unauthenticated, "This token was revoked: ask the lab's coordinator for a new one.")
        case .expired: throw LabError(.unauthenticated, "This token expired: ask the lab's coordinator for a new one.")
        case .used: throw LabError(.unauthenticated, "This token was already used: ask the lab's coordinator for a new one.")
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

    /// The trials a merchant is invited to or takes part in, with what they can do about each now; for the merchant,
    /// a paired sponsor and the coordinator.
    public func invitations(of merchantID: String, visibleTo principal: Principal) throws(LabError) -> [Invitation] {
        let profile = try merchantProfile(merchantID, visibleTo: principal)
        let consents = Dictionary(profile.consents.map { ($0.protocolID, $0.state) }, uniquingKeysWith: { a, _ in a })
        return try profile.enrollments.map { enrollment throws(LabError) in
            let stored = try store.storedProtocol(enrollment.protocolID)
            let inForce = stored.approved ?? stored.latest
            let consent = consents[enrollment.protocolID] ?? ConsentStatus.State.none
            let open = ![.withdrawn, .completed].contains(enrollment.state) && ![.stopped].contains(stored.state)
            let action: Invitation.Action? = switch consent {
            case .none, .expired: open && stored.approved != nil ? .consent : nil
            case .needsRenewal: open ? .renew : nil
            case .active: .withdraw
            case .withdrawn: nil
            }
            return Invitation(protocolID: stored.id, title: inForce.definition.title, plugin: inForce.definition.plugin.id,
                              firm: inForce.definition.firm, trialState: stored.state, enrollment: enrollment.state,
                              consent: consent, version: inForce.version, approved: inForce.approvedAt != nil,
                              languages: inForce.definition.consent.documents.keys.sorted(), action: action)
        }
    }

    /// How many merchants of a protocol are in each consent state: what a firm sees of its trial's consents, never who.
    public func consentCounts(protocolID: String) throws(LabError) -> [String: Int] {
        var counts: [String: Int] = [:]
        for status in try store.consentStatuses(merchantID: nil, protocolID: protocolID) {
            counts[status.state.rawValue, default: 0] += 1
        }
        return counts
    }

    /// A protocol's consent ledger, event by event: all of it (or one merchant's) for a coordinator, their own for a
    /// merchant. Firms and sponsors see counts and profiles, not the ledger.
    public func consentHistory(protocolID: String, merchantID: String?, visibleTo principal: Principal) throws(LabError)
        -> [ConsentEvent]
    {
        let stored = try storedProtocol(protocolID, visibleTo: principal)
        switch principal.role {
        case .coordinator:
            return try store.consentEvents(merchantID: merchantID, protocolID: stored.id)
        case .merchant:
            if let merchantID, merchantID != principal.subject { throw Self.noMerchant(merchantID) }
            return try store.consentEvents(merchantID: principal.subject, protocolID: stored.id)
        case .firm, .sponsor:
            throw LabError(.forbidden, "The consent ledger is read by the merchant and the coordinator; a firm sees the counts at `GET /v1/protocols/\(stored.id)/consents`.")
        }
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

/// A trial as the merchant invited to it sees it: where they stand and what they can do now.
public struct Invitation: Codable, Sendable, Hashable {
    /// What the merchant can do about the trial now.
    public enum Action: String, Codable, Sendable, Hashable {
        /// Read the document and consent (nothing given yet, or it expired).
        case consent
        /// Consent again: the protocol changed materially since they consented.
        case renew
        /// Withdraw, in one step.
        case withdraw
    }

    public var protocolID: String
    public var title: String
    public var plugin: String
    public var firm: String
    public var trialState: TrialState
    public var enrollment: Enrollment.State
    public var consent: ConsentStatus.State
    /// The version in force, and whether it is approved (consent is only given to an approved version).
    public var version: Int
    public var approved: Bool
    /// The languages the consent document is written in.
    public var languages: [String]
    public var action: Action?
}

