import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

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
        @OptionGroup var output: FormatOption
        @Argument(help: "The sponsor's id, e.g. s09.") var id: String
        @Option(help: "The sponsor's name (kept out of the audit log).") var name: String
        @Option(help: "The version of the sponsor charter they signed.") var charter: String
        @Option(help: "The id of the firm that employs them, if it is one of the lab's firms.") var employer: String?
        @Option(help: "What they can help with, separated by commas.") var skills: String?
        @Option(help: "How to reach them.") var contact: String?

        func run() throws {
            let sponsor = Sponsor(id: id, name: name, charterVersion: charter, employerFirmID: employer,
                                  skills: splitList(skills) ?? [], contact: contact)
            let registered = try lab.livingLab().registerSponsor(sponsor)
            try JSONOutput.report(registered, as: output.format) { "Registered sponsor \(id)." }
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
        @OptionGroup var output: FormatOption
        @Argument(help: "The sponsor's id.") var sponsor: String
        @Argument(help: "The merchant's id.") var merchant: String

        func run() throws {
            let pairing = try lab.livingLab().pairSponsor(sponsor, with: merchant)
            try JSONOutput.report(pairing, as: output.format) { "Paired sponsor \(sponsor) with merchant \(merchant)." }
        }
    }
}
