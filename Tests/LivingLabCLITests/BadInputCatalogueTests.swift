import Foundation
import LabTestSupport
import Testing

/// Bad input through the built binary: each case exits 1 with a message that says what to do, never crashes or hangs,
/// and leaves the lab database byte for byte as it was.
@Suite("Bad input is refused clearly and changes nothing")
struct BadInputCatalogueTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        /// The command, given the CLI runner (to write input files in its folder).
        var arguments: @Sendable (CLIRunner) throws -> [String]
        /// Words the error message must hold.
        var message: [String]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "criteria with 10,000 nested parentheses", arguments: { _ in
            ["merchant", "list", "--where", String(repeating: "(", count: 10_000) + "maturity <= 2" + String(repeating: ")", count: 10_000)]
        }, message: ["characters", "at most 4096"]),
        Case(name: "criteria nested 100 levels deep", arguments: { _ in
            ["merchant", "list", "--where", String(repeating: "(", count: 100) + "maturity <= 2" + String(repeating: ")", count: 100)]
        }, message: ["nest at most 64 levels"]),
        Case(name: "`not` 1,000 times", arguments: { _ in
            ["cohort", "create", "x", "--where", String(repeating: "not ", count: 1_000) + "member = true"]
        }, message: ["nest at most 64 levels"]),
        Case(name: "`not` 100 times", arguments: { _ in
            ["cohort", "create", "x", "--where", String(repeating: "not ", count: 100) + "member = true"]
        }, message: ["nest at most 64 levels"]),
        Case(name: "a YAML alias bomb in an arm configuration", arguments: { cli in
            var text = try String(contentsOfFile: CLIRunner.example("protocols/click-and-collect.yaml"), encoding: .utf8)
            var bomb = "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            for level in 1...9 {
                bomb += "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
            }
            text = bomb + text.replacingOccurrences(of: "id: click-collect-2027", with: "id: bomb")
            return ["protocol", "apply", try cli.write("bomb.yaml", text)]
        }, message: ["aliases", "100000"]),
        Case(name: "a configuration nested 600 levels deep", arguments: { cli in
            let text = try String(contentsOfFile: CLIRunner.example("protocols/click-and-collect.yaml"), encoding: .utf8)
            let deep = String(repeating: "{a: ", count: 600) + "1" + String(repeating: "}", count: 600)
            return ["protocol", "apply", try cli.write("deep.yaml", "deep: " + deep + "\n" + text)]
        }, message: ["nest more than 64 levels"]),
        Case(name: "a NUL byte in a merchant's name (CSV import)", arguments: { cli in
            ["merchant", "import", try cli.write("nul.csv", "id,name,sector,segment,position_m,maturity\nm90,Boulangerie\u{0}X,bakery,Barrière,1300,1\n")]
        }, message: ["control character", "U+0000"]),
        Case(name: "a merchant on a segment the lab does not have", arguments: { _ in
            ["merchant", "add", "m90", "--name", "Fleurs", "--sector", "florist", "--segment", "Mars", "--position", "1300",
             "--maturity", "1"]
        }, message: ["segment `Mars`", "Barrière"]),
        Case(name: "a line break in an outcome key", arguments: { _ in
            ["outcome", "log", "click-collect-2027", "m01", "orders", "3", "--key", "k\n1"]
        }, message: ["control character"]),
        Case(name: "a protocol whose arms are a mapping, not a list", arguments: { cli in
            ["protocol", "apply", try cli.write("arms.yaml", """
                id: bad
                title: T
                hypothesis: H
                plugin: {id: fr.x.y, versions: ">=1.0.0"}
                firm: panier-malin
                eligibility: ""
                arms:
                  name: control
                """)]
        }, message: ["arms.yaml, line 8, column 3", "`arms` should be a list", "`- item`", "it is a mapping"]),
        Case(name: "an outcome of a metric the protocol does not declare", arguments: { _ in
            ["outcome", "log", "click-collect-2027", "m01", "footfall", "3", "--key", "f1"]
        }, message: ["metric `footfall` is not declared", "weekly_sales"]),
        Case(name: "an outcome in the wrong unit", arguments: { _ in
            ["outcome", "log", "click-collect-2027", "m01", "weekly_sales", "3", "--unit", "EUR", "--key", "u1"]
        }, message: ["measured in `count`, not `EUR`"]),
        Case(name: "an outcome dated 2099", arguments: { _ in
            ["outcome", "log", "click-collect-2027", "m01", "weekly_sales", "3", "--at", "2099-01-01", "--key", "y1"]
        }, message: ["in the future", "check the date"]),
        Case(name: "an import with an outcome dated 9999", arguments: { cli in
            ["outcome", "import", try cli.write("late.csv", "protocol,merchant,metric,value,at,key\nclick-collect-2027,m01,weekly_sales,3,9999-01-01,z1\n")]
        }, message: ["late.csv has 1 bad row", "line 2", "in the future"]),
        Case(name: "merchant import of a folder", arguments: { cli in ["merchant", "import", cli.folder.path] },
             message: ["is a folder"]),
        Case(name: "a CSV field of 100,000 characters", arguments: { cli in
            ["merchant", "import", try cli.write("long.csv", "id,name,sector,segment,position_m,maturity\nm90,"
                + String(repeating: "B", count: 100_000) + ",bakery,Barrière,1300,1\n")]
        }, message: ["Line 2", "longer than 8192 characters"]),
        Case(name: "a CSV whose quote is never closed", arguments: { cli in
            ["outcome", "import", try cli.write("open.csv", "protocol,merchant,metric,value,at,key\nclick-collect-2027,\"m01,"
                + String(repeating: "weekly_sales,3,2027-03-02,k\n", count: 5_000))]
        }, message: ["Line 2", "quote that is never closed"]),
        Case(name: "a plugin request nested 60,000 levels deep", arguments: { _ in
            ["plugin", "call", "click-collect-2027", "m01", String(repeating: "[", count: 60_000) + String(repeating: "]", count: 60_000)]
        }, message: ["deeper than 64 levels"]),
    ]

    @Test("each bad input: exit 1, a helpful message, the database unchanged", arguments: cases)
    func refused(_ input: Case) throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let before = try Self.dump(cli.folder.appendingPathComponent("livinglab.sqlite").path)
        let started = Date()
        let run = try cli.run(try input.arguments(cli))
        #expect(run.status == 1, "exit \(run.status): \(run.stderr.prefix(500))")
        for words in input.message { #expect(run.stderr.contains(words), "\(run.stderr.prefix(500))") }
        #expect(run.stderr.hasPrefix("error: ") && run.stderr.count < 10_000)
        #expect(Date().timeIntervalSince(started) < 20, "took too long: a reader is not bounded")
        #expect(try Self.dump(cli.folder.appendingPathComponent("livinglab.sqlite").path) == before)
    }

    /// Every row of the lab, as SQL, read by another program (Python's sqlite3): equal dumps mean nothing changed. (The
    /// file's bytes are not compared: opening a WAL database checkpoints it, which rewrites pages without a change.)
    static func dump(_ path: String) throws -> String {
        let run = try TestSupport.run("python3", ["-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            print(c.execute('PRAGMA application_id').fetchone())
            print('\\n'.join(c.iterdump()))
            """, path])
        try #require(run.status == 0, "\(run.output)")
        return run.output
    }

    @Test("--db at another application's SQLite file, a text file or a folder: exit 1, the file untouched")
    func notALab() throws {
        let cli = try CLIRunner()
        let other = cli.folder.appendingPathComponent("other.sqlite").path
        let made = try TestSupport.run("python3", ["-c", "import sqlite3; c = sqlite3.connect('\(other)'); c.execute('create table notes (t text)'); c.commit()"])
        try #require(made.status == 0, "\(made.output)")
        let text = try cli.write("notes.txt", "shopping list\n")
        for path in [other, text] {
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let run = try cli.run("merchant", "list", "--db", path)
            #expect(run.status == 1, "\(path): exit \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("not a LivingLab") || run.stderr.contains("another application"), "\(run.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
        let folder = try cli.run("merchant", "list", "--db", cli.folder.path)
        #expect(folder.status == 1 && folder.stderr.contains("is a folder"), "\(folder.stderr)")
        // A lab is recognised after init, and still opens.
        cli.expectSuccess(try cli.run("init", "--id", "lab", "--name", "Lab"))
        cli.expectSuccess(try cli.run("merchant", "list"))
    }
}
