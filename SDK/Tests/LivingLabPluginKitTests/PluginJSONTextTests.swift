import Foundation
@testable import LivingLabPluginKit
import Testing

@Suite("The SDK's JSON text, as requests and responses cross the boundary")
struct PluginJSONTextTests {
    @Test("parses what Foundation parses, escapes and surrogate pairs included, and writes it back with sorted keys")
    func roundTrip() throws {
        let text = #"{"b": [1, 2.5, -3e2, true, false, null], "a": "é\"\\\n\t\u00e9\ud83d\ude00/", "c": {"z": {}, "y": []}}"#
        let value = try JSONValue(parsing: text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value == foundation)
        #expect(value["a"]?.string == "é\"\\\n\té😀/")
        #expect(value.jsonText == #"{"a":"é\"\\\n\té😀/","b":[1,2.5,-300,true,false,null],"c":{"y":[],"z":{}}}"#)
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }

    @Test("reads numbers as Foundation does, on the integer fast path and off it",
          arguments: ["0", "-0", "42", "-17", "123456789012345", "12345678901234567890", "1.5", "-2.5e3", "1E2", "0.001"])
    func numbers(_ text: String) throws {
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data("[\(text)]".utf8))
        #expect(try JSONValue(parsing: "[\(text)]") == foundation)
    }

    @Test("refuses malformed text with the offset where it stopped", arguments: [
        "{\"a\": 1,}", "[1 2]", "[01]", "[-]", "[1.]", "{\"a\" 1}", "\"unterminated", "tru", "01x", "{\"a\": 1} extra", "\"\\q\"", "",
    ])
    func malformed(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }

    @Test("reads request timestamps as Foundation does, offsets and fractions included, and refuses impossible days",
          arguments: ["2027-03-01T09:30:00Z", "2027-03-01T09:30:00.250Z", "2027-03-01T10:30:00+01:00",
                      "2024-02-29T23:59:59-05:30", "1969-12-31T23:59:59Z"])
    func timestamps(_ text: String) throws {
        let withFraction = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        let foundation = try #require(withFraction ?? (try? Date.ISO8601FormatStyle().parse(text)))
        let fast = try #require(PluginJSON.fastParseDate(text))
        #expect(abs(fast.timeIntervalSince1970 - foundation.timeIntervalSince1970) < 0.0005)
        #expect(PluginJSON.fastParseDate("2027-02-29T09:00:00Z") == nil)
        #expect(PluginJSON.fastParseDate("2027-03-01 09:00:00Z") == nil)
    }
}
