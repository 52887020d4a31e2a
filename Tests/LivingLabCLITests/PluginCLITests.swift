import Foundation
import LabTestSupport
import Testing

@Suite("Trials through plugins, from the CLI")
struct PluginCLITests {
    static var clickAndCollect: String {
        CLIRunner.binary.deletingLastPathComponent().appendingPathComponent("libClickAndCollect.so").path
    }

    func json(_ run: CLIRunner.Run) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    }

    @Test("register, assign, start, call the plugin for a treatment merchant, refuse a control one, stop")
    func trialFromStartToStop() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let inspect = try cli.run("plugin", "inspect", Self.clickAndCollect)
        #expect(inspect.status == 0 && inspect.stdout.contains("fr.livinglab.click-and-collect@1.0.0"))
        let registered = try cli.run("plugin", "register", Self.clickAndCollect, "--trusted", "--format", "json")
        cli.expectSuccess(registered)
        let registration = try JSONSerialization.jsonObject(with: Data(registered.stdout.utf8)) as? [String: Any]
        #expect(registration?["id"] as? String == "fr.livinglab.click-and-collect")
        #expect((registration?["sha256"] as? String)?.count == 64 && registration?["isolation"] as? String == "in-process")
        let list = try cli.run("plugin", "list")
        #expect(list.stdout.contains("in-process"))

        try cli.expectSuccess(cli.run("enroll", "click-collect-2027", "--merchants", "m01,m04,m06,m08"))
        for merchant in ["m01", "m04", "m06", "m08"] { try cli.expectSuccess(cli.run("consent", "give", merchant, "click-collect-2027")) }
        let early = try cli.run("trial", "start", "click-collect-2027")
        #expect(early.status == 1 && early.stderr.contains("livinglab assign"))
        let assign = try cli.run("assign", "click-collect-2027", "--design", "complete", "--seed", "7", "--format", "json")
        cli.expectSuccess(assign)
        let entries = try #require((try json(assign) as? [String: Any])?["entries"] as? [[String: Any]])
        let treated = entries.filter { $0["arm"] as? String == "treatment" }.compactMap { $0["merchantID"] as? String }
        let control = entries.filter { $0["arm"] as? String == "control" }.compactMap { $0["merchantID"] as? String }
        #expect(treated.count == 2 && control.count == 2)
        let again = try cli.run("assign", "click-collect-2027")
        #expect(again.status == 1 && again.stderr.contains("--override-reason"))

        let start = try cli.run("trial", "start", "click-collect-2027")
        #expect(start.status == 0 && start.stdout.contains("activated for 2"), "\(start.stdout)\(start.stderr)")

        let merchant = treated[0]
        try cli.expectSuccess(cli.run("plugin", "call", "click-collect-2027", merchant,
                                      #"{"action": "setCatalogue", "items": [{"sku": "baguette", "name": "Baguette", "priceCents": 120, "stock": 50}]}"#))
        let tomorrow = ISO8601DateFormatter.string(from: Date().addingTimeInterval(86_400), timeZone: .gmt,
                                                   formatOptions: [.withFullDate])
        let slots = try cli.run("plugin", "call", "click-collect-2027", merchant, #"{"action": "listSlots", "date": "\#(tomorrow)"}"#)
        cli.expectSuccess(slots)
        let slot = try #require(((try json(slots) as? [String: Any])?["slots"] as? [[String: Any]])?
            .first { $0["bookable"] as? Bool == true }?["start"] as? String)
        let order = try cli.run("plugin", "call", "click-collect-2027", merchant,
                                #"{"action": "placeOrder", "orderID": "o1", "slot": "\#(slot)", "items": [{"sku": "baguette", "quantity": 3}]}"#)
        cli.expectSuccess(order)
        // Replaying the same order stores nothing new.
        try cli.expectSuccess(cli.run("plugin", "call", "click-collect-2027", merchant,
                                      #"{"action": "placeOrder", "orderID": "o1", "slot": "\#(slot)", "items": [{"sku": "baguette", "quantity": 3}]}"#))
        let export = try cli.run("outcome", "export", "click-collect-2027", "--format", "json")
        let outcomes = try #require(try json(export) as? [[String: Any]])
        let orders = outcomes.filter { $0["metric"] as? String == "orders" }
        #expect(orders.count == 1)
        #expect(orders.first?["arm"] as? String == "treatment")
        #expect((orders.first?["source"] as? String)?.hasPrefix("plugin:fr.livinglab.click-and-collect@1.0.0") == true)

        let refused = try cli.run("plugin", "call", "click-collect-2027", control[0], #"{"action": "summary"}"#)
        #expect(refused.status == 1 && refused.stderr.contains("control arm"))
        let denials = try cli.run("refusals", "--plugin", "fr.livinglab.click-and-collect")
        #expect(denials.stdout.contains("host-call") && denials.stdout.contains("control-arm"))
        #expect(!denials.stdout.contains("outcome "))

        try cli.expectSuccess(cli.run("trial", "pause", "click-collect-2027"))
        let paused = try cli.run("plugin", "call", "click-collect-2027", merchant, #"{"action": "summary"}"#)
        #expect(paused.status == 1)
        try cli.expectSuccess(cli.run("trial", "resume", "click-collect-2027"))
        try cli.expectSuccess(cli.run("trial", "stop", "click-collect-2027"))
        let stopped = try cli.run("plugin", "call", "click-collect-2027", merchant, #"{"action": "summary"}"#)
        #expect(stopped.status == 1)
        try cli.expectSuccess(cli.run("audit", "verify"))
    }

    @Test("a plugin binary changed after registration is refused until registered again with --replace")
    func changedBinaryIsRefused() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let copy = cli.folder.appendingPathComponent("libClickAndCollect.so")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.clickAndCollect), to: copy)
        try cli.expectSuccess(cli.run("plugin", "register", copy.path, "--trusted"))
        try cli.expectSuccess(cli.run("enroll", "click-collect-2027", "--merchants", "m01,m04"))
        for merchant in ["m01", "m04"] { try cli.expectSuccess(cli.run("consent", "give", merchant, "click-collect-2027")) }
        try cli.expectSuccess(cli.run("assign", "click-collect-2027", "--design", "complete"))
        let handle = try FileHandle(forWritingTo: copy)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("tampered".utf8))
        try handle.close()
        let start = try cli.run("trial", "start", "click-collect-2027")
        #expect(start.status == 1 && start.stderr.contains("--replace"), "\(start.stderr)")
        let reregister = try cli.run("plugin", "register", copy.path, "--trusted")
        #expect(reregister.status == 1 && reregister.stderr.contains("already registered with another binary"))
        try cli.expectSuccess(cli.run("plugin", "register", copy.path, "--trusted", "--replace"))
        try cli.expectSuccess(cli.run("trial", "start", "click-collect-2027"))
    }

    @Test("plugin new scaffolds a package against this checkout's SDK")
    func scaffold() throws {
        let cli = try CLIRunner()
        let run = try cli.run("plugin", "new", "LoyaltyCard", "--output", cli.folder.path, "--sdk", CLIRunner.repository.appendingPathComponent("SDK").path)
        #expect(run.status == 0, "\(run.stderr)")
        let manifest = try String(contentsOf: cli.folder.appendingPathComponent("LoyaltyCard/Package.swift"), encoding: .utf8)
        #expect(manifest.contains(CLIRunner.repository.appendingPathComponent("SDK").path) && manifest.contains(".dynamic"))
        // The checkout itself is not an SDK: the scaffold says what to pass instead.
        let wrong = try cli.run("plugin", "new", "Other", "--output", cli.folder.path, "--sdk", cli.folder.path)
        #expect(wrong.status == 1 && wrong.stderr.contains("holds no LivingLab SDK package"))
    }
}
