import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

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
        @OptionGroup var output: FormatOption
        @Argument(help: "The shock's id.") var id: String
        @Option(help: "What happened, e.g. tram-works.") var kind: String
        @Option(help: "The street segments affected, separated by commas.") var segments: String
        @Option(help: "First day, YYYY-MM-DD.") var start: String
        @Option(help: "Last day, YYYY-MM-DD.") var end: String
        @Option(help: "A sentence about it.") var description: String = ""

        func run() throws {
            let shock = Shock(id: id, kind: kind, segments: splitList(segments) ?? [],
                              period: DayRange(start: try CalendarDay(start), end: try CalendarDay(end)), description: description)
            _ = try lab.livingLab().recordShock(shock)
            if output.format == .json { return try JSONOutput.print(shock) }
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
