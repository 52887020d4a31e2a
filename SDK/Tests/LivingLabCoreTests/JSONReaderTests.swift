import Foundation
import LivingLabCore
import Testing

/// `JSONValue.parse` reads JSON itself, byte by byte; Foundation's decoder is the reference it must agree with.
@Suite("Reading JSON text")
struct JSONReaderTests {
    static func reference(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static let valid = [
        "null", "true", "false", "0", "-0", "12", "-3.25", "1e3", "2.5E-2", "1E+2", "\"\"", "\"abc\"",
        #""é ü 日本 🥐""#, #""\u00e9\u65e5\ud83e\udd50""#, #""a\"b\\c\/d\b\f\n\r\t""#, "[]", "{}", " [ 1 , 2 ] ",
        #"{"action": "echo", "text": "bonjour", "n": 41}"#, #"{"a": {"b": [1, {"c": null}, "x"]}, "d": true}"#,
        #"[[[[[]]]]]"#, "\n\t{\"k\" :\r\n [true,false]}\n", #"{"n": 12345678901234567890}"#, #"{"k": 1, "k": 2}"#,
    ]
    static let invalid = [
        "", " ", "nul", "tru", "01", "-", "1.", ".5", "1e", "+1", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "{a: 1}",
        "\"open", "\"\\x\"", "\"\\u12\"", "\"\\ud83e\"", "\"\\udd50\"", "\"tab\there\"", "[1]]", "{} {}", "NaN", "1e999",
        "[", "{", "'single'",
    ]

    @Test("valid JSON reads as Foundation reads it", arguments: valid)
    func agreesOnValid(_ text: String) throws {
        let expected = try #require(Self.reference(text), "the reference refuses \(text)")
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test("invalid JSON is refused, saying where", arguments: invalid)
    func refusesInvalid(_ text: String) {
        let error = #expect(throws: LabError.self) { try JSONValue.parse(text) }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.contains("not valid JSON (at byte") == true, "\(error?.message ?? "")")
    }

    @Test("random values read back as written, and as Foundation reads them")
    func randomRoundTrips() throws {
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let text = value.canonicalText
            #expect(try JSONValue.parse(text) == Self.reference(text), "\(text)")
            let pretty = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
            #expect(try JSONValue.parse(pretty) == Self.reference(pretty), "\(pretty)")
        }
    }

    @Test("nesting beyond the limit is refused before it recurses")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: InputLimits.jsonDepth) + String(repeating: "]", count: InputLimits.jsonDepth)
        #expect(try JSONValue.parse(deep).depth == InputLimits.jsonDepth)
        let deeper = String(repeating: "[", count: 100_000)
        let error = #expect(throws: LabError.self) { try JSONValue.parse(deeper) }
        #expect(error?.message.contains("deeper than \(InputLimits.jsonDepth)") == true)
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let pick = depth > 4 ? Int.random(in: 0..<4, using: &generator) : Int.random(in: 0..<6, using: &generator)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2:
            let number = Bool.random(using: &generator) ? Double(Int.random(in: -1_000_000...1_000_000, using: &generator))
                : Double.random(in: -1e6...1e6, using: &generator)
            return .number(number)
        case 3:
            let alphabet = Array("aé\"\\/\n\t😀 z0\u{1}")
            return .string(String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        case 4: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0...4, using: &generator) { members["k\(index)"] = randomValue(depth: depth + 1, using: &generator) }
            return .object(members)
        }
    }
}

/// A reproducible random source (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
