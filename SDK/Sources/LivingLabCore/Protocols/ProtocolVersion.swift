import Foundation

/// One stored version of a protocol, with its consent documents' hashes and the amendment that produced it.
public struct ProtocolVersion: Codable, Sendable, Hashable {
    public var protocolID: String
    /// 1 for the first version, then one more for each amendment.
    public var version: Int
    public var definition: ExperimentProtocol
    /// Language code → SHA-256 of the document text.
    public var documentHashes: [String: String]
    /// Why this version was made (nil for version 1).
    public var amendmentReason: String?
    /// Whether this version changed what merchants consented to, so that earlier consents no longer cover it.
    public var material: Bool
    public var createdAt: Date
    /// When a coordinator approved this version; consent can only be given to an approved version.
    public var approvedAt: Date?
    public var approvedBy: String?

    public init(protocolID: String, version: Int, definition: ExperimentProtocol, amendmentReason: String?, material: Bool,
                createdAt: Date, approvedAt: Date? = nil, approvedBy: String? = nil) {
        self.protocolID = protocolID
        self.version = version
        self.definition = definition
        self.documentHashes = definition.consent.documents.mapValues { SHA256.hex($0) }
        self.amendmentReason = amendmentReason
        self.material = material
        self.createdAt = createdAt
        self.approvedAt = approvedAt
        self.approvedBy = approvedBy
    }
}

/// The state of a protocol's trial.
public enum TrialState: String, Codable, Sendable, Hashable, CaseIterable {
    /// Written, not yet approved: no consent can be given.
    case draft
    /// Approved: merchants can consent and be assigned.
    case approved
    /// The trial runs: the plugin is active for treatment merchants.
    case running
    /// Temporarily stopped: plugins are deactivated, consents and assignments stay.
    case paused
    /// Ended for good.
    case stopped

    /// Checks a trial state change, with the fix when it is not allowed.
    public func checkTransition(to next: TrialState, protocolID: String) throws(LabError) {
        let allowed: Bool = switch (self, next) {
        case (.draft, .approved), (.approved, .approved), (.approved, .running), (.running, .paused),
             (.paused, .running), (.running, .stopped), (.paused, .stopped):
            true
        default:
            false
        }
        guard allowed else {
            let hint: String = switch (self, next) {
            case (.draft, _): "approve it first with `livinglab protocol approve \(protocolID)`"
            case (.stopped, _): "a stopped trial cannot restart: write a new protocol"
            case (_, .paused): "only a running trial can be paused"
            case (.running, .running): "it is already running"
            default: "the trial is \(rawValue)"
            }
            throw .rule("Protocol \(protocolID) cannot go from \(rawValue) to \(next.rawValue): \(hint).")
        }
    }
}

/// One field that differs between two protocol versions.
public struct ProtocolChange: Codable, Sendable, Hashable {
    public var field: String
    public var before: String
    public var after: String
    /// Whether the change alters what merchants consented to.
    public var material: Bool
}

/// The difference between two versions of a protocol, and whether it is material (needs re-consent).
public struct ProtocolDiff: Codable, Sendable, Hashable {
    public var changes: [ProtocolChange]

    /// Whether any change is material: a new purpose, data category, consent text, plugin, arm configuration
    /// or withdrawal policy changes what a merchant agreed to, so their earlier consent no longer covers it.
    public var isMaterial: Bool { changes.contains { $0.material } }

    /// Compares two versions of a protocol field by field.
    public init(from old: ExperimentProtocol, to new: ExperimentProtocol) {
        var changes: [ProtocolChange] = []
        func compare(_ field: String, _ a: String, _ b: String, material: Bool) {
            if a != b { changes.append(ProtocolChange(field: field, before: a, after: b, material: material)) }
        }
        func list(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
        compare("title", old.title, new.title, material: false)
        compare("hypothesis", old.hypothesis, new.hypothesis, material: false)
        compare("plugin.id", old.plugin.id, new.plugin.id, material: true)
        compare("plugin.versions", old.plugin.versions, new.plugin.versions, material: false)
        compare("firm", old.firm, new.firm, material: true)
        compare("eligibility", old.eligibility, new.eligibility, material: false)
        compare("arms", list(old.arms.map { "\($0.name)×\($0.weight)\($0.control ? " control" : "") \($0.configuration)" }),
                list(new.arms.map { "\($0.name)×\($0.weight)\($0.control ? " control" : "") \($0.configuration)" }),
                material: true)
        compare("design", "\(old.design.name) seed \(old.design.seed)", "\(new.design.name) seed \(new.design.seed)", material: false)
        compare("metrics", list(old.metrics.all.map(\.name)), list(new.metrics.all.map(\.name)), material: false)
        compare("schedule", "\(old.schedule.baseline) | \(old.schedule.trial)", "\(new.schedule.baseline) | \(new.schedule.trial)",
                material: false)
        compare("consent.purposes", list(old.consent.purposes.sorted()), list(new.consent.purposes.sorted()), material: true)
        compare("consent.dataCategories", list(old.consent.dataCategories.sorted()), list(new.consent.dataCategories.sorted()),
                material: true)
        for language in Set(old.consent.documents.keys).union(new.consent.documents.keys).sorted() {
            let a = old.consent.documents[language].map { "sha256 " + SHA256.hex($0).prefix(12) } ?? "none"
            let b = new.consent.documents[language].map { "sha256 " + SHA256.hex($0).prefix(12) } ?? "none"
            compare("consent.documents.\(language)", a, b, material: true)
        }
        compare("onWithdrawal", old.onWithdrawal.rawValue, new.onWithdrawal.rawValue, material: true)
        self.changes = changes
    }
}
