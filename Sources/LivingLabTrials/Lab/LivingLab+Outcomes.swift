import Foundation
import LivingLabCore
import LivingLabStore

/// What an outcome import stored, across its batches.
public struct OutcomeImport: Codable, Sendable, Hashable {
    /// Outcomes stored now.
    public var stored = 0
    /// Outcomes already stored under the same key.
    public var duplicates = 0
    /// Outcomes the placement rule refused, by reason.
    public var refused: [String: Int] = [:]
    /// Batches committed (each one is durable once acknowledged).
    public var batches = 0
    /// Rows left out (only with `skipInvalid`), by line.
    public var skipped: [RowProblem] = []
    /// Rows whose key was already stored for another measurement: refused, nothing stored for them.
    public var conflicts: [KeyConflict] = []
}

/// An idempotency key sent again with another measurement than the one stored under it.
public struct KeyConflict: Codable, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    /// What the lab holds under the key.
    public var storedValue: Double
    /// What was sent this time.
    public var value: Double

    public var description: String { "key \(key): stored \(storedValue), sent \(value)" }

    /// The refusal, with what to do.
    public var error: LabError {
        .conflict("Key \(key) already holds \(storedValue) in this protocol; this outcome says \(value), so nothing was stored. A replay must send the same measurement; a new measurement needs a new key.")
    }
}

/// What the placement rule refused so far: outcomes (per protocol) and plugins' host calls (per plugin), by reason.
public struct Refusal: Codable, Sendable, Hashable {
    /// `outcome` or `host-call`.
    public var kind: String
    /// The protocol (outcomes) or the plugin (host calls).
    public var subject: String
    /// The reason, as the lab spells it everywhere (`not-consented`…).
    public var reason: String
    public var count: Int
}

extension LivingLab {
    /// The size of the batches an import commits: each one is one durable transaction.
    public static let importBatchSize = 1_000

    /// Records one outcome; a refusal is an error that names the reason (and is counted).
    public func logOutcome(_ submission: OutcomeSubmission) throws(LabError) -> OutcomeDisposition {
        let disposition = try store.recordOutcomes([submission], actor: actor).dispositions.first ?? .duplicate
        switch disposition {
        case .rejected(let reason):
            throw LabError(.consentDenied, "Refused: \(reason) (reason `\(reason.rawValue)`, counted). Nothing was stored for \(submission.merchantID) at \(Timestamp.format(submission.at)).")
        case .conflict(let stored):
            throw KeyConflict(key: submission.idempotencyKey, storedValue: stored, value: submission.value).error
        case .stored, .duplicate:
            break
        }
        return disposition
    }

    /// Records a batch of one protocol's outcomes in one transaction, with a result per row (stored, already stored,
    /// a key conflict, or refused by the consent gate with its reason). Rows that break the outcome rule (an
    /// undeclared metric, a wrong unit, a date out of range) refuse the whole batch, each named by its position.
    public func recordOutcomeBatch(_ submissions: [OutcomeSubmission], protocolID: String) throws(LabError)
        -> OutcomeBatchResult
    {
        guard submissions.count <= Self.importBatchSize else {
            throw .invalid("A batch holds at most \(Self.importBatchSize) outcomes, not \(submissions.count): split it.")
        }
        let definition = try store.storedProtocol(protocolID).latest.definition
        let rule = OutcomeRule(definition: definition, manifests: try store.plugin(id: definition.plugin.id).map(\.manifest))
        let now = store.now()
        var problems: [String] = []
        for (index, submission) in submissions.enumerated() {
            do throws(LabError) {
                try submission.validate()
                if let problem = rule.problem(with: submission, now: now) { throw .invalid(problem) }
            } catch {
                problems.append("outcomes[\(index)] (key \(submission.idempotencyKey)): \(error.message)")
            }
        }
        guard problems.isEmpty else {
            throw .invalid("Nothing of this batch was stored; fix these rows and send it again: " + problems.prefix(20).joined(separator: "; ")
                + (problems.count > 20 ? "; and \(problems.count - 20) more" : ""))
        }
        return try store.recordOutcomes(submissions, actor: actor)
    }

    /// Imports outcomes from CSV text in batches of ``importBatchSize``, each committed on its own; a file with bad rows
    /// imports nothing unless `skipInvalid`.
    ///
    /// - Parameter progress: called after each batch with the batches done and the total.
    public func importOutcomes(csv text: String, source: String, skipInvalid: Bool,
                               progress: (Int, Int) -> Void = { _, _ in }) throws(LabError) -> OutcomeImport {
        let table = try CSVTable(parsing: text, required: CSVImport.outcomeColumns)
        var (outcomes, problems) = CSVImport.outcomes(table, source: "import:\(URL(fileURLWithPath: source).lastPathComponent)")
        // The store's outcome rule, row by row before anything is stored: a bad row is a bad row like a malformed one.
        let lines = Dictionary(table.rows.compactMap { row in row["key"].map { ($0, row.line) } }, uniquingKeysWith: { a, _ in a })
        var rules: [String: OutcomeRule] = [:]
        let now = store.now()
        var valid: [OutcomeSubmission] = []
        for outcome in outcomes {
            if rules[outcome.protocolID] == nil {
                let definition = try store.storedProtocol(outcome.protocolID).latest.definition
                rules[outcome.protocolID] = OutcomeRule(definition: definition,
                                                        manifests: try store.plugin(id: definition.plugin.id).map(\.manifest))
            }
            if let problem = rules[outcome.protocolID]!.problem(with: outcome, now: now) {
                problems.append(RowProblem(line: lines[outcome.idempotencyKey] ?? 0, reason: problem))
            } else {
                valid.append(outcome)
            }
        }
        outcomes = valid
        problems.sort { $0.line < $1.line }
        if !problems.isEmpty && !skipInvalid {
            throw LabError.invalid("\(source) has \(problems.count) bad row(s); nothing was imported. Fix them, or run again with --skip-invalid:\n  "
                + problems.map(\.description).joined(separator: "\n  "))
        }
        var result = OutcomeImport(skipped: problems)
        let size = Self.importBatchSize
        let batches = stride(from: 0, to: outcomes.count, by: size).map { Array(outcomes[$0..<min($0 + size, outcomes.count)]) }
        for (index, batch) in batches.enumerated() {
            let stored = try store.recordOutcomes(batch, actor: actor)
            result.stored += stored.stored
            result.duplicates += stored.duplicates
            for (reason, count) in stored.rejected { result.refused[reason.rawValue, default: 0] += count }
            for (submission, disposition) in zip(batch, stored.dispositions) {
                if case .conflict(let value) = disposition {
                    result.conflicts.append(KeyConflict(key: submission.idempotencyKey, storedValue: value, value: submission.value))
                }
            }
            result.batches += 1
            progress(index + 1, batches.count)
        }
        return result
    }

    /// What the placement rule refused, optionally only outcomes of one protocol or host calls of one plugin.
    public func refusals(protocolID: String? = nil, pluginID: String? = nil) throws(LabError) -> [Refusal] {
        var refusals: [Refusal] = []
        if pluginID == nil {
            refusals += try store.rejectionCounts(protocolID: protocolID).map {
                Refusal(kind: "outcome", subject: $0.protocolID, reason: $0.reason, count: $0.count)
            }
        }
        if protocolID == nil {
            refusals += try store.hostDenialCounts(pluginID: pluginID).map {
                Refusal(kind: "host-call", subject: $0.pluginID, reason: $0.reason, count: $0.count)
            }
        }
        return refusals
    }
}
