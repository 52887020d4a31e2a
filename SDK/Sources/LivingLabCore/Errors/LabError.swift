/// An error that explains itself: what went wrong, and what to do about it.
///
/// Every user-facing failure in LivingLab is a `LabError`. The CLI maps ``Code/isUserError`` to
/// exit code 1 (and anything else to 2); the HTTP API maps the code to a status and a JSON problem body.
public struct LabError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes may be added in any release.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Input that does not follow the expected form (a malformed value, file or expression).
        public static let invalidInput = Code("invalid-input")
        /// Something named by the request does not exist.
        public static let notFound = Code("not-found")
        /// The request clashes with what is already stored (a duplicate id, a re-assignment).
        public static let conflict = Code("conflict")
        /// A domain rule forbids the request (an illegal state change, a conflict of interest).
        public static let ruleViolation = Code("rule-violation")
        /// The consent gate refused: no active consent covers the request.
        public static let consentDenied = Code("consent-denied")
        /// The request carries no valid credential: no token, an unknown one, an expired or a revoked one.
        public static let unauthenticated = Code("unauthenticated")
        /// The caller is known, but their role may not do this.
        public static let forbidden = Code("forbidden")
        /// The audit chain does not verify.
        public static let auditBroken = Code("audit-broken")
        /// The lab cannot do it now, for a reason outside the request: the database is busy beyond its timeout, read-only,
        /// or its disk is full. Trying again later, or fixing the machine, helps; nothing was stored.
        public static let unavailable = Code("unavailable")
        /// A bug, not the user's input nor the machine's state.
        public static let internalError = Code("internal")

        /// Whether the user can act on this (CLI exit code 1: change the input, try again, fix a permission) rather
        /// than a bug (2).
        public var isUserError: Bool { self != .internalError }
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence that says what was wrong and how to fix it.
    public var message: String
    /// The lower-level error this one wraps, if any, as text.
    public var underlying: String?

    /// Creates an error with a code, a message that says how to fix it, and an optional underlying cause.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying.map { String(describing: $0) }
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }
}

extension LabError {
    /// An `invalid-input` error.
    public static func invalid(_ message: String) -> LabError { LabError(.invalidInput, message) }
    /// A `not-found` error.
    public static func notFound(_ message: String) -> LabError { LabError(.notFound, message) }
    /// A `conflict` error.
    public static func conflict(_ message: String) -> LabError { LabError(.conflict, message) }
    /// A `rule-violation` error.
    public static func rule(_ message: String) -> LabError { LabError(.ruleViolation, message) }
}
