import Foundation
import GRDB
import LivingLabCore

/// What the consent gate keeps in memory: the consent index (with each protocol's approved versions) and, for outcome
/// batches, a view of each trial's enrollments and arms.
struct GateCache: Sendable {
    var index = ConsentIndex()
    /// The number of approved versions folded in, to notice approvals made elsewhere.
    var approvedVersionCount = 0
    /// Trial views for outcome batches, valid while neither `dataVersion` nor `generation` moves.
    var trialViews: [String: TrialView] = [:]
    /// The writer connection's `PRAGMA data_version` at the last refresh: it moves when another connection commits.
    var dataVersion: Int64 = -1
    /// The store's own write generation at the last refresh.
    var generation: UInt64 = 0

    /// Brings the index up to date with the database, reading only what was appended since the last refresh.
    mutating func refresh(_ db: Database) throws {
        let approvedCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM protocolVersion WHERE approvedAt IS NOT NULL") ?? 0
        if approvedCount != approvedVersionCount {
            for row in try Row.fetchAll(db, sql: """
                SELECT protocolID, version, material, approvedAt FROM protocolVersion WHERE approvedAt IS NOT NULL
                """) {
                index.noteApproval(protocolID: row["protocolID"], version: row["version"],
                                   at: Date(milliseconds: row["approvedAt"]), material: row["material"])
            }
            approvedVersionCount = approvedCount
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM consentEvent WHERE sequence > ? ORDER BY sequence",
                                    arguments: [index.lastSequence])
        for row in rows { index.apply(try SQLiteLabStore.consentEvent(row)) }
    }

    /// Refreshes the index and drops the trial views when the database changed since they were loaded.
    mutating func refreshIfChanged(_ db: Database, generation current: UInt64) throws {
        let version = try Int64.fetchOne(try db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        guard version != dataVersion || current != generation else { return }
        try refresh(db)
        trialViews = [:]
        dataVersion = version
        generation = current
    }

    /// The trial view of a protocol, loaded once until the database changes.
    mutating func trialView(_ db: Database, protocolID: String) throws -> TrialView {
        if let view = trialViews[protocolID] { return view }
        let view = try TrialView.load(db, protocolID: protocolID)
        trialViews[protocolID] = view
        return view
    }
}
