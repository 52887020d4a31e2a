import ArgumentParser
import Foundation
import LivingLabCore

import LivingLabStore
import LivingLabTrials
import LivingLabWeb

extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A trial's report: design and balance, consent funnel, effects with intervals, MDE, weekly chart.",
        discussion: """
            The firm-facing report shows aggregates only. With --merchant ID it shows that merchant's own figures \
            and nothing about anyone else, for the merchant's eyes. HTML is one self-contained file (inline CSS and \
            SVG charts) that opens without a network, in French (the default) or English (--lang en); text, JSON \
            and CSV are the same in every language.

            Examples:
              livinglab report click-collect-2027
              livinglab report click-collect-2027 --format html --output report.html
              livinglab report click-collect-2027 --merchant m07 --format html --output m07.html
              livinglab report click-collect-2027 --format html --lang en --output report-en.html
            """)

    @OptionGroup var lab: LabOptions
    @Argument(help: "The protocol's id.") var protocolID: String
    @Option(help: "text, json, csv or html.") var format: ReportFormat = .text
    @Option(help: "Write the report to this file instead of standard output.") var output: String?
    @Option(help: "Only this merchant's own figures.") var merchant: String?
    @Option(help: "Confidence level of the intervals.") var confidence: Double = 0.95
    @Option(help: "Monte Carlo draws of randomisation inference beyond exact enumeration.") var draws: Int = 2_000
    @Option(help: "Seed of those draws.") var seed: UInt64 = 1
    @Option(help: "The HTML report's language: fr or en.") var lang: String = "fr"

    func run() throws {
        guard draws >= 99 else { throw LabError.invalid("--draws must be at least 99 (got \(draws)).") }
        guard Catalogue.languages.contains(lang) else {
            throw LabError.invalid("--lang is one of \(Catalogue.languages.joined(separator: ", ")), not `\(lang)`.")
        }
        let store = try lab.open()
        var options = ReportOptions(merchantID: merchant)
        options.confidenceLevel = confidence
        options.randomizationDraws = draws
        options.seed = seed
        let progress = AnalysisProgress(label: "randomisation inference")
        options.progress = progress.handler
        let report = try TrialReport.assemble(from: store, protocolID: protocolID, options: options)
        progress.finish()
        let text = try report.rendered(as: format, language: lang)
        guard let output else { return print(text) }
        let url = URL(fileURLWithPath: output)
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw LabError.invalid("Could not write \(url.path): check that the folder exists and that you may write there.")
        }
        Terminal.note("Wrote the \(format.rawValue) report of \(protocolID) to \(url.standardizedFileURL.path).")
    }
}
