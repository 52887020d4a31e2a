import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabStore
import Testing

@Suite("Consent gate and ledger (invariants 1–4)")
struct ConsentGateTests {
    @Test("invariant 1: an outcome before consent is refused and counted, one at the consent instant is stored", arguments: StoreKind.allCases)
    func defaultDeny(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        let before = lab.clock.now()
        try lab.consent(["m1"])
        let consentedAt = try #require(lab.store.consentEvents(merchantID: "m1").last).at
        let result = try lab.store.recordOutcomes([
            lab.outcome("m1", at: before, key: "early"),
            lab.outcome("m1", at: consentedAt, key: "on-time"),
            lab.outcome("m2", at: consentedAt, key: "not-enrolled"),
        ], actor: "test")
        #expect(result.dispositions == [.rejected(.notConsented), .stored, .rejected(.notEnrolled)])
        let counts = try lab.store.rejectionCounts(protocolID: TestLab.protocolID)
        #expect(counts.map(\.reason) == ["not-consented", "not-enrolled"])
        #expect(counts.map(\.count) == [1, 1])
        #expect(try lab.store.outcomeCount() == 1)
    }

    @Test("invariant 1: the gate is right at the exact instant of a withdrawal, and after it nothing is stored", arguments: StoreKind.allCases)
    func withdrawalBoundary(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        let given = lab.clock.now()
        lab.tick(3600)
        let withdrawal = try lab.store.withdrawConsent(merchantID: "m1", protocolID: TestLab.protocolID, channel: "cli", actor: "m1")
        #expect(withdrawal.at == lab.clock.now())
        let index = try lab.store.consentGate()
        func gate(_ date: Date) -> ConsentDecision {
            index.decide(merchantID: "m1", protocolID: TestLab.protocolID, purpose: Purpose.outcomeMeasurement, at: date)
        }
        #expect(gate(given) == .allowed)
        #expect(gate(withdrawal.at.addingTimeInterval(-0.001)) == .allowed)
        #expect(gate(withdrawal.at) == .denied(.withdrawn))
        #expect(gate(withdrawal.at.addingTimeInterval(86_400)) == .denied(.withdrawn))
        lab.tick()
        let late = try lab.store.recordOutcomes([lab.outcome("m1", at: lab.clock.now(), key: "late"),
                                                 lab.outcome("m1", at: given, key: "backdated")], actor: "test")
        #expect(late.dispositions == [.rejected(.withdrawn), .rejected(.withdrawn)])
    }

    @Test("invariant 2: consent events cannot be edited or deleted, and state is derived from them", arguments: StoreKind.allCases)
    func appendOnlyLedger(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m2"])
        try lab.store.withdrawConsent(merchantID: "m2", protocolID: TestLab.protocolID, channel: "paper", actor: "m2")
        #expect(throws: (any Error).self) { try lab.rawExecute("UPDATE consentEvent SET kind = 'given'") }
        #expect(throws: (any Error).self) { try lab.rawExecute("DELETE FROM consentEvent") }
        let statuses = try lab.store.consentStatuses(protocolID: TestLab.protocolID)
        #expect(statuses.map(\.state) == [.active, .withdrawn])
        #expect(try lab.store.consentEvents().map(\.kind) == [.given, .given, .withdrawn])
    }

    @Test("invariant 3: withdrawal anonymises earlier outcomes under an anonymise policy and logs it", arguments: StoreKind.allCases)
    func withdrawalPolicy(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m3"])
        let now = lab.tick()
        try lab.store.recordOutcomes([lab.outcome("m1", at: now, key: "a"), lab.outcome("m3", at: now, key: "b")], actor: "t")
        try lab.store.setPluginValue(pluginID: "fr.livinglab.click-and-collect", merchantID: "m1", key: "catalogue", value: "[]")
        let result = try lab.store.withdrawConsent(merchantID: "m1", protocolID: TestLab.protocolID, channel: "cli", actor: "m1")
        #expect(result.outcomesAffected == 1)
        #expect(result.pluginEntriesRemoved == 1)
        let outcomes = try lab.store.outcomes(protocolID: TestLab.protocolID)
        #expect(outcomes.map(\.merchantID) == [nil, "m3"])
        #expect(try lab.store.enrollments(of: "m1").first?.state == .withdrawn)
        #expect(try lab.store.auditEntries().last?.action == "withdrawal.anonymise")
        let again = try lab.store.withdrawConsent(merchantID: "m1", protocolID: TestLab.protocolID, channel: "cli", actor: "m1")
        #expect(again.alreadyWithdrawn)
        #expect(try lab.store.consentEvents(merchantID: "m1").count == 2)
    }

