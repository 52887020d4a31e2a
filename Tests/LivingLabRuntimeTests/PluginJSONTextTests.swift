import Foundation
import LivingLabPluginKit
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

    @Test("refuses malformed text with the offset where it stopped", arguments: [
        "{\"a\": 1,}", "[1 2]", "{\"a\" 1}", "\"unterminated", "tru", "01x", "{\"a\": 1} extra", "\"\\q\"", "",
    ])
    func malformed(_ text: String) {
        #expect(throws: (any Error).self) { try JSONValue(parsing: text) }
    }
}
