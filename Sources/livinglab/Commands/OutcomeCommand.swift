import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct OutcomeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Log, import and export measured outcomes (each checked by the consent gate).",
        subcommands: [Log.self, Import.self, Export.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log one outcome.",
            discussion: """
                Example:
                  livinglab outcome log click-collect-2027 m01 revenue 182.5 --unit EUR --at 2027-03-08 --key m01-rev-w10
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String
        @Argument(help: "The merchant's id.") var merchant: String
        @Argument(help: "The metric's name.") var metric: String
        @Argument(help: "The value.") var value: Double
        @Option(help: "The unit (default: the protocol's unit for that metric).") var unit: String?
        @Option(help: "When it was measured, ISO 8601 (default: now).") var at: String?
        @Option(help: "A unique key for this measurement: logging it again stores nothing new.") var key: String

        func run() throws {
            let lab = try lab.livingLab()
            let date = try at.map { (text: String) throws(LabError) -> Date in try Timestamp.parse(text) } ?? lab.store.now()
            let submission = OutcomeSubmission(protocolID: protocolID, merchantID: merchant, metric: metric, value: value,
                                               unit: unit, at: date, source: "cli", idempotencyKey: key)
            let disposition = try lab.logOutcome(submission)
            try JSONOutput.report(disposition, as: output.format) {
                disposition == .stored ? "Stored \(metric) = \(value) for \(merchant) at \(Timestamp.format(date))."
                    : "Already stored under key \(key): nothing new."
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import outcomes from a CSV file, in batches of 1,000 each committed on its own.",
            discussion: """
                Columns: \(CSVImport.outcomeColumns.joined(separator: ",")) and optionally unit, source. Every bad row is \
                reported with its line number; nothing is imported from a file with errors unless --skip-invalid. \
                Each batch is durable once committed: if the import is interrupted, the batches before are kept, and \
                running the same file again stores only what is missing (the keys make replays safe). Outcomes refused \
                by the consent gate are counted per reason (see `livinglab refusals`).

                Example:
                  livinglab outcome import revenue-march.csv
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Import the good rows and skip the bad ones (they are listed).") var skipInvalid = false

        func run() throws {
            let result = try lab.livingLab().importOutcomes(csv: try LabFiles.readText(file), source: file, skipInvalid: skipInvalid) {
                done, total in if total > 5 { Terminal.note("  \(done)/\(total) batches") }
            }
            let refused = result.refused.values.reduce(0, +)
            try JSONOutput.report(result, as: output.format) {
                "Imported \(file): \(result.stored) stored, \(result.duplicates) already there, \(refused) refused by the consent gate"
                    + (refused == 0 ? "." : " (" + result.refused.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ") + ").")
            }
            if !result.skipped.isEmpty && output.format == .text {
                Terminal.note("Skipped \(result.skipped.count) bad row(s):\n  " + result.skipped.map(\.description).joined(separator: "\n  "))
            }
            if !result.conflicts.isEmpty {
                throw LabError.conflict("\(result.conflicts.count) row(s) reuse a key already stored with another value; nothing was stored for them (the other rows are stored). A replay must send the same measurement; a new measurement needs a new key:\n  "
                    + result.conflicts.prefix(20).map(\.description).joined(separator: "\n  ")
                    + (result.conflicts.count > 20 ? "\n  … and \(result.conflicts.count - 20) more (see --format json)" : ""))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a protocol's outcomes as CSV (or JSON).",
            discussion: "Example:\n  livinglab outcome export click-collect-2027 --metric orders > orders.csv")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String
        @Option(help: "Only this metric.") var metric: String?
        @Option(help: "Output format: csv or json.") var format: String = "csv"

        func run() throws {
            let outcomes = try lab.open().outcomes(protocolID: protocolID, metric: metric)
            if format == "json" { return try JSONOutput.print(outcomes) }
            guard format == "csv" else { throw LabError.invalid("--format must be csv or json.") }
            print("protocol,version,merchant,arm,metric,value,unit,at,source,key")
            for o in outcomes {
                print([o.protocolID, "\(o.protocolVersion)", o.merchantID ?? "", o.arm ?? "", o.metric, "\(o.value)", o.unit,
                       Timestamp.format(o.at), o.source, o.idempotencyKey].map(csvField).joined(separator: ","))
            }
        }

        private func csvField(_ text: String) -> String {
            text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }
}
