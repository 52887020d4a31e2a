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

    public init(id: String, version: String, firm: String, path: String, sha256: String, manifest: String, registeredAt: Date) {
        self.id = id
        self.version = version
        self.firm = firm
        self.path = path
        self.sha256 = sha256
        self.manifest = manifest
        self.registeredAt = registeredAt
    }
}

extension LabStore {
    /// Registers (or re-registers, pinning a new hash) a plugin version.
    public func registerPlugin(_ registration: PluginRegistration, actor: String) throws(LabError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM firm WHERE id = ?", arguments: [registration.firm]) != true {
                throw LabError.notFound("Plugin \(registration.id) belongs to firm \(registration.firm), which is not registered: add it with `livinglab firm add \(registration.firm) --name …` first.")
            }
            let previous = try String.fetchOne(db, sql: "SELECT sha256 FROM plugin WHERE id = ? AND version = ?",
                                               arguments: [registration.id, registration.version])
            try db.execute(sql: """
                INSERT OR REPLACE INTO plugin (id, version, firm, path, sha256, manifest, registeredAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [registration.id, registration.version, registration.firm, registration.path, registration.sha256,
                                 registration.manifest, registration.registeredAt.roundedToMilliseconds.milliseconds])
            try audit(db, actor: actor, action: previous == nil ? "plugin.register" : "plugin.reregister",
                      subjects: [registration.id, registration.version],
                      details: ["sha256": .string(registration.sha256), "previous": previous.map { .string($0) } ?? .null])
        }
    }

    /// Every registered plugin version.
    public func plugins() throws(LabError) -> [PluginRegistration] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM plugin ORDER BY id, version").map(Self.registration) }
    }

    /// The registered versions of one plugin.
    public func plugin(id: String) throws(LabError) -> [PluginRegistration] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM plugin WHERE id = ? ORDER BY registeredAt", arguments: [id]).map(Self.registration)
        }
    }

    static func registration(_ row: Row) -> PluginRegistration {
        PluginRegistration(id: row["id"], version: row["version"], firm: row["firm"], path: row["path"], sha256: row["sha256"],
                           manifest: row["manifest"], registeredAt: Date(milliseconds: row["registeredAt"]))
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
        try write { db in
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
