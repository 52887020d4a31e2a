import Foundation
import LivingLabCore
import LivingLabStore

/// How people reach the web portal without passwords: a one-time sign-in link the coordinator makes (and a sponsor
/// hands over, or an SMS carries), or an API token, opens a session kept in a cookie.
extension LivingLab {
    /// How long a sign-in link stays valid unless told otherwise: a week, for a sponsor to hand it over.
    public static let linkLifetime: TimeInterval = 7 * 24 * 3600
    /// How long a web session lasts: a working day.
    public static let sessionLifetime: TimeInterval = 12 * 3600

    /// Makes a one-time sign-in link for a role (and the merchant, firm or sponsor it is for).
    public func createSignInLink(role: LabRole, subject: String?, lifetime: TimeInterval? = nil) throws(LabError) -> IssuedToken {
        try issue(role: role, subject: subject, lifetime: lifetime ?? Self.linkLifetime, kind: .link)
    }

    /// Whether a sign-in link can still be opened, saying why not (without opening it).
    public func checkSignInLink(_ text: String) throws(LabError) -> AccessToken {
        try stored(text, kind: .link, noun: "sign-in link")
    }

    /// Opens a sign-in link, once: the session it starts.
    public func openSignInLink(_ text: String) throws(LabError) -> IssuedToken {
        let link = try stored(text, kind: .link, noun: "sign-in link")
        guard try store.markLinkOpened(id: link.id, actor: link.principal.actor) else {
            throw LabError(.unauthenticated, "This sign-in link was already used: ask your sponsor or the lab's coordinator for a new one.")
        }
        return try LivingLab(store: store, actor: link.principal.actor)
            .issue(role: link.role, subject: link.subject, lifetime: Self.sessionLifetime, kind: .session)
    }

    /// Starts a session with an API token (for firms and coordinators who have one).
    public func signIn(withToken text: String) throws(LabError) -> IssuedToken {
        let principal = try authenticate(bearer: text)
        return try LivingLab(store: store, actor: principal.actor)
            .issue(role: principal.role, subject: principal.subject, lifetime: Self.sessionLifetime, kind: .session)
    }

    /// The principal a session cookie stands for, or `unauthenticated` saying why not.
    public func authenticate(session text: String) throws(LabError) -> Principal {
        try stored(text, kind: .session, noun: "session").principal
    }

    /// Ends a session.
    public func signOut(session text: String) throws(LabError) {
        let session = try stored(text, kind: .session, noun: "session")
        _ = try store.revokeAccessToken(id: session.id, actor: session.principal.actor)
    }

    /// Makes a token of `kind`, valid for `lifetime` seconds (or until revoked when `nil`).
    func issue(role: LabRole, subject: String?, lifetime: TimeInterval?, kind: AccessToken.Kind) throws(LabError) -> IssuedToken {
        try checkSubject(role: role, subject: subject)
        if let lifetime, lifetime <= 0 { throw .invalid("A token's lifetime must be positive, e.g. --expires 30d.") }
        let (id, secret) = BearerToken.generate()
        let now = store.now()
        let token = AccessToken(id: id, role: role, subject: subject, createdAt: now,
                                expiresAt: lifetime.map { now.addingTimeInterval($0).roundedToMilliseconds }, kind: kind)
        try store.addAccessToken(token, secretHash: BearerToken.hash(secret), actor: actor)
        return IssuedToken(token: token, bearer: BearerToken.text(id: id, secret: secret))
    }

    /// The stored token of `kind` behind bearer text, if it is active; `unauthenticated` saying why not.
    func stored(_ text: String, kind: AccessToken.Kind, noun: String) throws(LabError) -> AccessToken {
        let again = kind == .session ? "sign in again" : "ask your sponsor or the lab's coordinator for a new one"
        guard let (id, secret) = BearerToken.parse(text) else {
            throw LabError(.unauthenticated, "This \(noun) is not recognised: \(again).")
        }
        let presented = BearerToken.hash(secret)
        guard let stored = try store.accessToken(id: id), BearerToken.constantTimeEqual(presented, stored.secretHash),
              stored.token.kind == kind
        else {
            throw LabError(.unauthenticated, "This \(noun) is not recognised: \(again).")
        }
        switch stored.token.state(at: store.now()) {
        case .active: return stored.token
        case .used: throw LabError(.unauthenticated, "This \(noun) was already used: \(again).")
        case .revoked: throw LabError(.unauthenticated, "This \(noun) was ended: \(again).")
        case .expired: throw LabError(.unauthenticated, "This \(noun) expired: \(again).")
        }
    }
}
