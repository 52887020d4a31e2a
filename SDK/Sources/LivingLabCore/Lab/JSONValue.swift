import Foundation

/// A JSON value, for the free-form parts of the domain (arm configurations, audit details).
public enum JSONValue: Codable, Sendable, Hashable, CustomStringConvertible {
    /// How deep the value nests: 1 for a scalar or an empty collection's own level, counted without recursion.
    public var depth: Int {
        var deepest = 0
        var pending: [(JSONValue, Int)] = [(self, 1)]
        while let (value, level) = pending.popLast() {
            deepest = max(deepest, level)
            switch value {
            case .array(let items): for item in items { pending.append((item, level + 1)) }
            case .object(let members): for member in members.values { pending.append((member, level + 1)) }
            default: break
            }
        }
        return deepest
    }

    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }

    /// The member of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// Canonical JSON text: keys sorted, no insignificant white space, integers without a fraction.
    ///
    /// Two equal values always give the same text, which is what the audit hash chain needs.
    public var canonicalText: String {
        var out = ""
        writeCanonical(into: &out)
        return out
    }

    /// Appends the canonical text to `out`: one growing string rather than a string per member joined afterwards (the
    /// audit entry of every outcome batch is hashed over this text).
    public func writeCanonical(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number):
            if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
                out += String(Int64(number))
            } else {
                out += number.isFinite ? String(number) : "null"
            }
        case .string(let text): JSONValue.writeQuoted(text, into: &out)
        case .array(let array):
            out += "["
            for (index, item) in array.enumerated() {
                if index > 0 { out += "," }
                item.writeCanonical(into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, member) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out += "," }
                JSONValue.writeQuoted(member.key, into: &out)
                out += ":"
                member.value.writeCanonical(into: &out)
            }
            out += "}"
        }
    }

    public var description: String { canonicalText }

    /// Parses JSON text.
    ///
    /// - Throws: when the text is not JSON, or nests deeper than ``InputLimits/jsonDepth`` levels.
    public static func parse(_ text: String) throws(LabError) -> JSONValue {
        var reader = JSONReader(text)
        do throws(JSONReader.Failure) {
            return try reader.read()
        } catch {
            if error.reason.hasPrefix("nests deeper") {
                throw .invalid("This JSON nests deeper than \(InputLimits.jsonDepth) levels of [ and {: flatten it.")
            }
            throw .invalid("This is not valid JSON (at byte \(error.offset): \(error.reason)): \(text.prefix(80)). Check quotes, commas and braces.")
        }
    }

    /// Appends `text` as a JSON string. Most texts need no escape and are appended whole.
    static func writeQuoted(_ text: String, into out: inout String) {
        out += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
