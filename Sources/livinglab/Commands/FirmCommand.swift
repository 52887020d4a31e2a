import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

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
        @OptionGroup var output: FormatOption
        @Argument(help: "The firm's id.") var id: String
        @Option(help: "The firm's name.") var name: String
        @Option(help: "How to reach the firm.") var contact: String?
        @Option(help: "What the firm offers, in a sentence.") var summary: String?

        func run() throws {
            let firm = try lab.livingLab().registerFirm(Firm(id: id, name: name, contact: contact, summary: summary))
            try JSONOutput.report(firm, as: output.format) { "Registered firm \(id)." }
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
