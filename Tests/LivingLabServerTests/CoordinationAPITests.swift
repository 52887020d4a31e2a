import Foundation
import HTTPTypes
import HummingbirdTesting
import LabTestSupport
import LivingLabCore
import LivingLabStore
import Testing

@Suite("Coordinating the lab over HTTP")
struct CoordinationAPITests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test("a POST sent again with its Idempotency-Key gets the first answer and stores nothing twice; another body is 409")
    func idempotencyKey() async throws {
        try await ServerLab.shared.serve { client in
            let body = #"{"plugin": "org.livinglab.example.visitcounter", "text": "Le compteur double parfois."}"#
            let first = try await client.send(.post, "/v1/feedback", as: .merchant, json: body, headers: [Self.key: "retry-1"])
            #expect(first.status == .created, "\(first.text)")
            let again = try await client.send(.post, "/v1/feedback", as: .merchant, json: body, headers: [Self.key: "retry-1"])
            #expect(again.status == .created)
            #expect(again.text == first.text)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            let mine = try await client.send(.get, "/v1/feedback", as: .merchant)
            let texts = (try JSONSerialization.jsonObject(with: Data(mine.text.utf8)) as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(texts.filter { $0 == "Le compteur double parfois." }.count == 1, "\(texts)")

            let other = try await client.send(.post, "/v1/feedback", as: .merchant,
                                              json: #"{"plugin": "org.livinglab.example.visitcounter", "text": "Autre chose."}"#,
                                              headers: [Self.key: "retry-1"])
            #expect(other.status == .conflict)
            #expect((other.object["type"] as? String)?.hasSuffix("/idempotency-key-reused") == true, "\(other.text)")
            #expect(other.object["field"] as? String == "Idempotency-Key")
            // Keys are each caller's own: m5 may use the same one.
            let elsewhere = try await client.send(.post, "/v1/feedback", as: .merchantOther, json: body, headers: [Self.key: "retry-1"])
            #expect(elsewhere.status == .created)
            #expect(elsewhere.object["authorID"] as? String == "m5")

            let bad = try await client.send(.post, "/v1/feedback", as: .merchant, json: body, headers: [Self.key: "has space"])
            #expect(bad.status == .badRequest)
            #expect(bad.object["field"] as? String == "Idempotency-Key")
            // The answer is kept in the lab's database: a restarted server replays it too.
            let store = try SQLiteLabStore(path: client.path, clock: ManualClock(client.now))
            let tokenID = try #require(try store.accessTokens().first { $0.role == .merchant && $0.subject == "m1" }).id
            let kept = try #require(try store.storedResponse(caller: tokenID, key: "retry-1"))
            #expect(String(decoding: kept.body, as: UTF8.self) == first.text)
            #expect(kept.status == 201)
        }
    }

    @Test("a firm reads the feedback on its plugin without who wrote it, answers it, and the merchant reads the answer")
    func feedbackAndAnswers() async throws {
        try await ServerLab.shared.serve { client in
            let seen = try await client.send(.get, "/v1/feedback", as: .firmOwn)
            let items = try JSONSerialization.jsonObject(with: Data(seen.text.utf8)) as? [[String: Any]] ?? []
            #expect(items.map { $0["id"] as? Int } == [1], "the firm sees feedback on its own plugin only: \(seen.text)")
            #expect(items.first?["authorID"] == nil, "a firm does not learn who wrote it: \(seen.text)")
            #expect(items.first?["text"] as? String == "Simple.")

            let answer = try await client.send(.post, "/v1/feedback/1/answers", as: .firmOwn,
                                               json: #"{"text": "Merci ! Un export CSV arrive."}"#)
            #expect(answer.status == .created, "\(answer.text)")
            #expect(answer.object["authorKind"] as? String == "firm")
            #expect(answer.object["authorID"] as? String == "livinglab-examples")

            let merchant = try await client.send(.get, "/v1/feedback", as: .merchant)
            let threads = try JSONSerialization.jsonObject(with: Data(merchant.text.utf8)) as? [[String: Any]] ?? []
            #expect(threads.count == 1)
            #expect(threads.first?["authorID"] as? String == "m1")
            let answers = threads.first?["answers"] as? [[String: Any]] ?? []
            #expect(answers.map { $0["text"] as? String } == ["Merci ! Un export CSV arrive."])
            let others = try await client.send(.get, "/v1/feedback", as: .merchantOther)
            #expect(!others.text.contains("Simple."), "m5 reads only their own feedback: \(others.text)")
            let empty = try await client.send(.post, "/v1/feedback/1/answers", as: .firmOwn, json: #"{"text": "  "}"#)
            #expect(empty.status == .badRequest)
        }
    }

    @Test("a coordinator creates a protocol from YAML, amends it, and its history says which amendment is material")
    func protocolAmendments() async throws {
        try await ServerLab.shared.serve { client in
            let created = try await client.send(.post, "/v1/protocols", as: .coordinator, json: ServerLab.shared.newProtocolJSON)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.object["kind"] as? String == "created")
            var body = try #require(try JSONSerialization.jsonObject(with: Data(ServerLab.shared.newProtocolJSON.utf8)) as? [String: Any])
            let yaml = try #require(body["yaml"] as? String)
            func send(_ body: [String: Any]) async throws -> TestResponse {
                try await client.send(.post, "/v1/protocols", as: .coordinator,
                                      json: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            }
            let retitled = yaml.replacingOccurrences(of: "title: ", with: "title: Nouveau titre — ")
            #expect(retitled != yaml)
            body["yaml"] = retitled
            let unexplained = try await send(body)
            #expect(unexplained.status.code / 100 == 4, "an amendment needs a reason: \(unexplained.text)")
            body["reason"] = "A clearer title"
            let amended = try await send(body)
            #expect(amended.status == .ok, "\(amended.text)")
            #expect(amended.object["kind"] as? String == "amended")
            #expect(amended.object["version"] as? Int == 2)
            #expect(amended.object["material"] as? Bool == false)

            var documents = try #require(body["documents"] as? [String: String])
            documents["fr"] = (documents["fr"] ?? "") + "\nLes données de visite sont aussi partagées avec la mairie."
            body["documents"] = documents
            body["reason"] = "The city hall gets the visit counts"
            let material = try await send(body)
            #expect(material.object["material"] as? Bool == true, "\(material.text)")
            let changes = material.object["changes"] as? [[String: Any]] ?? []
            #expect(changes.contains { ($0["field"] as? String)?.contains("fr") == true && $0["material"] as? Bool == true }, "\(changes)")

            let history = try await client.send(.get, "/v1/protocols/visits-2/history", as: .coordinator)
            let versions = try JSONSerialization.jsonObject(with: Data(history.text.utf8)) as? [[String: Any]] ?? []
            #expect(versions.map { $0["version"] as? Int } == [1, 2, 3])
            #expect(versions.map { $0["material"] as? Bool } == [false, false, true])
            #expect(versions.last?["reason"] as? String == "The city hall gets the visit counts")

            var missing = body
            missing["documents"] = [String: String]()
            let refused = try await send(missing)
            #expect(refused.status == .badRequest)
            #expect((refused.object["detail"] as? String)?.contains("documents.") == true, "\(refused.text)")
        }
    }

    @Test("a merchant's invitations say what they can do now: consent, then withdraw")
    func invitations() async throws {
        try await ServerLab.shared.serve { client in
            func visits() async throws -> [String: Any] {
                let response = try await client.send(.get, "/v1/merchants/m6/invitations", as: .coordinator)
                let items = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]] ?? []
                return items.first { $0["protocolID"] as? String == "visits" } ?? [:]
            }
            let before = try await visits()
            #expect(before["consent"] as? String == "none")
            #expect(before["action"] as? String == "consent")
            let sha = try await client.send(.get, "/v1/protocols/visits/document?language=fr", as: .coordinator).object["sha256"] as? String ?? ""
            let consent = try await client.send(.post, "/v1/protocols/visits/consents", as: .coordinator,
                                                json: #"{"merchant": "m6", "language": "fr", "documentSHA256": "\#(sha)"}"#)
            #expect(consent.status == .created, "\(consent.text)")
            #expect(try await visits()["action"] as? String == "withdraw")
            let withdrawal = try await client.send(.post, "/v1/protocols/visits/withdrawals", as: .coordinator, json: #"{"merchant": "m6"}"#)
            #expect(withdrawal.status == .created)
            let after = try await visits()
            #expect(after["consent"] as? String == "withdrawn")
            #expect(after["action"] == nil)
        }
    }

    @Test("a coordinator records a shock and a cohort over HTTP; a bad day or criteria is a 400 naming the field")
    func shocksAndCohorts() async throws {
        try await ServerLab.shared.serve { client in
            let shock = try await client.send(.post, "/v1/shocks", as: .coordinator,
                                              json: #"{"id": "fete", "kind": "holiday", "segments": ["A", "B"], "start": "2027-06-21", "end": "2027-06-21"}"#)
            #expect(shock.status == .created, "\(shock.text)")
            let listed = try await client.send(.get, "/v1/shocks", as: .firmOwn)
            #expect(listed.text.contains("\"fete\"") && listed.text.contains("\"works\""))
            let badDay = try await client.send(.post, "/v1/shocks", as: .coordinator,
                                               json: #"{"id": "x", "kind": "strike", "segments": ["A"], "start": "21/06/2027", "end": "2027-06-21"}"#)
            #expect(badDay.status == .badRequest)
            #expect(badDay.object["field"] as? String == "start")
            let cohort = try await client.send(.post, "/v1/cohorts", as: .coordinator, json: #"{"name": "treated", "where": "id in [m1, m2]"}"#)
            #expect(cohort.status == .created, "\(cohort.text)")
            #expect(cohort.object["merchantIDs"] as? [String] == ["m1", "m2"])
            let badCriteria = try await client.send(.post, "/v1/cohorts", as: .coordinator, json: #"{"name": "y", "where": "sector =="}"#)
            #expect(badCriteria.status == .badRequest, "\(badCriteria.text)")
        }
    }
}
