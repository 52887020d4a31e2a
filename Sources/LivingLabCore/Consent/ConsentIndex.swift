import Foundation

/// The consent gate's in-memory index: who had which consent, when. Built from the append-only event log.
///
/// A decision costs two dictionary lookups (protocol, then merchant) and a binary search over the merchant's consent
/// periods for that protocol, so the gate answers at memory speed and is right at any past timestamp, not only "now".
public struct ConsentIndex: Sendable {
    /// A period during which a consent was in force: `[start, end)`.
    public struct Period: Sendable, Hashable {
        public var start: Date
        /// `nil` while the consent is still in force.
        public var end: Date?
        /// Why the period ended, when it did.
        public var endedBy: ConsentEvent.Kind?
        public var version: Int
        /// The purposes consented to; a handful at most, so a linear scan beats hashing.
        public var purposes: [String]
        public var documentSHA256: String
        public var language: String
    }

    /// One merchant's consent periods for one protocol, with their start times kept apart for a cache-friendly search.
    struct Timeline: Sendable {
        var starts: [Double] = []
        var periods: [Period] = []
    }

    /// Everything the gate knows of one protocol.
    struct ProtocolEntry: Sendable {
        /// Versions that were material amendments (re-consent needed from them on), sorted.
        var materialVersions: [Int] = []
        /// Approved versions with their approval times, sorted by approval time.
        var approvals: [(approvedAt: Double, version: Int)] = []
        var merchants: [String: Timeline] = [:]

        func minimumCoveringVersion(_ version: Int) -> Int { materialVersions.last { $0 <= version } ?? 1 }

        func versionInForce(at time: Double) -> Int? {
            var result: Int? = nil
            for approval in approvals {
                if approval.approvedAt <= time { result = approval.version } else { break }
            }
            return result
        }
    }

    private var protocols: [String: ProtocolEntry] = [:]
    /// The sequence number of the last event folded in.
    public private(set) var lastSequence: Int64 = 0

    /// An empty index.
    public init() {}

    /// An index folded from events in ledger order.
    public init(events: some Sequence<ConsentEvent>, materialVersions: [String: [Int]] = [:]) {
        for (protocolID, versions) in materialVersions {
            for version in versions { noteMaterialAmendment(protocolID: protocolID, version: version) }
        }
        for event in events { apply(event) }
    }

    /// Records that `version` of a protocol is a material amendment.
    public mutating func noteMaterialAmendment(protocolID: String, version: Int) {
        var versions = protocols[protocolID, default: ProtocolEntry()].materialVersions
        if !versions.contains(version) {
            versions.append(version)
            versions.sort()
        }
        protocols[protocolID, default: ProtocolEntry()].materialVersions = versions
    }

    /// Records that `version` of a protocol was approved at `date`: it is in force from then on.
    public mutating func noteApproval(protocolID: String, version: Int, at date: Date, material: Bool) {
        var entry = protocols[protocolID, default: ProtocolEntry()]
        if !entry.approvals.contains(where: { $0.version == version }) {
            entry.approvals.append((date.timeIntervalSince1970, version))
            entry.approvals.sort { ($0.approvedAt, $0.version) < ($1.approvedAt, $1.version) }
        }
        protocols[protocolID] = entry
        if material { noteMaterialAmendment(protocolID: protocolID, version: version) }
    }

    /// Folds one more event in. Events must come in ledger order.
    public mutating func apply(_ event: ConsentEvent) {
        var entry = protocols.removeValue(forKey: event.protocolID) ?? ProtocolEntry()
        var timeline = entry.merchants.removeValue(forKey: event.merchantID) ?? Timeline()
        if let last = timeline.periods.indices.last, timeline.periods[last].end == nil {
            timeline.periods[last].end = event.at
            timeline.periods[last].endedBy = event.kind
        }
        switch event.kind {
        case .given, .renewed:
            timeline.starts.append(event.at.timeIntervalSince1970)
            timeline.periods.append(Period(start: event.at, end: nil, endedBy: nil, version: event.protocolVersion,
                                           purposes: Array(Set(event.purposes)).sorted(), documentSHA256: event.documentSHA256,
                                           language: event.language))
        case .withdrawn, .expired:
            break
        }
        entry.merchants[event.merchantID] = timeline
        protocols[event.protocolID] = entry
        if let sequence = event.sequence { lastSequence = max(lastSequence, sequence) }
    }

    /// The consent gate for the protocol version in force at `date` (the last one approved at or before it).
    public func decide(merchantID: String, protocolID: String, purpose: String, at date: Date) -> ConsentDecision {
        guard let entry = protocols[protocolID],
              let version = entry.versionInForce(at: date.timeIntervalSince1970)
        else { return .denied(.notConsented) }
        return Self.decide(entry, merchantID: merchantID, version: version, purpose: purpose, at: date.timeIntervalSince1970)
    }

    /// The consent gate: may the merchant's data be used for `purpose` under `version` of the protocol at `date`?
    public func decide(merchantID: String, protocolID: String, version: Int, purpose: String, at date: Date) -> ConsentDecision {
        guard let entry = protocols[protocolID] else { return .denied(.notConsented) }
        return Self.decide(entry, merchantID: merchantID, version: version, purpose: purpose, at: date.timeIntervalSince1970)
    }

    private static func decide(_ entry: ProtocolEntry, merchantID: String, version: Int, purpose: String, at time: Double)
        -> ConsentDecision
    {
        guard let timeline = entry.merchants[merchantID] else { return .denied(.notConsented) }
        // The last period that started at or before `time`.
        var low = 0
        var high = timeline.starts.count
        while low < high {
            let mid = (low + high) >> 1
            if timeline.starts[mid] <= time { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return .denied(.notConsented) }
        let period = timeline.periods[low - 1]
        if let end = period.end, time >= end.timeIntervalSince1970 {
            return .denied(period.endedBy == .expired ? .expired : .withdrawn)
        }
        if period.version < entry.minimumCoveringVersion(version) { return .denied(.versionNotCovered) }
        guard period.purposes.contains(purpose) else { return .denied(.purposeNotCovered) }
        return .allowed
    }

    /// The version of a protocol in force at `date`, if one was approved by then.
    public func versionInForce(protocolID: String, at date: Date) -> Int? {
        protocols[protocolID]?.versionInForce(at: date.timeIntervalSince1970)
    }

    /// The newest approved version of a protocol.
    public func latestApprovedVersion(protocolID: String) -> Int? { protocols[protocolID]?.approvals.last?.version }

    /// The consent period in force at `date`, if any.
    public func period(merchantID: String, protocolID: String, at date: Date) -> Period? {
        protocols[protocolID]?.merchants[merchantID]?.periods.last { $0.start <= date && ($0.end.map { date < $0 } ?? true) }
    }

    /// The earliest version whose consent still covers `version`: the last material amendment at or before it.
    public func minimumCoveringVersion(protocolID: String, version: Int) -> Int {
        protocols[protocolID]?.minimumCoveringVersion(version) ?? 1
    }
}
