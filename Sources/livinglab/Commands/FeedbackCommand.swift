import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Collect merchants' and sponsors' feedback on plugins (co-design).",
        subcommands: [Add.self, List.self, Answer.self])

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
            let items = try lab.livingLab().feedback(visibleTo: Principal(role: .coordinator, subject: nil, tokenID: "cli"),
                                                     pluginID: plugin)
            if output.format == .json { return try JSONOutput.print(items) }
            for f in items {
                print("#\(f.id) \(Timestamp.format(f.at)) \(f.authorKind.rawValue) \(f.authorID ?? "") on \(f.pluginID)\(f.rating.map { " (\($0)/5)" } ?? ""): \(f.text)")
                for answer in f.answers {
                    print("    ↳ \(Timestamp.format(answer.at)) \(answer.authorKind.rawValue) \(answer.authorID): \(answer.text)")
                }
            }
            if items.isEmpty { print("No feedback yet.") }
        }
    }

    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a piece of feedback, as the firm whose plugin it is about or as the coordinator.",
            discussion: """
                Example:
                  livinglab feedback answer 3 "Les créneaux passent à 30 min dans la version 1.3" --firm panier-malin
                """)
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The feedback's number, as `feedback list` shows it.") var id: Int64
        @Argument(help: "The answer.") var text: String
        @Option(help: "The firm answering (only on feedback about its own plugins); the coordinator otherwise.") var firm: String?

        func run() throws {
            let answer = try lab.livingLab().answerFeedback(id, text: text, firmID: firm)
            if output.format == .json { return try JSONOutput.print(answer) }
            print("Answered feedback #\(id) as \(answer.authorKind.rawValue) \(answer.authorID).")
        }
    }
}
