import Foundation

/// The consent gate's in-memory index: who had which consent, when. Built from the append-only event log.
///
/// A decision costs a short scan of the lab's protocols, one hash-table probe (the merchant) and either a read of the
/// merchant's newest consent period (kept inline) or a binary search over their earlier periods, so the gate answers at
/// memory speed and is right at any past timestamp, not only "now".
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

    /// One merchant's consent periods for one protocol. The gate reads plain values only: the newest period inline,
    /// older ones from two arrays side by side (start times to search, and each period's packed facts).
    struct Timeline: Sendable {
        /// What the gate reads of one period once it has found it, packed so that it sits in one cache line.
        struct Facts: Sendable {
            /// `.infinity` while the period is open.
            var end: Double = .infinity
            var version = 0
            /// Bit `i` set when the merchant consented to the protocol's `i`-th known purpose.
            var mask: UInt64 = 0
            var endedByExpiry = false
        }

        /// The newest period's start and facts, kept inline: a live lab asks about "now", which falls in it, and these
        /// fields sit next to each other in the timelines array. `newestStart` is `.infinity` while there is no period.
        var newestStart: Double = .infinity
        var newest = Facts()
        /// Every period's start, sorted (the binary search reads only these), and its facts at the same position.
        var starts: [Double] = []
        var facts: [Facts] = []
        var periods: [Period] = []
    }

    /// Everything the gate knows of one protocol.
    struct ProtocolEntry: Sendable {
        /// Versions that were material amendments (re-consent needed from them on), sorted.
        var materialVersions: [Int] = []
        /// Approved versions with their approval times, sorted by approval time.
        var approvalTimes: [Double] = []
        var approvalVersions: [Int] = []
        /// The purposes seen for this protocol; a purpose's position is its bit in `Timeline.Facts.mask`.
        var purposes: [String] = []
        /// Merchant id → position in `timelines`. Timelines sit in an array so that a decision reads them in place
        /// instead of copying one out of a dictionary (which would retain and release each of its arrays).
        var slots = IDTable()
        var timelines: [Timeline] = []

        mutating func slot(for merchantID: String) -> Int {
            if let slot = slots.value(of: merchantID) { return slot }
            timelines.append(Timeline())
            slots.set(timelines.count - 1, for: merchantID)
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
                    // Keep the library's own constant when it is one: comparing a string with itself is immediate,
                    // and the gate is asked with these constants.
                    self.purposes.append(Purpose.known.first { $0 == purpose } ?? purpose)
                    mask |= 1 << UInt64(self.purposes.count - 1)
                }
            }
            return mask
        }

        func decide(merchantID: String, version: Int, purpose: String, at time: Double) -> ConsentDecision {
            guard let slot = slots.value(of: merchantID) else { return .denied(.notConsented) }
            guard let bit = purposes.firstIndex(of: purpose) else { return .denied(.purposeNotCovered) }
            return timelines.withUnsafeBufferPointer { timelines in
                let timeline = timelines.baseAddress! + slot
                let facts: Timeline.Facts
                if timeline.pointee.newestStart <= time {
                    // Now, or since the newest event: the inline copy of the newest period answers.
                    facts = timeline.pointee.newest
                } else {
                    // The last period that started at or before `time`.
                    let starts = timeline.pointee.starts
                    var low = 0, high = starts.count
                    while low < high {
                        let mid = (low + high) >> 1
                        if starts[mid] <= time { low = mid + 1 } else { high = mid }
                    }
                    guard low > 0 else { return .denied(.notConsented) }
                    facts = timeline.pointee.facts[low - 1]
                }
                if time >= facts.end { return .denied(facts.endedByExpiry ? .expired : .withdrawn) }
                if facts.version < minimumCoveringVersion(version) { return .denied(.versionNotCovered) }
                guard facts.mask & (1 << UInt64(bit)) != 0 else { return .denied(.purposeNotCovered) }
                return .allowed
            }
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
            timeline.facts[last].end = time
            timeline.facts[last].endedByExpiry = event.kind == .expired
            timeline.newest = timeline.facts[last]
        }
        switch event.kind {
        case .given, .renewed:
            let facts = Timeline.Facts(end: .infinity, version: event.protocolVersion, mask: mask, endedByExpiry: false)
            timeline.starts.append(time)
            timeline.facts.append(facts)
            timeline.newestStart = time
            timeline.newest = facts
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
        guard let slot = entries[index].slots.value(of: merchantID) else { return nil }
        return entries[index].timelines[slot].periods.last { $0.start <= date && ($0.end.map { date < $0 } ?? true) }
    }

    /// The earliest version whose consent still covers `version`: the last material amendment at or before it.
    public func minimumCoveringVersion(protocolID: String, version: Int) -> Int {
        protocolIDs.firstIndex(of: protocolID).map { entries[$0].minimumCoveringVersion(version) } ?? 1
    }
}

/// Short ids (merchant and protocol ids) → small integers, in an open-addressing table hashed with FNV-1a over the
/// id's UTF-8 bytes: the gate looks one up on every decision (and the runtime one per plugin call), and for ids of a
/// few bytes this costs a fraction of the standard library's seeded SipHash.
package struct IDTable: Sendable {
    private var keys: [String?] = Array(repeating: nil, count: 8)
    private var values: [Int] = Array(repeating: 0, count: 8)
    package private(set) var count = 0

    /// An empty table.
    package init() {}

    @inline(__always)
    private static func hash(_ id: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The value stored for `id`.
    @inline(__always)
    package func value(of id: String) -> Int? {
        let mask = keys.count - 1
        var bucket = Self.hash(id) & mask
        while let key = keys[bucket] {
            if key == id { return values[bucket] }
            bucket = (bucket + 1) & mask
        }
        return nil
    }

    /// Stores `value` for `id`, replacing any earlier one.
    package mutating func set(_ value: Int, for id: String) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let mask = keys.count - 1
        var bucket = Self.hash(id) & mask
        while let key = keys[bucket] {
            if key == id { values[bucket] = value; return }
            bucket = (bucket + 1) & mask
        }
        keys[bucket] = id
        values[bucket] = value
        count += 1
    }

    private mutating func grow() {
        let old = zip(keys, values).compactMap { key, value in key.map { ($0, value) } }
        keys = Array(repeating: nil, count: keys.count * 2)
        values = Array(repeating: 0, count: keys.count)
        count = 0
        for (key, value) in old { set(value, for: key) }
    }
}
