import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Build named sets of merchants, by criteria or by hand.",
        discussion: """
            Criteria language: comparisons of sector, segment, maturity, position (metres), association, member \
            (true/false), name, id with = != < <= > >=, `in [a, b]`, `not in [..]`, joined with and / or / not and \
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
        @OptionGroup var output: FormatOption
        @Argument(help: "The cohort's name.") var name: String
        @Option(name: .customLong("where"), help: "A criteria expression.") var criteria: String?
        @Option(help: "Merchant ids separated by commas.") var merchants: String?

        func run() throws {
            let cohort = try lab.livingLab().createCohort(name: name, criteria: criteria, merchantIDs: splitList(merchants))
            try JSONOutput.report(cohort, as: output.format) {
                "Cohort \(name): \(cohort.merchantIDs.count) merchant(s): \(cohort.merchantIDs.joined(separator: ", "))"
            }
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
