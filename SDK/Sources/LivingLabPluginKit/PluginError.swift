/// An error a plugin throws from a handler; the host receives its code and message.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; maps to a status code of the C ABI.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String

        /// The request is malformed, misses a field or names an unknown action.
        public static let invalid = Code(rawValue: "invalid")
        /// The thing asked for does not exist (an order, a slot).
        public static let notFound = Code(rawValue: "notFound")
        /// The consent gate refused something the request needed.
        public static let denied = Code(rawValue: "denied")
        /// Anything else; the message should say what the operator can do.
        public static let `internal` = Code(rawValue: "internal")

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A message for the caller that says what went wrong and what to do.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A malformed request: say which field and what was expected.
    public static func invalid(_ message: String) -> PluginError { PluginError(.invalid, message) }
    /// Something the request names does not exist.
    public static func notFound(_ message: String) -> PluginError { PluginError(.notFound, message) }
    /// An internal failure.
    public static func `internal`(_ message: String) -> PluginError { PluginError(.internal, message) }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}

/// An error a host call returned: a consent denial, an invalid argument, a missing key.
///
/// Host calls never crash the plugin; they throw this. A denial is counted by the lab.
public struct HostError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String

        /// The consent gate refused the call; ``HostError/reason`` says why.
        public static let denied = Code(rawValue: "denied")
        /// An argument was malformed (an undeclared metric, bad JSON).
        public static let invalid = Code(rawValue: "invalid")
        /// Nothing is stored there.
        public static let notFound = Code(rawValue: "notFound")
        /// The host failed; retrying later may help.
        public static let `internal` = Code(rawValue: "internal")

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// Why the consent gate refused a call (invariant 7 of the lab).
    public enum DenialReason: Int32, Sendable, CaseIterable {
        /// Denied without a more specific reason.
        case unspecified = 100
        /// The merchant has not consented.
        case notConsented = 101
        /// The merchant withdrew consent.
        case withdrawn = 102
        /// The merchant is not enrolled in a trial.
        case notEnrolled = 103
        /// The merchant is in the control arm.
        case controlArm = 104
        /// The merchant is in a trial of another plugin.
        case otherTrial = 105
        /// The merchant's consent does not cover that data category.
        case categoryNotAllowed = 106
        /// The plugin is not active for that merchant.
        case notActive = 107
        /// The merchant's consent expired.
        case expired = 108
        /// The protocol was materially amended and the merchant has not renewed their consent.
        case versionNotCovered = 109
        /// The merchant's consent does not cover the purpose of the call.
        case purposeNotCovered = 110
    }

    /// The kind of failure.
    public var code: Code
    /// Why a call was denied; `nil` unless ``code`` is ``Code/denied``.
    public var reason: DenialReason?
    /// The host's message.
    public var message: String

    /// Creates a host error.
    public init(code: Code, reason: DenialReason? = nil, message: String) {
        self.code = code
        self.reason = reason
        self.message = message
    }

    /// Whether the consent gate refused the call.
    public var isDenied: Bool { code == .denied }

    /// The code, the reason and the message.
    public var description: String {
        if let reason { return "\(code) (\(reason)): \(message)" }
        return "\(code): \(message)"
    }
}