    @Test("invariant 4: a consent names the SHA-256 and language of the document shown", arguments: StoreKind.allCases)
    func documentHash(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"], language: "en")
        let event = try #require(lab.store.consentEvents().first)
        #expect(event.language == "en")
        #expect(event.documentSHA256 == SHA256.hex("Information sheet"))
        let error = #expect(throws: LabError.self) {
            try lab.store.giveConsent(merchantID: "m1", protocolID: TestLab.protocolID, language: "de", channel: "cli", actor: "m1")
        }
        #expect(error?.message.contains("en, fr") == true)
    }

    @Test("invariant 4: a material amendment needs renewed consent once approved; a minor one does not", arguments: StoreKind.allCases)
    func materialAmendment(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m3"])
        var minor = try TestLab.definition()
        minor.title = "Click & collect (pilote)"
        let minorResult = try lab.store.applyProtocol(minor, reason: "Clearer title", actor: "coord")
        #expect(minorResult.kind == .amended && !minorResult.diff.isMaterial)
        try lab.store.approveProtocol(TestLab.protocolID, actor: "coord")
        var now = lab.tick()
        #expect(try lab.store.consentGate().decide(merchantID: "m1", protocolID: TestLab.protocolID, purpose: Purpose.outcomeMeasurement, at: now) == .allowed)

        var material = minor
        material.consent.dataCategories.append("revenue")
        let materialResult = try lab.store.applyProtocol(material, reason: "Also measure revenue", actor: "coord")
        #expect(materialResult.diff.isMaterial)
        now = lab.tick()
        // Not approved yet: version 2 is still in force.
        #expect(try lab.store.consentGate().decide(merchantID: "m1", protocolID: TestLab.protocolID, purpose: Purpose.outcomeMeasurement, at: now) == .allowed)
        try lab.store.approveProtocol(TestLab.protocolID, actor: "coord")
        now = lab.tick()
        let result = try lab.store.recordOutcomes([lab.outcome("m1", at: now, key: "k1")], actor: "t")
        #expect(result.dispositions == [.rejected(.versionNotCovered)])
        #expect(try lab.store.consentStatuses(merchantID: "m1").first?.state == .needsRenewal)
        try lab.store.giveConsent(merchantID: "m1", protocolID: TestLab.protocolID, language: "fr", channel: "cli", actor: "m1")
        #expect(try lab.store.consentEvents(merchantID: "m1").last?.kind == .renewed)
        now = lab.tick()
        #expect(try lab.store.recordOutcomes([lab.outcome("m1", at: now, key: "k2")], actor: "t").stored == 1)
    }

    @Test("outcomes are idempotent by key: replaying a batch stores nothing twice", arguments: StoreKind.allCases)
    func idempotency(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m3"])
        let now = lab.tick()
        let batch = (0..<50).map { lab.outcome($0 % 2 == 0 ? "m1" : "m3", at: now, key: "k\($0)", value: Double($0)) }
        #expect(try lab.store.recordOutcomes(batch, actor: "t").stored == 50)
        let replay = try lab.store.recordOutcomes(batch, actor: "t")
        #expect(replay.stored == 0 && replay.duplicates == 50)
        #expect(try lab.store.outcomeCount() == 50)
        // The same key with another value is another measurement: refused per row, with the stored value.
        var changed = batch[3]
        changed.value = 99
        let conflict = try lab.store.recordOutcomes([changed, lab.outcome("m1", at: now, key: "k50")], actor: "t")
        #expect(conflict.dispositions == [.conflict(storedValue: 3), .stored])
        #expect(try lab.store.outcomes(protocolID: TestLab.protocolID).first { $0.idempotencyKey == "k3" }?.value == 3)
    }

    @Test("a second store on the same file sees consents written by the first (gate refresh)", arguments: StoreKind.allCases)
    func crossConnection(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        let other = try lab.reopen()
        _ = try other.consentGate()
        try lab.consent(["m1"])
        let now = lab.tick()
        #expect(try other.recordOutcomes([lab.outcome("m1", at: now, key: "x")], actor: "t").stored == 1)
    }
}

@Suite("Durability (invariant 8)")
struct DurabilityTests {
    @Test("SQLite: the writer commits with synchronous=FULL by default, and NORMAL only when asked")
    func synchronousSetting() throws {
        let lab = try TestLab(kind: .sqlite)
        #expect(try (lab.store as? SQLiteLabStore)?.writerSynchronousMode() == 2)
        var configuration = StoreConfiguration(path: lab.folder.appendingPathComponent("fast.sqlite").path)
        configuration.durability = .normal
        #expect(try SQLiteLabStore(configuration).writerSynchronousMode() == 1)
    }

    @Test("a batch acknowledged by one store is read back by another opened on the same file", arguments: StoreKind.allCases)
    func readBackElsewhere(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        let now = lab.tick()
        try lab.store.recordOutcomes([lab.outcome("m1", at: now, key: "before-crash")], actor: "t")
        // A second store opens the same file while this one still holds its connections.
        let reopened = try lab.reopen()
        #expect(try reopened.outcomes(protocolID: TestLab.protocolID).map(\.idempotencyKey) == ["before-crash"])
        #expect(try reopened.verifyAudit().isIntact)
    }
}

@Suite("The outcome rule: declared metric and unit, dated within the schedule and not in the future")
struct OutcomeRuleTests {
    @Test("a batch with one bad outcome is refused whole, saying which and why", arguments: StoreKind.allCases)
    func badOutcomeRefusesTheBatch(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        let now = lab.tick()
        let good = lab.outcome("m1", at: now, key: "good")
        var undeclared = lab.outcome("m1", at: now, key: "u")
        undeclared.metric = "footfall"
        var wrongUnit = lab.outcome("m1", at: now, key: "w")
        wrongUnit.unit = "EUR"
        let future = lab.outcome("m1", at: now.addingTimeInterval(3600), key: "f")
        for (bad, words) in [(undeclared, "not declared"), (wrongUnit, "measured in `count`"), (future, "in the future")] {
            let error = #expect(throws: LabError.self) { try lab.store.recordOutcomes([good, bad], actor: "t") }
            #expect(error?.code == .invalidInput && error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        #expect(try lab.store.outcomeCount() == 0)
        // Within the clock skew, and after the schedule's end by more than a day.
        #expect(try lab.store.recordOutcomes([lab.outcome("m1", at: now.addingTimeInterval(60), key: "skew")], actor: "t").stored == 1)
        lab.clock.set(try CalendarDay("2027-07-01").startOfDay)
        let late = lab.outcome("m1", at: try CalendarDay("2027-06-30").startOfDay, key: "late")
        let error = #expect(throws: LabError.self) { try lab.store.recordOutcomes([late], actor: "t") }
        #expect(error?.message.contains("after protocol cc's schedule") == true, "\(error?.message ?? "")")
    }
}
