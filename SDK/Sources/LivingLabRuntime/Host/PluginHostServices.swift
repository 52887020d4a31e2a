import Foundation
import LivingLabCore

/// The lab's side of every host function a plugin can call: the consent gate (invariant 7).
///
/// The runtime validates what the plugin sends (JSON shape, declared metric and unit) and then
/// asks this protocol. An implementation answers each call only for merchants enrolled in the
/// plugin's trial, in a treatment arm, with active consent, and only with the data categories
/// that consent allows; otherwise it returns a ``HostDenial`` and counts it.
///
/// Calls arrive on the thread of the plugin call that makes them, possibly several instances
/// at once: implementations must be thread-safe and must not call back into the same
/// ``PluginInstance`` (its calls are serialised).
public protocol PluginHostServices: Sendable {
    /// Stores an outcome the plugin logged; logging the same idempotency key again stores nothing new.
    func logOutcome(_ outcome: PluginOutcome, from plugin: PluginIdentity) -> Result<Void, HostDenial>
    /// The fields of the merchant that the merchant's consent lets the plugin read.
    func merchantFields(_ merchantID: String, for plugin: PluginIdentity) -> Result<[String: String], HostDenial>
    /// The merchant's arm configuration, as JSON text.
    func armConfiguration(_ merchantID: String, for plugin: PluginIdentity) -> Result<String, HostDenial>
    /// The JSON text stored under `key` for the plugin, scoped by merchant (`nil` = plugin-wide), or `nil`.
    func storageGet(_ key: String, merchantID: String?, for plugin: PluginIdentity) -> Result<String?, HostDenial>
    /// Stores JSON text under `key`, or removes the key when `value` is `nil`.
    func storageSet(_ key: String, value: String?, merchantID: String?, for plugin: PluginIdentity)
        -> Result<Void, HostDenial>
    /// The lab's current time (simulated time in a simulation).
    func now() -> Date
    /// Writes a plugin's log line to the lab's log.
    func log(_ level: PluginLogLevel, _ message: String, from plugin: PluginIdentity)
}

/// Who is calling: the plugin's id, version and firm from its manifest.
public struct PluginIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The plugin's reverse-DNS id.
    public var id: String
    /// The plugin's semantic version.
    public var version: String
    /// The firm that ships it.
    public var firm: String

    /// Names a plugin.
    public init(id: String, version: String, firm: String) {
        self.id = id
        self.version = version
        self.firm = firm
    }

    /// `id@version`.
    public var description: String { "\(id)@\(version)" }
}

/// An outcome a plugin logged, checked by the runtime against the plugin's manifest.
public struct PluginOutcome: Sendable, Hashable, Codable {
    /// The merchant the outcome is about.
    public var merchantID: String
    /// A metric the manifest declares.
    public var metric: String
    /// The measured value (finite).
    public var value: Double
    /// The metric's unit, as declared.
    public var unit: String
    /// When it happened, as the plugin says; `nil` means the host's clock at the call.
    public var at: Date?
    /// The plugin's key for this outcome; the same key is stored once.
    public var idempotencyKey: String

    /// Describes an outcome.
    public init(merchantID: String, metric: String, value: Double, unit: String, at: Date? = nil, idempotencyKey: String) {
        self.merchantID = merchantID
        self.metric = metric
        self.value = value
        self.unit = unit
        self.at = at
        self.idempotencyKey = idempotencyKey
    }
}

/// The level of a plugin's log line.
public enum PluginLogLevel: Int32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Detail for the plugin's authors.
    case debug = 0
    /// Normal operation.
    case info = 1
    /// Something unusual the plugin recovered from.
    case warning = 2
    /// Something failed.
    case error = 3

    /// The level's name.
    public var description: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }
}

/// A host call the lab refused, with the reason the plugin sees as a status code.
public struct HostDenial: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the call was refused. The consent-gate codes map to `LIVINGLAB_DENIED_*`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String
        /// The status the plugin receives.
        public let status: Int32

        /// Creates a code; new consent-gate reasons take a status in 100...199.
        public init(rawValue: String, status: Int32) {
            self.rawValue = rawValue
            self.status = status
        }

        /// A consent-gate denial: the lab's one spelling of the reason (`not-consented`…) and its ABI status.
        public init(_ reason: DenialReason) {
            self.init(rawValue: reason.rawValue, status: reason.abiStatus)
        }

        /// The consent-gate reason, when this is a denial.
        public var reason: DenialReason? { DenialReason(rawValue: rawValue) }

        /// The merchant has not consented to the trial's protocol.
        public static let notConsented = Code(.notConsented)
        /// The merchant withdrew consent.
        public static let withdrawn = Code(.withdrawn)
        /// The merchant's consent expired.
        public static let expired = Code(.expired)
        /// A material amendment needs the merchant's renewed consent.
        public static let versionNotCovered = Code(.versionNotCovered)
        /// The merchant's consent does not cover the purpose of the call.
        public static let purposeNotCovered = Code(.purposeNotCovered)
        /// The merchant is not enrolled in the plugin's trial.
        public static let notEnrolled = Code(.notEnrolled)
        /// The merchant is in the control arm: the plugin must not see it.
        public static let controlArm = Code(.controlArm)
        /// The merchant is in a trial of another plugin.
        public static let otherTrial = Code(.otherTrial)
        /// The protocol does not allow that data category.
        public static let categoryNotAllowed = Code(.categoryNotAllowed)
        /// The plugin is not active for the merchant (trial paused or stopped).
        public static let notActive = Code(.notActive)
        /// The call's arguments are wrong (undeclared metric, bad JSON).
        public static let invalid = Code(rawValue: "invalid", status: 1)
        /// The lab failed; not the plugin's fault.
        public static let `internal` = Code(rawValue: "internal", status: 3)

        /// The consent-gate reasons, for counting and reporting.
        public static let consentGateCodes: [Code] = DenialReason.allCases.map(Code.init)

        /// The code for a status a plugin received, if it is a known one.
        public init?(status: Int32) {
            guard let code = (Self.consentGateCodes + [.invalid, .internal]).first(where: { $0.status == status }) else {
                return nil
            }
            self = code
        }

        /// Whether this is a consent-gate denial rather than an argument or lab error.
        public var isConsentDenial: Bool { (100..<200).contains(status) }

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// Why the call was refused.
    public var code: Code
    /// A message for the plugin's authors.
    public var message: String

    /// Creates a denial.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(code): \(message)" }
}
