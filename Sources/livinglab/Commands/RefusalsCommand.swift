import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabStore
import LivingLabTrials

struct RefusalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refusals",
        abstract: "Show what the consent gate refused: outcomes per protocol and plugins' host calls per plugin, by reason.",
        discussion: """
            Both come from the lab's one placement rule and use its reasons (not-consented, withdrawn, expired, \
            version-not-covered, purpose-not-covered, not-enrolled, control-arm, other-trial, category-not-allowed, \
            not-active).

            Examples:
              livinglab refusals
              livinglab refusals --protocol click-collect-2027
              livinglab refusals --plugin fr.livinglab.click-and-collect --format json
            """)
    @OptionGroup var lab: LabOptions
    @OptionGroup var output: FormatOption
    @Option(name: .customLong("protocol"), help: "Only outcomes of this protocol.") var protocolID: String?
    @Option(help: "Only host calls of this plugin.") var plugin: String?

    func validate() throws {
        if protocolID != nil && plugin != nil {
            throw ValidationError("Give --protocol (outcomes) or --plugin (host calls), not both.")
        }
    }

    func run() throws {
        let refusals = try lab.livingLab().refusals(protocolID: protocolID, pluginID: plugin)
        if output.format == .json { return try JSONOutput.print(refusals) }
        guard !refusals.isEmpty else { return print("The consent gate refused nothing so far.") }
        var table = TextTable("kind", "protocol or plugin", "reason", "count")
        for r in refusals { table.add(r.kind, r.subject, r.reason, "\(r.count)") }
        print(table.rendered)
    }
}
