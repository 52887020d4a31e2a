import Foundation
import GRDB
import LivingLabCore

/// What the consent gate keeps in memory: the consent index and, per protocol, when each version came into force.
struct GateCache: Sendable {
    var index = ConsentIndex()
    /// Protocol id → (approval time, version), sorted by approval time.
    var versionsInForce: [String: [(approvedAt: Date, version: Int)]] = [:]
    /// The number of approved versions folded in, to notice approvals made by another process.
    var approvedVersionCount = 0

    /// The version of a protocol in force at `date`: the last one approved at or before it.
    func version(of protocolID: String, at date: Date) -> Int? {
        versionsInForce[protocolID]?.last { $0.approvedAt <= date }?.version
    }

    /// Brings the cache up to date with the database, reading only what was appended since the last refresh.
    mutating func refresh(_ db: Database) throws {
        let approvedCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM protocolVersion WHERE approvedAt IS NOT NULL") ?? 0
        if approvedCount != approvedVersionCount {
            var versions: [String: [(approvedAt: Date, version: Int)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT protocolID, version, material, approvedAt FROM protocolVersion
                WHERE approvedAt IS NOT NULL ORDER BY approvedAt, version
                """) {
                let protocolID: String = row["protocolID"]
                versions[protocolID, default: []].append((Date(milliseconds: row["approvedAt"]), row["version"]))
                if row["material"] as Bool { index.noteMaterialAmendment(protocolID: protocolID, version: row["version"]) }
            }
            versionsInForce = versions
            approvedVersionCount = approvedCount
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM consentEvent WHERE sequence > ? ORDER BY sequence",
                                    arguments: [index.lastSequence])
        for row in rows { index.apply(try LabStore.consentEvent(row)) }
    }
}
