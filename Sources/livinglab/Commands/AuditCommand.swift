import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

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
