import Foundation

/// A committed assignment of units to arms (or waves), with everything needed to reproduce and analyse it.
///
/// Store it before the trial starts: it is the design's record (seed, parameters, blocks) and randomisation
/// inference reuses it to re-draw assignments the design could have produced.
public struct Assignment: Codable, Hashable, Sendable {
    /// The design that produced the assignment.
    public var design: DesignSpec
    /// The seed the assignment was drawn from.
    public var seed: UInt64
    /// Unit identifiers, in input order.
    public var unitIDs: [String]
    /// Arm names; `armIndex` refers to them. For stepped-wedge, "wave 1", "wave 2", ….
    public var armNames: [String]
    /// The arm (or wave) index of each unit, aligned with `unitIDs`.
    public var armIndex: [Int]
    /// The randomisation group of each unit (block, pair; 0 for everyone in a complete design).
    public var group: [Int]
    /// A readable name per group (block key or "pair 3").
    public var groupNames: [String]
    /// Rerandomisation: how many draws were made until one was accepted (1 for other designs).
    public var draws: Int
    /// The Mahalanobis balance statistic of the accepted draw, when the design has covariates.
    public var balanceStatistic: Double?

    /// The arm name of a unit, or `nil` if the unit is not in the assignment.
    public func arm(of unitID: String) -> String? {
        guard let i = unitIDs.firstIndex(of: unitID) else { return nil }
        return armNames[armIndex[i]]
    }

    /// For each unit, whether it is in a non-control arm (arm index > 0).
    public var treated: [Bool] { armIndex.map { $0 > 0 } }

    /// Draws an assignment of `units` under `design`; the same seed and inputs always give the same result.
    public static func draw(units: [ExperimentUnit], design: DesignSpec, seed: UInt64) throws -> Assignment {
        try AssignmentDrawer(units: units, design: design, seed: seed).draw()
    }

    /// The randomisation scheme that produced this assignment, for randomisation inference.
    ///
    /// For a rerandomised design, `units` must be the units the assignment was drawn from, in the same order: they
    /// give the covariates of the balance rule. Other designs do not need them.
    public func scheme(units: [ExperimentUnit] = []) throws -> RandomizationScheme {
        var rule: BalanceRule?
        if design.kind == .rerandomized, let threshold = design.threshold {
            guard units.map(\.id) == unitIDs else {
                throw AnalysisError(.mismatchedLengths, "A rerandomised design's analysis needs the units it was drawn from, in the same order: pass the cohort's units.")
            }
            rule = try BalanceRule(units: units, covariates: design.covariates, threshold: threshold)
        }
        return RandomizationScheme(groups: group, observed: armIndex, balanceRule: rule)
    }
}

struct AssignmentDrawer {
    var units: [ExperimentUnit]
    var design: DesignSpec
    var seed: UInt64

    func draw() throws -> Assignment {
        guard !units.isEmpty else {
            throw AnalysisError(.emptyArm, "No units to assign: enrol merchants in the cohort first.")
        }
        var rng = LabRandom(seed: seed)
        switch design.kind {
        case .complete, .blocked:
            let (group, names) = try blocks(design.kind == .complete ? [] : design.blockBy)
            let arms = try checkedArms()
            let labels = try labelsWithinGroups(group: group, groupCount: names.count, weights: arms.map(\.weight), rng: &rng)
            return make(labels: labels, group: group, groupNames: names, armNames: arms.map(\.name), draws: 1, balance: nil)
        case .rerandomized:
            guard let threshold = design.threshold, threshold > 0 else {
                throw AnalysisError(.invalidParameter, "Rerandomisation needs a positive balance threshold: give one (for example the χ² 10% quantile for your number of covariates).")
            }
            let rule = try BalanceRule(units: units, covariates: design.covariates, threshold: threshold)
            let (group, names) = try blocks(design.blockBy)
            let arms = try checkedArms()
            for attempt in 1...max(design.maxDraws, 1) {
                let labels = try labelsWithinGroups(group: group, groupCount: names.count, weights: arms.map(\.weight), rng: &rng)
                let m = rule.statistic(labels)
                if m <= threshold {
                    return make(labels: labels, group: group, groupNames: names, armNames: arms.map(\.name), draws: attempt, balance: m)
                }
            }
            throw AnalysisError(.infeasibleDesign, "No assignment with balance statistic ≤ \(threshold) in \(design.maxDraws) draws: raise the threshold or maxDraws, or use fewer covariates.")
        case .matchedPairs:
            let arms = try checkedArms()
            guard arms.count == 2 else {
                throw AnalysisError(.invalidParameter, "Matched pairs need exactly two arms (got \(arms.count)): use a blocked design for more arms.")
            }
            guard units.count % 2 == 0 else {
                throw AnalysisError(.infeasibleDesign, "Matched pairs need an even number of units (got \(units.count)): drop or add one merchant, or use a blocked design.")
            }
            let pairs = try PairMatcher(units: units, covariates: design.covariates).pairs()
            var labels = [Int](repeating: 0, count: units.count)
            var group = [Int](repeating: 0, count: units.count)
            var names: [String] = []
            for (p, pair) in pairs.enumerated() {
                let first = rng.nextInt(below: 2)
                labels[pair.0] = first
                labels[pair.1] = 1 - first
                group[pair.0] = p
                group[pair.1] = p
                names.append("pair \(p + 1): \(units[pair.0].id) & \(units[pair.1].id)")
            }
            return make(labels: labels, group: group, groupNames: names, armNames: arms.map(\.name), draws: 1, balance: nil)
        case .steppedWedge:
            guard design.waves >= 2, design.waves <= units.count else {
                throw AnalysisError(.invalidParameter, "A stepped-wedge design needs between 2 and \(units.count) waves (got \(design.waves)).")
            }
            let (group, names) = try blocks(design.blockBy)
            let labels = try labelsWithinGroups(group: group, groupCount: names.count, weights: Array(repeating: 1, count: design.waves), rng: &rng)
            let waveNames = (1...design.waves).map { "wave \($0)" }
            return make(labels: labels, group: group, groupNames: names, armNames: waveNames, draws: 1, balance: nil)
        }
    }

