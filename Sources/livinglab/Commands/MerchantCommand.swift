import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct MerchantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchant",
        abstract: "Register and look up merchants (commerçants).",
        subcommands: [Add.self, List.self, Show.self, Import.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register one merchant.",
            discussion: """
                Example:
                  livinglab merchant add m45 --name "Boulangerie du Tram" --sector bakery --segment Barrière \\
                    --position 1320 --maturity 1 --association "Les Vitrines de Fondaudège"
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant's id, e.g. m45.") var id: String
        @Option(help: "The shop's trading name.") var name: String
        @Option(help: "The trade, one lower-case word: bakery, butcher, florist…") var sector: String
        @Option(help: "The street segment.") var segment: String
        @Option(help: "Position along the street, in metres from its start.") var position: Int
        @Option(help: "Digital maturity, 0 (none) to 4 (sells online).") var maturity: Int
        @Option(help: "The merchants' association, if any.") var association: String?
        @Option(help: "How to reach the merchant (kept out of the audit log).") var contact: String?

        func run() throws {
            let merchant = Merchant(id: id, name: name, sector: sector, segment: segment, positionMetres: position,
                                    maturity: maturity, association: association, contact: contact)
            let registered = try lab.livingLab().registerMerchant(merchant)
            try JSONOutput.report(registered, as: output.format) { "Registered merchant \(id) (\(name))." }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List merchants, optionally those matching criteria.",
            discussion: """
                Examples:
                  livinglab merchant list
                  livinglab merchant list --where 'sector in [bakery, butcher] and maturity <= 2' --format json
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Option(name: .customLong("where"), help: "A criteria expression, e.g. 'maturity <= 2 and segment != \"Barrière\"'.")
        var criteria: String?

        func run() throws {
            let merchants = try lab.livingLab().merchants(matching: criteria)
            if output.format == .json { return try JSONOutput.print(merchants) }
            var table = TextTable("id", "name", "sector", "segment", "position", "maturity", "association")
            for m in merchants {
                table.add(m.id, m.name, m.sector, m.segment, "\(m.positionMetres) m", "\(m.maturity)", m.association ?? "")
            }
            print(table.rendered)
            print("\(merchants.count) merchant(s).")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a merchant, their sponsors, trials and consents.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant's id.") var id: String

        func run() throws {
            let detail = try lab.livingLab().merchantProfile(id)
            if output.format == .json { return try JSONOutput.print(detail) }
            let m = detail.merchant
            print("""
                \(m.id)  \(m.name)
                  sector \(m.sector), segment \(m.segment) at \(m.positionMetres) m, digital maturity \(m.maturity)/4
                  association: \(m.association ?? "none")
                  sponsors: \(detail.sponsors.isEmpty ? "none" : detail.sponsors.joined(separator: ", "))
                """)
            for enrollment in detail.enrollments {
                print("  trial \(enrollment.protocolID): \(enrollment.state.rawValue) since \(Timestamp.format(enrollment.updatedAt))")
            }
            for consent in detail.consents {
                print("  consent \(consent.protocolID): \(consent.state.rawValue) (version \(consent.version ?? 0), \(consent.language ?? "-"))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import merchants from a CSV file.",
            discussion: """
                Columns: \(CSVImport.merchantColumns.joined(separator: ",")). Every bad row is reported with its line \
                number; nothing is imported from a file with errors unless --skip-invalid is given.

                Example:
                  livinglab merchant import Examples/bordeaux/merchants.csv
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Import the good rows and skip the bad ones (they are listed).") var skipInvalid = false

        func run() throws {
            let result = try lab.livingLab().importMerchants(csv: try LabFiles.readText(file), source: file, skipInvalid: skipInvalid)
            try JSONOutput.report(result, as: output.format) { "Imported \(result.imported.count) merchant(s) from \(file)." }
            if !result.skipped.isEmpty && output.format == .text {
                Terminal.note("Skipped \(result.skipped.count) bad row(s):\n  " + result.skipped.map(\.description).joined(separator: "\n  "))
            }
        }
    }
}
