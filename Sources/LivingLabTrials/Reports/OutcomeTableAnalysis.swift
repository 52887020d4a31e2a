import Foundation
import LivingLabAnalysis
import LivingLabCore

/// `livinglab analyze`: an effect estimate from any outcome table (a CSV with one row per unit or per unit-period),
/// for outcomes measured outside plugins such as monthly revenue declared by merchants.
public struct OutcomeTableAnalysis: Sendable {
    /// The estimator to run.
    public enum Method: String, CaseIterable, Codable, Sendable {
        /// Two-way fixed-effects difference-in-differences (needs a period column and a post value).
        case did
        /// Difference in means (of post-period means when a period column is given).
        case diffInMeans = "diff-in-means"
        /// Regression adjustment on a covariate (on the pre-period mean when a period column is given: CUPED).
        case ancova
        /// Randomisation inference (complete randomisation of units), DiD when a period column is given.
        case ri
    }

    /// Which columns mean what, and how to estimate.
    public struct Request: Sendable {
        /// The unit (merchant) column.
        public var unit: String
        /// The treatment column: 1/0, true/false, yes/no, treated/control or treatment/control.
        public var treatment: String
        /// The numeric outcome column.
        public var outcome: String
        /// The period column, for panels.
        public var period: String?
        /// The first post-period value: rows whose period is at or after it are post (numeric order if both are numbers,
        /// else text order, so `2027-03` works).
        public var post: String?
        /// A numeric unit-level covariate (averaged per unit).
        public var covariate: String?
        /// A cluster column for cluster-robust SE (units nested in clusters).
        public var cluster: String?
        /// The estimator.
        public var method: Method
        /// The interval level.
        public var confidenceLevel: Double = 0.95
        /// Monte Carlo draws of randomisation inference beyond exact enumeration.
        public var draws: Int = 10_000
        /// Seed of those draws.
        public var seed: UInt64 = 1
        /// Progress of randomisation inference.
        public var progress: ProgressHandler?

        /// Creates a request with the required columns and the method.
        public init(unit: String, treatment: String, outcome: String, method: Method) {
            self.unit = unit
            self.treatment = treatment
            self.outcome = outcome
            self.method = method
        }
    }

    /// The result: the estimate with its MDE and counts.
    public struct Result: Codable, Sendable {
        /// The effect estimate (treated − control).
        public var estimate: Estimate
        /// The effect the analysis could detect with 80% power (from its SE, or from the model's SE for RI).
        public var minimumDetectableEffect: Double?
        /// Rows read.
        public var rows: Int
        /// Units analysed.
        public var units: Int
        /// Treated units.
        public var treatedUnits: Int
        /// Control units.
        public var controlUnits: Int
        /// Clusters, when clustered.
        public var clusters: Int?
        /// Notes for the reader.
        public var notes: [String]
    }

