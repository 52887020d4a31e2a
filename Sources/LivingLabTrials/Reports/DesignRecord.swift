import Foundation
import LivingLabAnalysis
import LivingLabCore

import LivingLabRuntime
import LivingLabStore

/// The committed design of a trial, read back from the store, in the form the statistics need: units with their
/// attributes, arm labels with the control arm first, and randomisation groups.
struct DesignRecord {
    /// Assigned merchants, in assignment order.
    var unitIDs: [String]
    var units: [ExperimentUnit]
    /// Arm names, control arm(s) first.
    var armNames: [String]
    var armIndex: [Int]
    var treated: [Bool]
    var plan: AssignmentPlan
    var definition: ExperimentProtocol

    init(plan: AssignmentPlan, assignments: [LivingLabCore.Assignment], merchants: [String: Merchant], definition: ExperimentProtocol) {
        self.plan = plan
        self.definition = definition
        unitIDs = assignments.map(\.merchantID)
        // The same attributes the assignment was drawn on, so that re-drawing it reproduces it exactly.
        let covariates: Set<String> = ["sector", "segment", "maturity", "position", "member"]
        units = assignments.map { a in
            guard let m = merchants[a.merchantID] else { return ExperimentUnit(id: a.merchantID) }
            return ExperimentUnit(id: m.id, attributes: m.criteriaAttributes.filter { covariates.contains($0.key) }.mapValues { value in
                switch value {
                case .number(let number): .number(number)
                case .text(let text): .category(text)
                case .boolean(let flag): .category(flag ? "true" : "false")
                }
            })
        }
        armNames = definition.arms.filter(\.control).map(\.name) + definition.arms.filter { !$0.control }.map(\.name)
        let names = armNames
        armIndex = assignments.map { a in names.firstIndex(of: a.arm) ?? 0 }
        let controls = Set(definition.arms.filter(\.control).map(\.name))
        treated = assignments.map { !controls.contains($0.arm) }
    }

    /// The balance table stored with the plan when it has the analysis form, else one computed from the merchants.
    func balanceTable() -> BalanceTable? {
        if let stored = try? Self.decode(BalanceTable.self, from: plan.balance), !stored.rows.isEmpty {
            return stored
        }
        guard let assignment = recordedAssignment() ?? (try? analysisAssignment()) else { return nil }
        return try? BalanceTable(units: units, assignment: assignment)
    }

    /// Randomisation groups of each unit: blocks of the recorded `blockBy` attributes, else one group.
    var groups: [Int] {
        let blockBy = definition.design.name == "blocked" ? (definition.design.blockBy ?? []) : []
        guard !blockBy.isEmpty else { return Array(repeating: 0, count: units.count) }
        let keys = units.map { u in blockBy.map { u.attributes[$0]?.text ?? "" }.joined(separator: " × ") }
        let ordered = Array(Set(keys)).sorted()
        return keys.map { ordered.firstIndex(of: $0)! }
    }

    /// The assignment as the analysis module drew it, re-drawn from the recorded design spec and seed; `nil` when
    /// the plan does not record a spec or the re-draw does not reproduce the committed arms.
    func recordedAssignment() -> LivingLabAnalysis.Assignment? {
        guard let specValue = plan.parameters["spec"], let spec = try? Self.decode(DesignSpec.self, from: specValue),
              let drawn = try? LivingLabAnalysis.Assignment.draw(units: units, design: spec, seed: plan.seed)
        else { return nil }
        let committed = Dictionary(zip(unitIDs, armIndex.map { armNames[$0] }), uniquingKeysWith: { a, _ in a })
        for (id, index) in zip(drawn.unitIDs, drawn.armIndex) where committed[id] != drawn.armNames[index] {
            return nil
        }
        return drawn
    }

    /// The scheme randomisation inference re-draws from, aligned with ``unitIDs``, and a note on how it was built.
    ///
    /// When the plan's design can be re-drawn it is used as is (blocks, pairs, rerandomisation rule); otherwise
    /// treated (1) vs control (0) labels are permuted within the protocol's blocks, and the note says so.
    ///
    /// - Throws: for stepped-wedge and for designs whose re-draws cannot be reproduced, so that the report says so
    ///   instead of testing under the wrong design.
    func scheme() throws -> (scheme: RandomizationScheme, unitIDs: [String], note: String?) {
        if let drawn = recordedAssignment(), drawn.design.kind != .steppedWedge {
            var scheme = try drawn.scheme(units: units)
            if scheme.balanceRule == nil {
                // The report pools treatment arms, so re-draw the pooled labels.
                scheme.observed = scheme.observed.map { $0 > 0 ? 1 : 0 }
            }
            return (scheme, drawn.unitIDs, nil)
        }
        switch definition.design.name {
        case "complete", "blocked":
            return (RandomizationScheme(groups: groups, observed: treated.map { $0 ? 1 : 0 }), unitIDs,
                    "the randomisation check permutes arms within the protocol's blocks: the plan's own draw could not be reproduced.")
        default:
            throw AnalysisError(.infeasibleDesign, "the \(definition.design.name) design's draw could not be reproduced from the plan, so randomisation inference cannot respect it")
        }
    }

    /// The analysis module's view of the assignment (for the balance table).
    func analysisAssignment() throws -> LivingLabAnalysis.Assignment {
        struct Record: Encodable {
            var design: DesignSpec
            var seed: UInt64
            var unitIDs: [String]
            var armNames: [String]
            var armIndex: [Int]
            var group: [Int]
            var groupNames: [String]
            var draws: Int
        }
        let groups = self.groups
        let record = Record(
            design: .complete(arms: armNames.map { LivingLabAnalysis.Arm($0) }), seed: plan.seed, unitIDs: unitIDs,
            armNames: armNames, armIndex: armIndex, group: groups,
            groupNames: (0...(groups.max() ?? 0)).map { "group \($0 + 1)" }, draws: 1)
        // The analysis module's assignment has no public memberwise initialiser; its Codable form is its public record.
        return try JSONDecoder().decode(LivingLabAnalysis.Assignment.self, from: JSONEncoder().encode(record))
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONDecoder().decode(type, from: Data(value.canonicalText.utf8))
    }
}
