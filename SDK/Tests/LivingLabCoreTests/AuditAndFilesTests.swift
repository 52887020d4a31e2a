import Foundation
@testable import LivingLabCore
import Testing

@Suite("Audit chain and CSV files")
struct AuditAndFilesTests {
    func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesisHash
        for i in 1...count {
            let entry = AuditEntry(sequence: Int64(i), at: Date(timeIntervalSince1970: Double(i)), actor: "c", action: "a\(i)",
                                   subjects: ["m\(i)"], details: ["n": .number(Double(i))], previousHash: previous)
            entries.append(entry)
            previous = entry.hash
        }
        return entries
    }

    @Test("verification finds the first edited, deleted or moved entry")
    func tampering() {
        let entries = chain(5)
        #expect(AuditVerification.verify(entries).isIntact)
        var edited = entries
        edited[2].details = ["n": 99]
        #expect(AuditVerification.verify(edited).firstBrokenSequence == 3)
        var deleted = entries
        deleted.remove(at: 1)
        #expect(AuditVerification.verify(deleted).firstBrokenSequence == 3)
        var moved = entries
        moved.swapAt(1, 3)
        #expect(AuditVerification.verify(moved).firstBrokenSequence == 4)
    }

    @Test("an entry's canonical text and hash are the ones chains already stored were built with")
    func canonicalTextIsStable() {
        // Text and hash recorded from the first implementation (a sorted dictionary joined member by member): a
        // database written then must still verify, so any change to the encoding fails here.
        let details: JSONValue = [
            "stored": 3, "rows": [12, 14], "rejected": ["withdrawn": 1], "ratio": 0.25, "big": 1e17, "neg": -7,
            "note": "café \"quoted\" \\ back\nline\t\u{01}", "none": .null, "flag": true, "é": "last key, not ASCII", "Z": false,
        ]
        let entry = AuditEntry(sequence: 42, at: Date(timeIntervalSince1970: 1_803_456_789.123), actor: "coordinator",
                               action: "outcome.batch", subjects: ["click-collect-2027", "m07"], details: details,
                               previousHash: String(repeating: "ab", count: 32))
        #expect(entry.canonicalText == #"{"action":"outcome.batch","actor":"coordinator","at":"2027-02-24T08:13:09.122Z","details":{"Z":false,"big":1e+17,"flag":true,"neg":-7,"none":null,"note":"café \"quoted\" \\ back\nline\t\u0001","ratio":0.25,"rejected":{"withdrawn":1},"rows":[12,14],"stored":3,"é":"last key, not ASCII"},"seq":42,"subjects":["click-collect-2027","m07"]}"#)
        #expect(entry.hash == "e3bcf065be22808c2f0ca6dcedd71d0f15dee1ba544a31311c3b86e623d18c3d")
        #expect(entry.hash == SHA256.hex(entry.previousHash + "\n" + entry.canonicalText))
    }

    @Test("timestamps are read as Foundation's ISO 8601 styles read them, and impossible dates are left to them")
    func timestampsReadAsFoundation() throws {
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        let whole = Date.ISO8601FormatStyle(timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for index in 0..<20_000 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...7_258_118_400_000, using: &generator)) / 1000)
            let text = index % 2 == 0 ? fractional.format(date) : whole.format(date)
            let expected = try (index % 2 == 0 ? fractional : whole).parse(text)
            guard let fast = Timestamp.parseUTC(text), abs(fast.timeIntervalSince(expected)) < 1e-6 else {
                mismatches.append("\(text): \(String(describing: Timestamp.parseUTC(text))) ≠ \(expected)")
                continue
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        for text in ["2027-02-29T10:00:00Z", "2027-13-01T10:00:00Z", "2027-03-01T24:00:00Z", "2027-03-01T10:00:00+02:00",
                     "2027-03-01T10:00:00.Z", "1969-12-31T23:59:59Z", "2027-03-01"] {
            #expect(Timestamp.parseUTC(text) == nil, "\(text)")
        }
        #expect(try Timestamp.parse("2024-02-29T23:59:59.999Z") == Date(timeIntervalSince1970: 1_709_251_199.999))
        #expect(throws: LabError.self) { try Timestamp.parse("2027-02-30T10:00:00Z") }
    }

    @Test("timestamps are written exactly as Foundation's ISO 8601 style writes them")
    func timestampsMatchFoundation() {
        // Stored audit chains were hashed over Foundation's text: the fast formatter must never differ from it.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        var dates = [0, 951_782_400, 951_868_799.999, 978_307_200, 4_107_542_400, 253_402_300_799.999, 1_803_456_789.123]
            .map { Date(timeIntervalSince1970: $0) }
        for index in 0..<20_000 {
            // Whole milliseconds as the store keeps them, some a hair off, and arbitrary doubles, 1970 to 2200.
            let milliseconds = Double(Int64.random(in: 0...7_258_118_400_000, using: &generator)) / 1000
            let noise = index % 3 == 1 ? Double.random(in: -1e-6...1e-6, using: &generator) : 0
            dates.append(Date(timeIntervalSince1970: index % 3 == 2 ? Double.random(in: 0...7_258_118_400, using: &generator)
                                                                    : milliseconds + noise))
        }
        var mismatches: [String] = []
        for date in dates where Timestamp.format(date) != style.format(date) {
            mismatches.append("\(date.timeIntervalSince1970): \(Timestamp.format(date)) ≠ \(style.format(date))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
        // Outside the years the fast path writes, Foundation answers.
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == style.format(Date(timeIntervalSince1970: -1)))
    }

    @Test("CSV reads quoted commas, doubled quotes and CRLF line ends")
    func csvQuoting() throws {
        let table = try CSVTable(parsing: "id,name\r\nm1,\"Dupont, père et fils\"\r\nm2,\"Le \"\"Bon\"\" Pain\"\r\n", required: ["id"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0]["name"] == "Dupont, père et fils")
        #expect(table.rows[1]["name"] == "Le \"Bon\" Pain")
        #expect(table.rows[1].line == 3)
    }

    @Test("merchant rows are checked one by one, each problem with its line")
    func merchantRows() throws {
        let text = """
            id,name,sector,segment,position_m,maturity,association,contact
            m1,A,bakery,S,10,1,,
            m2,B,bakery,S,ten,1,,
            m3,C,bakery,S,10,9,,
            m1,D,bakery,S,10,1,,
            """
        let (merchants, problems) = CSVImport.merchants(try CSVTable(parsing: text, required: CSVImport.merchantColumns))
        #expect(merchants.map(\.id) == ["m1"])
        #expect(problems.map(\.line) == [3, 4, 5])
        #expect(problems[0].reason.contains("whole number"))
        #expect(problems[1].reason.contains("0 (none) to 4"))
        #expect(problems[2].reason.contains("earlier in the file"))
    }

    @Test("a missing column or an unclosed quote is a clear error")
    func malformedCSV() {
        let missing = #expect(throws: LabError.self) { try CSVTable(parsing: "id,name\nm1,A\n", required: ["id", "sector"]) }
        #expect(missing?.message.contains("sector") == true)
        let unclosed = #expect(throws: LabError.self) { try CSVTable(parsing: "id,name\nm1,\"A\n", required: ["id"]) }
        #expect(unclosed?.message.contains("never closed") == true)
        let ragged = #expect(throws: LabError.self) { try CSVTable(parsing: "id,name\nm1,A,extra\n", required: ["id"]) }
        #expect(ragged?.message.contains("line 2") == true)
    }

    @Test("a CSV field longer than the limit is refused with its line, one at the limit is read")
    func csvFieldLimit() throws {
        let atLimit = String(repeating: "a", count: InputLimits.csvFieldLength)
        #expect(try CSVTable(parsing: "id,name\nm1,\(atLimit)\n").rows[0].fields["name"]?.count == InputLimits.csvFieldLength)
        let long = #expect(throws: LabError.self) { try CSVTable(parsing: "id,name\nm1,A\nm2,\(atLimit)b\n") }
        #expect(long?.message.contains("Line 3") == true)
        #expect(long?.message.contains("longer than \(InputLimits.csvFieldLength) characters") == true)
        // A quote never closed reads the rest of the file as one field: refused at the limit, not after the whole file.
        let unclosed = #expect(throws: LabError.self) {
            try CSVTable(parsing: "id,name\nm1,\"" + String(repeating: "x,y\n", count: 10_000))
        }
        #expect(unclosed?.message.contains("quote that is never closed") == true)
    }

    @Test("JSON nested deeper than the limit is refused before it is decoded; at the limit it is read")
    func jsonDepthLimit() throws {
        let depth = InputLimits.jsonDepth
        let atLimit = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        #expect(try JSONValue.parse(atLimit) != .null)
        let deep = #expect(throws: LabError.self) {
            try JSONValue.parse(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        }
        #expect(deep?.message.contains("deeper than \(depth) levels") == true)
        // Brackets inside strings do not count.
        #expect(try JSONValue.parse("{\"a\": \"" + String(repeating: "[", count: 1_000) + "\\\"\"}")["a"] != nil)
    }
}
