import Foundation
import GRDB
import GRDBSQLite
import LivingLabCore
import Synchronization

/// What happened to one outcome of a batch.
public enum OutcomeDisposition: Sendable, Hashable {
    /// Stored now.
    case stored
    /// Already stored under the same idempotency key, with the same merchant, metric and value: nothing new.
    case duplicate
    /// The idempotency key is already stored for another measurement (this value, merchant or metric differs): nothing
    /// stored; `storedValue` is what the lab holds under that key.
    case conflict(storedValue: Double)
    /// Refused by the consent gate or the trial rules, and counted under this reason.
    case rejected(DenialReason)
}

/// As the lab writes a per-row result: `{"result": "stored" | "already-stored" | "refused", "reason": …}`.
extension OutcomeDisposition: Codable {
    private enum CodingKeys: String, CodingKey { case result, reason, storedValue }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .stored: try container.encode("stored", forKey: .result)
        case .duplicate: try container.encode("already-stored", forKey: .result)
        case .conflict(let stored):
            try container.encode("conflict", forKey: .result)
            try container.encode(stored, forKey: .storedValue)
        case .rejected(let reason):
            try container.encode("refused", forKey: .result)
            try container.encode(reason, forKey: .reason)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .result) {
        case "stored": self = .stored
        case "already-stored": self = .duplicate
        case "conflict": self = .conflict(storedValue: try container.decode(Double.self, forKey: .storedValue))
        default: self = .rejected(try container.decode(DenialReason.self, forKey: .reason))
        }
    }
}

/// The result of recording a batch of outcomes: one disposition per submission, in order.
public struct OutcomeBatchResult: Codable, Sendable, Hashable {
    public var dispositions: [OutcomeDisposition]
    public var stored: Int { dispositions.count { $0 == .stored } }
    public var duplicates: Int { dispositions.count { $0 == .duplicate } }
    /// Submissions whose key was already stored for another measurement.
    public var conflicts: Int { dispositions.count { if case .conflict = $0 { true } else { false } } }
    /// Rejections by reason.
    public var rejected: [DenialReason: Int] {
        var counts: [DenialReason: Int] = [:]
        for case .rejected(let reason) in dispositions { counts[reason, default: 0] += 1 }
        return counts
    }
}

