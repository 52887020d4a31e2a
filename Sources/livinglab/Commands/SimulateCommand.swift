import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabTrials
import LivingLabStore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a click & collect trial on a synthetic street with a planted effect, through the real plugin.",
        discussion: """
            Builds a synthetic street in a fresh lab database (merchants with sectors, segments and digital maturity, \
            tram works on two segments during the trial), a protocol that trials the ClickAndCollect plugin (registered \
            from the folder of this executable: run `swift build` first), and runs it on a simulated clock: baseline \
            weeks, the trial (customers order through the plugin), two withdrawals half-way, follow-up weeks. Every \
            merchant declares its weekly sales and revenue; weekly sales are the primary metric. It ends with the \
            estimated effect, its interval, and the planted truth.

            Examples:
              livinglab simulate
              livinglab simulate --merchants 20 --weeks-trial 8 --effect 0.25 --seed 7 --format json
            """)

    @Option(help: "Merchants on the street.") var merchants: Int = 40
    @Option(help: "Baseline weeks (declarations only).") var weeksBaseline: Int = 8
    @Option(help: "Trial weeks.") var weeksTrial: Int = 12
    @Option(help: "Follow-up weeks after the trial.") var weeksFollowUp: Int = 2
    @Option(help: "The planted effect: relative lift of customers for a treated shop at maturity 2 (0.15 = +15%).")
    var effect: Double = 0.15
    @Option(help: "The seed of the street, the assignment and the customers.") var seed: UInt64 = 2027
    @Option(help: "Where to build the simulated lab (replaced if it exists).") var db: String = "livinglab-simulation.sqlite"
    @Option(help: "text or json.") var format: OutputFormat = .text

    func validate() throws {
        guard merchants >= 4, merchants <= 2_000 else { throw ValidationError("--merchants must be between 4 and 2000.") }
        guard weeksBaseline >= 1, weeksTrial >= 2, weeksFollowUp >= 0 else {
            throw ValidationError("Give at least 1 baseline week and 2 trial weeks (--weeks-baseline, --weeks-trial).")
        }
        guard effect > -0.9, effect < 5 else { throw ValidationError("--effect is a relative lift, e.g. 0.15 for +15%.") }
    }

    func run() throws {
        let path = URL(fileURLWithPath: db).standardizedFileURL.path
        let store = try SimulationLab.freshStore(at: path, firstMonday: try CalendarDay("2027-01-04"))
        var street = SyntheticStreet.Configuration()
        street.merchants = merchants
        street.baselineWeeks = weeksBaseline
        street.trialWeeks = weeksTrial
        street.followUpWeeks = weeksFollowUp
        street.seed = seed
        let plugin = try PluginShelf.library("ClickAndCollect")
        _ = try SyntheticStreet(in: store, pluginPath: plugin, configuration: street)
        var configuration = StreetSimulation.Configuration(protocolID: SyntheticStreet.protocolID, seed: seed)
        configuration.street.effect.size = effect
        configuration.shockID = SyntheticStreet.shockID
        let started = Date()
        let result = try StreetSimulation(store: store, configuration: configuration).run { Terminal.note($0.line) }
        let estimate = try SimulationLab.primaryEstimate(store: store, protocolID: SyntheticStreet.protocolID)
        let seconds = Date().timeIntervalSince(started)
        if format == .json {
            return try JSONOutput.print(SimulationLab.Summary(result: result, estimate: estimate, lab: path))
        }
        print("Synthetic street: \(merchants) merchants on \(SyntheticStreet.segments.joined(separator: ", ")), seed \(seed); tram works on \(SyntheticStreet.shockedSegments.joined(separator: " and ")) during the trial.")
        print("Simulated on a ManualClock (\(weeksBaseline) baseline + \(weeksTrial) trial + \(weeksFollowUp) follow-up weeks from 2027-01-04) in \(String(format: "%.1f", seconds)) s; lab in \(path).")
        print(SimulationLab.describe(result))
        print(SimulationLab.describe(estimate: estimate, truth: result.truth))
    }
}
