import Foundation
import LabTestSupport
import Testing

@Suite("livinglab demo and simulate, end to end through the built binary and plugins")
struct DemoCLITests {
    @Test("`livinglab demo` runs the simulated click & collect trial and ends with a report whose interval holds the planted truth; its progress lines never cut its results")
    func demoEndsWithCoveredTruth() throws {
        let cli = try CLIRunner()
        // Results and progress into one pipe, as on a terminal: every line must come out whole and in order.
        let run = try cli.run(["demo", "--example", CLIRunner.repository.appendingPathComponent("Examples/bordeaux").path],
                              merged: true)
        #expect(run.status == 0, "\(run.stdout.suffix(2000))")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.contains("simulated 20") && !$0.hasPrefix("simulated 20") }, "a progress line cut a result line")
        let intro = try #require(lines.firstIndex { $0.contains("simulated clock (ManualClock)") })
        let firstWeek = try #require(lines.firstIndex { $0.hasPrefix("simulated 2027-W01") })
        let balance = try #require(lines.firstIndex { $0.contains("Balance (means per arm") })
        #expect(balance < intro && intro < firstWeek)
        #expect(run.stdout.contains("fr.livinglab.click-and-collect@1.0.0 (panier-malin)"))
        #expect(run.stdout.contains("Balance (means per arm"))
        #expect(run.stdout.contains("simulated clock (ManualClock)"))
        #expect(run.stdout.contains("simulated 2027-W09 (trial"))
        #expect(run.stdout.contains("orders placed through the plugin"))
        #expect(run.stdout.contains("treatment  pickup_rate"))
        #expect(run.stdout.contains("Refused by the consent gate after withdrawal"))
        let report = try #require(run.stdout.range(of: "== Report of click-collect-2027"))
        let tail = run.stdout[report.upperBound...]
        #expect(tail.contains("weekly_sales    primary"))
        let last = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("Planted truth:") && last.hasSuffix("contains it."), "last line: \(last)")
        let verify = try cli.run("audit", "verify", "--db", "livinglab-demo.sqlite")
        #expect(verify.status == 0 && verify.stdout.contains("intact"))
    }

    @Test("`livinglab simulate` on a small street prints the estimate, the planted truth and whether it is covered, as JSON")
    func simulateJSON() throws {
        let cli = try CLIRunner()
        let run = try cli.run("simulate", "--merchants", "8", "--weeks-baseline", "2", "--weeks-trial", "2",
                              "--weeks-follow-up", "0", "--seed", "3", "--format", "json")
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let result = try #require(json["result"] as? [String: Any])
        #expect((result["ordersPlaced"] as? Int ?? 0) > 0)
        #expect((result["merchants"] as? Int) == 8)
        let truth = try #require(result["truth"] as? [String: Any])
        #expect(truth["metric"] as? String == "weekly_sales")
        let estimate = try #require(json["estimate"] as? [String: Any])
        let lower = try #require(estimate["lower"] as? Double), upper = try #require(estimate["upper"] as? Double)
        let effect = try #require(truth["averageEffect"] as? Double)
        #expect(json["truthCovered"] as? Bool == (lower <= effect && effect <= upper))
        #expect(run.stderr.contains("simulated 2027-W03 (trial, week 3/4)"))
    }
}
