import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabTrials

struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Invite merchants into a protocol's trial (checks eligibility and the sponsor rule).",
        discussion: """
            Examples:
              livinglab enroll click-collect-2027 --cohort food
              livinglab enroll click-collect-2027 --merchants m01,m02
            """)
    @OptionGroup var lab: LabOptions
    @OptionGroup var output: FormatOption
    @Argument(help: "The protocol's id.") var protocolID: String
    @Option(help: "A cohort whose members to invite.") var cohort: String?
    @Option(help: "Merchant ids separated by commas.") var merchants: String?

    func run() throws {
        let enrolled = try lab.livingLab().enroll(in: protocolID, cohort: cohort, merchantIDs: splitList(merchants))
        if output.format == .json { return try JSONOutput.print(enrolled) }
        print("Invited \(enrolled.count) merchant(s) into \(protocolID): \(enrolled.map(\.merchantID).joined(separator: ", ")).")
    }
}
