@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials
import Synchronization

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Prove the estimators on simulated streets with a planted effect: coverage, bias, rejection rates.",
        discussion: """
            Simulates --trials trials with the planted effect and as many with no effect, on fresh streets of \
            --merchants merchants (12 weeks, effect from week 6), and reports for each estimator the coverage of its \
            intervals (should be near 95%), its bias, and how often it rejects "no effect" (under no effect: near 5%).

            Example:
              livinglab validate --trials 500 --merchants 40 --seed 2026
            """)

    @Option(help: "Simulated trials per scenario (with effect, and with no effect).") var trials: Int = 500
    @Option(help: "Merchants per simulated street.") var merchants: Int = 40
    @Option(help: "Seed of the whole run.") var seed: UInt64 = 2026
    @Option(help: "Monte Carlo draws of randomisation inference per trial.") var draws: Int = 500
    @Option(help: "Wild-cluster-bootstrap draws per trial.") var bootstrapDraws: Int = 199
    @OptionGroup var output: FormatOption

    func run() throws {
        guard trials >= 1, merchants >= 4 else {
            throw LabError.invalid("--trials must be at least 1 and --merchants at least 4 (got \(trials), \(merchants)).")
        }
        guard draws >= 99, bootstrapDraws >= 99 else {
            throw LabError.invalid("--draws and --bootstrap-draws must be at least 99 (got \(draws), \(bootstrapDraws)).")
        }
        var configuration = ValidationConfiguration()
        configuration.trials = trials
        configuration.street.merchants = merchants
        configuration.seed = seed
        configuration.randomizationDraws = draws
        configuration.bootstrapDraws = bootstrapDraws
        let progress = AnalysisProgress(label: "validate: \(trials) trials × 2 scenarios")
        let started = Date()
        let report: ValidationReport
        do {
            report = try EstimatorValidation.run(configuration, progress: progress.handler)
        } catch let error as AnalysisError {
            throw LabError.invalid("The validation could not run: \(error.message)")
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(started)
        if output.format == .json { return try printJSON(report) }
        print("Estimator validation: \(trials) simulated trials per scenario, \(merchants) merchants, seed \(seed) (\(String(format: "%.1f", seconds)) s)")
        print("Planted effect (mean over merchants and post weeks): \(String(format: "%.3f", report.meanTrueEffect)) orders/week")
        print("")
        var table = TextTable("estimator", "coverage 95%", "bias", "RMSE", "mean CI width", "rejects (effect)", "rejects (no effect)", "failures")
        for (withEffect, noEffect) in zip(report.withEffect, report.noEffect) {
            table.add(withEffect.estimator,
                      String(format: "%.1f%% ± %.1f", withEffect.coverage * 100, withEffect.coverageStandardError * 100),
                      String(format: "%+.3f", withEffect.meanBias), String(format: "%.3f", withEffect.rmse),
                      String(format: "%.3f", withEffect.meanIntervalWidth), String(format: "%.1f%%", withEffect.rejectionRate * 100),
                      String(format: "%.1f%%", noEffect.rejectionRate * 100), "\(withEffect.failures + noEffect.failures)")
        }
        print(table.rendered)
        print("")
        print("Under no effect, randomisation-inference p-values: \(String(format: "%.1f%%", report.nullPValuesBelow05 * 100)) ≤ 0.05, "
            + "\(String(format: "%.1f%%", report.nullPValuesBelow10 * 100)) ≤ 0.10, Kolmogorov–Smirnov distance to uniform \(String(format: "%.3f", report.nullKolmogorovSmirnov)).")
        print("Coverage should lie within about two sampling errors of 95% (the ± figure); under no effect, rejections should be near 5%.")
    }
}

/// A progress line on standard error for long analyses: redrawn in place on a terminal, one line per 10% otherwise.
final class AnalysisProgress: Sendable {
    let label: String
    /// The last whole percent shown, so redraws happen only when it changes.
    let shown = Mutex(-1)

    init(label: String) { self.label = label }

    /// The handler to pass to analysis functions.
    var handler: ProgressHandler {
        { @Sendable [self] fraction in self.update(fraction) }
    }

    func update(_ fraction: Double) {
        let percent = Int((max(0, min(1, fraction)) * 100).rounded(.down))
        let interactive = Terminal.isInteractive
        let draw = shown.withLock { last -> Bool in
            guard percent != last, interactive || percent / 10 != last / 10 || last < 0 else { return false }
            last = percent
            return true
        }
        guard draw else { return }
        if interactive {
            let filled = percent / 5
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 20 - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)%".utf8))
        } else {
            Terminal.note("\(label): \(percent)%")
        }
    }

    /// Ends the line on a terminal.
    func finish() {
        if Terminal.isInteractive, shown.withLock({ $0 >= 0 }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Prints a value as JSON whose numbers may be infinite (randomisation-inference intervals).
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(Timestamp.format(date))
    }
    Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
