import FirstPartyPluginSupport
import Foundation
import LivingLabPluginKit

/// Instants as ISO-8601 in UTC: deliveries are not tied to shop hours, so no local calendar is needed.
func json(_ date: Date?) -> JSONValue {
    date.map { .string($0.formatted(Date.ISO8601FormatStyle())) } ?? .null
}
