/// JSON text for ``JSONValue`` without Foundation's coders: every request and response crosses the plugin boundary as
/// text, and at that rate a direct byte scanner is an order of magnitude cheaper than `JSONDecoder`/`JSONEncoder`.
extension JSONValue {
    /// Why a text is not JSON, with the byte offset where reading stopped.
    struct SyntaxError: Error, CustomStringConvertible {
        var offset: Int
        var problem: String
        var description: String { "invalid JSON at byte \(offset): \(problem)" }
    }

    /// An empty object with room for six members. Objects start as a copy of it: copying its storage on the first
    /// insert costs less than `init(minimumCapacity:)`, which looks up the storage's generic metadata every time
    /// (measured: 140 against 175 ns to create a two-member object).
    static let smallObject = [String: JSONValue](minimumCapacity: 4)

    /// Parses JSON text (RFC 8259).
    static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parse(bytes: $0) }
    }

    /// Parses JSON text given as UTF-8 bytes; invalid UTF-8 inside strings reads as U+FFFD, as `String(decoding:)` does.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        try reader.expectEnd()
        return value
    }

    /// Writes compact JSON text with object keys sorted, so equal values always give equal text.
    func write(into out: inout JSONTextWriter) {
        switch self {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .number(let number):
            if !number.isFinite {
                out.append("null")
            } else if number == number.rounded(), abs(number) < 9.007_199_254_740_992e15 {
                out.append(integer: Int64(number))
            } else {
                out.append(number.description)
            }
        case .string(let text): out.append(quoted: text)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            Self.write(members, into: &out)
        }
    }

    /// Writes an object's members in key order, sorting their dictionary positions in a temporary buffer (on the stack
    /// for small objects) rather than building an array of sorted keys and looking each one up again.
    private static func write(_ members: [String: JSONValue], into out: inout JSONTextWriter) {
        out.append(UInt8(ascii: "{"))
        let count = members.count
        if count > 0 {
            withUnsafeTemporaryAllocation(of: Dictionary<String, JSONValue>.Index.self, capacity: count) { buffer in
                var order = buffer
                var position = members.startIndex
                for slot in 0..<count {
                    (order.baseAddress! + slot).initialize(to: position)
                    members.formIndex(after: &position)
                }
                let keys = members.keys
                if count <= 16 {
                    // Insertion sort: the generic sort's set-up costs more than sorting a request's few members.
                    for slot in 1..<count {
                        let moving = order[slot]
                        var hole = slot
                        while hole > 0, keys[moving] < keys[order[hole - 1]] {
                            order[hole] = order[hole - 1]
                            hole -= 1
                        }
                        order[hole] = moving
                    }
                } else {
                    order.sort { keys[$0] < keys[$1] }
                }
                for slot in 0..<count {
                    if slot > 0 { out.append(UInt8(ascii: ",")) }
                    let member = members[order[slot]]
                    out.append(quoted: member.key)
                    out.append(UInt8(ascii: ":"))
                    member.value.write(into: &out)
                }
                order.deinitialize()
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        func error(_ problem: String) -> SyntaxError { SyntaxError(offset: index, problem: problem) }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func expect(_ literal: StaticString, _ value: JSONValue) throws -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count,
                  (0..<count).allSatisfy({ bytes[index + $0] == literal.utf8Start[$0] })
            else { throw error("expected \(literal)") }
            index += count
            return value
        }

        /// Fails unless only white space is left.
        mutating func expectEnd() throws {
            skipSpace()
            guard index == bytes.count else { throw error("unexpected text after the value") }
        }

        /// A member name as read: where its bytes lie, and its decoded text when it has escapes.
        struct MemberName {
            /// The bytes between the quotes.
            var range: Range<Int>
            /// The decoded text of a name with escapes; `nil` when the bytes are the text.
            var decoded: String?

            /// Whether the name is `literal`, compared byte for byte when it has no escapes.
            @inline(__always)
            func isEqual(to literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
                if let decoded { return decoded == literal.description }
                guard range.count == literal.utf8CodeUnitCount else { return false }
                // Names are short: a byte loop beats a call to memcmp.
                var offset = 0
                while offset < range.count {
                    if bytes[range.lowerBound + offset] != literal.utf8Start[offset] { return false }
                    offset += 1
                }
                return true
            }
        }

        func text(of name: MemberName) -> String {
            name.decoded ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[name.range]), as: UTF8.self)
        }

        /// Reads an object's `{`; `false` when the object is empty (its `}` is read too).
        mutating func beginObject() -> Bool {
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return true }
            index += 1
            return false
        }

        /// Reads a member's name and the `:` after it, leaving the reader at the value.
        mutating func memberName() throws -> MemberName {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let name: MemberName
            if let range = plainString() {
                name = MemberName(range: range, decoded: nil)
            } else {
                let start = index
                let decoded = try escapedString()
                name = MemberName(range: start + 1..<index - 1, decoded: decoded)
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipSpace()
            return name
        }

        /// Reads what follows a member's value: `true` after a `,`, `false` after the object's `}`.
        mutating func nextMember() throws -> Bool {
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of text in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                return true
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
            index += 1
            return false
        }

        /// Reads a member's value, taking the commonest kind, a string without escapes, without a call.
        @inline(__always)
        mutating func memberValue(depth: Int) throws -> JSONValue {
            if depth < 512, index < bytes.count, bytes[index] == UInt8(ascii: "\""), let range = plainString() {
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
            }
            return try value(depth: depth)
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 512 else { throw error("nested deeper than 512 levels") }
            guard index < bytes.count else { throw error("unexpected end of text") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard beginObject() else { return .object([:]) }
                // Most objects are small: one allocation for up to six members instead of growing from one.
                var members = JSONValue.smallObject
                repeat {
                    let name = try memberName()
                    members[text(of: name)] = try memberValue(depth: depth + 1)
                } while try nextMember()
                return .object(members)
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw error("unexpected end of text in an array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                    index += 1
                    return .array(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            default: return .number(try number())
            }
        }

        mutating func number() throws -> Double {
            let start = index
            // Fast path: a plain integer of up to 15 digits, read without building a String.
            var negative = false
            var cursor = index
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "-") {
                negative = true
                cursor += 1
            }
            var value: Int64 = 0
            var integerDigits = 0
            while cursor < bytes.count, bytes[cursor] >= UInt8(ascii: "0"), bytes[cursor] <= UInt8(ascii: "9"), integerDigits < 15 {
                value = value * 10 + Int64(bytes[cursor] - UInt8(ascii: "0"))
                cursor += 1
                integerDigits += 1
            }
            let followedByMore = cursor < bytes.count
                && (bytes[cursor] == UInt8(ascii: ".") || bytes[cursor] == UInt8(ascii: "e") || bytes[cursor] == UInt8(ascii: "E")
                    || (bytes[cursor] >= UInt8(ascii: "0") && bytes[cursor] <= UInt8(ascii: "9")))
            let leadingZero = integerDigits > 1 && bytes[start + (negative ? 1 : 0)] == UInt8(ascii: "0")
            if integerDigits > 0, !followedByMore, !leadingZero {
                index = cursor
                return Double(negative ? -value : value)
            }
            // The full grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
            func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9") }
            var i = start
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { throw error("expected a value") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                guard !isDigit(i) else { throw error("a number cannot start with 0 followed by digits") }
            } else {
                while isDigit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard isDigit(i) else { throw error("expected digits after the decimal point") }
                while isDigit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard isDigit(i) else { throw error("expected digits in the exponent") }
                while isDigit(i) { i += 1 }
            }
            guard let number = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)),
                  number.isFinite
            else { throw error("number out of range") }
            index = i
            return number
        }

        mutating func string() throws -> String {
            if let range = plainString() { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            return try escapedString()
        }

        /// Reads a string that has no escapes or control characters and returns the range of its bytes between the
        /// quotes; returns `nil` without moving when it has some, for ``escapedString()`` to read.
        mutating func plainString() -> Range<Int>? {
            let start = index + 1  // after the opening quote
            var end = start
            // Eight bytes at a time while eight remain: one load and a few integer operations find the first quote,
            // backslash or control byte, where a byte loop would take three unpredictable branches per byte.
            if let base = bytes.baseAddress {
                while end + 8 <= bytes.count {
                    let word = UInt64(littleEndian: UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self))
                    let special = Self.specialBytes(in: word)
                    if special != 0 {
                        end += special.trailingZeroBitCount / 8
                        break
                    }
                    end += 8
                }
            }
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
            index = end + 1
            return start..<end
        }

        /// A word whose lowest set bit falls in the first byte of `word` (in memory order) that is a quote, a backslash
        /// or a control character, or zero when there is none. Bits above the first such byte may be spurious.
        @inline(__always)
        static func specialBytes(in word: UInt64) -> UInt64 {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
            let quotes = zeroBytes(word ^ (ones &* UInt64(UInt8(ascii: "\""))))
            let backslashes = zeroBytes(word ^ (ones &* UInt64(UInt8(ascii: "\\"))))
            let controls = (word &- ones &* 0x20) & ~word & highs
            return quotes | backslashes | controls
        }

        /// Reads any string, decoding its escapes.
        mutating func escapedString() throws -> String {
            index += 1  // the opening quote
            var scalars: [UInt8] = []
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: scalars, as: UTF8.self)
                }
                guard byte >= 0x20 else { throw error("control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("lone surrogate in \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                    scalars.append(contentsOf: Array(String(scalar).utf8))
                default:
                    throw error("invalid escape \\\(Character(Unicode.Scalar(escaped)))")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("short \\u escape") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                code = code << 4 | digit
                index += 1
            }
            return code
        }
    }
}
