import Foundation
@testable import LivingLabPluginKit
import Testing

/// How the SDK reads a request's wire text in one pass, picking out `action` and `at` as it meets them.
@Suite("Reading a request's wire text")
struct PluginRequestWireTests {
    private let clock = Date(timeIntervalSince1970: 1_800_000_000)

    private func request(_ text: String) throws -> PluginRequest {
        try text.withCString { try PluginRequest(wire: $0, now: { clock }) }
    }

    private func refusal(_ text: String) throws -> PluginError {
        let error = #expect(throws: PluginError.self) { try request(text) }
        return try #require(error)
    }

    private func date(_ text: String) throws -> Date {
        try #require(PluginJSON.parseDate(text))
    }

    @Test func actionAndAtAreTakenOutOfTheBodyWhereverTheyStand() throws {
        let first = try request(#"{"action": "echo", "at": "2027-03-01T09:00:00Z", "text": "bonjour", "n": 41}"#)
        let last = try request(#"{"text": "bonjour", "n": 41, "at": "2027-03-01T09:00:00Z", "action": "echo"}"#)
        for parsed in [first, last] {
            #expect(parsed.action == "echo")
            #expect(parsed.at == (try date("2027-03-01T09:00:00Z")))
            #expect(parsed.body == ["text": "bonjour", "n": 41])
        }
    }

    @Test func aRepeatedNameKeepsItsLastValueAsInAnyObject() throws {
        let parsed = try request(
            #"{"action": "first", "n": 1, "at": "2027-03-01T09:00:00Z", "action": "second", "n": 2, "at": "2027-03-02T09:00:00Z"}"#)
        #expect(parsed.action == "second")
        #expect(parsed.body == ["n": 2])
        #expect(parsed.at == (try date("2027-03-02T09:00:00Z")))
        let error = try refusal(#"{"action": "echo", "action": 5}"#)
        #expect(error.code == .invalid)
        #expect(error.message.contains(#"no "action" string"#))
    }

    @Test func aMissingOrNullAtMeansTheHostsClock() throws {
        #expect(try request(#"{"action": "echo"}"#).at == clock)
        #expect(try request(#"{"action": "echo", "at": null}"#).at == clock)
        #expect(try request(#"{"at": null, "action": "echo", "n": 1}"#).body == ["n": 1])
    }

    @Test func membersNamedActionOrAtInsideTheBodyAreKept() throws {
        let parsed = try request(
            #"{"action": "echo", "order": {"action": "keep", "at": "noon", "items": [{"action": 1}]}, "atlas": 2, "actions": 3}"#)
        #expect(parsed.action == "echo")
        #expect(parsed.body["order"]?["action"] == "keep")
        #expect(parsed.body["order"]?["at"] == "noon")
        #expect(parsed.body["order"]?["items"]?[0]?["action"] == 1)
        #expect(parsed.body["atlas"] == 2)
        #expect(parsed.body["actions"] == 3)
        #expect(parsed.body.object?.count == 3)
    }

    @Test func namesAndDatesWithEscapesAreRecognisedByTheirDecodedText() throws {
        let parsed = try request(#"{"act\u0069on": "ech\u006f", "\u0061t": "2027-03-01T09:00:00\u005a", "te\u0078t": "a\"b"}"#)
        #expect(parsed.action == "echo")
        #expect(parsed.at == (try date("2027-03-01T09:00:00Z")))
        #expect(parsed.body == ["text": "a\"b"])
    }

    @Test func datesWithOffsetsAndFractionsAreReadInPlace() throws {
        let offset = try request(#"{"action": "echo", "at": "2027-03-01T10:30:00.250+01:00"}"#)
        #expect(abs(offset.at.timeIntervalSince1970 - (try date("2027-03-01T09:30:00.250Z")).timeIntervalSince1970) < 0.0005)
        let leapDay = try request(#"{"action": "echo", "at": "2024-02-29T23:59:59Z"}"#)
        #expect(leapDay.at == (try date("2024-02-29T23:59:59Z")))
    }

    @Test func aBadAtIsRefusedWithTheValueItGot() throws {
        for (text, shown) in [
            (#"{"action": "echo", "at": "yesterday"}"#, #"got "yesterday""#),
            (#"{"action": "echo", "at": 5}"#, "got 5"),
            (#"{"action": "echo", "at": "tab\there"}"#, #"got "tab\there""#),
        ] {
            let error = try refusal(text)
            #expect(error.code == .invalid)
            #expect(error.message.hasPrefix(#""at" must be an ISO-8601 date such as 2026-05-04T10:00:00Z"#), "\(text)")
            #expect(error.message.hasSuffix(shown), "\(text)")
        }
    }

    @Test func requestsWithoutAnActionStringAreRefusedWithAnExample() throws {
        for text in [#"{}"#, #"{"n": 1}"#, #"{"action": ""}"#, #"{"action": null}"#, #"{"action": ["echo"]}"#] {
            let error = try refusal(text)
            #expect(error.message == #"the request has no "action" string: add one, e.g. {"action": "status"}"#, "\(text)")
        }
    }

    @Test func textThatIsNotAJSONObjectIsRefusedWithWhatItWas() throws {
        let list = try refusal(#" [1, "two"] "#)
        #expect(list.message == #"a request must be a JSON object such as {"action": "..."}, got [1,"two"]"#)
        let empty = try refusal("")
        #expect(empty.message.hasSuffix("got null"))
        let missing = #expect(throws: PluginError.self) { try PluginRequest(wire: nil, now: { clock }) }
        #expect(missing?.message.hasSuffix("got null") == true)
        for text in [#"{"action": "echo""#, #"{"action": "echo"} extra"#, #"{"action": "echo",}"#, #"{"action" "echo"}"#, "  "] {
            let error = try refusal(text)
            #expect(error.message == "the request is not valid JSON: \(text)", "\(text)")
        }
    }

    @Test func invalidUTF8ReadsAsReplacementCharactersAsTheHostsTextWould() throws {
        var bytes = Array(#"{"action": "echo", "name": "caf"#.utf8) + [0xC3] + Array(#"", "x": "\u00e9"#.utf8) + [0xFF] + Array(#""}"#.utf8)
        bytes.append(0)
        let parsed = try bytes.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try PluginRequest(wire: $0.baseAddress, now: { clock }) }
        }
        let hostText = bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let expected = try JSONValue(parsing: hostText)
        #expect(parsed.body["name"] == expected["name"])
        #expect(parsed.body["name"] == "caf\u{FFFD}")
        #expect(parsed.body["x"] == "é\u{FFFD}")
    }

    @Test func longRequestsAndManyMembersAreReadWhole() throws {
        let long = String(repeating: "wxyz", count: 300)
        var text = #"{"action": "echo", "long": "\#(long)""#
        for index in 0..<40 { text += #", "k\#(index)": \#(index)"# }
        text += "}"
        let parsed = try request(text)
        #expect(parsed.body["long"]?.string == long)
        #expect(parsed.body.object?.count == 41)
        #expect(parsed.body["k39"] == 39)
    }
}

/// How the SDK writes JSON text: sorted keys, escapes and numbers, into one growing buffer.
@Suite("Writing JSON text")
struct JSONTextWriterTests {
    @Test func keysAreSortedInSmallAndLargeObjectsAlike() throws {
        for count in [1, 2, 3, 16, 17, 60] {
            let keys = (0..<count).map { "k\(($0 * 7919) % 1000)é" }
            let object = JSONValue.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, JSONValue.number(1)) }))
            let expected = "{" + keys.sorted().map { "\"\($0)\":1" }.joined(separator: ",") + "}"
            #expect(object.jsonText == expected, "\(count) members")
        }
    }

    @Test func stringsAreEscapedAsJSONRequires() throws {
        let value: JSONValue = ["text": .string("a\u{01}\u{1F}\n\r\t\"\\/é😀")]
        #expect(value.jsonText == #"{"text":"a\u0001\u001f\n\r\t\"\\/é😀"}"#)
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }

    @Test func numbersAreWrittenAsIntegersWhenWhole() throws {
        let value: JSONValue = [-42, 0, .number(-0.0), 1.5, 9_007_199_254_740_991, 1e300, .number(.infinity), .number(.nan)]
        #expect(value.jsonText == "[-42,0,0,1.5,9007199254740991,\(1e300),null,null]")
    }

    @Test func aResponseLargerThanTheFirstBufferIsHandedOutWholeAsACString() throws {
        let long = String(repeating: "0123456789", count: 100)
        let value: JSONValue = ["long": .string(long), "list": .array((0..<50).map { .number(Double($0)) })]
        var writer = JSONTextWriter()
        value.write(into: &writer)
        let text = writer.cString()
        defer { free(text) }
        #expect(String(cString: text) == value.jsonText)
        #expect(try JSONValue(parsing: String(cString: text)) == value)
    }
}
