import Foundation

/// The consent gate's in-memory index: who had which consent, when. Built from the append-only event log.
///
/// A decision costs a short scan of the lab's protocols, one dictionary lookup (the merchant) and a binary search over the
/// merchant's consent periods for that protocol, so the gate answers at memory speed and is right at any past timestamp, not only "now".
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

    /// One merchant's consent periods for one protocol. The fields the gate reads sit in parallel arrays of plain
    /// values, so a decision touches no reference-counted storage.
    struct Timeline: Sendable {
        var starts: [Double] = []
        /// `.infinity` while the period is open.
        var ends: [Double] = []
        var endedByExpiry: [Bool] = []
        var versions: [Int] = []
        /// Bit `i` set when the merchant consented to the protocol's `i`-th known purpose.
        var purposeMasks: [UInt64] = []
        var periods: [Period] = []
    }

    /// Everything the gate knows of one protocol.
    struct ProtocolEntry: Sendable {
        /// Versions that were material amendments (re-consent needed from them on), sorted.
        var materialVersions: [Int] = []
        /// Approved versions with their approval times, sorted by approval time.
        var approvalTimes: [Double] = []
        var approvalVersions: [Int] = []
        /// The purposes seen for this protocol; a purpose's position is its bit in `Timeline.purposeMasks`.
        var purposes: [String] = []
        /// Merchant id → position in `timelines`. Timelines sit in an array so that a decision reads them in place
        /// instead of copying one out of a dictionary (which would retain and release each of its arrays).
        var slots: [String: Int] = [:]
        var timelines: [Timeline] = []

        mutating func slot(for merchantID: String) -> Int {
            if let slot = slots[merchantID] { return slot }
            timelines.append(Timeline())
            slots[merchantID] = timelines.count - 1
            return timelines.count - 1
        }

        func minimumCoveringVersion(_ version: Int) -> Int {
            var result = 1
            for material in materialVersions where material <= version { result = material }
            return result
        }

        func versionInForce(at time: Double) -> Int? {
            var result: Int? = nil
            for (index, approvedAt) in approvalTimes.enumerated() {
                if approvedAt <= time { result = approvalVersions[index] } else { break }
            }
            return result
        }

        mutating func mask(of purposes: [String]) -> UInt64 {
            var mask: UInt64 = 0
            for purpose in purposes {
                if let bit = self.purposes.firstIndex(of: purpose) {
                    mask |= 1 << UInt64(bit)
                } else if self.purposes.count < 64 {
                    self.purposes.append(purpose)
                    mask |= 1 << UInt64(self.purposes.count - 1)
                }
            }
            return mask
        }

        func decide(merchantID: String, version: Int, purpose: String, at time: Double) -> ConsentDecision {
            guard let slot = slots[merchantID] else { return .denied(.notConsented) }
            guard let bit = purposes.firstIndex(of: purpose) else { return .denied(.purposeNotCovered) }
            // The last period that started at or before `time`. A live lab mostly asks about now, which falls in the
            // newest period: look there before searching the history.
            let count = timelines[slot].starts.count
            var low = 0
            if count > 0, timelines[slot].starts[count - 1] <= time {
                low = count
            } else {
                var high = count
                while low < high {
                    let mid = (low + high) >> 1
                    if timelines[slot].starts[mid] <= time { low = mid + 1 } else { high = mid }
                }
            }
            guard low > 0 else { return .denied(.notConsented) }
            let index = low - 1
            if time >= timelines[slot].ends[index] {
                return .denied(timelines[slot].endedByExpiry[index] ? .expired : .withdrawn)
            }
            if timelines[slot].versions[index] < minimumCoveringVersion(version) { return .denied(.versionNotCovered) }
            guard timelines[slot].purposeMasks[index] & (1 << UInt64(bit)) != 0 else { return .denied(.purposeNotCovered) }
            return .allowed
        }
    }

    /// Protocol ids and their entries, side by side: a lab runs a handful of protocols, so a linear scan of short
    /// strings beats hashing.
    private var protocolIDs: [String] = []
    private var entries: [ProtocolEntry] = []
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

    private mutating func entryIndex(_ protocolID: String) -> Int {
        if let index = protocolIDs.firstIndex(of: protocolID) { return index }
        protocolIDs.append(protocolID)
        entries.append(ProtocolEntry())
        return entries.count - 1
    }

    /// Records that `version` of a protocol is a material amendment.
    public mutating func noteMaterialAmendment(protocolID: String, version: Int) {
        let index = entryIndex(protocolID)
        if !entries[index].materialVersions.contains(version) {
            entries[index].materialVersions.append(version)
            entries[index].materialVersions.sort()
        }
    }

    /// Records that `version` of a protocol was approved at `date`: it is in force from then on.
    public mutating func noteApproval(protocolID: String, version: Int, at date: Date, material: Bool) {
        let index = entryIndex(protocolID)
        if !entries[index].approvalVersions.contains(version) {
            var pairs = Array(zip(entries[index].approvalTimes, entries[index].approvalVersions))
            pairs.append((date.timeIntervalSince1970, version))
            pairs.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            entries[index].approvalTimes = pairs.map(\.0)
            entries[index].approvalVersions = pairs.map(\.1)
        }
        if material { noteMaterialAmendment(protocolID: protocolID, version: version) }
    }

    /// Folds one more event in. Events must come in ledger order.
    public mutating func apply(_ event: ConsentEvent) {
        let index = entryIndex(event.protocolID)
        let mask = entries[index].mask(of: event.purposes)
        let slot = entries[index].slot(for: event.merchantID)
        var timeline = entries[index].timelines[slot]
        entries[index].timelines[slot] = Timeline()
        let time = event.at.timeIntervalSince1970
        if let last = timeline.periods.indices.last, timeline.periods[last].end == nil {
            timeline.periods[last].end = event.at
            timeline.periods[last].endedBy = event.kind
            timeline.ends[last] = time
            timeline.endedByExpiry[last] = event.kind == .expired
        }
        switch event.kind {
        case .given, .renewed:
            timeline.starts.append(time)
            timeline.ends.append(.infinity)
            timeline.endedByExpiry.append(false)
            timeline.versions.append(event.protocolVersion)
            timeline.purposeMasks.append(mask)
            timeline.periods.append(Period(start: event.at, end: nil, endedBy: nil, version: event.protocolVersion,
                                           purposes: Array(Set(event.purposes)).sorted(), documentSHA256: event.documentSHA256,
                                           language: event.language))
        case .withdrawn, .expired:
            break
        }
        entries[index].timelines[slot] = timeline
        if let sequence = event.sequence { lastSequence = max(lastSequence, sequence) }
    }

    /// The consent gate for the protocol version in force at `date` (the last one approved at or before it).
    public func decide(merchantID: String, protocolID: String, purpose: String, at date: Date) -> ConsentDecision {
        let time = date.timeIntervalSince1970
        guard let index = protocolIDs.firstIndex(of: protocolID), let version = entries[index].versionInForce(at: time) else {
            return .denied(.notConsented)
        }
        return entries[index].decide(merchantID: merchantID, version: version, purpose: purpose, at: time)
    }

    /// The consent gate: may the merchant's data be used for `purpose` under `version` of the protocol at `date`?
    public func decide(merchantID: String, protocolID: String, version: Int, purpose: String, at date: Date) -> ConsentDecision {
        guard let index = protocolIDs.firstIndex(of: protocolID) else { return .denied(.notConsented) }
        return entries[index].decide(merchantID: merchantID, version: version, purpose: purpose, at: date.timeIntervalSince1970)
    }

    /// The version of a protocol in force at `date`, if one was approved by then.
    public func versionInForce(protocolID: String, at date: Date) -> Int? {
        protocolIDs.firstIndex(of: protocolID).flatMap { entries[$0].versionInForce(at: date.timeIntervalSince1970) }
    }

    /// The newest approved version of a protocol.
    public func latestApprovedVersion(protocolID: String) -> Int? {
        protocolIDs.firstIndex(of: protocolID).flatMap { entries[$0].approvalVersions.last }
    }

    /// The consent period in force at `date`, if any.
    public func period(merchantID: String, protocolID: String, at date: Date) -> Period? {
        guard let index = protocolIDs.firstIndex(of: protocolID) else { return nil }
        guard let slot = entries[index].slots[merchantID] else { return nil }
        return entries[index].timelines[slot].periods.last { $0.start <= date && ($0.end.map { date < $0 } ?? true) }
    }

    /// The earliest version whose consent still covers `version`: the last material amendment at or before it.
    public func minimumCoveringVersion(protocolID: String, version: Int) -> Int {
        protocolIDs.firstIndex(of: protocolID).map { entries[$0].minimumCoveringVersion(version) } ?? 1
    }
}
