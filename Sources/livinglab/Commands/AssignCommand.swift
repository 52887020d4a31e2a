import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign consented merchants to arms with the protocol's design and recorded seed, and show the balance.",
        discussion: """
            The assignment is committed before the trial starts and never changes silently: re-assigning needs \
            --override-reason, and is audited.

            Examples:
              livinglab assign click-collect-2027
              livinglab assign click-collect-2027 --design rerandomisation --seed 42
              livinglab assign click-collect-2027 --override-reason "m12 closed for good"
            """)
    @OptionGroup var lab: LabOptions
    @OptionGroup var output: FormatOption
    @Argument(help: "The protocol's id.") var protocolID: String
    @Option(help: "Another design than the protocol's: complete, blocked, matched-pairs, rerandomisation, stepped-wedge.") var design: String?
    @Option(help: "Another seed than the protocol's.") var seed: UInt64?
    @Option(help: "Why an existing assignment must change (a coordinator's decision, audited).") var overrideReason: String?

    func run() throws {
        let result = try lab.livingLab().assign(protocolID: protocolID, design: design, seed: seed, overrideReason: overrideReason)
        if output.format == .json { return try JSONOutput.print(result.plan) }
        print(result.summary(protocolID: protocolID))
    }
}
