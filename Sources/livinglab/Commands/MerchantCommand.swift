import ArgumentParser
import Foundation
import LivingLabCore

import LivingLabTrials
import LivingLabStore

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
            try lab.open().addMerchant(merchant, actor: lab.who)
            print("Registered merchant \(id) (\(name)).")
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
            let filter = try Criteria(criteria ?? "")
            let merchants = try lab.open().merchants().filter { filter.matches($0) }
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

        struct Detail: Encodable {
            var merchant: Merchant
            var sponsors: [String]
            var enrollments: [Enrollment]
            var consents: [ConsentStatus]
        }

        func run() throws {
            let store = try lab.open()
            let detail = Detail(merchant: try store.merchant(id), sponsors: try store.sponsors(of: id).map(\.id),
                                enrollments: try store.enrollments(of: id), consents: try store.consentStatuses(merchantID: id))
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
                Columns: \(CSVImport.merchantColumns.joined(separator: ",")). Every bad row is reported with its line
                number; nothing is imported from a file with errors unless --skip-invalid is given.

                Example:
                  livinglab merchant import Examples/bordeaux/merchants.csv
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Import the good rows and skip the bad ones (they are listed).") var skipInvalid = false

        func run() throws {
            let store = try lab.open()
            let table = try CSVTable(parsing: try readTextFile(file), required: ["id", "name", "sector", "segment", "position_m", "maturity"])
            var (merchants, problems) = CSVImport.merchants(table)
            let existing = Set(try store.merchants().map(\.id))
            let lines = Dictionary(table.rows.compactMap { row in row["id"].map { ($0, row.line) } }, uniquingKeysWith: { a, _ in a })
            for merchant in merchants where existing.contains(merchant.id) {
                problems.append(RowProblem(line: lines[merchant.id] ?? 0, reason: "merchant \(merchant.id) is already registered"))
            }
            merchants.removeAll { existing.contains($0.id) }
            problems.sort { $0.line < $1.line }
            if !problems.isEmpty && !skipInvalid {
                throw LabError.invalid("\(file) has \(problems.count) bad row(s); nothing was imported. Fix them, or run again with --skip-invalid:\n  "
                    + problems.map(\.description).joined(separator: "\n  "))
            }
            if !merchants.isEmpty { try store.addMerchants(merchants, actor: lab.who) }
            print("Imported \(merchants.count) merchant(s) from \(file).")
            if !problems.isEmpty {
                Terminal.note("Skipped \(problems.count) bad row(s):\n  " + problems.map(\.description).joined(separator: "\n  "))
            }
        }
    }
}

struct SponsorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sponsor",
        abstract: "Register sponsors (parrains) and pair them with merchants.",
        subcommands: [Add.self, List.self, Pair.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a sponsor who signed the sponsor charter.",
            discussion: """
                Example:
                  livinglab sponsor add s09 --name "Inès Roux" --charter 2026-1 --employer panier-malin
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The sponsor's id, e.g. s09.") var id: String
        @Option(help: "The sponsor's name (kept out of the audit log).") var name: String
        @Option(help: "The version of the sponsor charter they signed.") var charter: String
        @Option(help: "The id of the firm that employs them, if it is one of the lab's firms.") var employer: String?
        @Option(help: "What they can help with, separated by commas.") var skills: String?
        @Option(help: "How to reach them.") var contact: String?

        func run() throws {
            let sponsor = Sponsor(id: id, name: name, charterVersion: charter, employerFirmID: employer,
                                  skills: splitList(skills) ?? [], contact: contact)
            try lab.open().addSponsor(sponsor, actor: lab.who)
            print("Registered sponsor \(id).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sponsors.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let sponsors = try lab.open().sponsors()
            if output.format == .json { return try JSONOutput.print(sponsors) }
            var table = TextTable("id", "name", "charter", "employer", "skills")
            for s in sponsors {
                table.add(s.id, s.name, s.charterVersion, s.employerFirmID ?? "", s.skills.joined(separator: "; "))
            }
            print(table.rendered)
        }
    }

    struct Pair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pair a sponsor with a merchant (refused if the merchant trials the sponsor's employer's plugin).",
            discussion: "Example:\n  livinglab sponsor pair s01 m03")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The sponsor's id.") var sponsor: String
        @Argument(help: "The merchant's id.") var merchant: String

        func run() throws {
            try lab.open().pairSponsor(sponsor, with: merchant, actor: lab.who)
            print("Paired sponsor \(sponsor) with merchant \(merchant).")
        }
    }
}

struct FirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firm",
        abstract: "Register the firms (startups) that ship plugins.",
        subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a firm.",
            discussion: "Example:\n  livinglab firm add panier-malin --name \"Panier Malin\" --contact bonjour@example.fr")
        @OptionGroup var lab: LabOptions
        @Argument(help: "The firm's id.") var id: String
        @Option(help: "The firm's name.") var name: String
        @Option(help: "How to reach the firm.") var contact: String?
        @Option(help: "What the firm offers, in a sentence.") var summary: String?

        func run() throws {
            try lab.open().addFirm(Firm(id: id, name: name, contact: contact, summary: summary), actor: lab.who)
            print("Registered firm \(id).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List firms.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let firms = try lab.open().firms()
            if output.format == .json { return try JSONOutput.print(firms) }
            var table = TextTable("id", "name", "summary")
            for f in firms { table.add(f.id, f.name, f.summary ?? "") }
            print(table.rendered)
        }
    }
}

struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Build named sets of merchants, by criteria or by hand.",
        discussion: """
            Criteria language: comparisons of sector, segment, maturity, position (metres), association, member
            (true/false), name, id with = != < <= > >=, `in [a, b]`, `not in [..]`, joined with and / or / not and
            parentheses. Text with spaces or accents goes in quotes.
            """,
        subcommands: [Create.self, Show.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a cohort.",
            discussion: """
                Examples:
                  livinglab cohort create food --where 'sector in [bakery, butcher] and maturity <= 2 and segment != "Barrière"'
                  livinglab cohort create pilots --merchants m01,m02,m07
                """)
        @OptionGroup var lab: LabOptions
        @Argument(help: "The cohort's name.") var name: String
        @Option(name: .customLong("where"), help: "A criteria expression.") var criteria: String?
        @Option(help: "Merchant ids separated by commas.") var merchants: String?

        func run() throws {
            let cohort = try lab.open().createCohort(name: name, criteria: criteria, merchantIDs: splitList(merchants), actor: lab.who)
            print("Cohort \(name): \(cohort.merchantIDs.count) merchant(s): \(cohort.merchantIDs.joined(separator: ", "))")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a cohort's members.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The cohort's name.") var name: String

        func run() throws {
            let cohort = try lab.open().cohort(name)
            if output.format == .json { return try JSONOutput.print(cohort) }
            print("Cohort \(cohort.name)" + (cohort.criteria.map { " (where \($0))" } ?? " (chosen by hand)"))
            print("\(cohort.merchantIDs.count) merchant(s): \(cohort.merchantIDs.joined(separator: ", "))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cohorts.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption

        func run() throws {
            let names = try lab.open().cohortNames()
            if output.format == .json { return try JSONOutput.print(names) }
            print(names.isEmpty ? "No cohort yet: create one with `livinglab cohort create NAME --where EXPR`." : names.joined(separator: "\n"))
        }
    }
}
