import ArgumentParser
import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabStore

struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power",
        abstract: "Before a trial: the minimum detectable effect (MDE) and the power of a design.",
        discussion: """
            Give the arm sizes (--per-arm, or --treated and --control, or --protocol to count the merchants who \
            consented or were assigned) and the standard deviation of the outcome across merchants (--sd, for example \
            of last quarter's weekly orders). Optional: --pre-correlation for ANCOVA/CUPED on a pre-period, and \
            --periods (post weeks) with --pre-periods and --icc for a weekly panel analysed by difference-in-differences.

            Examples:
              livinglab power --per-arm 12 --sd 18
              livinglab power --per-arm 12 --sd 18 --periods 12 --pre-periods 8 --icc 0.7 --effect 10
              livinglab power --protocol click-collect-2027 --sd 18 --pre-correlation 0.8
            """)

    @OptionGroup var lab: LabOptions
    @Option(help: "Merchants in each arm.") var perArm: Int?
    @Option(help: "Merchants in the treated arm(s) (instead of --per-arm).") var treated: Int?
    @Option(help: "Merchants in the control arm(s) (instead of --per-arm).") var control: Int?
    @Option(name: .customLong("protocol"), help: "Count the protocol's consented (or assigned) merchants per arm.") var protocolID: String?
    @Option(help: "Standard deviation of the outcome across merchants (one period's value).") var sd: Double
    @Option(help: "Two-sided significance level.") var alpha: Double = 0.05
    @Option(help: "Target power.") var power: Double = 0.8
    @Option(help: "Correlation of the outcome with its pre-period value (ANCOVA/CUPED); 0 for none.") var preCorrelation: Double = 0
    @Option(help: "Post-period measurements per merchant (for example trial weeks).") var periods: Int = 1
    @Option(help: "Pre-period measurements per merchant (DiD); 0 compares post-period means.") var prePeriods: Int = 0
    @Option(help: "Share of the outcome's variance that is a stable merchant level (intra-class correlation).") var icc: Double = 0
    @Option(help: "Also report the power to detect this effect and the merchants per arm it needs.") var effect: Double?
    @OptionGroup var output: FormatOption

    struct Answer: Encodable {
        var treatedUnits: Int
        var controlUnits: Int
        var result: PowerResult
        var alpha: Double
        var power: Double
        var effect: Double?
        var powerForEffect: Double?
        var merchantsPerArmForEffect: Int?
    }

    func run() throws {
        let (nt, nc, source) = try armSizes()
        let inputs = PowerInputs(treatedUnits: nt, controlUnits: nc, outcomeSD: sd, preCorrelation: preCorrelation,
                                 periodsPre: prePeriods, periodsPost: periods, icc: icc, alpha: alpha, power: power)
        let answer: Answer
        do {
            let result = try PowerAnalysis.minimumDetectableEffect(inputs)
            answer = Answer(treatedUnits: nt, controlUnits: nc, result: result, alpha: alpha, power: power, effect: effect,
                            powerForEffect: try effect.map { try PowerAnalysis.power(effect: $0, inputs) },
                            merchantsPerArmForEffect: try effect.flatMap { try PowerAnalysis.unitsPerArm(toDetect: abs($0), inputs) })
        } catch let error as AnalysisError {
            throw LabError.invalid(error.message)
        }
        if output.format == .json { return try printJSON(answer) }
        print("Arms: \(nt) treated, \(nc) control\(source)")
        print("Minimum detectable effect: \(format(answer.result.minimumDetectableEffect)) "
            + "(\(Int((power * 100).rounded()))% power, α = \(alpha), two-sided)")
        print("Anticipated standard error: \(format(answer.result.standardError)), \(Int(answer.result.degreesOfFreedom)) df; \(answer.result.method)")
        if let effect, let p = answer.powerForEffect {
            print("Power to detect an effect of \(format(effect)): \(String(format: "%.0f%%", p * 100))")
            if let n = answer.merchantsPerArmForEffect {
                print("Merchants per arm needed to detect \(format(effect)) with \(Int((power * 100).rounded()))% power: \(n)")
            } else {
                print("No realistic number of merchants per arm detects \(format(effect)) with this design.")
            }
        }
        for note in answer.result.notes { print("Note: \(note)") }
    }

    func format(_ x: Double) -> String { String(format: "%.3g", x) }

    func armSizes() throws -> (Int, Int, String) {
        if let protocolID {
            guard perArm == nil, treated == nil, control == nil else {
                throw LabError.invalid("Give either --protocol or arm sizes (--per-arm, or --treated and --control), not both.")
            }
            let store = try lab.open()
            let definition = try store.storedProtocol(protocolID).latest.definition
            let controls = Set(definition.arms.filter(\.control).map(\.name))
            let assignments = try store.assignments(in: protocolID)
            if !assignments.isEmpty {
                let nc = assignments.filter { controls.contains($0.arm) }.count
                return (assignments.count - nc, nc, " (assigned merchants of \(protocolID))")
            }
            let consented = try store.enrollments(in: protocolID).filter { $0.state == .consented }.count
            let weightControl = definition.arms.filter(\.control).reduce(0) { $0 + $1.weight }
            let weightAll = definition.arms.reduce(0) { $0 + $1.weight }
            let nc = consented * weightControl / max(weightAll, 1)
            return (consented - nc, nc, " (\(consented) consented merchants of \(protocolID), split by the arms' weights)")
        }
        if let perArm {
            guard treated == nil, control == nil else { throw LabError.invalid("Give --per-arm or --treated/--control, not both.") }
            return (perArm, perArm, "")
        }
        guard let treated, let control else {
            throw LabError.invalid("Say how many merchants each arm has: --per-arm N, or --treated N --control N, or --protocol ID.")
        }
        return (treated, control, "")
    }
}