extension SQLiteLabStore {
    /// Records a batch of outcomes in one transaction, after the consent gate has looked at each one at its own timestamp.
    ///
    /// An outcome is stored only if, at its timestamp, the merchant is enrolled (and has not withdrawn) and has active
    /// consent covering the protocol version in force and the `outcome-measurement` purpose (invariant 1). Refused ones are
    /// counted per reason, never silently dropped. Replaying a batch stores nothing twice (idempotency keys). The batch and
    /// its audit entry commit together (invariant 8).
    ///
    /// - Throws: when a submission is malformed (nothing of the batch is stored) or names an unknown protocol.
    @discardableResult
    public func recordOutcomes(_ submissions: [OutcomeSubmission], actor: String) throws(LabError) -> OutcomeBatchResult {
        for submission in submissions { try submission.validate() }
        guard !submissions.isEmpty else { return OutcomeBatchResult(dispositions: []) }
        return try write(changesTrials: false) { db in
            let current = generation.load(ordering: .sequentiallyConsistent)
            let (gate, trials) = try gateCache.withLock { cache in
                try cache.refreshIfChanged(db, generation: current)
                var trials: [String: TrialView] = [:]
                for protocolID in Set(submissions.map { $0.protocolID }) {
                    trials[protocolID] = try cache.trialView(db, protocolID: protocolID)
                }
                return (cache.index, trials)
            }
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO outcome (protocolID, protocolVersion, merchantID, arm, metric, value, unit, at, source,
                                               idempotencyKey)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let clockNow = now()
            var dispositions: [OutcomeDisposition] = []
            dispositions.reserveCapacity(submissions.count)
            var rejections: [String: [DenialReason: Int]] = [:]
            var firstStoredID: Int64?
            var lastStoredID: Int64?
            // A batch is almost always one protocol's: keep its view at hand rather than hash the id for every row.
            var trial = trials[submissions[0].protocolID]!
            for submission in submissions {
                if submission.protocolID != trial.protocolID { trial = trials[submission.protocolID]! }
                // A bad outcome refuses the whole batch: the throw rolls back whatever this transaction inserted.
                let unit: String
                switch trial.rule.unit(of: submission, now: clockNow) {
                case .success(let declared): unit = declared
                case .failure(let problem): throw LabError.invalid("Nothing of this batch was stored: \(problem).")
                }
                let at = submission.at.roundedToMilliseconds
                let version: Int
                switch trial.check(submission.merchantID, at: at, gate: gate) {
                case .success(let inForce):
                    version = inForce
                case .failure(let reason):
                    dispositions.append(.rejected(reason))
                    rejections[submission.protocolID, default: [:]][reason, default: 0] += 1
                    continue
                }
                try OutcomeInsert.run(insert, db, submission, version: version, arm: trial.arms[submission.merchantID],
                                      unit: unit, at: at.milliseconds)
                if db.changesCount == 1 {
                    dispositions.append(.stored)
                    let id = db.lastInsertedRowID
                    firstStoredID = firstStoredID ?? id
                    lastStoredID = id
                } else {
                    // A replay is safe only when it is the same measurement; another value under a used key is refused.
                    let stored = try Row.fetchOne(try db.cachedStatement(sql: """
                        SELECT merchantID, metric, value FROM outcome WHERE protocolID = ? AND idempotencyKey = ?
                        """), arguments: [submission.protocolID, submission.idempotencyKey])
                    let value: Double = stored?["value"] ?? .nan
                    let same = stored?["merchantID"] == submission.merchantID && stored?["metric"] == submission.metric
                        && value == submission.value
                    dispositions.append(same ? .duplicate : .conflict(storedValue: value))
                }
            }
            let result = OutcomeBatchResult(dispositions: dispositions)
            let now = now().milliseconds
            for (protocolID, reasons) in rejections {
                for (reason, count) in reasons {
                    try db.execute(sql: """
                        INSERT INTO outcomeRejection (protocolID, reason, count, lastAt) VALUES (?, ?, ?, ?)
                        ON CONFLICT (protocolID, reason) DO UPDATE SET count = count + excluded.count, lastAt = excluded.lastAt
                        """, arguments: [protocolID, reason.rawValue, count, now])
                }
            }
            try audit(db, actor: actor, action: "outcome.batch", subjects: Array(trials.keys).sorted(),
                      details: ["stored": .number(Double(result.stored)), "duplicates": .number(Double(result.duplicates)),
                                "conflicts": .number(Double(result.conflicts)),
                                "rejected": .object(Dictionary(uniqueKeysWithValues: result.rejected.map {
                                    ($0.key.rawValue, JSONValue.number(Double($0.value)))
                                })),
                                "rows": firstStoredID.map { .array([.number(Double($0)), .number(Double(lastStoredID!))]) } ?? .null])
            return result
        }
    }

    /// Outcomes refused so far, by protocol and reason.
    public func rejectionCounts(protocolID: String? = nil) throws(LabError) -> [(protocolID: String, reason: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT protocolID, reason, count FROM outcomeRejection WHERE ?1 IS NULL OR protocolID = ?1
                ORDER BY protocolID, reason
                """, arguments: [protocolID]).map { ($0["protocolID"], $0["reason"], $0["count"]) }
        }
    }

    /// Stored outcomes of a protocol, optionally of one metric and/or one merchant, by time.
    public func outcomes(protocolID: String, metric: String? = nil, merchantID: String? = nil) throws(LabError) -> [Outcome] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM outcome WHERE protocolID = ?1 AND (?2 IS NULL OR metric = ?2) AND (?3 IS NULL OR merchantID = ?3)
                ORDER BY at, id
                """, arguments: [protocolID, metric, merchantID]).map { row in
                Outcome(protocolID: row["protocolID"], protocolVersion: row["protocolVersion"], merchantID: row["merchantID"],
                        arm: row["arm"], metric: row["metric"], value: row["value"], unit: row["unit"],
                        at: Date(milliseconds: row["at"]), source: row["source"], idempotencyKey: row["idempotencyKey"])
            }
        }
    }

    /// The number of stored outcomes.
    public func outcomeCount(protocolID: String? = nil) throws(LabError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outcome WHERE ?1 IS NULL OR protocolID = ?1", arguments: [protocolID]) ?? 0
        }
    }
}

