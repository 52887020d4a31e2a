import Foundation

/// Reading a request from its wire form, `{"action": "...", "at": "...", ...}`, in one pass over the host's bytes.
///
/// Every plugin call goes through here, so `action` and `at` are recognised by their name's bytes as the members are
/// read and never enter the body's dictionary, and a plain `at` is read as a date where it lies in the text.
extension PluginRequest {
    /// The request's parts as the text gives them; a repeated name keeps its last value, as in any object.
    ///
    /// Plain stored properties rather than optionals of enums with payloads, so that reading a request copies no
    /// aggregate through generic value witnesses.
    struct WireParts {
        /// Where the `at` member's value was found.
        enum Stamp {
            /// No `at` member.
            case absent
            /// A string without escapes: the range of its bytes between the quotes.
            case plain(Range<Int>)
            /// Any other value.
            case value(JSONValue)
        }

        /// Whether the text is an object; when it is not, the other parts are empty.
        var isObject = true
        /// The `action` member when it is a string.
        var action: String?
        var at = Stamp.absent
        var body: [String: JSONValue] = [:]
    }

    /// Reads a request from the host's NUL-terminated text; `now` dates a request without `at` (or with `"at": null`).
    init(wire text: UnsafePointer<CChar>?, now: () -> Date) throws {
        let length = text.map { strlen($0) } ?? 0
        guard let text, length > 0 else { throw Self.notAnObject(.null) }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: length)
        try self.init(wire: bytes, now: now)
    }

    /// Reads a request from the UTF-8 bytes of its text.
    init(wire bytes: UnsafeBufferPointer<UInt8>, now: () -> Date) throws {
        let parts: WireParts
        do {
            parts = try Self.parts(of: bytes)
        } catch {
            throw PluginError.invalid("the request is not valid JSON: \(String(decoding: bytes, as: UTF8.self))")
        }
        guard parts.isObject else { throw Self.notAnObject(try JSONValue.parse(bytes: bytes)) }
        guard let action = parts.action, !action.isEmpty else {
            throw PluginError.invalid("the request has no \"action\" string: add one, e.g. {\"action\": \"status\"}")
        }
        let at: Date
        switch parts.at {
        case .absent, .value(.null):
            at = now()
        case .plain(let range):
            let stamp = UnsafeBufferPointer(rebasing: bytes[range])
            if let date = PluginJSON.fastParseDate(bytes: stamp) {
                at = date
            } else {
                at = try Self.date(.string(String(decoding: stamp, as: UTF8.self)))
            }
        case .value(let stamp):
            at = try Self.date(stamp)
        }
        self.init(action: action, body: .object(parts.body), at: at)
    }

    /// The parts of a request object; `isObject` is `false` when the text is JSON but not an object.
    static func parts(of bytes: UnsafeBufferPointer<UInt8>) throws -> WireParts {
        var reader = JSONValue.Reader(bytes: bytes)
        var parts = WireParts()
        reader.skipSpace()
        guard reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "{") else {
            _ = try reader.value(depth: 0)
            try reader.expectEnd()
            parts.isObject = false
            return parts
        }
        if reader.beginObject() {
            repeat {
                let name = try reader.memberName()
                if name.isEqual(to: "action", in: bytes) {
                    parts.action = try reader.memberValue(depth: 1).string
                } else if name.isEqual(to: "at", in: bytes) {
                    if reader.index < bytes.count, bytes[reader.index] == UInt8(ascii: "\""), let range = reader.plainString() {
                        parts.at = .plain(range)
                    } else {
                        parts.at = .value(try reader.value(depth: 1))
                    }
                } else {
                    if parts.body.isEmpty { parts.body = JSONValue.smallObject }
                    parts.body[reader.text(of: name)] = try reader.memberValue(depth: 1)
                }
            } while try reader.nextMember()
        }
        try reader.expectEnd()
        return parts
    }

    private static func date(_ stamp: JSONValue) throws -> Date {
        guard let text = stamp.string, let date = PluginJSON.parseDate(text) else {
            throw PluginError.invalid("\"at\" must be an ISO-8601 date such as 2026-05-04T10:00:00Z, got \(stamp.jsonText)")
        }
        return date
    }

    private static func notAnObject(_ wire: JSONValue) -> PluginError {
        PluginError.invalid("a request must be a JSON object such as {\"action\": \"...\"}, got \(wire.jsonText)")
    }
}
