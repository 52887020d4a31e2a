import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import Testing

@Suite("API tokens: hashed, expiring, revocable, audited by id")
struct AccessTokenTests {
    @Test("a token authenticates by its secret only, is kept as a hash, expires, is revoked, and is audited by id", arguments: StoreKind.allCases)
    func lifecycle(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        let living = LivingLab(store: lab.store, actor: "coord")
        let issued = try living.createToken(role: .firm, subject: "panier-malin", lifetime: 3_600)
        #expect(issued.bearer.hasPrefix("llab_\(issued.token.id)_"))
        let secret = String(issued.bearer.dropFirst("llab_\(issued.token.id)_".count))
        #expect(secret.count >= 43, "256 random bits in base64url")
        let stored = try #require(try lab.store.accessToken(id: issued.token.id))
        #expect(stored.secretHash == BearerToken.hash(secret) && stored.secretHash != secret)
        #expect(try !lab.rawStrings("SELECT secretHash || role || coalesce(subject, '') FROM accessToken").joined().contains(secret))

        let principal = try living.authenticate(bearer: issued.bearer)
        #expect(principal.role == .firm && principal.subject == "panier-malin")
        let forged = #expect(throws: LabError.self) { try living.authenticate(bearer: "llab_\(issued.token.id)_\(secret.dropLast())x") }
        #expect(forged?.code == .unauthenticated)
        #expect(forged?.message.contains("not recognised") == true)

        lab.tick(3_601)
        let expired = #expect(throws: LabError.self) { try living.authenticate(bearer: issued.bearer) }
        #expect(expired?.message.contains("expired") == true)

        let other = try living.createToken(role: .coordinator, subject: nil, lifetime: nil)
        _ = try living.authenticate(bearer: other.bearer)
        #expect(try living.revokeToken(other.token.id).revokedAt != nil)
        let revoked = #expect(throws: LabError.self) { try living.authenticate(bearer: other.bearer) }
        #expect(revoked?.message.contains("revoked") == true)

        let entries = try lab.store.auditEntries().filter { $0.action.hasPrefix("token.") }
        #expect(entries.map(\.action) == ["token.create", "token.use", "token.create", "token.use", "token.revoke"])
        for entry in entries { #expect(!entry.details.canonicalText.contains(secret) && !entry.subjects.joined().contains(secret)) }
        #expect(try lab.store.verifyAudit().isIntact)
        // Revoked tokens stay on record.
        #expect(throws: (any Error).self) { try lab.rawExecute("DELETE FROM accessToken") }
    }

    @Test("a role's token names who it is for; a coordinator's names nobody", arguments: StoreKind.allCases)
    func subjects(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        let living = LivingLab(store: lab.store, actor: "coord")
        #expect(throws: LabError.self) { try living.createToken(role: .merchant, subject: nil, lifetime: nil) }
        #expect(throws: LabError.self) { try living.createToken(role: .coordinator, subject: "m1", lifetime: nil) }
        let unknown = #expect(throws: LabError.self) { try living.createToken(role: .firm, subject: "nobody", lifetime: nil) }
        #expect(unknown?.code == .notFound)
        #expect(try lab.store.accessTokens().isEmpty)
    }

    @Test("a kept response is found by its caller and key only, the first one stays, and a day-old one is forgotten", arguments: StoreKind.allCases)
    func keptResponses(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        func response(_ caller: String, _ key: String, _ body: String) -> StoredResponse {
            StoredResponse(caller: caller, key: key, requestSHA256: SHA256.hex(body), status: 201, contentType: "application/json",
                           body: Array(body.utf8), at: lab.store.now())
        }
        try lab.store.storeResponse(response("t1", "k", "first"))
        try lab.store.storeResponse(response("t1", "k", "second"))
        #expect(try lab.store.storedResponse(caller: "t1", key: "k").map { String(decoding: $0.body, as: UTF8.self) } == "first")
        #expect(try lab.store.storedResponse(caller: "t2", key: "k") == nil)
        #expect(try lab.reopen().storedResponse(caller: "t1", key: "k")?.status == 201)
        lab.tick(StoredResponse.retention + 1)
        try lab.store.storeResponse(response("t2", "other", "later"))
        #expect(try lab.store.storedResponse(caller: "t1", key: "k") == nil)
        #expect(try lab.store.storedResponse(caller: "t2", key: "other") != nil)
    }

    @Test("an answer to feedback is kept with it and audited; an answer to feedback that does not exist is refused", arguments: StoreKind.allCases)
    func feedbackAnswers(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        let living = LivingLab(store: lab.store, actor: "coord")
        let feedback = try living.recordFeedback(author: "m1", kind: .merchant, pluginID: "fr.livinglab.click-and-collect",
                                                 text: "Trop de clics.", rating: 2)
        let id = try #require(feedback.id)
        let answer = try living.answerFeedback(id, text: "Un bouton de moins en 1.3.", firmID: "panier-malin")
        #expect(answer.authorKind == .firm)
        #expect(try lab.store.feedbackAnswers(feedbackID: id).map(\.text) == ["Un bouton de moins en 1.3."])
        #expect(try lab.store.auditEntries().last?.action == "feedback.answer")
        let missing = #expect(throws: LabError.self) { try living.answerFeedback(id + 100, text: "?", firmID: nil) }
        #expect(missing?.code == .notFound)
        let notTheirs = #expect(throws: LabError.self) { try living.answerFeedback(id, text: "?", firmID: "another-firm") }
        #expect(notTheirs?.code == .notFound)
        let tooLong = #expect(throws: LabError.self) {
            try living.answerFeedback(id, text: String(repeating: "a", count: InputLimits.freeTextLength + 1), firmID: nil)
        }
        #expect(tooLong?.code == .invalidInput)
        #expect(try lab.store.feedbackAnswers(feedbackID: nil).count == 1)
    }
}
