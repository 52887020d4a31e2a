import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LabTestSupport
import LivingLabCore
import LivingLabServer
import LivingLabStore
import LivingLabTrials
import NIOCore
import Yams

/// A lab with a running trial behind a live server: the C visit counter serves the trial `visits` (m1 and m2 in
/// treatment, m3 and m4 in control, m6 invited), firm `livinglab-examples` runs it, firm `panier-malin` runs nothing,
/// m5 is in another trial only, sponsor s1 is paired with m1. Tokens exist for each, plus one expired and one revoked.
/// Cohort `pilots` holds m1 and m2; shock `works` hits segment A; feedback 1 is m1's on the visit counter, feedback 2
/// m5's on a plugin no firm of the lab ships.
///
/// The lab is built once per test process; each ``serve(_:)`` runs a server on a fresh copy of its database, so that
/// what one request writes never changes another's answer.
final class ServerLab: Sendable {
    enum Caller: String, CaseIterable, Sendable, CustomStringConvertible {
        case coordinator, firmOwn = "firm (own trial)", firmOther = "firm (other)", merchant = "merchant m1"
        case merchantOther = "merchant m5", sponsor = "sponsor s1", anonymous = "no token", expired = "expired token"
        case revoked = "revoked token"
        var description: String { rawValue }
    }

    static let shared: ServerLab = {
        do { return try ServerLab() } catch { fatalError("The server test lab could not be built: \(error)") }
    }()

    /// The folder of the lab's database (kept for the whole test process) and the database's path in it.
    let folder: TemporaryFolder
    let templatePath: String
    let bearers: [Caller: String]
    let now: Date
    let documentSHA256: String
    /// A `POST /v1/protocols` body creating protocol `visits-2`, a copy of `visits`.
    let newProtocolJSON: String

    private init() throws {
        let lab = try LabWithCPlugin()
        _ = try lab.start()
        try lab.store.addFirm(Firm(id: "panier-malin", name: "Panier Malin"), actor: "c")
        try lab.store.addSponsor(Sponsor(id: "s1", name: "Jeanne", charterVersion: "2026-1", skills: ["numérique"]), actor: "c")
        try lab.store.pairSponsor("s1", with: "m1", actor: "c")
        let living = LivingLab(store: lab.store, actor: "c")
        var bearers: [Caller: String] = [:]
        bearers[.coordinator] = try living.createToken(role: .coordinator, subject: nil, lifetime: nil).bearer
        bearers[.firmOwn] = try living.createToken(role: .firm, subject: "livinglab-examples", lifetime: nil).bearer
        bearers[.firmOther] = try living.createToken(role: .firm, subject: "panier-malin", lifetime: nil).bearer
        bearers[.merchant] = try living.createToken(role: .merchant, subject: "m1", lifetime: nil).bearer
        bearers[.merchantOther] = try living.createToken(role: .merchant, subject: "m5", lifetime: nil).bearer
        bearers[.sponsor] = try living.createToken(role: .sponsor, subject: "s1", lifetime: nil).bearer
        bearers[.expired] = try living.createToken(role: .coordinator, subject: nil, lifetime: 60).bearer
        let revoked = try living.createToken(role: .coordinator, subject: nil, lifetime: nil)
        _ = try living.revokeToken(revoked.token.id)
        bearers[.revoked] = revoked.bearer
        try lab.store.createCohort(name: "pilots", merchantIDs: ["m1", "m2"], actor: "c")
        try lab.store.addShock(Shock(id: "works", kind: "tram-works", segments: ["A"],
                                     period: DayRange(start: try CalendarDay("2027-01-10"), end: try CalendarDay("2027-02-10"))),
                               actor: "c")
        _ = try living.recordFeedback(author: "m1", kind: .merchant, pluginID: LabWithCPlugin.pluginID, text: "Simple.", rating: 4)
        _ = try living.recordFeedback(author: "m5", kind: .merchant, pluginID: "org.elsewhere.widget", text: "Lent.", rating: nil)
        var copy = try lab.store.storedProtocol("visits").latest.definition
        copy.id = "visits-2"
        let documents = copy.consent.documents
        let body: [String: Any] = ["yaml": try YAMLEncoder().encode(copy), "documents": documents]
        newProtocolJSON = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        lab.clock.advance(by: 120)
        documentSHA256 = try living.consentDocument(protocolID: "visits", language: "fr").sha256
        // Everything in the main file, so that a copy of it is the whole lab.
        _ = try DatabaseQueue(path: lab.temporary.path("lab.sqlite")).writeWithoutTransaction { try $0.checkpoint(.truncate) }
        folder = lab.temporary
        templatePath = lab.temporary.path("lab.sqlite")
        self.bearers = bearers
        now = lab.clock.now()
    }

    /// Runs `body` against a live server on a fresh copy of the lab.
    func serve<T: Sendable>(requestsPerSecond: Double = 10_000, burst: Double = 10_000,
                            _ body: @Sendable (ServerClient) async throws -> T) async throws -> T {
        let folder = try TemporaryFolder("server")
        let path = folder.path("lab.sqlite")
        try FileManager.default.copyItem(atPath: templatePath, toPath: path)
        let store = try SQLiteLabStore(path: path, clock: ManualClock(now))
        var configuration = LabServer.Configuration()
        configuration.port = 0
        configuration.requestsPerSecond = requestsPerSecond
        configuration.burst = burst
        let server = LabServer(store: store, configuration: configuration)
        return try await server.application().test(.live) { client in
            try await body(ServerClient(client: client, bearers: bearers, path: path, now: now))
        }
    }
}

/// Requests as a caller.
struct ServerClient: Sendable {
    let client: any TestClientProtocol
    let bearers: [ServerLab.Caller: String]
    /// The database the server runs on, for a second store (another process of the lab).
    let path: String
    let now: Date

    func send(_ method: HTTPRequest.Method, _ uri: String, as caller: ServerLab.Caller, json: String? = nil,
              headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let bearer = bearers[caller] { headers[.authorization] = "Bearer \(bearer)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    /// The body as a JSON object (a problem, or a result).
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
}
