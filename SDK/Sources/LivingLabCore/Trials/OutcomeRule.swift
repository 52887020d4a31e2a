import Foundation

/// What an outcome must be, against its protocol, before the consent gate even looks at it: a declared metric in its
/// declared unit, dated no later than the protocol's schedule allows and not in the future.
///
/// The store applies it to every batch (nothing of a batch with a bad outcome is stored), and an import applies it to
/// every row first (nothing of a file with a bad row is stored unless the bad rows are skipped).
public struct OutcomeRule: Sendable {
    /// How far ahead of the lab's clock an outcome may be dated: devices' clocks drift.
    public static let clockSkew: TimeInterval = 5 * 60
    /// How long after the last day of the schedule (the follow-up's, else the trial's) an outcome may be dated.
    public static let scheduleTolerance: TimeInterval = 86_400

    /// Declared metric → unit: the protocol's metrics and those the manifests of its plugin's registered versions list.
    public var units: [String: String]
    /// The latest date an outcome may carry for the schedule.
    public var latest: Date

    /// The rule of a protocol whose plugin declares `pluginMetrics` (name → unit).
    public init(definition: ExperimentProtocol, pluginMetrics: [String: String] = [:]) {
        var units = pluginMetrics
        for metric in definition.metrics.all { units[metric.name] = metric.unit }
        self.units = units
        let last = definition.schedule.followUp?.end ?? definition.schedule.trial.end
        latest = last.endOfDay.addingTimeInterval(Self.scheduleTolerance)
    }

    /// The rule of a protocol whose plugin's registered versions have `manifests` (JSON text, as registered).
    public init(definition: ExperimentProtocol, manifests: some Sequence<String>) {
        var pluginMetrics: [String: String] = [:]
        for manifest in manifests { pluginMetrics.merge(Self.metrics(ofManifest: manifest)) { first, _ in first } }
        self.init(definition: definition, pluginMetrics: pluginMetrics)
    }

    /// The metrics a plugin manifest (as registered, JSON text) declares, name → unit.
    public static func metrics(ofManifest json: String) -> [String: String] {
        guard case .array(let metrics)? = (try? JSONValue.parse(json))?["metrics"] else { return [:] }
        var units: [String: String] = [:]
        for metric in metrics {
            if case .string(let name)? = metric["name"], case .string(let unit)? = metric["unit"] { units[name] = unit }
        }
        return units
    }

    /// What is wrong with `submission` and how to fix it, or `nil`; `now` is the lab's clock.
    public func problem(with submission: OutcomeSubmission, now: Date) -> String? {
        if case .failure(let problem) = unit(of: submission, now: now) { return problem.text }
        return nil
    }

    /// The declared unit `submission` is stored in, or what is wrong with it: one look-up for the store's hot path.
    public func unit(of submission: OutcomeSubmission, now: Date) -> Result<String, Problem> {
        guard let unit = units[submission.metric] else {
            return .failure(Problem(text: "metric `\(submission.metric)` is not declared by protocol \(submission.protocolID) or its plugin: use one of \(units.keys.sorted().joined(separator: ", ")), or amend the protocol to add it"))
        }
        if let given = submission.unit, given != unit {
            return .failure(Problem(text: "metric `\(submission.metric)` is measured in `\(unit)`, not `\(given)`: convert the value, or leave the unit out"))
        }
        if submission.at > now.addingTimeInterval(Self.clockSkew) {
            return .failure(Problem(text: "outcome \(submission.idempotencyKey) is dated \(Timestamp.format(submission.at)), in the future (the lab's clock says \(Timestamp.format(now)); at most \(Int(Self.clockSkew / 60)) minutes ahead are accepted): check the date and the device's clock"))
        }
        if submission.at > latest {
            return .failure(Problem(text: "outcome \(submission.idempotencyKey) is dated \(Timestamp.format(submission.at)), after protocol \(submission.protocolID)'s schedule (it ends \(Timestamp.format(latest.addingTimeInterval(-Self.scheduleTolerance)))): check the date"))
        }
        return .success(unit)
    }

    /// What is wrong with an outcome, as a sentence that ends with what to do.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var text: String
        public var description: String { text }
    }
}