    /// Runs the analysis on CSV text.
    ///
    /// - Throws: ``LabError`` (invalid input) for a missing column, non-numeric or empty values (every bad line
    ///   listed), a treatment that changes within a unit, or a degenerate design the estimator cannot handle.
    public static func run(csv text: String, request r: Request) throws(LabError) -> Result {
        let table = try CSVTable(parsing: text)
        let needed = [r.unit, r.treatment, r.outcome] + [r.period, r.covariate, r.cluster].compactMap { $0 }
        let missing = needed.filter { !table.header.contains($0) }
        guard missing.isEmpty else {
            throw LabError.invalid("The file has no column \(missing.map { "`\($0)`" }.joined(separator: ", ")). Its columns are: \(table.header.joined(separator: ", ")).")
        }
        guard !table.rows.isEmpty else { throw LabError.invalid("The file has a header but no data rows.") }
        if (r.period == nil) != (r.post == nil) {
            throw LabError.invalid("Give --period and --post together: --period names the period column, --post the first post-period value.")
        }
        if r.method == .did && r.period == nil {
            throw LabError.invalid("--method did needs --period COL and --post VALUE (the first period with the feature on).")
        }
        guard r.confidenceLevel > 0, r.confidenceLevel < 1 else {
            throw LabError.invalid("--confidence must be between 0 and 1 (got \(r.confidenceLevel)), for example 0.95.")
        }

        var problems: [String] = []
        var rows: [(line: Int, unit: String, treated: Bool, y: Double, period: String?, covariate: Double?, cluster: String?)] = []
        for row in table.rows {
            var bad: [String] = []
            let unit = row[r.unit]
            if unit == nil { bad.append("`\(r.unit)` is empty") }
            let treated = row[r.treatment].flatMap(Self.treatmentFlag)
            if treated == nil { bad.append("`\(r.treatment)` is `\(row.fields[r.treatment] ?? "")`, not 1/0, true/false, yes/no or treatment/control") }
            let y = row[r.outcome].flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil }
            if y == nil { bad.append("`\(r.outcome)` is `\(row.fields[r.outcome] ?? "")`, not a number (use a dot for decimals)") }
            var covariate: Double?
            if let c = r.covariate {
                covariate = row[c].flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil }
                if covariate == nil { bad.append("`\(c)` is `\(row.fields[c] ?? "")`, not a number") }
            }
            if let p = r.period, row[p] == nil { bad.append("`\(p)` is empty") }
            if let c = r.cluster, row[c] == nil { bad.append("`\(c)` is empty") }
            if !bad.isEmpty {
                problems.append("line \(row.line): " + bad.joined(separator: "; "))
                continue
            }
            rows.append((row.line, unit!, treated!, y!, r.period.flatMap { row[$0] }, covariate, r.cluster.flatMap { row[$0] }))
        }
        if !problems.isEmpty {
            let shown = problems.prefix(20).joined(separator: "\n  ")
            throw LabError.invalid("\(problems.count) row(s) cannot be analysed; fix them or remove them:\n  \(shown)" + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""))
        }

        // Units: one treatment status each.
        var unitOrder: [String] = []
        var unitTreated: [String: Bool] = [:]
        var unitCluster: [String: String] = [:]
        for row in rows {
            if let t = unitTreated[row.unit] {
                if t != row.treated {
                    throw LabError.invalid("Unit \(row.unit) is treated on some rows and not on others (line \(row.line)): the treatment column says which arm a unit is in, not when the feature was on; use --period and --post for timing.")
                }
            } else {
                unitOrder.append(row.unit)
                unitTreated[row.unit] = row.treated
            }
            if let c = row.cluster {
                if let previous = unitCluster[row.unit], previous != c {
                    throw LabError.invalid("Unit \(row.unit) is in cluster \(previous) and in cluster \(c) (line \(row.line)): units must be nested in clusters.")
                }
                unitCluster[row.unit] = c
            }
        }
        let treatedCount = unitTreated.values.filter { $0 }.count
        let controlCount = unitTreated.count - treatedCount
        guard treatedCount > 0, controlCount > 0 else {
            throw LabError.invalid("The \(treatedCount == 0 ? "treated" : "control") arm is empty: every unit has \(r.treatment) = \(treatedCount == 0 ? "control" : "treated"). Check the treatment column.")
        }

        // Periods: post flag per row.
        var isPost: [Bool] = Array(repeating: true, count: rows.count)
        var periodCode: [Int] = Array(repeating: 0, count: rows.count)
        if let postValue = r.post {
            let periods = rows.map { $0.period! }
            let numeric = periods.allSatisfy { Double($0) != nil } && Double(postValue) != nil
            let sorted = Array(Set(periods)).sorted { numeric ? Double($0)! < Double($1)! : $0 < $1 }
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
            periodCode = periods.map { index[$0]! }
            isPost = periods.map { numeric ? Double($0)! >= Double(postValue)! : $0 >= postValue }
            guard isPost.contains(true) else {
                throw LabError.invalid("No row has \(r.period!) at or after \(postValue): --post must be the first period with the feature on (periods in the file: \(sorted.prefix(6).joined(separator: ", "))\(sorted.count > 6 ? "…" : "")).")
            }
            guard isPost.contains(false) else {
                throw LabError.invalid("Every row has \(r.period!) at or after \(postValue): there is no pre-period; drop --period/--post for a post-only comparison, or give a later --post.")
            }
        }

        // Per-unit summaries (post mean, pre mean, covariate mean).
        func means(_ pick: (Int) -> Double?) -> [String: Double] {
            var sums: [String: (Double, Int)] = [:]
            for (i, row) in rows.enumerated() {
                guard let v = pick(i) else { continue }
                sums[row.unit, default: (0, 0)].0 += v
                sums[row.unit, default: (0, 0)].1 += 1
            }
            return sums.mapValues { $0.0 / Double($0.1) }
        }
        let postMean = means { isPost[$0] ? rows[$0].y : nil }
        let preMean = means { isPost[$0] ? nil : rows[$0].y }
        let covariateMean = means { rows[$0].covariate }
        let analysed = unitOrder.filter { postMean[$0] != nil }
        let y = analysed.map { postMean[$0]! }
        let treated = analysed.map { unitTreated[$0]! }
        var clusterCodes: [Int]?
        if r.cluster != nil {
            let names = analysed.map { unitCluster[$0]! }
            let order = Array(Set(names)).sorted()
            clusterCodes = names.map { order.firstIndex(of: $0)! }
        }
        var notes: [String] = []
        if analysed.count < unitOrder.count {
            notes.append("\(unitOrder.count - analysed.count) unit(s) have no post-period row and are left out of post-period comparisons.")
        }

        func panel() -> PanelData {
            PanelData(unit: rows.map(\.unit), period: periodCode, outcome: rows.map(\.y),
                      treatedUnit: rows.map(\.treated), post: isPost)
        }
        let estimate: Estimate
        var modelMDE: Double?
        do {
            switch r.method {
            case .did:
                if r.cluster != nil {
                    notes.append("DiD clusters by unit (the --unit column); --cluster is not used by this method.")
                }
                estimate = try DifferenceInDifferences.estimate(panel(), confidenceLevel: r.confidenceLevel)
            case .diffInMeans:
                if let clusterCodes {
                    var e = try Ancova.estimate(outcomes: y, treated: treated, covariates: [], clusters: clusterCodes, confidenceLevel: r.confidenceLevel)
                    e.method = "difference in means (OLS, cluster-robust CR1 SE)"
                    estimate = e
                } else {
                    estimate = try DifferenceInMeans.estimate(outcomes: y, treated: treated, confidenceLevel: r.confidenceLevel)
                }
            case .ancova:
                var covariates: [[Double]] = []
                if r.period != nil {
                    guard analysed.allSatisfy({ preMean[$0] != nil }) else {
                        throw LabError.invalid("ANCOVA on the pre-period needs every unit to have a pre-period row; \(analysed.filter { preMean[$0] == nil }.prefix(5).joined(separator: ", ")) have none.")
                    }
                    covariates.append(analysed.map { preMean[$0]! })
                }
                if r.covariate != nil { covariates.append(analysed.map { covariateMean[$0]! }) }
                guard !covariates.isEmpty else {
                    throw LabError.invalid("--method ancova needs a covariate: --covariate COL, or --period and --post to adjust on the pre-period mean.")
                }
                estimate = try Ancova.estimate(outcomes: y, treated: treated, covariates: covariates, clusters: clusterCodes,
                                               confidenceLevel: r.confidenceLevel)
            case .ri:
                let options = RandomizationOptions(monteCarloDraws: r.draws, seed: r.seed, progress: r.progress)
                if r.cluster != nil {
                    notes.append("randomisation inference re-draws units completely at random; --cluster is not used by this method.")
                }
                notes.append("randomisation inference assumes the units were assigned by complete randomisation with fixed arm sizes.")
                if r.period != nil {
                    let ids = unitOrder
                    let scheme = RandomizationScheme.complete(observed: ids.map { unitTreated[$0]! ? 1 : 0 })
                    let p = panel()
                    estimate = try RandomizationInference.differenceInDifferences(p, unitIDs: ids, scheme: scheme,
                                                                                   confidenceLevel: r.confidenceLevel, options: options)
                    modelMDE = (try? DifferenceInDifferences.estimate(p, confidenceLevel: r.confidenceLevel))?.minimumDetectableEffect()
                } else {
                    let scheme = RandomizationScheme.complete(observed: treated.map { $0 ? 1 : 0 })
                    estimate = try RandomizationInference.differenceInMeans(outcomes: y, scheme: scheme,
                                                                            confidenceLevel: r.confidenceLevel, options: options)
                    modelMDE = (try? DifferenceInMeans.estimate(outcomes: y, treated: treated, confidenceLevel: r.confidenceLevel))?
                        .minimumDetectableEffect()
                }
            }
        } catch let error as LabError {
            throw error
        } catch let error as AnalysisError {
            throw LabError.invalid("The \(r.method.rawValue) analysis cannot run on this table: \(error.message)")
        } catch {
            throw LabError(.internalError, "The analysis failed unexpectedly.", underlying: error)
        }
        let smallest = min(treatedCount, controlCount)
        if smallest < 10 {
            notes.insert("too few merchants (\(smallest) in the smallest arm): intervals are approximate; read the minimum detectable effect before concluding there is no effect.", at: 0)
        }
        var seen = Set<String>()
        return Result(estimate: estimate, minimumDetectableEffect: estimate.minimumDetectableEffect() ?? modelMDE, rows: rows.count,
                      units: unitOrder.count, treatedUnits: treatedCount, controlUnits: controlCount, clusters: estimate.clusters,
                      notes: (notes + estimate.notes.filter { smallest >= 10 || !$0.contains("in the smallest arm") })
                          .filter { seen.insert($0).inserted })
    }

    /// Reads a treatment cell: numbers (non-zero is treated) or the usual words.
    static func treatmentFlag(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "y", "treated", "treatment", "t", "oui": return true
        case "0", "false", "no", "n", "control", "c", "non", "témoin", "temoin": return false
        default:
            if let v = Double(text) { return v != 0 }
            return nil
        }
    }
}
