import Foundation
internal import LivingLabPluginABI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The level of a message a plugin writes to the host's log.
public enum PluginLogLevel: Int32, Sendable, Codable, CaseIterable {
    /// Detail for the plugin's authors.
    case debug = 0
    /// Normal operation.
    case info = 1
    /// Something unusual that the plugin recovered from.
    case warning = 2
    /// Something failed.
    case error = 3
}

/// The host's services as the plugin sees them: outcomes, merchant data, storage, clock, log.
///
/// Every call that names a merchant passes the lab's consent gate and throws a ``HostError``
/// with code ``HostError/Code/denied`` when the merchant has not consented, withdrew, sits in
/// the control arm or is in another trial. Denials are counted by the lab; handle them, don't crash.
///
/// Call it while the host is calling you (`init`, `activate`, `handle`, `deactivate`) and on
/// that thread: an isolated host answers over a pipe that only listens then.
public struct PluginHost: Sendable {
    let table: HostTable

    /// Records an outcome for a merchant; logging the same `idempotencyKey` twice stores it once.
    ///
    /// `metric` must be one the manifest declares. `at` defaults to the host's clock.
    public func logOutcome(
        merchantID: String, metric: String, value: Double, unit: String, at: Date? = nil,
        idempotencyKey: String
    ) throws {
        var outcome: JSONValue = [
            "merchant": .string(merchantID), "metric": .string(metric), "value": .number(value),
            "unit": .string(unit), "idempotency_key": .string(idempotencyKey),
        ]
        if let at { outcome["at"] = .string(PluginJSON.formatDate(at)) }
        try table.call { context, message in
            table.host.pointee.log_outcome!(context, outcome.jsonText, message)
        }
    }

    /// The fields of an active merchant that its consent lets this plugin read.
    public func merchantFields(_ merchantID: String) throws -> [String: String] {
        let text = try table.fetch { context, value, message in
            table.host.pointee.merchant_fields!(context, merchantID, value, message)
        }
        guard let text else { return [:] }
        do {
            return try PluginJSON.decoder.decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw HostError(code: .internal, message: "the host sent merchant fields that are not a JSON object of strings: \(text)")
        }
    }

    /// The configuration of the merchant's arm.
    public func armConfiguration(_ merchantID: String) throws -> JSONValue {
        let text = try table.fetch { context, value, message in
            table.host.pointee.arm_configuration!(context, merchantID, value, message)
        }
        guard let text else { return .null }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw HostError(code: .internal, message: "the host sent an arm configuration that is not JSON: \(text)")
        }
    }

    /// The plugin's key-value storage for one merchant, or plugin-wide when `merchantID` is `nil`.
    public func storage(merchantID: String?) -> PluginStorage {
        PluginStorage(table: table, merchantID: merchantID ?? "")
    }

    /// The host's current time; a simulation runs on simulated time, so never read the system clock.
    public func now() -> Date {
        let milliseconds = table.host.pointee.now_ms!(table.host.pointee.context)
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Writes a line to the host's log, tagged with the plugin's id.
    public func log(_ level: PluginLogLevel, _ message: String) {
        table.host.pointee.log!(table.host.pointee.context, level.rawValue, message)
    }
}

/// A plugin's key-value storage, scoped to one merchant or plugin-wide; values are stored as JSON.
public struct PluginStorage: Sendable {
    let table: HostTable
    /// Empty for plugin-wide storage, as the C ABI spells it.
    let merchantID: String

    /// The value stored under `key`, or `nil` when nothing is.
    public func get<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        let text = try table.fetch(missingIsNil: true) { context, value, message in
            table.host.pointee.storage_get!(context, merchantID, key, value, message)
        }
        guard let text else { return nil }
        do {
            return try PluginJSON.decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw HostError(
                code: .invalid,
                message: "the value stored under \"\(key)\" is not a \(T.self) (\(error)); remove it or read it as JSONValue")
        }
    }

    /// Stores `value` under `key`, replacing what was there.
    public func set<T: Encodable>(_ key: String, _ value: T) throws {
        let data: Data
        do {
            data = try PluginJSON.encoder.encode(value)
        } catch {
            throw HostError(code: .invalid, message: "cannot encode the value for \"\(key)\" as JSON: \(error)")
        }
        let text = String(decoding: data, as: UTF8.self)
        try table.call { context, message in
            table.host.pointee.storage_set!(context, merchantID, key, text, message)
        }
    }

    /// Removes the value stored under `key`; removing a missing key is not an error.
    public func remove(_ key: String) throws {
        do {
            try table.call { context, message in
                table.host.pointee.storage_delete!(context, merchantID, key, message)
            }
        } catch let error as HostError where error.code == .notFound {
            return
        }
    }
}

