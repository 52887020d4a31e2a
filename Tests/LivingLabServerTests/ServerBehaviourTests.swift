import Foundation
import HTTPTypes
import HummingbirdTesting
import LabTestSupport
import LivingLabCore
import LivingLabStore
import Testing

@Suite("The HTTP API's answers")
struct ServerBehaviourTests {
    @Test("an outcome batch answers per row: stored, already stored on replay, a conflict naming the stored value, refused with its reason")
    func outcomeBatch() async throws {
        try await ServerLab.shared.serve { client in
            let path = "/v1/protocols/visits/outcomes"
            func row(_ merchant: String, _ key: String, _ value: Double) -> String {
                #"{"merchant": "\#(merchant)", "metric": "visits", "value": \#(value), "at": "2027-01-15T08:00:00Z", "key": "\#(key)"}"#
            }
            let first = try await client.send(.post, path, as: .firmOwn,
                                              json: #"{"outcomes": [\#(row("m1", "a", 3)), \#(row("m6", "b", 2))]}"#)
            #expect(first.status == .ok, "\(first.text)")
            let results = first.object["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["result"] as? String } == ["stored", "refused"])
            #expect(results.last?["reason"] as? String == "not-consented")
            let again = try await client.send(.post, path, as: .firmOwn,
                                              json: #"{"outcomes": [\#(row("m1", "a", 3)), \#(row("m1", "a2", 4))]}"#)
            #expect((again.object["results"] as? [[String: Any]])?.map { $0["result"] as? String } == ["already-stored", "stored"])
            let conflict = try await client.send(.post, path, as: .firmOwn, json: #"{"outcomes": [\#(row("m1", "a", 5))]}"#)
            let conflictRow = (conflict.object["results"] as? [[String: Any]])?.first
            #expect(conflictRow?["result"] as? String == "conflict")
            #expect(conflictRow?["storedValue"] as? Double == 3)
            #expect(conflict.object["conflicts"] as? Int == 1)
        }
    }

    @Test("a caller's mistakes are 4xx problems that name the field and the fix, and store nothing")
    func mistakes() async throws {
        try await ServerLab.shared.serve { client in
            let path = "/v1/protocols/visits/outcomes"
            let malformed = try await client.send(.post, path, as: .coordinator, json: "{\"outcomes\": [")
            #expect(malformed.status == .badRequest)
            #expect((malformed.object["detail"] as? String)?.contains("not valid JSON") == true)
            let wrongType = try await client.send(.post, path, as: .coordinator,
                                                  json: #"{"outcomes": [{"merchant": "m1", "metric": "visits", "value": "three", "at": "2027-01-15", "key": "x"}]}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.object["field"] as? String == "outcomes[0].value")
            let missing = try await client.send(.post, path, as: .coordinator, json: #"{"outcomes": [{"merchant": "m1"}]}"#)
            #expect(missing.status == .badRequest)
            #expect((missing.object["detail"] as? String)?.contains("lacks") == true)
            let undeclared = try await client.send(.post, path, as: .coordinator,
                                                   json: #"{"outcomes": [{"merchant": "m1", "metric": "footfall", "value": 1, "at": "2027-01-15", "key": "f"}]}"#)
            #expect(undeclared.status == .badRequest)
            #expect((undeclared.object["detail"] as? String)?.contains("outcomes[0]") == true)
            let huge = String(repeating: " ", count: 1_100_000)
            let tooLarge = try await client.send(.post, path, as: .coordinator, json: "{\"outcomes\": []" + huge + "}")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
            let wrongDocument = try await client.send(.post, "/v1/protocols/visits/consents", as: .merchant,
                                                      json: #"{"merchant": "m1", "language": "fr", "documentSHA256": "00ff"}"#)
            #expect(wrongDocument.status == .conflict)
            #expect((wrongDocument.object["detail"] as? String)?.contains("show the merchant the current document") == true)
            let outcomes = try await client.send(.get, "/v1/protocols/visits/report", as: .coordinator)
            #expect(outcomes.status == .ok)
            #expect(!outcomes.text.contains("\"f\""), "nothing of the refused batches was stored")
        }
    }

    @Test("a withdrawal over HTTP is one step: the plugin stops serving the merchant at once")
    func withdrawalStopsThePlugin() async throws {
        try await ServerLab.shared.serve { client in
            let plugin = "/v1/merchants/m1/plugins/org.livinglab.example.visitcounter/requests"
            let served = try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#)
            #expect(served.status == .ok, "\(served.text)")
            let withdrawal = try await client.send(.post, "/v1/protocols/visits/withdrawals", as: .merchant, json: #"{"merchant": "m1"}"#)
            #expect(withdrawal.status == .created, "\(withdrawal.text)")
            let refused = try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#)
            #expect(refused.status == .notFound)
            #expect((refused.object["detail"] as? String)?.contains("does not serve merchant m1") == true)
            let status = try await client.send(.get, "/v1/protocols/visits/consents", as: .merchant)
            #expect(status.text.contains("\"withdrawn\""))
        }
    }

    @Test("a withdrawal recorded by another process stops the plugin before its next answer")
    func withdrawalElsewhereStopsThePlugin() async throws {
        try await ServerLab.shared.serve { client in
            let plugin = "/v1/merchants/m1/plugins/org.livinglab.example.visitcounter/requests"
            for _ in 0..<3 {
                #expect(try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#).status == .ok)
            }
            // The CLI, say: its own store on the same file.
            let other = try SQLiteLabStore(path: client.path, clock: ManualClock(client.now.addingTimeInterval(1)))
            try other.withdrawConsent(merchantID: "m1", protocolID: "visits", channel: "cli", actor: "m1")
            let refused = try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#)
            #expect(refused.status == .notFound, "\(refused.text)")
            #expect(try await client.send(.post, "/v1/merchants/m2/plugins/org.livinglab.example.visitcounter/requests",
                                          as: .anonymous, json: #"{"action": "whoami"}"#).status == .ok)
        }
    }

    @Test("a coordinator pauses a trial over HTTP, and its plugin stops serving until it runs again")
    func pauseAndResume() async throws {
        try await ServerLab.shared.serve { client in
            let plugin = "/v1/merchants/m1/plugins/org.livinglab.example.visitcounter/requests"
            #expect(try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#).status == .ok)
            let paused = try await client.send(.post, "/v1/protocols/visits/state", as: .coordinator, json: #"{"state": "paused"}"#)
            #expect(paused.status == .ok && paused.object["state"] as? String == "paused", "\(paused.text)")
            #expect(try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#).status == .notFound)
            let resumed = try await client.send(.post, "/v1/protocols/visits/state", as: .coordinator, json: #"{"state": "running"}"#)
            #expect(resumed.status == .ok, "\(resumed.text)")
            #expect(try await client.send(.post, plugin, as: .anonymous, json: #"{"action": "whoami"}"#).status == .ok)
            let wrong = try await client.send(.post, "/v1/protocols/visits/state", as: .coordinator, json: #"{"state": "finished"}"#)
            #expect(wrong.status == .badRequest && wrong.object["field"] as? String == "state")
        }
    }

    @Test("the consent document names its SHA-256, and a consent naming it is recorded with its language")
    func consentWithDocument() async throws {
        try await ServerLab.shared.serve { client in
            let document = try await client.send(.get, "/v1/protocols/visits/document?language=fr", as: .merchant)
            let sha = document.object["sha256"] as? String ?? ""
            #expect(sha.count == 64)
            let consent = try await client.send(.post, "/v1/protocols/visits/consents", as: .merchant,
                                                json: #"{"merchant": "m1", "language": "fr", "documentSHA256": "\#(sha)"}"#)
            #expect(consent.status == .created, "\(consent.text)")
            #expect(consent.object["documentSHA256"] as? String == sha)
            #expect(consent.object["language"] as? String == "fr")
        }
    }

    @Test("a caller over its rate gets 429 with Retry-After, and others are not held back")
    func rateLimit() async throws {
        // One request refilled every 20 s: the test holds however slowly the machine runs it.
        try await ServerLab.shared.serve(requestsPerSecond: 0.05, burst: 3) { client in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(Int(try await client.send(.get, "/v1/me", as: .merchant).status.code)) }
            #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
            #expect(statuses.last == 429)
            let limited = try await client.send(.get, "/v1/me", as: .merchant)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try await client.send(.get, "/v1/me", as: .coordinator).status == .ok)
        }
    }

    @Test("/metrics counts requests by route and status, plugin calls and failures, and refusals by reason")
    func metrics() async throws {
        try await ServerLab.shared.serve { client in
            let plugin = "/v1/merchants/%@/plugins/org.livinglab.example.visitcounter/requests"
            let served = try await client.send(.post, String(format: plugin, "m1"), as: .anonymous, json: #"{"action": "whoami"}"#)
            #expect(served.status == .ok)
            let control = try await client.send(.post, String(format: plugin, "m3"), as: .anonymous, json: #"{"action": "whoami"}"#)
            #expect(control.status == .notFound)
            let outcome = #"{"outcomes": [{"merchant": "m6", "metric": "visits", "value": 1, "at": "2027-01-15T08:00:00Z", "key": "z"}]}"#
            #expect(try await client.send(.post, "/v1/protocols/visits/outcomes", as: .firmOwn, json: outcome).status == .ok)
            let text = try await client.send(.get, "/metrics", as: .anonymous).text
            func value(_ prefix: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            let route = "/v1/merchants/{merchant}/plugins/{plugin}/requests"
            #expect(value(#"livinglab_http_requests_total{route="\#(route)",status="200"}"#) == 1, "\(text)")
            #expect(value(#"livinglab_http_requests_total{route="\#(route)",status="404"}"#) == 1)
            #expect(value("livinglab_plugin_calls_total") == 2)
            #expect(value("livinglab_plugin_failures_total") == 1)
            #expect(value(#"livinglab_refusals_total{reason="plugin-not-serving"}"#) == 1)
            #expect(value(#"livinglab_refusals_total{reason="not-consented"}"#) == 1)
            #expect((value("livinglab_http_request_duration_seconds_count") ?? 0) >= 3)
            #expect(text.contains("# TYPE livinglab_http_request_duration_seconds histogram"))
        }
    }
}

