import Foundation
import LabTestSupport
import LivingLabCore
import Testing

@Suite("livinglab CLI, through the built binary")
struct CLITests {
    @Test("`livinglab demo` builds the example lab, shows the gate at work and verifies the audit log")
    func demo() throws {
        let cli = try CLIRunner()
        let run = try cli.run("demo", "--example", CLIRunner.repository.appendingPathComponent("Examples/bordeaux").path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("44 merchants"))
        #expect(run.stdout.contains("cohort click-collect-eligible"))
        #expect(run.stdout.contains("refused: Sponsor s04 works for panier-malin"))
        #expect(run.stdout.contains("hash chain intact"))
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("livinglab-demo.sqlite").path))
        let verify = try cli.run("audit", "verify", "--db", "livinglab-demo.sqlite")
        #expect(verify.status == 0 && verify.stdout.contains("intact"))
    }

    @Test("a merchant CSV with bad rows imports nothing, lists every bad line, and exits 1")
    func csvImportAllOrNothing() throws {
        let cli = try CLIRunner()
        try cli.expectSuccess(cli.run("init", "--id", "lab", "--name", "Test lab"))
        let file = try cli.write("merchants.csv", """
            id,name,sector,segment,position_m,maturity,association,contact
            m1,"Dupont, père",bakery,Sud,10,1,,
            m2,B,bakery,Sud,far,1,,
            m3,C,bakery,Sud,20,7,,
            m4,D,butcher,Nord,30,2,,
            """)
        let run = try cli.run("merchant", "import", file)
        #expect(run.status == 1)
        #expect(run.stderr.contains("line 3") && run.stderr.contains("line 4") && run.stderr.contains("--skip-invalid"))
        #expect(try cli.run("merchant", "list", "--format", "json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]"
            || !(try cli.run("merchant", "list").stdout.contains("m1")))
        let skipping = try cli.run("merchant", "import", file, "--skip-invalid")
        #expect(skipping.status == 0)
        #expect(skipping.stdout.contains("Imported 2 merchant(s)"))
        #expect(skipping.stderr.contains("Skipped 2 bad row(s)"))
        let list = try cli.run("merchant", "list", "--format", "json")
        let merchants = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(merchants?.compactMap { $0["name"] as? String } == ["Dupont, père", "D"])
    }

    @Test("a criteria mistake exits 1 and points at the column")
    func criteriaError() throws {
        let cli = try CLIRunner()
        try cli.expectSuccess(cli.run("init", "--id", "lab", "--name", "Test lab"))
        let run = try cli.run("merchant", "list", "--where", "maturty <= 2")
        #expect(run.status == 1)
        #expect(run.stderr.contains("column 1") && run.stderr.contains("unknown attribute `maturty`"))
    }

    @Test("consent: give, status, withdraw in one step; after it the gate refuses and counts")
    func consentFlow() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        try cli.expectSuccess(cli.run("enroll", "click-collect-2027", "--merchants", "m01,m04"))
        let give = try cli.run("consent", "give", "m01", "click-collect-2027")
        #expect(give.status == 0 && give.stdout.contains("sha256"))
        try cli.expectSuccess(cli.run("consent", "give", "m04", "click-collect-2027", "--lang", "en"))
        let status = try cli.run("consent", "status", "--protocol", "click-collect-2027", "--format", "json")
        let states = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]]
        #expect(states?.compactMap { $0["state"] as? String } == ["active", "active"])
        #expect(states?.compactMap { $0["language"] as? String } == ["fr", "en"])

        try cli.expectSuccess(cli.run("outcome", "log", "click-collect-2027", "m01", "weekly_sales", "3", "--key", "k1"))
        let withdraw = try cli.run("consent", "withdraw", "m01", "click-collect-2027")
        #expect(withdraw.status == 0 && withdraw.stdout.contains("anonymised"))
        let refused = try cli.run("outcome", "log", "click-collect-2027", "m01", "weekly_sales", "4", "--key", "k2")
        #expect(refused.status == 1 && refused.stderr.contains("withdrew"))
        let refusals = try cli.run("refusals", "--protocol", "click-collect-2027", "--format", "json")
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(refusals.stdout.utf8)) as? [[String: Any]])
        #expect(lines.contains { $0["kind"] as? String == "outcome" && $0["reason"] as? String == "withdrawn" && $0["count"] as? Int == 1 })
        let export = try cli.run("outcome", "export", "click-collect-2027")
        #expect(export.stdout.split(separator: "\n").count == 2)
        #expect(!export.stdout.contains(",m01,"))
        try cli.expectSuccess(cli.run("audit", "verify"))
    }

    @Test("an amendment prints its diff and materiality and needs a reason")
    func protocolAmendment() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let original = try String(contentsOfFile: CLIRunner.example("protocols/click-and-collect.yaml"), encoding: .utf8)
        let amended = original.replacingOccurrences(of: "dataCategories: [merchant-profile, orders, revenue]",
                                                    with: "dataCategories: [merchant-profile, orders, revenue, delivery-addresses]")
            .replacingOccurrences(of: "../documents/", with: CLIRunner.repository.appendingPathComponent("Examples/bordeaux/documents/").path + "/")
        #expect(amended != original)
        let file = try cli.write("amended.yaml", amended)
        let noReason = try cli.run("protocol", "apply", file)
        #expect(noReason.status == 1 && noReason.stderr.contains("--reason"))
        let run = try cli.run("protocol", "apply", file, "--reason", "Collect delivery addresses")
        #expect(run.status == 0)
        #expect(run.stdout.contains("MATERIAL") && run.stdout.contains("consent.dataCategories"))
        let history = try cli.run("protocol", "history", "click-collect-2027")
        #expect(history.stdout.contains("Collect delivery addresses"))
    }

    @Test("malformed YAML and missing files are user errors (exit 1) that say what to fix")
    func badFiles() throws {
        let cli = try CLIRunner()
        try cli.expectSuccess(cli.run("init", "--id", "lab", "--name", "Test lab"))
        let broken = try cli.write("p.yaml", "id: p\ntitle: T\narms: [\n")
        let yaml = try cli.run("protocol", "apply", broken)
        #expect(yaml.status == 1 && yaml.stderr.contains("not valid YAML"))
        let missingField = try cli.write("q.yaml", "id: p\ntitle: T\n")
        let field = try cli.run("protocol", "apply", missingField)
        #expect(field.status == 1 && field.stderr.contains("is missing"))
        let missing = try cli.run("merchant", "import", "nope.csv")
        #expect(missing.status == 1 && missing.stderr.contains("no file at nope.csv"))
        let noDatabase = try cli.run("merchant", "list", "--db", "other.sqlite")
        #expect(noDatabase.status == 1 && noDatabase.stderr.contains("livinglab init"))
        let unknownOption = try cli.run("merchant", "list", "--colour")
        #expect(unknownOption.status == 1)
    }

    @Test("help shows examples")
    func helpHasExamples() throws {
        let cli = try CLIRunner()
        let root = try cli.run("--help")
        #expect(root.status == 0 && root.stdout.contains("Examples:"))
        let withdraw = try cli.run("consent", "withdraw", "--help")
        #expect(withdraw.stdout.contains("livinglab consent withdraw m01 click-collect-2027"))
    }
}

