import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

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
        @OptionGroup var output: FormatOption
        @Argument(help: "The merchant's (or, with --sponsor, the sponsor's) id.") var author: String
        @Argument(help: "The plugin's id.") var plugin: String
        @Argument(help: "What worked and what did not.") var text: String
        @Option(help: "A rating from 1 (poor) to 5 (great).") var rating: Int?
        @Flag(help: "The author is a sponsor, not a merchant.") var sponsor = false

        func run() throws {
            let feedback = try lab.livingLab().recordFeedback(author: author, kind: sponsor ? .sponsor : .merchant, pluginID: plugin,
                                                              text: text, rating: rating)
            if output.format == .json { return try JSONOutput.print(feedback) }
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