/// The host function table handed to `create`.
///
/// `@unchecked Sendable`: the table is immutable and outlives the instance (the header
/// promises both), and the host's functions may be called from any thread. Its function
/// pointers are unwrapped with `!` because ``validated(_:)`` refused any table missing one.
final class HostTable: @unchecked Sendable {
    let host: UnsafePointer<livinglab_host>

    private init(host: UnsafePointer<livinglab_host>) {
        self.host = host
    }

    /// Checks the host's ABI version, table size and functions before the plugin uses any of them.
    static func validated(_ host: UnsafePointer<livinglab_host>?) throws -> HostTable {
        guard let host else { throw PluginError.internal("the host passed no function table to create()") }
        let table = host.pointee
        guard table.abi_version == UInt32(LIVINGLAB_PLUGIN_ABI_VERSION) else {
            throw PluginError.internal(
                "this plugin was built for ABI \(LIVINGLAB_PLUGIN_ABI_VERSION), the host table speaks \(table.abi_version): "
                    + "rebuild the plugin against the LivingLabPluginKit of this host")
        }
        guard table.struct_size >= UInt32(MemoryLayout<livinglab_host>.size) else {
            throw PluginError.internal(
                "the host function table is \(table.struct_size) bytes, ABI \(LIVINGLAB_PLUGIN_ABI_VERSION) needs "
                    + "\(MemoryLayout<livinglab_host>.size): the host is older than its ABI version says")
        }
        let functions: [Bool] = [
            table.free != nil, table.log_outcome != nil, table.merchant_fields != nil, table.arm_configuration != nil,
            table.storage_get != nil, table.storage_set != nil, table.storage_delete != nil, table.log != nil,
            table.now_ms != nil,
        ]
        guard !functions.contains(false) else {
            throw PluginError.internal("the host function table has a NULL function; the host is broken, report it to the lab")
        }
        return HostTable(host: host)
    }

    /// Calls a host function that returns only a status.
    func call(_ body: (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32) throws {
        var message: UnsafeMutablePointer<CChar>?
        let status = body(host.pointee.context, &message)
        let text = takeString(message)
        if status != LIVINGLAB_OK { throw HostTable.error(status: status, message: text) }
    }

    /// Calls a host function that returns a string; `missingIsNil` turns NOT_FOUND into `nil`.
    func fetch(
        missingIsNil: Bool = false,
        _ body: (
            UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
            UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
        ) -> Int32
    ) throws -> String? {
        var value: UnsafeMutablePointer<CChar>?
        var message: UnsafeMutablePointer<CChar>?
        let status = body(host.pointee.context, &value, &message)
        let valueText = takeString(value)
        let messageText = takeString(message)
        if status == LIVINGLAB_NOT_FOUND && missingIsNil { return nil }
        if status != LIVINGLAB_OK { throw HostTable.error(status: status, message: messageText) }
        return valueText
    }

    /// Copies and frees a host-allocated string, as the ownership rule says.
    private func takeString(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { host.pointee.free!(pointer) }
        return String(cString: pointer)
    }

    static func error(status: Int32, message: String?) -> HostError {
        let text = message ?? "the host returned status \(status) without a message"
        switch status {
        case LIVINGLAB_INVALID: return HostError(code: .invalid, message: text)
        case LIVINGLAB_NOT_FOUND: return HostError(code: .notFound, message: text)
        case 100..<200:
            return HostError(code: .denied, reason: HostError.DenialReason(rawValue: status) ?? .unspecified, message: text)
        default: return HostError(code: .internal, message: text)
        }
    }
}
