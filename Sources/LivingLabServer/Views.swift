import Foundation
import HTTPTypes
import LivingLabCore
import LivingLabStore
import LivingLabTrials

/// What the API shows of a protocol: the terms a merchant or a firm needs, without the coordinator's working state.
struct ProtocolView: Codable, Sendable {
    var id: String
    var title: String
    var hypothesis: String
    var firm: String
    var plugin: String
    var pluginVersions: String
    var state: TrialState
    /// The version in force (the newest approved, else the newest).
    var version: Int
    var approved: Bool
    var arms: [String]
    var purposes: [String]
    var dataCategories: [String]
    var languages: [String]
    var onWithdrawal: String

    init(_ stored: StoredProtocol) {
        let inForce = stored.approved ?? stored.latest
        let definition = inForce.definition
        id = stored.id
        title = definition.title
        hypothesis = definition.hypothesis
        firm = definition.firm
        plugin = definition.plugin.id
        pluginVersions = definition.plugin.versions
        state = stored.state
        version = inForce.version
        approved = inForce.approvedAt != nil
        arms = definition.arms.map(\.name)
        purposes = definition.consent.purposes
        dataCategories = definition.consent.dataCategories
        languages = definition.consent.documents.keys.sorted()
        onWithdrawal = definition.onWithdrawal.rawValue
    }
}

/// A firm's view of its trial's consents: counts only, never who.
struct ConsentSummary: Codable, Sendable {
    var protocolID: String
    var counts: [String: Int]
}

/// `POST /v1/protocols/{id}/consents`.
struct ConsentRequest: Codable, Sendable {
    var merchant: String
    /// The language of the document the merchant was shown.
    var language: String
    /// The SHA-256 (hex) of the document shown, as `GET …/document` gave it.
    var documentSHA256: String
    var purposes: [String]?
}

/// `POST /v1/protocols/{id}/withdrawals`.
struct WithdrawalRequest: Codable, Sendable {
    var merchant: String
}

/// One outcome of `POST /v1/protocols/{id}/outcomes`.
struct OutcomeRow: Codable, Sendable {
    var merchant: String
    var metric: String
    var value: Double
    var unit: String?
    var at: Date
    /// The idempotency key: sending the same row again stores nothing twice.
    var key: String
    var source: String?
}

struct OutcomeBatchRequest: Codable, Sendable {
    var outcomes: [OutcomeRow]
}

/// The per-row result of an outcome batch.
struct OutcomeRowResult: Codable, Sendable {
    var key: String
    var result: String
    var reason: String?
    var storedValue: Double?

    init(key: String, _ disposition: OutcomeDisposition) {
        self.key = key
        switch disposition {
        case .stored: result = "stored"
        case .duplicate: result = "already-stored"
        case .conflict(let value):
            result = "conflict"
            storedValue = value
        case .rejected(let denial):
            result = "refused"
            reason = denial.rawValue
        }
    }
}

struct OutcomeBatchResponse: Codable, Sendable {
    var stored: Int
    var alreadyStored: Int
    var conflicts: Int
    var refused: Int
    var results: [OutcomeRowResult]
}

/// `POST /v1/feedback`.
struct FeedbackRequest: Codable, Sendable {
    var plugin: String
    var text: String
    var rating: Int?
}

extension OutcomeBatchRequest {
    /// Reads a batch through the lab's own JSON reader rather than `JSONDecoder`: a batch of 1,000 rows is the
    /// API's heaviest body, and the problems name the field as the decoder's do (`outcomes[3].value`).
    init(json text: String) throws(Problem) {
        let value: JSONValue
        do throws(LabError) {
            value = try JSONValue.parse(text)
        } catch {
            throw Problem(status: .badRequest, code: "invalid-input", detail: "The body is not valid JSON: check quotes, commas and braces.")
        }
        guard case .object(let body) = value else { throw Self.wrongType("", "an object") }
        guard let list = body["outcomes"] else { throw Self.lacks("outcomes") }
        guard case .array(let rows) = list else { throw Self.wrongType("outcomes", "a list") }
        var decoded: [OutcomeRow] = []
        decoded.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let path = "outcomes[\(index)]"
            guard case .object(let fields) = row else { throw Self.wrongType(path, "an object") }
            func string(_ key: String, optional: Bool = false) throws(Problem) -> String? {
                switch fields[key] {
                case .string(let text)?: return text
                case nil, .null?:
                    if optional { return nil }
                    if fields[key] == nil { throw Self.lacks("\(path).\(key)") }
                    throw Problem(status: .badRequest, code: "invalid-input", detail: "`\(path).\(key)` is null but should be a string.",
                                  field: "\(path).\(key)")
                default: throw Self.wrongType("\(path).\(key)", "a string")
                }
            }
            guard let merchant = try string("merchant"), let metric = try string("metric"), let key = try string("key"),
                  let atText = try string("at")
            else { throw Self.lacks(path) }
            guard let valueField = fields["value"] else { throw Self.lacks("\(path).value") }
            guard case .number(let number) = valueField else { throw Self.wrongType("\(path).value", "a number") }
            let at: Date
            do throws(LabError) {
                at = try Timestamp.parse(atText)
            } catch {
                throw Problem(status: .badRequest, code: "invalid-input", detail: "`\(path).at`: \(error.message)", field: "\(path).at")
            }
            decoded.append(OutcomeRow(merchant: merchant, metric: metric, value: number, unit: try string("unit", optional: true),
                                      at: at, key: key, source: try string("source", optional: true)))
        }
        self.outcomes = decoded
    }

    static func lacks(_ field: String) -> Problem {
        Problem(status: .badRequest, code: "invalid-input", detail: "The body lacks `\(field)`: add it (see /openapi.json).", field: field)
    }

    static func wrongType(_ field: String, _ type: String) -> Problem {
        Problem(status: .badRequest, code: "invalid-input",
                detail: field.isEmpty ? "The body should be \(type)." : "`\(field)` should be \(type).", field: field.isEmpty ? nil : field)
    }
}
