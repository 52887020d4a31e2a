import Foundation
import LivingLabPluginKit

// Small constructors for response documents, so handlers read as the JSON they return.

func json(_ text: String) -> JSONValue { .string(text) }

func json(_ number: Int) -> JSONValue { .number(Double(number)) }

func json(_ number: Double) -> JSONValue { .number(number) }

func json(_ flag: Bool) -> JSONValue { .bool(flag) }

func json(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

/// Instants as ISO-8601 in UTC: deliveries are not tied to shop hours, so no local calendar is needed.
func json(_ date: Date?) -> JSONValue {
    date.map { .string($0.formatted(Date.ISO8601FormatStyle())) } ?? .null
}

/// Euros from cents.
func euros(_ cents: Int) -> Double { Double(cents) / 100 }
