import ArgumentParser
import Foundation
import LivingLabCore

import LivingLabTrials
import LivingLabStore

struct OutcomeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Log, import and export measured outcomes (each checked by the consent gate).",
        subcommands: [Log.self, Import.self, Export.self, Rejections.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log one outcome.",
            discussion: """
                Example:
                  livinglab outcome log click-collect-2027 m01 revenue 182.5 --unit EUR --at 2027-03-08 --key m01-rev-w10
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The protocol's id.") var protocolID: String
        @Argument(help: "The merchant's id.") var merchant: String
        @Argument(help: "The metric's name.") var metric: String
        @Argument(help: "The value.") var value: Double
        @Option(help: "The unit (default: the protocol's unit for that metric).") var unit: String?
        @Option(help: "When it was measured, ISO 8601 (default: now).") var at: String?
        @Option(help: "A unique key for this measurement: logging it again stores nothing new.") var key: String

        func run() throws {
            let store = try lab.open()
            let date = try at.map { (text: String) throws(LabError) -> Date in try Timestamp.parse(text) } ?? store.now()
            let submission = OutcomeSubmission(protocolID: protocolID, merchantID: merchant, metric: metric, value: value,
                                               unit: unit, at: date, source: "cli", idempotencyKey: key)
            let result = try store.recordOutcomes([submission], actor: lab.who)
            switch result.dispositions.first {
            case .stored?: print("Stored \(metric) = \(value) for \(merchant) at \(Timestamp.format(date)).")
            case .duplicate?: print("Already stored under key \(key): nothing new.")
            case .rejected(let reason)?:
                throw LabError(.consentDenied, "Refused: \(reason) (reason `\(reason.rawValue)`, counted). Nothing was stored for \(merchant) at \(Timestamp.format(date)).")
            case nil: break
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import outcomes from a CSV file, in one transaction.",
            discussion: """
                Columns: \(CSVImport.outcomeColumns.joined(separator: ",")) and optionally unit, source. Every bad row is
                reported with its line number; nothing is imported from a file with errors unless --skip-invalid.
                Outcomes refused by the consent gate are counted per reason (see `outcome rejections`).

                Example:
                  livinglab outcome import revenue-march.csv
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Import the good rows and skip the bad ones (they are listed).") var skipInvalid = false

        func run() throws {
            let store = try lab.open()
            let table = try CSVTable(parsing: try readTextFile(file), required: CSVImport.outcomeColumns)
            let (outcomes, problems) = CSVImport.outcomes(table, source: "import:\(URL(fileURLWithPath: file).lastPathComponent)")
            if !problems.isEmpty && !skipInvalid {
                throw LabError.invalid("\(file) has \(problems.count) bad row(s); nothing was imported. Fix them, or run again with --skip-invalid:\n  "
                    + problems.map(\.description).joined(separator: "\n  "))
            }
            var stored = 0, duplicates = 0
            var rejected: [DenialReason: Int] = [:]
            let batches = stride(from: 0, to: outcomes.count, by: 1000).map { Array(outcomes[$0..<min($0 + 1000, outcomes.count)]) }
            for (index, batch) in batches.enumerated() {
                let result = try store.recordOutcomes(batch, actor: lab.who)
                stored += result.stored
                duplicates += result.duplicates
                rejected.merge(result.rejected, uniquingKeysWith: +)
                if batches.count > 5 { Terminal.note("  \(index + 1)/\(batches.count) batches") }
            }
            print("Imported \(file): \(stored) stored, \(duplicates) already there, \(rejected.values.reduce(0, +)) refused by the consent gate"
                + (rejected.isEmpty ? "." : " (" + rejected.map { "\($0.key.rawValue) \($0.value)" }.sorted().joined(separator: ", ") + ")."))
            if !problems.isEmpty {
                Terminal.note("Skipped \(problems.count) bad row(s):\n  " + problems.map(\.description).joined(separator: "\n  "))
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

    struct Rejections: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show outcomes refused by the consent gate, counted per reason.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(name: .customLong("protocol"), help: "Only this protocol.") var protocolID: String?

        func run() throws {
            let counts = try lab.open().rejectionCounts(protocolID: protocolID)
            if output.format == .json {
                struct Line: Encodable { var protocolID: String, reason: String, count: Int }
                return try JSONOutput.print(counts.map { Line(protocolID: $0.protocolID, reason: $0.reason, count: $0.count) })
            }
            var table = TextTable("protocol", "reason", "count")
            for c in counts { table.add(c.protocolID, c.reason, "\(c.count)") }
            print(counts.isEmpty ? "No outcome was refused." : table.rendered)
        }
    }
}

struct ShockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shock",
        abstract: "Record dated external events on the street (tram works, strikes, holidays).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a shock on some street segments.",
            discussion: """
                Example:
                  livinglab shock add tram-2027 --kind tram-works --segments "Fondaudège-Nord,Barrière" \\
                    --start 2027-03-15 --end 2027-05-16 --description "Tram line D works"
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The shock's id.") var id: String
        @Option(help: "What happened, e.g. tram-works.") var kind: String
        @Option(help: "The street segments affected, separated by commas.") var segments: String
        @Option(help: "First day, YYYY-MM-DD.") var start: String
        @Option(help: "Last day, YYYY-MM-DD.") var end: String
        @Option(help: "A sentence about it.") var description: String = ""

        func run() throws {
            let shock = Shock(id: id, kind: kind, segments: splitList(segments) ?? [],
                              period: DayRange(start: try CalendarDay(start), end: try CalendarDay(end)), description: description)
            try lab.open().addShock(shock, actor: lab.who)
            print("Recorded shock \(id) on \(shock.segments.joined(separator: ", ")) from \(start) to \(end).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List shocks.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let shocks = try lab.open().shocks()
            if output.format == .json { return try JSONOutput.print(shocks) }
            var table = TextTable("id", "kind", "segments", "from", "to", "description")
            for s in shocks {
                table.add(s.id, s.kind, s.segments.joined(separator: ", "), "\(s.period.start)", "\(s.period.end)", s.description)
            }
            print(table.rendered)
        }
    }
}

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Collect merchants' and sponsors' feedback on plugins (co-design).",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record feedback on a plugin.",
            discussion: """
                Example:
                  livinglab feedback add m03 fr.livinglab.click-and-collect "Les créneaux de 15 min sont trop courts" --rating 3
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The merchant's (or, with --sponsor, the sponsor's) id.") var author: String
        @Argument(help: "The plugin's id.") var plugin: String
        @Argument(help: "What worked and what did not.") var text: String
        @Option(help: "A rating from 1 (poor) to 5 (great).") var rating: Int?
        @Flag(help: "The author is a sponsor, not a merchant.") var sponsor = false

        func run() throws {
            let store = try lab.open()
            let feedback = try store.addFeedback(
                Feedback(authorKind: sponsor ? .sponsor : .merchant, authorID: author, pluginID: plugin, text: text, rating: rating,
                         at: store.now()), actor: lab.who)
            print("Recorded feedback #\(feedback.id ?? 0) on \(plugin).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List feedback, newest first.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(help: "Only this plugin.") var plugin: String?

        func run() throws {
            let items = try lab.open().feedback(pluginID: plugin)
            if output.format == .json { return try JSONOutput.print(items) }
            for f in items {
                print("#\(f.id ?? 0) \(Timestamp.format(f.at)) \(f.authorKind.rawValue) \(f.authorID) on \(f.pluginID)\(f.rating.map { " (\($0)/5)" } ?? ""): \(f.text)")
            }
            if items.isEmpty { print("No feedback yet.") }
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check and export the hash-chained audit log.",
        subcommands: [Verify.self, Export.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit chain; exit 1 and name the first broken entry if anything was edited, deleted or moved.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let verification = try lab.open().verifyAudit()
            if output.format == .json { try JSONOutput.print(verification) }
            guard verification.isIntact else {
                throw LabError(.auditBroken, "The audit log is broken at entry \(verification.firstBrokenSequence ?? 0): \(verification.problem ?? ""). Restore the database from a backup and investigate who changed it.")
            }
            if output.format == .text { print("Audit log intact: \(verification.entriesChecked) entries verified.") }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the audit log as JSON lines.")
        @OptionGroup var lab: LabOptions

        func run() throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(Timestamp.format(date))
            }
            for entry in try lab.open().auditEntries() {
                print(String(decoding: try encoder.encode(entry), as: UTF8.self))
            }
        }
    }
}
