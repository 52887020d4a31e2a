import Foundation
import GRDB
import LivingLabCore

/// A plugin binary registered with the lab, pinned by its SHA-256.
public struct PluginRegistration: Codable, Sendable, Hashable {
    public var id: String
    public var version: String
    public var firm: String
    /// Absolute path of the shared library.
    public var path: String
    /// SHA-256 of the binary when it was registered; a changed binary is refused until re-registered.
    public var sha256: String
    /// The plugin's manifest, as JSON text.
    public var manifest: String
    public var registeredAt: Date
    /// `in-process` for plugins the lab trusts, `isolated` (its own worker process) otherwise.
    public var isolation: String

    public init(id: String, version: String, firm: String, path: String, sha256: String, manifest: String, registeredAt: Date,
                isolation: String = "isolated") {
        self.id = id
        self.version = version
        self.firm = firm
        self.path = path
        self.sha256 = sha256
        self.manifest = manifest
        self.registeredAt = registeredAt
        self.isolation = isolation
    }
}

extension SQLiteLabStore {
    /// Registers (or re-registers, pinning a new hash) a plugin version.
    public func registerPlugin(_ registration: PluginRegistration, actor: String) throws(LabError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM firm WHERE id = ?", arguments: [registration.firm]) != true {
                throw LabError.notFound("Plugin \(registration.id) belongs to firm \(registration.firm), which is not registered: add it with `livinglab firm add \(registration.firm) --name …` first.")
            }
            let previous = try String.fetchOne(db, sql: "SELECT sha256 FROM plugin WHERE id = ? AND version = ?",
                                               arguments: [registration.id, registration.version])
            try db.execute(sql: """
                INSERT OR REPLACE INTO plugin (id, version, firm, path, sha256, manifest, registeredAt, isolation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [registration.id, registration.version, registration.firm, registration.path, registration.sha256,
                                 registration.manifest, registration.registeredAt.roundedToMilliseconds.milliseconds,
                                 registration.isolation])
            try audit(db, actor: actor, action: previous == nil ? "plugin.register" : "plugin.reregister",
                      subjects: [registration.id, registration.version],
                      details: ["sha256": .string(registration.sha256), "previous": previous.map { .string($0) } ?? .null,
                                "isolation": .string(registration.isolation)])
        }
    }

    /// Registered binaries, of every plugin or of one, by id then registration time.
    public func plugins(id: String?) throws(LabError) -> [PluginRegistration] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM plugin WHERE ?1 IS NULL OR id = ?1 ORDER BY id, registeredAt", arguments: [id])
                .map(Self.registration)
        }
    }

    static func registration(_ row: Row) -> PluginRegistration {
        PluginRegistration(id: row["id"], version: row["version"], firm: row["firm"], path: row["path"], sha256: row["sha256"],
                           manifest: row["manifest"], registeredAt: Date(milliseconds: row["registeredAt"]),
                           isolation: row["isolation"])
    }

    // MARK: - What a plugin may see

    /// A merchant's place in each trial: what the plugin host checks before answering a plugin about that merchant.

    /// Every trial a merchant is enrolled in, with its state, the merchant's arm and the protocol in force.
    public func placements(of merchantID: String) throws(LabError) -> [TrialPlacement] {
        try changes.placements(of: merchantID) { () throws(LabError) in try readPlacements(of: merchantID) }
    }

    private func readPlacements(of merchantID: String) throws(LabError) -> [TrialPlacement] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT enrollment.protocolID, enrollment.state AS enrollmentState, protocol.state AS trialState,
                       assignment.arm, protocolVersion.definition
                FROM enrollment
                JOIN protocol ON protocol.id = enrollment.protocolID
                JOIN protocolVersion ON protocolVersion.protocolID = protocol.id
                    AND protocolVersion.version = (SELECT MAX(version) FROM protocolVersion v
                                                   WHERE v.protocolID = protocol.id AND v.approvedAt IS NOT NULL)
                LEFT JOIN assignment ON assignment.protocolID = enrollment.protocolID AND assignment.merchantID = enrollment.merchantID
                WHERE enrollment.merchantID = ?
                ORDER BY enrollment.protocolID
                """, arguments: [merchantID]).map { row in
                TrialPlacement(protocolID: row["protocolID"], trialState: TrialState(rawValue: row["trialState"]) ?? .draft,
                               enrollment: Enrollment.State(rawValue: row["enrollmentState"]) ?? .invited, arm: row["arm"],
                               definition: try Column.decode(ExperimentProtocol.self, row["definition"]))
            }
        }
    }

    /// Counts a host call the consent gate refused to a plugin.
    public func countHostDenial(pluginID: String, reason: DenialReason) throws(LabError) {
        try write(changesTrials: false) { db in
            try db.execute(sql: """
                INSERT INTO hostDenial (pluginID, reason, count, lastAt) VALUES (?, ?, 1, ?)
                ON CONFLICT (pluginID, reason) DO UPDATE SET count = count + 1, lastAt = excluded.lastAt
                """, arguments: [pluginID, reason.rawValue, now().milliseconds])
        }
    }

    /// Host calls refused to plugins, by plugin and reason.
    public func hostDenialCounts(pluginID: String? = nil) throws(LabError) -> [(pluginID: String, reason: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT pluginID, reason, count FROM hostDenial WHERE ?1 IS NULL OR pluginID = ?1 ORDER BY pluginID, reason
                """, arguments: [pluginID]).map { ($0["pluginID"], $0["reason"], $0["count"]) }
        }
    }

    // MARK: - Plugin storage

    /// A plugin's stored value for `key`, scoped to a merchant (`""` for plugin-wide).
    public func pluginValue(pluginID: String, merchantID: String, key: String) throws(LabError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM pluginStorage WHERE pluginID = ? AND merchantID = ? AND key = ?",
                                arguments: [pluginID, merchantID, key])
        }
    }

    /// Stores (or removes, with `nil`) a plugin's value. Plugin storage is plugin-private working data and not audited
    /// entry by entry; consent decides whether the plugin may reach it at all.
    public func setPluginValue(pluginID: String, merchantID: String, key: String, value: String?) throws(LabError) {
        try write(changesTrials: false) { db in
            if let value {
                try db.execute(sql: "INSERT OR REPLACE INTO pluginStorage (pluginID, merchantID, key, value) VALUES (?, ?, ?, ?)",
                               arguments: [pluginID, merchantID, key, value])
            } else {
                try db.execute(sql: "DELETE FROM pluginStorage WHERE pluginID = ? AND merchantID = ? AND key = ?",
                               arguments: [pluginID, merchantID, key])
            }
        }
    }
}

/// Where a merchant stands in one trial: what the placement rule needs besides the consent timeline.
public struct TrialPlacement: Sendable, Hashable {
    public var protocolID: String
    public var trialState: TrialState
    public var enrollment: Enrollment.State
    /// The merchant's arm, once assigned.
    public var arm: String?
    /// The protocol's newest approved definition (consent documents left out).
    public var definition: ExperimentProtocol
}
