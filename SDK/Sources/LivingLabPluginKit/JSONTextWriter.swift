#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growing byte buffer that JSON text is written into, allocated with `malloc`.
///
/// A response leaves the plugin as a `malloc`ed C string that the host frees with the descriptor's `free`, so writing
/// into a `malloc`ed buffer and handing that buffer out saves a copy on every call. Not copyable: exactly one owner
/// frees the buffer or hands it on.
struct JSONTextWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    /// An empty buffer with room for `capacity` bytes; most responses fit in the default.
    init(capacity: Int = 256) {
        self.capacity = Swift.max(capacity, 16)
        start = Self.allocate(self.capacity)
    }

    deinit { free(start) }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        guard let raw = malloc(capacity) else { fatalError("out of memory writing \(capacity) bytes of JSON") }
        return raw.bindMemory(to: UInt8.self, capacity: capacity)
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: extra) }
    }

    @inline(never)
    private mutating func grow(toHold extra: Int) {
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        guard let raw = realloc(start, newCapacity) else { fatalError("out of memory writing \(newCapacity) bytes of JSON") }
        start = raw.bindMemory(to: UInt8.self, capacity: newCapacity)
        capacity = newCapacity
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        start[count] = byte
        count += 1
    }

    mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (start + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Writes an integer in decimal, as `String(value)` would, without building the String.
    mutating func append(integer value: Int64) {
        reserve(20)
        if value < 0 {
            start[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        var digits = 1
        var rest = magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        var cursor = start + count + digits - 1
        for _ in 0..<digits {
            cursor.pointee = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            cursor -= 1
        }
        count += digits
    }

    /// Writes `text` as a JSON string: quoted, with `"`, `\` and control characters escaped.
    mutating func append(quoted text: String) {
        var text = text
        text.withUTF8 { utf8 in
            // Most strings need no escaping: copy them whole, quotes included, with one capacity check.
            reserve(utf8.count + 2)
            start[count] = UInt8(ascii: "\"")
            let destination = start + count + 1
            var plain = 0
            // Copied while scanned: strings are short, and a call to memmove would cost more than the loop.
            while plain < utf8.count {
                let byte = utf8[plain]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                destination[plain] = byte
                plain += 1
            }
            count += 1 + plain
            if plain < utf8.count {
                for byte in utf8[plain...] { appendEscaped(byte) }
                append(UInt8(ascii: "\""))
            } else {
                start[count] = UInt8(ascii: "\"")
                count += 1
            }
        }
    }

    /// One byte of a string's UTF-8; bytes of multi-byte scalars are all ≥ 0x80 and pass through unchanged.
    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case UInt8(ascii: "\n"): append("\\n")
        case UInt8(ascii: "\r"): append("\\r")
        case UInt8(ascii: "\t"): append("\\t")
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            append("\\u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0xF)])
        default: append(byte)
        }
    }

    /// The text as a String; the buffer is freed.
    consuming func string() -> String {
        String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// The text as a NUL-terminated C string that the caller now owns and frees with `free`.
    consuming func cString() -> UnsafeMutablePointer<CChar> {
        append(0)
        let text = UnsafeMutableRawPointer(start).bindMemory(to: CChar.self, capacity: count)
        discard self
        return text
    }
}