/// The outcome INSERT, bound straight through SQLite's C API: at ingestion rates GRDB's argument boxing is a
/// measurable share of the cost, and these ten values never need conversion.
enum OutcomeInsert {
    static func run(_ statement: Statement, _ db: Database, _ submission: OutcomeSubmission, version: Int, arm: String?,
                    unit: String, at: Int64) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        SQLiteText.bind(handle, 1, submission.protocolID)
        sqlite3_bind_int64(handle, 2, Int64(version))
        SQLiteText.bind(handle, 3, submission.merchantID)
        if let arm { SQLiteText.bind(handle, 4, arm) } else { sqlite3_bind_null(handle, 4) }
        SQLiteText.bind(handle, 5, submission.metric)
        sqlite3_bind_double(handle, 6, submission.value)
        SQLiteText.bind(handle, 7, unit)
        sqlite3_bind_int64(handle, 8, at)
        SQLiteText.bind(handle, 9, submission.source)
        SQLiteText.bind(handle, 10, submission.idempotencyKey)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw LabError(.internalError, "The outcome could not be stored (SQLite \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))); nothing of this batch was stored.")
        }
    }
}

/// Text bound through SQLite's C API, copied by SQLite before `bind` returns.
enum SQLiteText {
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ handle: OpaquePointer?, _ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else {
                _ = sqlite3_bind_text(handle, index, "", 0, transient)
                return
            }
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(buffer.count),
                                  transient)
        }
    }
}

/// What the outcome gate needs to know of one trial, loaded once per batch.
struct TrialView: Sendable {
    var protocolID: String
    var states: [String: Enrollment.State]
    var arms: [String: String]
    /// Declared metrics and units, and the latest date the schedule allows.
    var rule: OutcomeRule
    var trialState: TrialState

    static func load(_ db: Database, protocolID: String) throws -> TrialView {
        let stored = try SQLiteLabStore.requireProtocol(db, protocolID)
        var states: [String: Enrollment.State] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT merchantID, state FROM enrollment WHERE protocolID = ?", arguments: [protocolID]) {
            states[row["merchantID"]] = Enrollment.State(rawValue: row["state"])
        }
        var arms: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT merchantID, arm FROM assignment WHERE protocolID = ?", arguments: [protocolID]) {
            arms[row["merchantID"]] = row["arm"]
        }
        let definition = stored.latest.definition
        let manifests = try String.fetchAll(db, sql: "SELECT manifest FROM plugin WHERE id = ?", arguments: [definition.plugin.id])
        return TrialView(protocolID: protocolID, states: states, arms: arms,
                         rule: OutcomeRule(definition: definition, manifests: manifests), trialState: stored.state)
    }

    /// The protocol version the outcome falls under, or why the placement rule refuses it.
    func check(_ merchantID: String, at date: Date, gate: ConsentIndex) -> Result<Int, DenialReason> {
        let facts = PlacementFacts(protocolID: protocolID, enrollment: states[merchantID], trialState: trialState)
        let version = gate.versionInForce(protocolID: protocolID, at: date)
        if case .denied(let reason) = PlacementRule.decide(.measure, merchantID: merchantID, facts: facts, consent: gate,
                                                           versionInForce: version, at: date) {
            return .failure(reason)
        }
        // The rule refuses when no version is in force, so there is one here.
        return .success(version ?? 1)
    }
}

/// A merchant's outcomes of one metric in one week: their sum and how many there were.
public struct WeeklyAggregate: Sendable, Hashable {
    public var merchantID: String
    /// The week's index from the first week asked for.
    public var week: Int
    public var sum: Double
    public var count: Int
}

extension SQLiteLabStore {
    /// Sums of a metric per merchant and week, computed by SQLite in one pass: what reports read instead of loading
    /// every outcome (a year of a 200-merchant trial is about a million rows).
    ///
    /// Anonymised outcomes (no merchant) are left out.
    public func weeklyAggregates(protocolID: String, metric: String, firstWeekStart: Date, weeks: Int) throws(LabError)
        -> [WeeklyAggregate]
    {
        let start = firstWeekStart.milliseconds
        let length: Int64 = 7 * 86_400_000
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT merchantID, (at - ?1) / ?2 AS week, SUM(value) AS sum, COUNT(*) AS count
                FROM outcome
                WHERE protocolID = ?3 AND metric = ?4 AND merchantID IS NOT NULL AND at >= ?1 AND at < ?1 + ?2 * ?5
                GROUP BY merchantID, week
                """, arguments: [start, length, protocolID, metric, weeks]).map {
                WeeklyAggregate(merchantID: $0["merchantID"], week: $0["week"], sum: $0["sum"], count: $0["count"])
            }
        }
    }
}
