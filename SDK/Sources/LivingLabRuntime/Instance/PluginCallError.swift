import LivingLabPluginABI

/// Why a call into a plugin instance failed: the plugin's own error, a denial, or the runtime's refusal.
public struct PluginCallError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String

        /// The plugin found the request or configuration malformed.
        public static let invalid = Code(rawValue: "invalid")
        /// The plugin found nothing for what the request names.
        public static let notFound = Code(rawValue: "notFound")
        /// The consent gate denied a host call the plugin needed; ``PluginCallError/denial`` says why.
        public static let denied = Code(rawValue: "denied")
        /// The plugin failed.
        public static let `internal` = Code(rawValue: "internal")
        /// The runtime refused: the plugin is not active for that merchant.
        public static let notActive = Code(rawValue: "notActive")
        /// The plugin's worker process crashed or stopped answering (isolated mode).
        public static let crashed = Code(rawValue: "crashed")
        /// The plugin crashed too often and is marked failing (isolated mode).
        public static let failing = Code(rawValue: "failing")

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The consent-gate reason, when ``code`` is ``Code/denied``.
    public var denial: HostDenial.Code?
    /// The plugin's or the runtime's message.
    public var message: String
    /// The plugin that was called.
    public var plugin: PluginIdentity

    /// Creates a call error.
    public init(_ code: Code, denial: HostDenial.Code? = nil, message: String, plugin: PluginIdentity) {
        self.code = code
        self.denial = denial
        self.message = message
        self.plugin = plugin
    }

    /// The error a plugin's status code and message stand for.
    package init(status: Int32, message: String?, plugin: PluginIdentity) {
        let text = message ?? "the plugin returned status \(status) without a message"
        switch status {
        case LIVINGLAB_INVALID: self.init(.invalid, message: text, plugin: plugin)
        case LIVINGLAB_NOT_FOUND: self.init(.notFound, message: text, plugin: plugin)
        case 100..<200:
            self.init(.denied, denial: HostDenial.Code(status: status), message: text, plugin: plugin)
        case LIVINGLAB_INTERNAL: self.init(.internal, message: text, plugin: plugin)
        default: self.init(.internal, message: "unknown status \(status): \(text)", plugin: plugin)
        }
    }

    /// The plugin, the code and the message.
    public var description: String {
        let reason = denial.map { " (\($0))" } ?? ""
        return "\(plugin): \(code)\(reason): \(message)"
    }
}
