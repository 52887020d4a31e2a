import ArgumentParser
import Foundation
import LivingLabCore
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials

struct TrialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trial",
        abstract: "Start, pause, resume and stop a protocol's trial (activating its plugin for treatment merchants).",
        subcommands: [Start.self, Pause.self, Resume.self, Stop.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the trial: assigned merchants become active; the plugin is activated for those in a treatment arm.",
            discussion: "Example:\n  livinglab trial start click-collect-2027")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let change = try lab.livingLab().startTrial(protocolID)
            if output.format == .json { return try JSONOutput.print(change) }
            print("Trial \(protocolID) is running with \(change.merchants.count) merchant(s); \(change.plugin ?? "its plugin") activated for \(change.activated.count) in treatment arms.")
            for (merchant, reason) in change.refused.sorted(by: { $0.key < $1.key }) { print("  not activated for \(merchant): \(reason)") }
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a running trial: plugins stop serving its merchants.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let change = try lab.livingLab().setTrialState(protocolID, to: .paused)
            if output.format == .json { return try JSONOutput.print(change) }
            print("Trial \(protocolID) is paused: its plugin's host calls are refused until `livinglab trial resume \(protocolID)`.")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused trial.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let change = try lab.livingLab().startTrial(protocolID)
            if output.format == .json { return try JSONOutput.print(change) }
            print("Trial \(protocolID) is running again; plugin active for \(change.activated.count) merchant(s).")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a trial for good: its merchants complete it.")
        @OptionGroup var lab: LabOptions
        @OptionGroup var output: FormatOption
        @Argument(help: "The protocol's id.") var protocolID: String

        func run() throws {
            let change = try lab.livingLab().setTrialState(protocolID, to: .stopped)
            if output.format == .json { return try JSONOutput.print(change) }
            print("Trial \(protocolID) is stopped; \(change.merchants.count) merchant(s) completed it.")
        }
    }
}
