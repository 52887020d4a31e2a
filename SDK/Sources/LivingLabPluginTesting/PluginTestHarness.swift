import Foundation
import LivingLabRuntime

/// A built plugin loaded into an ``InMemoryPluginHost``: what a startup's tests drive.
///
/// ```swift
/// let lab = InMemoryPluginHost()
/// lab.enroll("bakery-1", armConfiguration: #"{"stamps_per_card": 5}"#)
/// lab.giveConsent("bakery-1")
/// let plugin = try PluginTestHarness(pluginNamed: "StampCard", host: lab)
/// try plugin.activate("bakery-1")
/// let card = try plugin.call("bakery-1", action: "purchase", ["customer": "c1", "basket": 12.5, "receipt": "r1"])
/// #expect(lab.outcomes.count == 2)
/// ```
public final class PluginTestHarness: Sendable {
    /// The fake lab.
    public let host: InMemoryPluginHost
    /// The running plugin.
    public let instance: PluginInstance

    /// The loaded library and its manifest.
    public var binary: PluginBinary { instance.binary }

    /// Loads the library at `path` and creates the plugin with `configuration` (JSON text).
    public init(library path: String, host: InMemoryPluginHost = InMemoryPluginHost(), configuration: String = "{}")
        throws
    {
        self.host = host
        instance = try PluginInstance(binary: PluginLoader.load(path: path), services: host, configuration: configuration)
    }

    /// Loads `lib<name>.so` from the folder of the running test executable, where `swift build` puts products.
    public convenience init(pluginNamed name: String, host: InMemoryPluginHost = InMemoryPluginHost(), configuration: String = "{}")
        throws
    {
        try self.init(library: Self.libraryPath(named: name), host: host, configuration: configuration)
    }

    /// Where the build puts `lib<name>.so`: next to the running executable (the test bundle).
    public static func libraryPath(named name: String) -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        #if os(Linux)
        let file = "lib\(name).so"
        #else
        let file = "lib\(name).dylib"
        #endif
        return executable.deletingLastPathComponent().appendingPathComponent(file).path
    }

    /// Activates the plugin for a merchant, as the lab does when a trial starts.
    ///
    /// Refuses, with ``PluginCallError/Code/denied`` and the gate's reason, a merchant the lab
    /// would not activate: not enrolled, in another trial, in the control arm, without consent.
    public func activate(_ merchantID: String) throws {
        if let denial = host.denialReason(for: merchantID) {
            throw PluginCallError(
                .denied, denial: denial.code, message: "the lab would not activate the plugin: \(denial.message)",
                plugin: instance.identity)
        }
        guard let merchant = host.merchant(merchantID) else { return }
        try instance.activate(
            merchantID: merchantID, fields: merchant.fields, arm: merchant.arm, armConfiguration: merchant.armConfiguration)
    }

    /// Withdraws the merchant's consent now and deactivates the plugin for it, as the lab does.
    public func withdraw(_ merchantID: String) throws {
        host.withdrawConsent(merchantID)
        try instance.deactivate(merchantID: merchantID)
    }

    /// Sends a raw JSON request and returns the raw JSON response.
    public func callRaw(_ merchantID: String, _ request: String) throws -> String {
        try instance.handle(merchantID: merchantID, request: request)
    }

    /// Sends `{"action": action, ...body}` (with `"at"` when given) and returns the response object.
    ///
    /// Throws ``PluginCallError`` for the plugin's errors; use ``callRaw(_:_:)`` for responses that are not objects.
    public func call(_ merchantID: String, action: String, _ body: [String: Any] = [:], at: Date? = nil) throws
        -> [String: Any]
    {
        var request = body
        request["action"] = action
        if let at { request["at"] = at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        let data = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
        let response = try callRaw(merchantID, String(decoding: data, as: UTF8.self))
        let object = try JSONSerialization.jsonObject(with: Data(response.utf8), options: [.fragmentsAllowed])
        guard let members = object as? [String: Any] else {
            throw PluginCallError(
                .internal, message: "the response is not a JSON object (\(response)): use callRaw for it",
                plugin: instance.identity)
        }
        return members
    }

    /// Sends a request and decodes the response into `Response`.
    public func call<Response: Decodable>(
        _ merchantID: String, action: String, _ body: [String: Any] = [:], at: Date? = nil, as type: Response.Type
    ) throws -> Response {
        var request = body
        request["action"] = action
        if let at { request["at"] = at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        let data = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
        let response = try callRaw(merchantID, String(decoding: data, as: UTF8.self))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = ISO8601.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO-8601 date: \(text)")
            }
            return date
        }
        return try decoder.decode(Response.self, from: Data(response.utf8))
    }
}
