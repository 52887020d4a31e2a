import LivingLabPluginKit

/// Typed access to the fields of a request body, rejecting bad input with a message that shows what to send.
package struct RequestBody {
    /// Where these fields sit in the request, for messages ("items[2]"); empty at the top level.
    package let path: String
    /// The fields by name, as sent.
    package let fields: [String: JSONValue]

    /// Reads the body of a request; a missing (`null`) body counts as having no fields.
    package init(_ request: PluginRequest) throws {
        switch request.body {
        case .object(let fields): self.init(fields: fields, path: "")
        case .null: self.init(fields: [:], path: "")
        default:
            throw Rejection.invalidField(
                "the body of '\(request.action)' must be a JSON object of named fields, "
                    + "e.g. {\"action\": \"\(request.action)\", ...}"
            )
        }
    }

    /// Reads nested fields found at `path`, so messages name where they sit.
    package init(fields: [String: JSONValue], path: String) {
        self.fields = fields
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func value(_ key: String, hint: String) throws -> JSONValue {
        guard let value = fields[key], value != .null else {
            throw Rejection.missingField("missing field '\(name(key))': send \(hint)")
        }
        return value
    }

    /// Whether the field was sent with a value other than `null`.
    package func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    /// A required, non-empty text field; `hint` shows the sender what to send.
    package func string(_ key: String, hint: String) throws -> String {
        guard case .string(let text) = try value(key, hint: hint), !text.isEmpty else {
            throw Rejection.invalidField("field '\(name(key))' must be a non-empty string: send \(hint)")
        }
        return text
    }

    /// A text field that may be left out, non-empty when present.
    package func optionalString(_ key: String, hint: String) throws -> String? {
        has(key) ? try string(key, hint: hint) : nil
    }

    /// An optional value of a string-backed enumeration, such as a status filter; an unknown value is refused with
    /// `hint`.
    package func optionalCase<Value: RawRepresentable<String>>(_ key: String, as type: Value.Type, hint: String) throws
        -> Value?
    {
        try optionalString(key, hint: hint).map { text in
            guard let value = Value(rawValue: text) else {
                throw Rejection.invalidField("unknown \(name(key)) '\(text)': send \(hint)")
            }
            return value
        }
    }

    /// An optional id chosen by the caller (an order or booking reference): 1 to 64 visible characters, so it
    /// can name a stored record.
    package func optionalIdentifier(_ key: String, hint: String) throws -> String? {
        guard let id = try optionalString(key, hint: hint) else { return nil }
        let visible = id.allSatisfy { $0.isLetter || $0.isNumber || $0.isPunctuation || $0.isSymbol }
        guard id.count <= 64, visible else {
            throw Rejection.invalidField(
                "'\(name(key))' must be 1 to 64 characters without spaces, such as \"web-1234\": send \(hint)")
        }
        return id
    }

    /// A required whole number within `range`.
    package func integer(
        _ key: String, hint: String, in range: ClosedRange<Int> = 0...Int(Int32.max)
    ) throws -> Int {
        let raw = try value(key, hint: hint)
        guard case .number(let number) = raw, number.rounded() == number,
            Double(range.lowerBound) <= number, number <= Double(range.upperBound)
        else {
            throw Rejection.invalidField(
                "field '\(name(key))' must be a whole number from \(range.lowerBound) to \(range.upperBound): send \(hint)"
            )
        }
        return Int(number)
    }

    /// A whole number that may be left out, within `range` when present.
    package func optionalInteger(
        _ key: String, hint: String, in range: ClosedRange<Int> = 0...Int(Int32.max)
    ) throws -> Int? {
        has(key) ? try integer(key, hint: hint, in: range) : nil
    }

    /// A required number, whole or not, within `range`.
    package func number(_ key: String, hint: String, in range: ClosedRange<Double>) throws -> Double {
        guard case .number(let number) = try value(key, hint: hint), range.contains(number) else {
            throw Rejection.invalidField(
                "field '\(name(key))' must be a number from \(range.lowerBound) to \(range.upperBound): send \(hint)")
        }
        return number
    }

    /// A true/false field that may be left out.
    package func optionalBool(_ key: String, hint: String) throws -> Bool? {
        guard has(key) else { return nil }
        guard case .bool(let flag) = fields[key] else {
            throw Rejection.invalidField("field '\(name(key))' must be true or false: send \(hint)")
        }
        return flag
    }

    /// The objects of an array field, each readable as a body of its own.
    package func objects(_ key: String, hint: String) throws -> [RequestBody] {
        guard case .array(let items) = try value(key, hint: hint) else {
            throw Rejection.invalidField("field '\(name(key))' must be an array: send \(hint)")
        }
        return try items.enumerated().map { index, item in
            guard case .object(let fields) = item else {
                throw Rejection.invalidField("'\(name(key))[\(index)]' must be an object: send \(hint)")
            }
            return RequestBody(fields: fields, path: "\(name(key))[\(index)]")
        }
    }

    /// A required array of strings.
    package func strings(_ key: String, hint: String) throws -> [String] {
        guard case .array(let items) = try value(key, hint: hint) else {
            throw Rejection.invalidField("field '\(name(key))' must be an array of strings: send \(hint)")
        }
        return try items.enumerated().map { index, item in
            guard case .string(let text) = item else {
                throw Rejection.invalidField("'\(name(key))[\(index)]' must be a string: send \(hint)")
            }
            return text
        }
    }

    /// The raw value of a field, for readers of nested structures.
    package func raw(_ key: String, hint: String) throws -> JSONValue {
        try value(key, hint: hint)
    }
}
