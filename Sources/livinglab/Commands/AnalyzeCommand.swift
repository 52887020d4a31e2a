import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials

extension OutcomeTableAnalysis.Method: ExpressibleByArgument {}

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Estimate an effect from any outcome table (CSV): estimate, SE, interval, p-value, method, MDE.",
        discussion: """
            For outcomes measured outside plugins, such as monthly revenue declared by merchants. One row per \
            merchant, or per merchant and period (then give --period and --post, the first period with the feature). \
            The treatment column holds 1/0, true/false, yes/no or treatment/control, constant within a merchant.

            Methods: did (two-way fixed effects, cluster-robust by merchant), diff-in-means (Neyman SE), ancova \
            (on --covariate and/or the pre-period mean), ri (randomisation inference, complete randomisation).

            Examples:
              livinglab analyze revenue.csv --unit merchant --treatment arm --outcome revenue --method diff-in-means
              livinglab analyze revenue.csv --unit merchant --treatment arm --outcome revenue \\
                --period month --post 2027-03 --method did
            """)

    @Argument(help: "The CSV file (header row, comma-separated).") var file: String
    @Option(help: "The unit (merchant) column.") var unit: String
    @Option(help: "The treatment column.") var treatment: String
    @Option(help: "The outcome column (numbers).") var outcome: String
    @Option(help: "The period column (for a panel).") var period: String?
    @Option(help: "The first post-period value (rows at or after it are post).") var post: String?
    @Option(help: "A numeric covariate column (for ancova).") var covariate: String?
    @Option(help: "A cluster column for cluster-robust SE.") var cluster: String?
    @Option(help: "did, diff-in-means, ancova or ri.") var method: OutcomeTableAnalysis.Method
    @Option(help: "Confidence level of the interval.") var confidence: Double = 0.95
    @Option(help: "Monte Carlo draws of randomisation inference beyond exact enumeration.") var draws: Int = 10_000
    @Option(help: "Seed of those draws.") var seed: UInt64 = 1
    @OptionGroup var output: FormatOption

    func run() throws {
        let text = try LabFiles.readText(file)
        var request = OutcomeTableAnalysis.Request(unit: unit, treatment: treatment, outcome: outcome, method: method)
        request.period = period
        request.post = post
        request.covariate = covariate
        request.cluster = cluster
        request.confidenceLevel = confidence
        request.draws = draws
        request.seed = seed
        guard draws >= 99 else { throw LabError.invalid("--draws must be at least 99 (got \(draws)); 10000 is a good default.") }
        let progress = method == .ri ? AnalysisProgress(label: "randomisation inference") : nil
        request.progress = progress?.handler
        let result = try OutcomeTableAnalysis.run(csv: text, request: request)
        progress?.finish()
        if output.format == .json { return try printJSON(result) }
        let e = result.estimate
        func f(_ x: Double?) -> String {
            guard let x else { return "–" }
            return x.isFinite ? String(format: "%.4g", x) : (x > 0 ? "+∞" : "−∞")
        }
        print("Effect of \(treatment) on \(outcome) (treated − control): \(f(e.estimate))")
        print("Standard error: \(f(e.standardError))")
        print("\(Int((e.confidenceLevel * 100).rounded()))% CI: [\(f(e.lower)), \(f(e.upper))]")
        print("p-value: \(f(e.pValue))" + (e.monteCarloError.map { " (Monte Carlo error ± \(f($0)))" } ?? ""))
        print("Method: \(e.method)")
        print("Units: \(result.units) (\(result.treatedUnits) treated, \(result.controlUnits) control) from \(result.rows) rows"
            + (result.clusters.map { ", \($0) clusters" } ?? ""))
        print("Minimum detectable effect (80% power): \(f(result.minimumDetectableEffect))")
        for note in result.notes { print("Note: \(note)") }
    }
}
