import Foundation
import LabTestSupport
import Testing

@Suite("analyze, power, report and validate through the built binary")
struct AnalysisCLITests {
    /// Two treated shops and two controls, month 1 before and month 2 with the feature.
    static let revenue = """
        merchant,arm,revenue,month
        a,1,10,1
        a,1,14,2
        b,1,12,1
        b,1,17,2
        c,0,11,1
        c,0,12,2
        d,0,9,1
        d,0,9,2
        """

    @Test func analyzePrintsTheHandCheckedDiD() throws {
        let cli = try CLIRunner()
        let file = try cli.write("revenue.csv", Self.revenue)
        // (14−10 + 17−12)/2 − (12−11 + 9−9)/2 = 4.5 − 0.5 = 4.
        let run = try cli.run("analyze", file, "--unit", "merchant", "--treatment", "arm", "--outcome", "revenue",
                              "--period", "month", "--post", "2", "--method", "did")
        cli.expectSuccess(run)
        #expect(run.stdout.contains("(treated − control): 4\n"))
        #expect(run.stdout.contains("95% CI: ["))
        #expect(run.stdout.contains("Minimum detectable effect"))
        #expect(run.stdout.contains("too few merchants"))
    }

    @Test func analyzeAsJSONParsesEvenWithAnInfiniteInterval() throws {
        let cli = try CLIRunner()
        let file = try cli.write("revenue.csv", Self.revenue)
        let run = try cli.run("analyze", file, "--unit", "merchant", "--treatment", "arm", "--outcome", "revenue",
                              "--period", "month", "--post", "2", "--method", "ri", "--format", "json")
        cli.expectSuccess(run)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let estimate = try #require(object["estimate"] as? [String: Any])
        #expect(estimate["lower"] as? String == "-Infinity")
    }

    @Test func analyzeBadInputExitsOneAndNamesTheFix() throws {
        let cli = try CLIRunner()
        let file = try cli.write("revenue.csv", Self.revenue)
        let missing = try cli.run("analyze", file, "--unit", "shop", "--treatment", "arm", "--outcome", "revenue", "--method", "diff-in-means")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("Its columns are: merchant, arm, revenue, month"))
        let bad = try cli.write("bad.csv", "merchant,arm,revenue\na,1,x\nb,0,3\n")
        let nonNumeric = try cli.run("analyze", bad, "--unit", "merchant", "--treatment", "arm", "--outcome", "revenue", "--method", "ri")
        #expect(nonNumeric.status == 1)
        #expect(nonNumeric.stderr.contains("line 2"))
        let method = try cli.run("analyze", file, "--unit", "merchant", "--treatment", "arm", "--outcome", "revenue", "--method", "magic")
        #expect(method.status == 1)
    }

    @Test func powerPrintsTheMinimumDetectableEffect() throws {
        let cli = try CLIRunner()
        let run = try cli.run("power", "--per-arm", "12", "--sd", "18", "--effect", "25")
        cli.expectSuccess(run)
        #expect(run.stdout.contains("Minimum detectable effect: "))
        #expect(run.stdout.contains("Power to detect an effect of 25"))
        let bigger = try cli.run("power", "--per-arm", "48", "--sd", "18", "--format", "json")
        let small = try cli.run("power", "--per-arm", "12", "--sd", "18", "--format", "json")
        func mde(_ text: String) throws -> Double {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return try #require((object["result"] as? [String: Any])?["minimumDetectableEffect"] as? Double)
        }
        // Four times the merchants halves the standard error.
        #expect(abs(try mde(bigger.stdout) / mde(small.stdout) - 0.5) < 0.05)
        let none = try cli.run("power", "--sd", "18")
        #expect(none.status == 1)
        #expect(none.stderr.contains("--per-arm"))
    }

    @Test func powerCountsAProtocolsConsentedMerchantsByArmWeight() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let merchants = ["m01", "m04", "m06", "m08"]
        cli.expectSuccess(try cli.run("enroll", "click-collect-2027", "--merchants", merchants.joined(separator: ",")))
        for merchant in merchants { cli.expectSuccess(try cli.run("consent", "give", merchant, "click-collect-2027", "--lang", "fr")) }
        let run = try cli.run("power", "--protocol", "click-collect-2027", "--sd", "18")
        cli.expectSuccess(run)
        // Four consented merchants split 1:1 by the arms' weights.
        #expect(run.stdout.contains("Arms: 2 treated, 2 control"))
        #expect(run.stdout.contains("only 2 merchants in the smallest arm"))
    }

    @Test func reportOfAnUnknownProtocolExitsOne() throws {
        let cli = try CLIRunner()
        try cli.exampleLab()
        let run = try cli.run("report", "no-such-protocol")
        #expect(run.status == 1)
        let unassigned = try cli.run("report", "click-collect-2027", "--format", "html", "--output", "r.html")
        cli.expectSuccess(unassigned)
        let html = try String(contentsOf: cli.folder.appendingPathComponent("r.html"), encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(html.contains("livinglab assign"))
    }

    @Test func validatePrintsTheCoverageTable() throws {
        let cli = try CLIRunner()
        let run = try cli.run("validate", "--trials", "2", "--merchants", "8", "--draws", "99", "--bootstrap-draws", "99")
        cli.expectSuccess(run)
        #expect(run.stdout.contains("coverage 95%"))
        #expect(run.stdout.contains("two-way FE DiD, cluster-robust"))
        #expect(run.stderr.contains("100%"))
    }
}
