import Foundation
import LivingLabPluginKit

// Small constructors for response documents, so handlers read as the JSON they return.

func json(_ text: String) -> JSONValue { .string(text) }

func json(_ number: Int) -> JSONValue { .number(Double(number)) }

func json(_ number: Double) -> JSONValue { .number(number) }

func json(_ flag: Bool) -> JSONValue { .bool(flag) }

func json(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

func json(_ date: Date?, _ clock: StreetClock) -> JSONValue { date.map { .string(clock.text($0)) } ?? .null }

/// Euros from cents, rounded to the cent so sums print as money.
func euros(_ cents: Int) -> Double { Double(cents) / 100 }
