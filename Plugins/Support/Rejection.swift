import LivingLabPluginKit

/// The reasons a first-party plugin turns a request down.
///
/// The C boundary carries only a status (invalid, not found...) and a message, so the message starts with the
/// reason, `"slot-full: ..."`, for callers such as the street simulator that react to the reason.
package enum Rejection: String {
    case unknownAction = "unknown-action"
    case missingField = "missing-field"
    case invalidField = "invalid-field"
    case notFound = "not-found"
    case conflict = "conflict"
    case invalidTransition = "invalid-transition"
    case tooEarly = "too-early"
    case tooLate = "too-late"
    case badConfiguration = "bad-configuration"
    case outOfStock = "out-of-stock"
    case slotUnavailable = "slot-unavailable"
    case slotFull = "slot-full"
    case outOfRange = "out-of-range"

    /// The error to throw, with a message that tells the sender what to send instead.
    package func callAsFunction(_ message: String) -> PluginError {
        PluginError(self == .notFound ? .notFound : .invalid, "\(rawValue): \(message)")
    }
}
