import Foundation
import HTTPTypes
import HummingbirdTesting
import LivingLabCore
import Testing

/// Every route × every caller against one table: who may do what over HTTP.
///
/// Each row is a route with a concrete request; each cell the status that caller must get. 2xx is allowed; 404 is
/// how a resource the caller may not see answers (a firm asking for another firm's trial learns nothing of it);
/// 403 is an action the caller's role may never do; 401 is no valid token. Every cell runs on a fresh copy of the lab,
/// so a write in one cell never changes another's answer.
@Suite("Who may do what over HTTP")
struct AuthorizationMatrixTests {
    typealias Caller = ServerLab.Caller

    struct Row: Sendable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var json: String?
        /// The status per caller, in ``Caller/allCases`` order: coordinator, firm (own), firm (other), merchant m1,
        /// merchant m5, sponsor s1, no token, expired, revoked.
        var expected: [Int]
        var description: String { "\(method) \(path)" }
    }

    static let document = ServerLab.shared.documentSHA256
    static let outcome = #"{"outcomes": [{"merchant": "m1", "metric": "visits", "value": 3, "at": "2027-01-15T08:00:00Z", "key": "k1"}]}"#

    //                                                            coord  own  other  m1   m5   s1  none  exp  rev
    static let rows: [Row] = [
        Row(method: .get, path: "/health", expected:                  [200, 200, 200, 200, 200, 200, 200, 401, 401]),
        Row(method: .get, path: "/ready", expected:                   [200, 200, 200, 200, 200, 200, 200, 401, 401]),
        Row(method: .get, path: "/metrics", expected:                 [200, 200, 200, 200, 200, 200, 200, 401, 401]),
        Row(method: .get, path: "/openapi.json", expected:            [200, 200, 200, 200, 200, 200, 200, 401, 401]),
        Row(method: .get, path: "/v1/me", expected:                   [200, 200, 200, 200, 200, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/merchants", expected:            [200, 403, 403, 200, 200, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/merchants/m1", expected:         [200, 404, 404, 200, 404, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/merchants/m2", expected:         [200, 404, 404, 404, 404, 404, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols", expected:            [200, 200, 200, 200, 200, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits", expected:     [200, 200, 404, 200, 404, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/nope", expected:       [404, 404, 404, 404, 404, 404, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/document?language=fr",
            expected:                                                 [200, 200, 404, 200, 404, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/consents", expected: [200, 200, 404, 200, 404, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/consents",
            json: #"{"merchant": "m1", "language": "fr", "documentSHA256": "\#(document)"}"#,
            expected:                                                 [201, 403, 403, 201, 404, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/withdrawals", json: #"{"merchant": "m1"}"#,
            expected:                                                 [201, 403, 403, 201, 404, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/outcomes", json: outcome,
            expected:                                                 [200, 200, 404, 403, 404, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/report", expected: [200, 200, 404, 200, 404, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/other/report", expected:  [200, 200, 404, 404, 200, 404, 401, 401, 401]),
        // The coordinator's control of a trial. `other` is approved with m5 assigned and running; `visits` is running.
        // `visits` has no new version to approve: the coordinator passes the role check and meets the rule (409).
        Row(method: .post, path: "/v1/protocols/visits/approval", expected: [409, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/enrollments", json: #"{"merchants": ["m5"]}"#,
            expected:                                                 [201, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/assignment", json: #"{"overrideReason": "redraw for the matrix"}"#,
            expected:                                                 [201, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols/visits/state", json: #"{"state": "paused"}"#,
            expected:                                                 [200, 403, 403, 403, 403, 403, 401, 401, 401]),
        // What a coordinator writes and everyone reads.
        Row(method: .get, path: "/v1/cohorts", expected:              [200, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/cohorts/pilots", expected:       [200, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/cohorts", json: #"{"name": "late", "merchants": ["m6"]}"#,
            expected:                                                 [201, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/protocols", json: ServerLab.shared.newProtocolJSON,
            expected:                                                 [201, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/history", expected: [200, 200, 404, 200, 404, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/consent-events",
            expected:                                                 [200, 403, 404, 200, 404, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/protocols/visits/consent-events?merchant=m2",
            expected:                                                 [200, 403, 404, 404, 404, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/shocks", expected:               [200, 200, 200, 200, 200, 200, 401, 401, 401]),
        Row(method: .post, path: "/v1/shocks",
            json: #"{"id": "strike", "kind": "strike", "segments": ["A"], "start": "2027-03-01", "end": "2027-03-02"}"#,
            expected:                                                 [201, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/merchants/m1/invitations", expected: [200, 404, 404, 200, 404, 200, 401, 401, 401]),
        Row(method: .get, path: "/v1/merchants/m5/invitations", expected: [200, 404, 404, 404, 200, 404, 401, 401, 401]),
        Row(method: .get, path: "/v1/feedback", expected:             [200, 200, 200, 200, 200, 200, 401, 401, 401]),
        Row(method: .post, path: "/v1/feedback/1/answers", json: #"{"text": "Merci, c'est noté."}"#,
            expected:                                                 [201, 201, 404, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/feedback/2/answers", json: #"{"text": "Merci."}"#,
            expected:                                                 [201, 404, 404, 403, 403, 403, 401, 401, 401]),
        Row(method: .get, path: "/v1/audit/verify", expected:         [200, 403, 403, 403, 403, 403, 401, 401, 401]),
        Row(method: .post, path: "/v1/feedback", json: #"{"plugin": "org.livinglab.example.visitcounter", "text": "Très simple."}"#,
            expected:                                                 [403, 403, 403, 201, 201, 201, 401, 401, 401]),
        // A plugin serves a merchant's customers without a token, only where it is active for that merchant.
        Row(method: .post, path: "/v1/merchants/m1/plugins/org.livinglab.example.visitcounter/requests",
            json: #"{"action": "whoami"}"#,
            expected:                                                 [200, 200, 200, 200, 200, 200, 200, 401, 401]),
        Row(method: .post, path: "/v1/merchants/m3/plugins/org.livinglab.example.visitcounter/requests",
            json: #"{"action": "whoami"}"#,
            expected:                                                 [404, 404, 404, 404, 404, 404, 404, 401, 401]),
    ]

    static var cells: [(Row, Caller)] { rows.flatMap { row in Caller.allCases.map { (row, $0) } } }

    @Test("the table covers every caller of every row")
    func tableIsWhole() {
        for row in Self.rows { #expect(row.expected.count == Caller.allCases.count, "\(row)") }
        #expect(Self.cells.count == Self.rows.count * Caller.allCases.count)
    }

    @Test("each route answers each caller as the table says", arguments: cells)
    func cell(_ row: Row, _ caller: Caller) async throws {
        let expected = row.expected[Caller.allCases.firstIndex(of: caller)!]
        let response = try await ServerLab.shared.serve { client in
            try await client.send(row.method, row.path, as: caller, json: row.json)
        }
        #expect(Int(response.status.code) == expected, "\(row) as \(caller): \(response.status.code) \(response.text.prefix(300))")
        if response.status.code >= 400 {
            #expect(response.headers[.contentType] == "application/problem+json", "\(row) as \(caller)")
            #expect((response.object["detail"] as? String)?.isEmpty == false, "\(row) as \(caller): a problem says what to fix")
        }
    }
}
