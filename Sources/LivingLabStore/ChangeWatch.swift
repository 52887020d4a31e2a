import Foundation
import GRDB
import LivingLabCore
import Synchronization

/// Tells cheaply whether anything was committed to the database since it last looked, by any connection of any
/// process: `PRAGMA data_version` on a connection of its own that never writes moves whenever another connection
/// commits. The reads a plugin call needs on every request (the consent gate, the merchant's placements) are kept
/// here and reused while it has not moved, so a served request costs one pragma instead of four queries.
final class ChangeWatch: Sendable {
    private let connection: DatabaseQueue
    private struct Cached {
        var stamp: Int64 = -1
        var gate: ConsentIndex?
        var placements: [String: [TrialPlacement]] = [:]
    }
    private let cached = Mutex(Cached())

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The database's change stamp now; `nil` when it cannot be read (then nothing is reused).
    func stamp() -> Int64? {
        try? connection.inDatabase { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") }
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
