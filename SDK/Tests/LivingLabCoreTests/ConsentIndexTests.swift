import Foundation
import LivingLabCore
import Testing

@Suite("Consent index (the gate's memory)")
struct ConsentIndexTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ kind: ConsentEvent.Kind, at offset: TimeInterval, version: Int = 1, sequence: Int64,
               purposes: [String] = [Purpose.participation, Purpose.outcomeMeasurement]) -> ConsentEvent {
        ConsentEvent(sequence: sequence, merchantID: "m01", protocolID: "p", protocolVersion: version, kind: kind,
                     purposes: kind == .given || kind == .renewed ? purposes : [], documentSHA256: "h", language: "fr",
                     at: t0.addingTimeInterval(offset), channel: "cli", recordedBy: "m01")
    }

    func decide(_ index: ConsentIndex, at offset: TimeInterval, version: Int = 1, purpose: String = Purpose.outcomeMeasurement)
        -> ConsentDecision
    {
        index.decide(merchantID: "m01", protocolID: "p", version: version, purpose: purpose, at: t0.addingTimeInterval(offset))
    }

    @Test("allows from the instant of consent and denies from the instant of withdrawal")
    func withdrawalBoundary() {
        let index = ConsentIndex(events: [event(.given, at: 0, sequence: 1), event(.withdrawn, at: 100, sequence: 2)])
        #expect(decide(index, at: -0.001) == .denied(.notConsented))
        #expect(decide(index, at: 0) == .allowed)
        #expect(decide(index, at: 99.999) == .allowed)
        #expect(decide(index, at: 100) == .denied(.withdrawn))
        #expect(decide(index, at: 5000) == .denied(.withdrawn))
    }

    @Test("is right at past timestamps after a re-consent and an expiry")
    func historyIsKept() {
        let index = ConsentIndex(events: [
            event(.given, at: 0, sequence: 1), event(.withdrawn, at: 10, sequence: 2),
            event(.given, at: 20, sequence: 3), event(.expired, at: 30, sequence: 4),
        ])
        #expect(decide(index, at: 5) == .allowed)
        #expect(decide(index, at: 15) == .denied(.withdrawn))
        #expect(decide(index, at: 25) == .allowed)
        #expect(decide(index, at: 30) == .denied(.expired))
        #expect(index.lastSequence == 4)
    }

    @Test("requires renewal after a material amendment, not after a minor one")
    func materialAmendment() {
        var index = ConsentIndex(events: [event(.given, at: 0, sequence: 1)])
        #expect(decide(index, at: 10, version: 2) == .allowed)
        index.noteMaterialAmendment(protocolID: "p", version: 3)
        #expect(decide(index, at: 10, version: 2) == .allowed)
        #expect(decide(index, at: 10, version: 3) == .denied(.versionNotCovered))
        index.apply(event(.renewed, at: 20, version: 3, sequence: 2))
        #expect(decide(index, at: 20, version: 3) == .allowed)
        #expect(decide(index, at: 10, version: 3) == .denied(.versionNotCovered))
    }

    @Test("denies a purpose the merchant did not consent to")
    func purposes() {
        let index = ConsentIndex(events: [event(.given, at: 0, sequence: 1, purposes: [Purpose.participation])])
        #expect(decide(index, at: 1, purpose: Purpose.outcomeMeasurement) == .denied(.purposeNotCovered))
        #expect(decide(index, at: 1, purpose: Purpose.participation) == .allowed)
    }

    @Test("answers like a plain replay of the ledger, at any time, for many merchants and protocols")
    func matchesReferenceReplay() {
        // A seeded SplitMix64, so a failure replays the same ledger.
        var state: UInt64 = 0x5eed
        func next(_ bound: Int) -> Int {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
        // Ids of every length the lab uses, short and long (past the 15 bytes Swift keeps inline), one not ASCII.
        let merchants = (0..<150).map { i in i % 3 == 0 ? "m\(i)" : i % 3 == 1 ? "merchant-fondaudege-\(i)" : "épicerie-\(i)" }
        let protocols = ["p", "click-collect-2027", "rdv"]
        let kinds: [ConsentEvent.Kind] = [.given, .given, .withdrawn, .expired, .renewed]
        var events: [ConsentEvent] = []
        var sequence: Int64 = 0
        for step in 0..<4000 {
            sequence += 1
            let kind = kinds[next(kinds.count)]
            // Purposes as the store reads them from the database: fresh strings, not the library's constants.
            let purposes = [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData].filter { _ in next(3) > 0 }
                .map { String(decoding: Array($0.utf8), as: UTF8.self) }
            events.append(ConsentEvent(
                sequence: sequence, merchantID: merchants[next(merchants.count)], protocolID: protocols[next(protocols.count)],
                protocolVersion: 1 + next(3), kind: kind, purposes: kind == .given || kind == .renewed ? purposes : [],
                documentSHA256: "h", language: "fr", at: t0.addingTimeInterval(Double(step) * 10), channel: "cli",
                recordedBy: "test"))
        }
        let material = ["p": [2], "click-collect-2027": [3], "rdv": [Int]()]
        let index = ConsentIndex(events: events, materialVersions: material)

        // The reference: replay the pair's events into periods. A consent (given or renewed) opens a period; the next
        // event of any kind closes it, and its kind says why later requests are refused. An event that finds no open
        // period (a second withdrawal) changes nothing.
        func expected(_ merchant: String, _ protocolID: String, version: Int, purpose: String, at time: Date) -> ConsentDecision {
            var periods: [(start: Date, end: Date?, endedBy: ConsentEvent.Kind?, event: ConsentEvent)] = []
            for event in events where event.merchantID == merchant && event.protocolID == protocolID {
                if let last = periods.indices.last, periods[last].end == nil {
                    periods[last].end = event.at
                    periods[last].endedBy = event.kind
                }
                if event.kind == .given || event.kind == .renewed { periods.append((event.at, nil, nil, event)) }
            }
            guard let period = periods.last(where: { $0.start <= time }) else { return .denied(.notConsented) }
            if let end = period.end, time >= end { return .denied(period.endedBy == .expired ? .expired : .withdrawn) }
            let covering = material[protocolID]!.filter { $0 <= version }.max() ?? 1
            if period.event.protocolVersion < covering { return .denied(.versionNotCovered) }
            return period.event.purposes.contains(purpose) ? .allowed : .denied(.purposeNotCovered)
        }
        var seen: Set<ConsentDecision> = []
        for _ in 0..<3000 {
            let merchant = next(20) == 0 ? "never-invited" : merchants[next(merchants.count)]
            let protocolID = protocols[next(protocols.count)]
            let version = 1 + next(3)
            let purpose = [Purpose.participation, Purpose.outcomeMeasurement, Purpose.pluginData][next(3)]
            // Before, inside and after the ledger, on and between event times.
            let time = t0.addingTimeInterval(Double(next(42_000) - 500) + (next(2) == 0 ? 0 : 0.5))
            let decision = index.decide(merchantID: merchant, protocolID: protocolID, version: version, purpose: purpose, at: time)
            #expect(decision == expected(merchant, protocolID, version: version, purpose: purpose, at: time),
                    "\(merchant) \(protocolID) v\(version) \(purpose) at \(time.timeIntervalSince(t0))")
            seen.insert(decision)
        }
        // The replay reached every answer, so each branch of the index was compared.
        #expect(seen == [.allowed, .denied(.notConsented), .denied(.withdrawn), .denied(.expired), .denied(.versionNotCovered),
                         .denied(.purposeNotCovered)])
    }
}
