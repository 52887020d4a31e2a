import Foundation
import LivingLabCore
import LivingLabPluginABI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plugin running in this process: created with the lab's host services and its configuration.
///
/// It tracks the merchants the plugin serves and refuses requests for any other with
/// ``PluginCallError/Code/notActive``. Calls are serialised (the ABI promises the plugin one
/// call at a time), so it may be shared between tasks. The plugin is destroyed with the instance.
public final class PluginInstance: Sendable {
    /// The merchant data an activation hands the plugin.
    public struct Activation: Sendable, Hashable {
        /// The fields the merchant's consent allows the plugin to read.
        public var fields: [String: String]
        /// The merchant's arm.
        public var arm: String
        /// The arm's configuration, as JSON text.
        public var armConfiguration: String
    }

    /// The plugin's opaque instance pointer.
    ///
    /// `@unchecked Sendable`: it is only passed to the plugin while the instance's lock is held.
    private struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private struct State: Sendable {
        var handle: Handle?
        var active: [String: Activation] = [:] {
            didSet { activeIDs = Self.table(of: active) }
        }
        /// The active merchants' ids in an FNV-1a table: every request checks its merchant here, where a dictionary
        /// lookup would hash the id with SipHash. Rebuilt when `active` changes, which is rare.
        private(set) var activeIDs = IDTable()

        private static func table(of active: [String: Activation]) -> IDTable {
            var table = IDTable()
            for id in active.keys { table.set(1, for: id) }
            return table
        }
    }

    /// The loaded library.
    public let binary: PluginBinary
    private let bridge: HostBridge
    private let state: Mutex<State>

    /// The plugin's identity.
    public var identity: PluginIdentity { binary.identity }

    /// Creates the plugin; `configuration` is the plugin's configuration as JSON text.
    public init(binary: PluginBinary, services: any PluginHostServices, configuration: String = "{}")
        throws(PluginCallError)
    {
        self.binary = binary
        let bridge = HostBridge(services: services, manifest: binary.manifest)
        self.bridge = bridge
        try Self.requireJSON(configuration, "the plugin configuration", plugin: binary.identity)
        let descriptor = binary.descriptor.pointer
        var handle: UnsafeMutableRawPointer?
        var message: UnsafeMutablePointer<CChar>?
        let status = descriptor.pointee.create!(descriptor, bridge.table, configuration, &handle, &message)
        let text = Self.take(message, descriptor)
        guard status == LIVINGLAB_OK, handle != nil else {
            let error =
                status == LIVINGLAB_OK
                ? PluginCallError(.internal, message: "create() succeeded but returned no instance", plugin: binary.identity)
                : PluginCallError(status: status, message: text, plugin: binary.identity)
            throw error
        }
        state = Mutex(State(handle: handle.map(Handle.init)))
    }

    deinit {
        let descriptor = binary.descriptor.pointer
        state.withLock { state in
            if let handle = state.handle { descriptor.pointee.destroy!(handle.pointer) }
            state.handle = nil
        }
    }

    /// The merchants the plugin currently serves.
    public var activeMerchants: Set<String> { state.withLock { Set($0.active.keys) } }

    /// What the plugin was told when `merchantID` was activated, or `nil` if it is not active.
    public func activation(of merchantID: String) -> Activation? { state.withLock { $0.active[merchantID] } }

    /// Starts serving a merchant with the fields its consent allows and its arm's configuration.
    ///
    /// Activating an active merchant again hands the plugin the new fields and configuration.
    public func activate(merchantID: String, fields: [String: String], arm: String, armConfiguration: String = "{}")
        throws(PluginCallError)
    {
        try Self.requireJSON(armConfiguration, "the arm configuration", plugin: identity)
        let fieldsJSON: String
        do {
            fieldsJSON = String(
                decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
        } catch {
            throw PluginCallError(.invalid, message: "cannot encode the merchant fields: \(error)", plugin: identity)
        }
        let descriptor = binary.descriptor.pointer
        try state.withLock { state throws(PluginCallError) in
            var message: UnsafeMutablePointer<CChar>?
            let status = descriptor.pointee.activate!(state.handle?.pointer, merchantID, fieldsJSON, arm, armConfiguration, &message)
            let text = Self.take(message, descriptor)
            guard status == LIVINGLAB_OK else { throw PluginCallError(status: status, message: text, plugin: identity) }
            state.active[merchantID] = Activation(fields: fields, arm: arm, armConfiguration: armConfiguration)
        }
    }

    /// Sends a request (`{"action": ..., ...}`) for an active merchant and returns the plugin's JSON response.
    public func handle(merchantID: String, request: String) throws(PluginCallError) -> String {
        let descriptor = binary.descriptor.pointer
        return try state.withLock { state throws(PluginCallError) -> String in
            guard state.activeIDs.value(of: merchantID) != nil else {
                throw PluginCallError(
                    .notActive,
                    message: "\(identity.id) is not active for merchant \(merchantID): the merchant must be enrolled in a "
                        + "treatment arm of a running trial with active consent, and the plugin activated for it",
                    plugin: identity)
            }
            var response: UnsafeMutablePointer<CChar>?
            var message: UnsafeMutablePointer<CChar>?
            // `withCString` lends the strings' own bytes (or a stack copy of a small one); passing a String straight to
            // a C function pointer would copy each into a new heap array on every call.
            let status = merchantID.withCString { merchantID in
                request.withCString { request in
                    descriptor.pointee.handle!(state.handle?.pointer, merchantID, request, &response, &message)
                }
            }
            let responseText = Self.take(response, descriptor)
            let text = Self.take(message, descriptor)
            guard status == LIVINGLAB_OK else { throw PluginCallError(status: status, message: text, plugin: identity) }
            return responseText ?? "null"
        }
    }

    /// Stops serving a merchant. The merchant is no longer active afterwards even if the plugin reports an error.
    public func deactivate(merchantID: String) throws(PluginCallError) {
        let descriptor = binary.descriptor.pointer
        try state.withLock { state throws(PluginCallError) in
            guard state.active.removeValue(forKey: merchantID) != nil else { return }
            var message: UnsafeMutablePointer<CChar>?
            let status = descriptor.pointee.deactivate!(state.handle?.pointer, merchantID, &message)
            let text = Self.take(message, descriptor)
            guard status == LIVINGLAB_OK else { throw PluginCallError(status: status, message: text, plugin: identity) }
        }
    }

    /// Copies and frees a plugin-allocated string with the plugin's `free`, as the header says.
    private static func take(_ pointer: UnsafeMutablePointer<CChar>?, _ descriptor: UnsafePointer<livinglab_plugin>)
        -> String?
    {
        guard let pointer else { return nil }
        defer { descriptor.pointee.free!(pointer) }
        return String(cString: pointer)
    }

    private static func requireJSON(_ text: String, _ what: String, plugin: PluginIdentity) throws(PluginCallError) {
        guard (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil else {
            throw PluginCallError(.invalid, message: "\(what) is not valid JSON: \(text)", plugin: plugin)
        }
    }
}
