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
}
