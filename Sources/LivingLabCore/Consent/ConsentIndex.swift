import Foundation

/// The consent gate's in-memory index: who had which consent, when. Built from the append-only event log.
///
/// A decision is a dictionary lookup and a binary search over the merchant's consent periods for that protocol, so the
/// gate answers at memory speed and is right at any past timestamp, not only "now".
public struct ConsentIndex: Sendable {
    /// A period during which a consent was in force: `[start, end)`.
    public struct Period: Sendable, Hashable {
        public var start: Date
        /// `nil` while the consent is still in force.
        public var end: Date?
        /// Why the period ended, when it did.
        public var endedBy: ConsentEvent.Kind?
        public var version: Int
        public var purposes: Set<String>
        public var documentSHA256: String
        public var language: String
    }

    struct Key: Hashable, Sendable {
        var merchantID: String
        var protocolID: String
    }

    private var periods: [Key: [Period]] = [:]
    /// Protocol id → sorted versions that were material amendments (re-consent needed from them on).
    private var materialVersions: [String: [Int]] = [:]
    /// The sequence number of the last event folded in.
    public private(set) var lastSequence: Int64 = 0

    /// An empty index.
    public init() {}

    /// An index folded from events in ledger order.
    public init(events: some Sequence<ConsentEvent>, materialVersions: [String: [Int]] = [:]) {
        self.materialVersions = materialVersions.mapValues { $0.sorted() }
        for event in events { apply(event) }
    }

    /// Records that `version` of a protocol is a material amendment.
    public mutating func noteMaterialAmendment(protocolID: String, version: Int) {
        var versions = materialVersions[protocolID, default: []]
        if !versions.contains(version) {
            versions.append(version)
            versions.sort()
        }
        materialVersions[protocolID] = versions
    }

    /// Folds one more event in. Events must come in ledger order.
    public mutating func apply(_ event: ConsentEvent) {
        let key = Key(merchantID: event.merchantID, protocolID: event.protocolID)
        var list = periods[key, default: []]
        if let last = list.indices.last, list[last].end == nil {
            list[last].end = event.at
            list[last].endedBy = event.kind
        }
        switch event.kind {
        case .given, .renewed:
            list.append(Period(start: event.at, end: nil, endedBy: nil, version: event.protocolVersion,
                               purposes: Set(event.purposes), documentSHA256: event.documentSHA256, language: event.language))
        case .withdrawn, .expired:
            break
        }
        periods[key] = list
        if let sequence = event.sequence { lastSequence = max(lastSequence, sequence) }
    }

    /// The consent gate: may the merchant's data be used for `purpose` under `version` of the protocol at `date`?
    public func decide(merchantID: String, protocolID: String, version: Int, purpose: String, at date: Date) -> ConsentDecision {
        guard let list = periods[Key(merchantID: merchantID, protocolID: protocolID)], !list.isEmpty else {
            return .denied(.notConsented)
        }
        // The last period that started at or before `date`.
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].start <= date { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return .denied(.notConsented) }
        let period = list[low - 1]
        if let end = period.end, date >= end {
            return .denied(period.endedBy == .expired ? .expired : .withdrawn)
        }
        if period.version < minimumCoveringVersion(protocolID: protocolID, version: version) {
            return .denied(.versionNotCovered)
        }
        guard period.purposes.contains(purpose) else { return .denied(.purposeNotCovered) }
        return .allowed
    }

    /// The consent period in force at `date`, if any.
    public func period(merchantID: String, protocolID: String, at date: Date) -> Period? {
        periods[Key(merchantID: merchantID, protocolID: protocolID)]?.last { $0.start <= date && ($0.end.map { date < $0 } ?? true) }
    }

    /// The earliest version whose consent still covers `version`: the last material amendment at or before it.
    public func minimumCoveringVersion(protocolID: String, version: Int) -> Int {
        materialVersions[protocolID]?.last { $0 <= version } ?? 1
    }
}
