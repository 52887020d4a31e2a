/// An experiment plan: what a trial tests, on whom, how merchants are assigned, what is measured and what consent it needs.
///
/// Named `ExperimentProtocol` because `Protocol` is taken by Swift. Stored in versions: see ``ProtocolVersion``.
public struct ExperimentProtocol: Codable, Sendable, Hashable {
    /// The plugin a protocol trials, with the versions it accepts (e.g. `>=1.0.0 <2.0.0`).
    public struct PluginRequirement: Codable, Sendable, Hashable {
        public var id: String
        public var versions: String
        public init(id: String, versions: String) {
            self.id = id
            self.versions = versions
        }
    }

    /// One arm of the trial, with its relative weight and the plugin configuration it runs with.
    public struct Arm: Codable, Sendable, Hashable {
        public var name: String
        public var weight: Int
        /// A control arm does not get the plugin.
        public var control: Bool
        public var configuration: JSONValue

        public init(name: String, weight: Int = 1, control: Bool = false, configuration: JSONValue = .object([:])) {
            self.name = name
            self.weight = weight
            self.control = control
            self.configuration = configuration
        }

        enum CodingKeys: String, CodingKey { case name, weight, control, configuration }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            weight = try container.decodeIfPresent(Int.self, forKey: .weight) ?? 1
            control = try container.decodeIfPresent(Bool.self, forKey: .control) ?? false
            configuration = try container.decodeIfPresent(JSONValue.self, forKey: .configuration) ?? .object([:])
        }
    }

    /// How merchants are assigned to arms, and the seed that makes it reproducible.
    public struct Design: Codable, Sendable, Hashable {
        /// `complete`, `blocked`, `matched-pairs`, `rerandomisation` or `stepped-wedge`.
        public var name: String
        public var seed: UInt64
        /// Attributes that define blocks (for `blocked`), e.g. `[segment]`.
        public var blockBy: [String]?
        /// Numeric attributes balanced by `matched-pairs` and `rerandomisation`, e.g. `[maturity, position]`.
        public var balanceOn: [String]?
        /// Number of waves for `stepped-wedge`.
        public var waves: Int?

        public init(name: String, seed: UInt64, blockBy: [String]? = nil, balanceOn: [String]? = nil, waves: Int? = nil) {
            self.name = name
            self.seed = seed
            self.blockBy = blockBy
            self.balanceOn = balanceOn
            self.waves = waves
        }

        /// The design names LivingLab knows.
        public static let known = ["complete", "blocked", "matched-pairs", "rerandomisation", "stepped-wedge"]
    }

    /// A measured quantity and which way is better.
    public struct Metric: Codable, Sendable, Hashable {
        public var name: String
        public var unit: String
        /// `increase` or `decrease`: the direction that counts as better.
        public var direction: String
        public init(name: String, unit: String, direction: String) {
            self.name = name
            self.unit = unit
            self.direction = direction
        }
    }

    /// The primary metric, secondary metrics (Holm-adjusted) and guardrails (flagged when harmed).
    public struct Metrics: Codable, Sendable, Hashable {
        public var primary: Metric
        public var secondary: [Metric]
        public var guardrails: [Metric]
        public init(primary: Metric, secondary: [Metric] = [], guardrails: [Metric] = []) {
            self.primary = primary
            self.secondary = secondary
            self.guardrails = guardrails
        }

        enum CodingKeys: String, CodingKey { case primary, secondary, guardrails }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            primary = try container.decode(Metric.self, forKey: .primary)
            secondary = try container.decodeIfPresent([Metric].self, forKey: .secondary) ?? []
            guardrails = try container.decodeIfPresent([Metric].self, forKey: .guardrails) ?? []
        }

        /// Every metric of the plan.
        public var all: [Metric] { [primary] + secondary + guardrails }
    }

    /// The baseline, trial and follow-up periods.
    public struct Schedule: Codable, Sendable, Hashable {
        public var baseline: DayRange
        public var trial: DayRange
        public var followUp: DayRange?
        public init(baseline: DayRange, trial: DayRange, followUp: DayRange? = nil) {
            self.baseline = baseline
            self.trial = trial
            self.followUp = followUp
        }
    }

    /// What merchants consent to: purposes, data categories and the documents they are shown, by language.
    public struct ConsentTerms: Codable, Sendable, Hashable {
        public var purposes: [String]
        public var dataCategories: [String]
        /// Language code → document. In a protocol file the value is a path; once stored, the document's text.
        public var documents: [String: String]
        public init(purposes: [String], dataCategories: [String], documents: [String: String]) {
            self.purposes = purposes
            self.dataCategories = dataCategories
            self.documents = documents
        }
    }

    public var id: String
    public var title: String
    public var hypothesis: String
    public var plugin: PluginRequirement
    /// The firm that owns the plugin.
    public var firm: String
    /// A ``Criteria`` expression; empty means every merchant.
    public var eligibility: String
    public var arms: [Arm]
    public var design: Design
    public var metrics: Metrics
    public var schedule: Schedule
    public var consent: ConsentTerms
    public var onWithdrawal: WithdrawalPolicy

    /// Creates a protocol; call ``validate()`` before storing it.
    public init(id: String, title: String, hypothesis: String, plugin: PluginRequirement, firm: String, eligibility: String,
                arms: [Arm], design: Design, metrics: Metrics, schedule: Schedule, consent: ConsentTerms,
                onWithdrawal: WithdrawalPolicy) {
        self.id = id
        self.title = title
        self.hypothesis = hypothesis
        self.plugin = plugin
        self.firm = firm
        self.eligibility = eligibility
        self.arms = arms
        self.design = design
        self.metrics = metrics
        self.schedule = schedule
        self.consent = consent
        self.onWithdrawal = onWithdrawal
    }

    /// The arms that get the plugin.
    public var treatmentArms: [Arm] { arms.filter { !$0.control } }

    /// The arm with this name.
    public func arm(named name: String) -> Arm? { arms.first { $0.name == name } }

    /// Checks the whole plan and names the first problem and its fix.
    public func validate() throws(LabError) {
        try Identifier.validate(id, kind: "protocol")
        guard !title.trimmed.isEmpty else { throw .invalid("Protocol \(id) has no title: add `title:`.") }
        guard !hypothesis.trimmed.isEmpty else {
            throw .invalid("Protocol \(id) has no hypothesis: add `hypothesis:` saying what the trial should show.")
        }
        try Identifier.validate(plugin.id, kind: "plugin")
        _ = try SemanticVersionRange(plugin.versions)
        try Identifier.validate(firm, kind: "firm")
        _ = try Criteria(eligibility)
        guard arms.count >= 2 else {
            throw .invalid("Protocol \(id) has \(arms.count) arm(s): a trial compares at least two (e.g. `control` and `treatment`).")
        }
        var names = Set<String>()
        for arm in arms {
            try Identifier.validate(arm.name, kind: "arm")
            guard names.insert(arm.name).inserted else {
                throw .invalid("Protocol \(id) has two arms named `\(arm.name)`: give each arm its own name.")
            }
            guard arm.weight >= 1 else {
                throw .invalid("Arm `\(arm.name)` has weight \(arm.weight): weights are whole numbers of 1 or more (1:1, 2:1…).")
            }
            guard case .object = arm.configuration else {
                throw .invalid("Arm `\(arm.name)` has a configuration that is not a mapping: write it as `{key: value, …}`.")
            }
            guard arm.configuration.depth <= InputLimits.configurationDepth else {
                throw .invalid("Arm `\(arm.name)` has a configuration nested \(arm.configuration.depth) levels deep; configurations nest at most \(InputLimits.configurationDepth) levels: flatten it.")
            }
        }
        guard !treatmentArms.isEmpty else {
            throw .invalid("Protocol \(id) has only control arms: at least one arm must get the plugin (`control: false`).")
        }
        guard ExperimentProtocol.Design.known.contains(design.name) else {
            throw .invalid("Design `\(design.name)` is unknown: use one of \(ExperimentProtocol.Design.known.joined(separator: ", ")).")
        }
        if design.name == "blocked", (design.blockBy ?? []).isEmpty {
            throw .invalid("A `blocked` design needs `blockBy:` with the attributes that form blocks, e.g. `[segment]`.")
        }
        for attribute in (design.blockBy ?? []) + (design.balanceOn ?? []) where Criteria.attributes[attribute] == nil {
            throw .invalid("The design names attribute `\(attribute)`: use one of \(Criteria.attributes.keys.sorted().joined(separator: ", ")).")
        }
        var metricNames = Set<String>()
        for metric in metrics.all {
            guard !metric.name.isEmpty, metricNames.insert(metric.name).inserted else {
                throw .invalid("Metric `\(metric.name)` is empty or listed twice: each metric appears once, as primary, secondary or guardrail.")
            }
            guard metric.direction == "increase" || metric.direction == "decrease" else {
                throw .invalid("Metric `\(metric.name)` has direction `\(metric.direction)`: use `increase` or `decrease` (the better way).")
            }
        }
        let schedule = self.schedule
        guard schedule.baseline.start <= schedule.baseline.end, schedule.trial.start <= schedule.trial.end else {
            throw .invalid("Protocol \(id) has a period that ends before it starts: check `schedule:`.")
        }
        guard schedule.baseline.end < schedule.trial.start else {
            throw .invalid("The baseline (\(schedule.baseline)) must end before the trial starts (\(schedule.trial.start)).")
        }
        if let followUp = schedule.followUp, !(schedule.trial.end < followUp.start) || followUp.start > followUp.end {
            throw .invalid("The follow-up (\(followUp)) must start after the trial ends (\(schedule.trial.end)) and not end before it starts.")
        }
        guard !consent.purposes.isEmpty else {
            throw .invalid("Protocol \(id) lists no consent purposes: add `consent.purposes`, e.g. `[participation, outcome-measurement]`.")
        }
        guard consent.purposes.contains(Purpose.outcomeMeasurement) else {
            throw .invalid("Protocol \(id) does not ask consent for `\(Purpose.outcomeMeasurement)`: without it no outcome can be stored. Add it to `consent.purposes`.")
        }
        guard !consent.documents.isEmpty else {
            throw .invalid("Protocol \(id) has no consent document: add `consent.documents` with at least `fr:` (the text merchants read).")
        }
        for (language, text) in consent.documents where text.trimmed.isEmpty {
            throw .invalid("The `\(language)` consent document of protocol \(id) is empty.")
        }
    }
}

/// The purposes LivingLab itself checks; protocols may list more.
public enum Purpose {
    /// Taking part in the trial at all.
    public static let participation = "participation"
    /// Storing outcomes measured for the merchant: every outcome needs it.
    public static let outcomeMeasurement = "outcome-measurement"
    /// Letting the trial's plugin read and keep the merchant's data.
    public static let pluginData = "plugin-data"
    /// Every purpose above: what a protocol may ask consent for, as the gate keeps them.
    public static let known = [participation, outcomeMeasurement, pluginData]
}

/// What happens to a merchant's earlier data when they withdraw.
public enum WithdrawalPolicy: String, Codable, Sendable, Hashable, CaseIterable {
    /// Keep the data already collected.
    case keep
    /// Keep the data but cut its link to the merchant.
    case anonymise
    /// Delete the data already collected.
    case erase
}
