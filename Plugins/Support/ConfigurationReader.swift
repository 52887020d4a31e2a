import LivingLabPluginKit

/// Typed, defaulted access to a configuration object (the plugin's or an arm's).
package struct ConfigurationReader {
    /// The settings as given; an absent key means "use the default".
    package let values: [String: JSONValue]
    /// What the configuration is, for messages ("arm configuration").
    package let source: String

    /// Reads a configuration object; `null` counts as empty so every setting takes its default.
    package init(_ configuration: JSONValue, source: String) throws {
        switch configuration {
        case .object(let values): self.values = values
        case .null: self.values = [:]
        default:
            throw Rejection.badConfiguration("the \(source) must be a JSON object of settings; fix it in the protocol")
        }
        self.source = source
    }

    /// A whole-number setting, or `fallback` when absent; rejects values outside `range`, naming `meaning`.
    package func integer(
        _ key: String, default fallback: Int, in range: ClosedRange<Int>, meaning: String
    ) throws -> Int {
        guard let value = values[key], value != .null else { return fallback }
        guard case .number(let number) = value, number.rounded() == number,
            Double(range.lowerBound) <= number, number <= Double(range.upperBound)
        else {
            throw Rejection.badConfiguration(
                "\(source) key '\(key)' (\(meaning)) must be a whole number from \(range.lowerBound) to "
                    + "\(range.upperBound); fix it in the protocol's arm configuration")
        }
        return Int(number)
    }

    /// A whole-number setting that may be left out, checked against `range` when present.
    package func optionalInteger(_ key: String, in range: ClosedRange<Int>, meaning: String) throws -> Int? {
        guard let value = values[key], value != .null else { return nil }
        return try integer(key, default: range.lowerBound, in: range, meaning: meaning)
    }

    /// A true/false setting, or `fallback` when absent.
    package func bool(_ key: String, default fallback: Bool, meaning: String) throws -> Bool {
        guard let value = values[key], value != .null else { return fallback }
        guard case .bool(let flag) = value else {
            throw Rejection.badConfiguration(
                "\(source) key '\(key)' (\(meaning)) must be true or false; fix it in the protocol's arm configuration")
        }
        return flag
    }

    /// A text setting, or `fallback` when absent.
    package func string(_ key: String, default fallback: String, meaning: String) throws -> String {
        guard let value = values[key], value != .null else { return fallback }
        guard case .string(let text) = value else {
            throw Rejection.badConfiguration("\(source) key '\(key)' (\(meaning)) must be a string")
        }
        return text
    }
}
