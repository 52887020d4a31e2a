import Foundation
import GRDBSQLite
import LivingLabCore
import Synchronization

/// Tells cheaply whether anything was committed to the database since it last looked, by any connection of any
/// process: `PRAGMA data_version` on a connection of its own that never writes moves whenever another connection
/// commits. The reads a plugin call needs on every request (the consent gate, the merchant's placements) are kept
/// here and reused while it has not moved, so a served request costs one pragma instead of four queries.
final class ChangeWatch: Sendable {
    /// A read-only connection of its own and its prepared `PRAGMA data_version`, used under the lock: asked on every
    /// plugin call, it costs a step of one statement, without a queue hop or a parse.
    private final class Probe: @unchecked Sendable {
        var connection: OpaquePointer?
        var statement: OpaquePointer?
        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(connection)
        }
    }
    private let probe = Mutex(Probe())
    private struct Cached {
        var stamp: Int64 = -1
        var gate: ConsentIndex?
        var placements: [String: [TrialPlacement]] = [:]
    }
    private let cached = Mutex(Cached())

    init(path: String) throws {
        try probe.withLock { probe in
            guard sqlite3_open_v2(path, &probe.connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK,
                  sqlite3_prepare_v2(probe.connection, "PRAGMA data_version", -1, &probe.statement, nil) == SQLITE_OK
            else {
                throw LabError(.unavailable, "The lab database \(path) cannot be watched for changes: \(String(cString: sqlite3_errmsg(probe.connection)))")
            }
        }
    }

    /// The database's change stamp now; `nil` when it cannot be read (then nothing is reused).
    func stamp() -> Int64? {
        probe.withLock { probe in
            defer { sqlite3_reset(probe.statement) }
            guard sqlite3_step(probe.statement) == SQLITE_ROW else { return nil }
            return sqlite3_column_int64(probe.statement, 0)
        }
    }

    /// `load()`'s answer, reused while the database has not changed since it was taken.
    func gate(_ load: () throws(LabError) -> ConsentIndex) throws(LabError) -> ConsentIndex {
        let stamp = self.stamp()
        if let stamp, let gate = cached.withLock({ $0.stamp == stamp ? $0.gate : nil }) { return gate }
        let gate = try load()
        if let stamp { remember(stamp) { $0.gate = gate } }
        return gate
    }

    /// A merchant's placements, reused while the database has not changed since they were read.
    func placements(of merchantID: String, _ load: () throws(LabError) -> [TrialPlacement]) throws(LabError) -> [TrialPlacement] {
        let stamp = self.stamp()
        if let stamp, let placements = cached.withLock({ $0.stamp == stamp ? $0.placements[merchantID] : nil }) {
            return placements
        }
        let placements = try load()
        if let stamp { remember(stamp) { $0.placements[merchantID] = placements } }
        return placements
    }

    /// Stores a value read after `stamp` was taken: a change committed in between moves the stamp, so the value is
    /// read again next time.
    private func remember(_ stamp: Int64, _ store: (inout Cached) -> Void) {
        cached.withLock { cached in
            if cached.stamp != stamp {
                cached = Cached()
                cached.stamp = stamp
            }
            store(&cached)
        }
    }
}
