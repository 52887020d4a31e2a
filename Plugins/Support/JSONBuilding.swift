import Foundation
import LivingLabPluginKit

// Small constructors for response documents, so handlers read as the JSON they return.

/// A JSON string.
package func json(_ text: String) -> JSONValue { .string(text) }

/// A JSON number from a whole number.
package func json(_ number: Int) -> JSONValue { .number(Double(number)) }

/// A JSON number.
package func json(_ number: Double) -> JSONValue { .number(number) }

/// A JSON boolean.
package func json(_ flag: Bool) -> JSONValue { .bool(flag) }

/// A JSON string, or `null` when there is no text.
package func json(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

/// An instant in the street's local time with its offset, or `null`, for plugins that keep shop hours.
///
/// Plugins not tied to shop hours write instants their own way (LocalDelivery writes UTC), so they define
/// their own one-argument `json(_: Date?)` instead.
package func json(_ date: Date?, _ clock: StreetClock) -> JSONValue { date.map { .string(clock.text($0)) } ?? .null }

/// Euros from cents, so amounts print as money rather than as a count of cents.
package func euros(_ cents: Int) -> Double { Double(cents) / 100 }
