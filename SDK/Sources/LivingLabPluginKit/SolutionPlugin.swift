import Foundation

/// A solution plugin: the one type a plugin author writes.
///
/// Write a `final class`, give it a ``manifest``, and export it with one line at file scope:
///
/// ```swift
/// @_cdecl("livinglab_plugin_entry")
/// public func livinglabPluginEntry() -> PluginEntryPoint { export(StampCard.self) }
/// ```
///
/// The host may be a short-lived process that creates the plugin, activates one merchant,
/// handles one request and exits: keep durable state in ``PluginHost/storage(merchantID:)``,
/// not in properties. The host calls an instance from one thread at a time.
public protocol SolutionPlugin: AnyObject, Sendable {
    /// What the plugin is, the metrics it logs and the data it needs.
    static var manifest: PluginManifest { get }

    /// Creates the plugin with the host's services and the plugin's configuration (`{}` when none).
    init(host: PluginHost, configuration: JSONValue) throws

    /// Starts serving a merchant who consented and sits in a treatment arm.
    func activate(_ merchant: MerchantContext) throws

    /// Answers a request for an active merchant with a JSON response.
    ///
    /// Throw a ``PluginError`` to answer with an error code and a message; a ``HostError``
    /// thrown by a host call passes through with its code (a consent denial stays a denial).
    func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue

    /// Stops serving a merchant: consent withdrawn, trial paused or stopped.
    func deactivate(merchantID: String) throws
}

extension SolutionPlugin {
    /// Nothing to prepare by default: the merchant's context arrives with every request.
    public func activate(_ merchant: MerchantContext) throws {}

    /// Nothing to release by default.
    public func deactivate(merchantID: String) throws {}
}

/// An active merchant as the plugin sees it: only what the merchant's consent allows.
public struct MerchantContext: Sendable {
    /// The merchant's identifier in the lab.
    public let merchantID: String
    /// The fields the merchant's consent lets this plugin read (`"sector"`, `"segment"`...).
    public let fields: [String: String]
    /// The name of the merchant's arm in the trial.
    public let arm: String
    /// The arm's configuration: what makes this arm behave differently.
    public let configuration: JSONValue

    /// Describes an active merchant; the SDK builds these, tests may too.
    public init(merchantID: String, fields: [String: String], arm: String, configuration: JSONValue) {
        self.merchantID = merchantID
        self.fields = fields
        self.arm = arm
        self.configuration = configuration
    }
}

/// A request addressed to a plugin for one merchant.
///
/// Wire form: `{"action": "place_order", "at": "2026-05-04T10:00:00Z", ...}` where `at` is
/// optional (default: the host's clock) and every other member is the ``body``.
public struct PluginRequest: Sendable {
    /// What the caller asks for: `"place_order"`, `"book"`.
    public let action: String
    /// The request's other members, as an object.
    public let body: JSONValue
    /// When the request happens, in the host's time (simulated time in a simulation).
    public let at: Date

    /// Describes a request; the SDK builds these from the wire form, tests may too.
    public init(action: String, body: JSONValue = [:], at: Date) {
        self.action = action
        self.body = body
        self.at = at
    }

    /// Decodes the body into a `Decodable` type, or throws an `invalid` ``PluginError`` naming the action.
    public func decodeBody<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try body.decode(T.self)
        } catch {
            throw PluginError.invalid("the body of \"\(action)\" does not match what it expects: \(error)")
        }
    }
}