    func checkedArms() throws -> [Arm] {
        let arms = design.arms
        guard arms.count >= 2 else {
            throw AnalysisError(.invalidParameter, "A design needs at least two arms (got \(arms.count)): add a control arm.")
        }
        guard arms.allSatisfy({ $0.weight > 0 }) else {
            throw AnalysisError(.invalidParameter, "Arm weights must be positive integers: fix the weights in the protocol.")
        }
        let total = arms.reduce(0) { $0 + $1.weight }
        guard units.count >= total else {
            throw AnalysisError(.emptyArm, "\(units.count) units cannot fill arms with weights \(arms.map(\.weight)): at least \(total) units are needed so no arm is empty.")
        }
        return arms
    }

    func make(labels: [Int], group: [Int], groupNames: [String], armNames: [String], draws: Int, balance: Double?) -> Assignment {
        Assignment(design: design, seed: seed, unitIDs: units.map(\.id), armNames: armNames, armIndex: labels,
                   group: group, groupNames: groupNames, draws: draws, balanceStatistic: balance)
    }

    /// Groups units into blocks by the given factors; numeric factors with `bins` are cut by rank.
    func blocks(_ factors: [BlockingFactor]) throws -> ([Int], [String]) {
        guard !factors.isEmpty else { return (Array(repeating: 0, count: units.count), ["all units"]) }
        var keys = Array(repeating: [String](), count: units.count)
        for factor in factors {
            if let bins = factor.bins {
                guard bins >= 1 else {
                    throw AnalysisError(.invalidParameter, "Blocking on \(factor.attribute) needs at least one bin.")
                }
                let values = try units.map { try $0.number(factor.attribute) }
                let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : $0 < $1 }
                for (rank, i) in order.enumerated() {
                    let bin = rank * bins / units.count
                    keys[i].append("\(factor.attribute) bin \(bin + 1)/\(bins)")
                }
            } else {
                for i in units.indices {
                    guard let v = units[i].attributes[factor.attribute] else {
                        throw AnalysisError(.missingValues, "Unit \(units[i].id) has no attribute \(factor.attribute): give every unit a value, or block on another attribute.")
                    }
                    keys[i].append("\(factor.attribute)=\(v.text)")
                }
            }
        }
        var index: [String: Int] = [:]
        var names: [String] = []
        let joined = keys.map { $0.joined(separator: " × ") }
        // Block numbers follow the sorted keys so they do not depend on unit order.
        for key in Set(joined).sorted() {
            index[key] = names.count
            names.append(key)
        }
        return (joined.map { index[$0]! }, names)
    }

    /// Fills each group with arm labels in proportion to the weights, then shuffles within the group.
    ///
    /// Remainders (units that do not divide evenly) go to arms chosen at random per group, so small blocks do not
    /// all favour the first arm.
    func labelsWithinGroups(group: [Int], groupCount: Int, weights: [Int], rng: inout LabRandom) throws -> [Int] {
        var members = Array(repeating: [Int](), count: groupCount)
        for (i, g) in group.enumerated() { members[g].append(i) }
        let total = weights.reduce(0, +)
        var labels = [Int](repeating: 0, count: group.count)
        for list in members where !list.isEmpty {
            var counts = weights.map { list.count * $0 / total }
            var remaining = list.count - counts.reduce(0, +)
            if remaining > 0 {
                if groupCount == 1 {
                    // Largest remainder first, ties by arm order: a complete design's arm sizes are fixed and predictable.
                    let remainder = weights.map { (list.count * $0) % total }
                    let order = weights.indices.sorted { remainder[$0] != remainder[$1] ? remainder[$0] > remainder[$1] : $0 < $1 }
                    for a in order where remaining > 0 { counts[a] += 1; remaining -= 1 }
                } else {
                    var order = Array(weights.indices)
                    rng.shuffle(&order)
                    for a in order where remaining > 0 { counts[a] += 1; remaining -= 1 }
                }
            }
            var pool: [Int] = []
            for (a, c) in counts.enumerated() { pool += Array(repeating: a, count: c) }
            rng.shuffle(&pool)
            for (k, i) in list.enumerated() { labels[i] = pool[k] }
        }
        if group.count > 0, Set(labels).count < weights.count {
            throw AnalysisError(.emptyArm, "With these blocks and \(group.count) units an arm received no unit: use fewer blocks or more units.")
        }
        return labels
    }
}