@Suite("The CLI's own options")
struct CLIOptionTests {
    @Test("--version prints the package version")
    func version() throws {
        let cli = try CLIRunner()
        let run = try cli.run("--version")
        #expect(run.status == 0)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == LivingLabVersion.current)
    }

    @Test("LIVINGLAB_DB is the default for --db, and --db still wins over it")
    func databaseFromTheEnvironment() throws {
        let cli = try CLIRunner()
        let path = cli.folder.appendingPathComponent("from-env.sqlite").path
        cli.expectSuccess(try cli.run(["init", "--lab-file", CLIRunner.example("lab.yaml")], environment: ["LIVINGLAB_DB": path]))
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("livinglab.sqlite").path))
        let listed = try cli.run(["merchant", "list", "--db", path + ".missing"], environment: ["LIVINGLAB_DB": path])
        #expect(listed.status == 1)
        #expect(listed.stderr.contains("from-env.sqlite.missing"))
    }

    @Test("a usage mistake is reported with one error prefix and exit 1")
    func usageMistake() throws {
        let run = try CLIRunner().run("consent", "give")
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: Missing expected argument"), "\(run.stderr)")
        #expect(!run.stderr.contains("Error: "))
    }
}

@Suite("Write commands print what they stored, for scripts (--format json)")
struct CLIWriteOutputTests {
    @Test("consent give prints the event with its id and document hash; an outcome prints its per-row result")
    func writesAsJSON() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        try cli.expectSuccess(cli.run("enroll", "click-collect-2027", "--merchants", "m01", "--format", "json"))
        let document = try cli.run("consent", "document", "click-collect-2027", "--format", "json")
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(document.stdout.utf8)) as? [String: Any])
        let give = try cli.run("consent", "give", "m01", "click-collect-2027", "--format", "json")
        cli.expectSuccess(give)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(give.stdout.utf8)) as? [String: Any])
        #expect(event["sequence"] as? Int != nil)
        #expect(event["kind"] as? String == "given" && event["language"] as? String == "fr")
        #expect(event["documentSHA256"] as? String == shown["sha256"] as? String)
        let logged = try cli.run("outcome", "log", "click-collect-2027", "m01", "weekly_sales", "3", "--key", "k1", "--format", "json")
        #expect(logged.stdout.contains(#""result" : "stored""#), "\(logged.stdout)")
        let again = try cli.run("outcome", "log", "click-collect-2027", "m01", "weekly_sales", "3", "--key", "k1", "--format", "json")
        #expect(again.stdout.contains(#""result" : "already-stored""#))
        let conflict = try cli.run("outcome", "log", "click-collect-2027", "m01", "weekly_sales", "4", "--key", "k1")
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("Key k1 already holds 3.0") && conflict.stderr.contains("new measurement needs a new key"))
        let now = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2))  // whole seconds: after the consent
        let csv = try cli.write("replay.csv", "protocol,merchant,metric,value,at,key\nclick-collect-2027,m01,weekly_sales,5,\(now),k1\nclick-collect-2027,m01,weekly_sales,2,\(now),k2\n")
        let imported = try cli.run("outcome", "import", csv)
        #expect(imported.status == 1 && imported.stdout.contains("1 stored") && imported.stderr.contains("key k1: stored 3.0, sent 5.0"),
                "\(imported.stdout) \(imported.stderr)")
    }
}
