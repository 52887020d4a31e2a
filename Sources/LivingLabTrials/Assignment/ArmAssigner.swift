import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// Draws a protocol's arms with its recorded design and seed, and commits them with their balance table.
public enum ArmAssigner {
    /// What an assignment did.
    public struct Outcome: Sendable {
        public var plan: AssignmentPlan
        public var balance: BalanceTable
        public var draws: Int
    }

    /// Assigns the merchants who consented to `protocolID` (all enrolled ones still in, when overriding).
    ///
    /// - Parameters:
    ///   - designName: overrides the protocol's design (`complete`, `blocked`, `matched-pairs`, `rerandomisation`,
    ///     `stepped-wedge`); `seed` overrides its seed. Both are recorded.
    ///   - overrideReason: needed to re-assign a trial that already has assignments or has started.
    @discardableResult
    public static func assign(store: any LabStore, protocolID: String, designName: String? = nil, seed: UInt64? = nil,
                              overrideReason: String? = nil, actor: String) throws -> Outcome {
        let stored = try store.storedProtocol(protocolID)
        guard let definition = stored.approved?.definition else {
            throw LabError.rule("Protocol \(protocolID) is not approved: approve it before assigning arms.")
        }
        if overrideReason == nil, let existing = try store.committedPlan(protocolID: protocolID) {
            throw LabError.conflict("Protocol \(protocolID) was assigned on \(Timestamp.format(existing.committedAt)) by \(existing.committedBy) (\(existing.plan.design), seed \(existing.plan.seed)): assignments never change silently. If a coordinator must re-assign, run again with `--override-reason \"why\"`; the change is audited.")
        }
        let eligibleStates: Set<Enrollment.State> = overrideReason == nil ? [.consented] : [.consented, .assigned, .active]
        let enrolled = try store.enrollments(in: protocolID).filter { eligibleStates.contains($0.state) }.map(\.merchantID)
        guard enrolled.count >= 2 else {
            throw LabError.rule("Protocol \(protocolID) has \(enrolled.count) merchant(s) who consented and await an arm: at least two are needed. Record consents with `livinglab consent give`.")
        }
        let merchants = Dictionary(uniqueKeysWithValues: try store.merchants().map { ($0.id, $0) })
        // The covariates a design may block or balance on; ids and names are not covariates.
        let covariates: Set<String> = ["sector", "segment", "maturity", "position", "member"]
        let units = enrolled.map { id in
            ExperimentUnit(id: id, attributes: merchants[id]!.criteriaAttributes.filter { covariates.contains($0.key) }.mapValues { value in
                switch value {
                case .number(let number): .number(number)
                case .text(let text): .category(text)
                case .boolean(let flag): .category(flag ? "true" : "false")
                }
            })
        }
        var design = definition.design
        if let designName { design.name = designName }
        if let seed { design.seed = seed }
        guard ExperimentProtocol.Design.known.contains(design.name) else {
            throw LabError.invalid("Design `\(design.name)` is unknown: use one of \(ExperimentProtocol.Design.known.joined(separator: ", ")).")
        }
        // Analysis counts arm 0 as the control: control arms first, then the treatment arms in protocol order.
        let ordered = definition.arms.filter(\.control) + definition.treatmentArms
        let arms = ordered.map { Arm($0.name, weight: $0.weight) }
        let balanceOn = design.balanceOn ?? ["maturity", "position"]
        let spec: DesignSpec = switch design.name {
        case "blocked": .blocked(by: (design.blockBy ?? []).map { BlockingFactor($0) }, arms: arms)
        case "matched-pairs": .matchedPairs(on: balanceOn, arms: arms)
        case "rerandomisation":
            try .rerandomized(on: balanceOn, acceptanceProbability: 0.1, blockBy: (design.blockBy ?? []).map { BlockingFactor($0) },
                              arms: arms)
        case "stepped-wedge": .steppedWedge(waves: design.waves ?? 3, blockBy: (design.blockBy ?? []).map { BlockingFactor($0) })
        default: .complete(arms: arms)
        }
        let assignment: LivingLabAnalysis.Assignment
        do {
            assignment = try LivingLabAnalysis.Assignment.draw(units: units, design: spec, seed: design.seed)
        } catch let error as AnalysisError {
            throw LabError.invalid("The \(design.name) design cannot assign these \(units.count) merchants: \(error.message)")
        }
        let balance = try BalanceTable(units: units, assignment: assignment)
        let treatmentArm = definition.treatmentArms[0].name
        let entries = zip(assignment.unitIDs, assignment.armIndex).map { id, index in
            design.name == "stepped-wedge"
                ? AssignmentPlan.Entry(merchantID: id, arm: treatmentArm, wave: index)
                : AssignmentPlan.Entry(merchantID: id, arm: assignment.armNames[index])
        }
        // A balance table over few merchants can hold infinite standardised differences (no variance in an arm).
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let parameters = try JSONValue.parse(String(decoding: try encoder.encode(spec), as: UTF8.self))
        var recorded: [String: JSONValue] = ["spec": parameters, "draws": .number(Double(assignment.draws))]
        if let statistic = assignment.balanceStatistic { recorded["balanceStatistic"] = .number(statistic) }
        let plan = AssignmentPlan(design: design.name, seed: design.seed, parameters: .object(recorded),
                                  balance: try JSONValue.parse(String(decoding: try encoder.encode(balance), as: UTF8.self)),
                                  entries: entries)
        try store.commitAssignments(plan, protocolID: protocolID, actor: actor, overrideReason: overrideReason)
        return Outcome(plan: plan, balance: balance, draws: assignment.draws)
    }
}
