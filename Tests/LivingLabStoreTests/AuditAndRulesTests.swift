import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabStore
import Testing

@Suite("Audit log, assignments and bad input (invariants 5, 6)")
struct AuditAndRulesTests {
    /// Tampering as an attacker with the file would: drop the append-only triggers, then change rows with raw SQL.
    func tamper(_ lab: TestLab, _ sql: String) throws {
        try lab.rawExecute("DROP TRIGGER auditEntryNoUpdate; DROP TRIGGER auditEntryNoDelete; " + sql)
    }

    @Test("invariant 6: verify detects an edited entry", arguments: StoreKind.allCases)
    func editDetected(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        #expect(try lab.store.verifyAudit().isIntact)
        try tamper(lab, "UPDATE auditEntry SET actor = 'someone-else' WHERE sequence = 3")
        let verification = try lab.store.verifyAudit()
        #expect(verification.firstBrokenSequence == 3)
        #expect(verification.problem?.contains("edited") == true)
    }

    @Test("invariant 6: verify detects a deleted entry", arguments: StoreKind.allCases)
    func deletionDetected(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        try tamper(lab, "DELETE FROM auditEntry WHERE sequence = 4")
        #expect(try lab.store.verifyAudit().firstBrokenSequence == 5)
    }

    @Test("invariant 6: verify detects reordered entries", arguments: StoreKind.allCases)
    func reorderDetected(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1"])
        // Swap the contents of entries 2 and 3 (rowids stay in place, so stored order changes).
        try tamper(lab, """
            UPDATE auditEntry SET sequence = -2 WHERE sequence = 2;
            UPDATE auditEntry SET sequence = 2 WHERE sequence = 3;
            UPDATE auditEntry SET sequence = 3 WHERE sequence = -2;
            """)
        let verification = try lab.store.verifyAudit()
        #expect(verification.firstBrokenSequence != nil)
        #expect(!verification.isIntact)
    }

    @Test("invariant 6: the audit log never holds names or contacts in clear", arguments: StoreKind.allCases)
    func noPersonalData(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.store.addSponsor(Sponsor(id: "s1", name: "Inès Roux", charterVersion: "2026-1", contact: "ines@example.fr"), actor: "c")
        try lab.consent(["m1"])
        let text = try lab.rawStrings("SELECT actor || action || subjects || details FROM auditEntry").joined()
        for secret in ["Dupont", "example.fr", "Inès", "Roux"] { #expect(!text.contains(secret), "\(secret) is in the audit log") }
        #expect(text.contains("m1"))
    }

    @Test("invariant 5: assignments are committed once; re-assigning needs a reason and is audited", arguments: StoreKind.allCases)
    func assignmentsNeverChangeSilently(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m3"])
        let plan = AssignmentPlan(design: "complete", seed: 42, entries: [.init(merchantID: "m1", arm: "control"),
                                                                          .init(merchantID: "m3", arm: "treatment")])
        try lab.store.commitAssignments(plan, protocolID: TestLab.protocolID, actor: "coord")
        #expect(try lab.store.assignments(in: TestLab.protocolID).map(\.arm) == ["control", "treatment"])
        var swapped = plan
        swapped.entries = [.init(merchantID: "m1", arm: "treatment"), .init(merchantID: "m3", arm: "control")]
        let error = #expect(throws: LabError.self) { try lab.store.commitAssignments(swapped, protocolID: TestLab.protocolID, actor: "coord") }
        #expect(error?.message.contains("--override-reason") == true)
        #expect(try lab.store.assignments(in: TestLab.protocolID).map(\.arm) == ["control", "treatment"])
        try lab.store.commitAssignments(swapped, protocolID: TestLab.protocolID, actor: "coord-claire", overrideReason: "m1 moved shop")
        #expect(try lab.store.assignments(in: TestLab.protocolID).map(\.arm) == ["treatment", "control"])
        let entry = try #require(lab.store.auditEntries().last)
        #expect(entry.action == "assignment.override" && entry.actor == "coord-claire")
        #expect(entry.details["overrideReason"] == "m1 moved shop")
    }

    @Test("a trial starts only once assigned, and its merchants become active; outcomes carry the arm", arguments: StoreKind.allCases)
    func trialStartCarriesArms(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.consent(["m1", "m3"])
        #expect(throws: LabError.self) { try lab.store.setTrialState(TestLab.protocolID, to: .running, actor: "c") }
        try lab.store.commitAssignments(AssignmentPlan(design: "complete", seed: 1, entries: [
            .init(merchantID: "m1", arm: "control"), .init(merchantID: "m3", arm: "treatment"),
        ]), protocolID: TestLab.protocolID, actor: "c")
        #expect(try lab.store.setTrialState(TestLab.protocolID, to: .running, actor: "c") == ["m1", "m3"])
        #expect(try lab.store.enrollments(in: TestLab.protocolID).map(\.state) == [.active, .active])
        let now = lab.tick()
        try lab.store.recordOutcomes([lab.outcome("m3", at: now, key: "o")], actor: "t")
        #expect(try lab.store.outcomes(protocolID: TestLab.protocolID).first?.arm == "treatment")
        let error = #expect(throws: LabError.self) { try lab.store.setTrialState(TestLab.protocolID, to: .approved, actor: "c") }
        #expect(error?.code == .ruleViolation)
    }

    @Test("the sponsor rule is enforced both when pairing and when enrolling", arguments: StoreKind.allCases)
    func sponsorRule(kind: StoreKind) throws {
        let lab = try TestLab(kind: kind)
        try lab.store.addSponsor(Sponsor(id: "s1", name: "A", charterVersion: "2026-1", employerFirmID: "panier-malin"), actor: "c")
        try lab.store.pairSponsor("s1", with: "m2", actor: "c")
        let enrolling = #expect(throws: LabError.self) { try lab.store.enroll(["m1", "m2"], in: TestLab.protocolID, actor: "c") }
        #expect(enrolling?.code == .ruleViolation)
        #expect(try lab.store.enrollments(in: TestLab.protocolID).isEmpty)
        try lab.store.enroll(["m1"], in: TestLab.protocolID, actor: "c")
        #expect(throws: LabError.self) { try lab.store.pairSponsor("s1", with: "m1", actor: "c") }
    }

    @Test("bad input gets a clear error and leaves the database unchanged", arguments: BadInput.allCases)
    func badInputCatalogue(_ input: BadInput) throws {
        let lab = try TestLab(approved: input != .consentToUnapprovedProtocol)
        if input != .consentToUnapprovedProtocol { try lab.consent(["m1"]) }
        let before = try lab.snapshot()
        let error = #expect(throws: LabError.self) { try input.attempt(on: lab) }
        #expect(error?.message.contains(input.expectedHint) == true, "\(error?.message ?? "no error")")
        #expect(try lab.snapshot() == before)
    }

    enum BadInput: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case duplicateMerchantInBatch, existingMerchantID, unknownMerchantConsent, consentToUnapprovedProtocol,
             amendmentWithoutReason, criteriaSyntax, outcomeNotANumber, unknownProtocolOutcome, notInvitedConsent,
             ineligibleEnrollment, unknownSponsorEmployer

        var testDescription: String { rawValue }

        var expectedHint: String {
            switch self {
            case .duplicateMerchantInBatch: "appears twice"
            case .existingMerchantID: "already registered"
            case .unknownMerchantConsent: "merchant list"
            case .consentToUnapprovedProtocol: "protocol approve"
            case .amendmentWithoutReason: "--reason"
            case .criteriaSyntax: "column"
            case .outcomeNotANumber: "finite number"
            case .unknownProtocolOutcome: "protocol apply"
            case .notInvitedConsent: "livinglab enroll"
            case .ineligibleEnrollment: "not eligible"
            case .unknownSponsorEmployer: "firm add"
            }
        }

        func attempt(on lab: TestLab) throws(LabError) {
            let store = lab.store
            switch self {
            case .duplicateMerchantInBatch:
                let m = Merchant(id: "m9", name: "X", sector: "bakery", segment: "S", positionMetres: 1, maturity: 1)
                try store.addMerchants([m, m], actor: "c")
            case .existingMerchantID:
                try store.addMerchants([Merchant(id: "m8", name: "X", sector: "bakery", segment: "S", positionMetres: 1, maturity: 1),
                                        Merchant(id: "m1", name: "X", sector: "bakery", segment: "S", positionMetres: 1, maturity: 1)],
                                       actor: "c")
            case .unknownMerchantConsent:
                try store.giveConsent(merchantID: "nobody", protocolID: TestLab.protocolID, language: "fr", channel: "cli", actor: "c")
            case .consentToUnapprovedProtocol:
                try store.giveConsent(merchantID: "m1", protocolID: TestLab.protocolID, language: "fr", channel: "cli", actor: "c")
            case .amendmentWithoutReason:
                var changed = try TestLab.definition()
                changed.consent.purposes.removeLast()
                _ = try store.applyProtocol(changed, reason: nil, actor: "c")
            case .criteriaSyntax:
                try store.createCohort(name: "bad", criteria: "sector in [bakery", actor: "c")
            case .outcomeNotANumber:
                try store.recordOutcomes([lab.outcome("m1", at: lab.clock.now(), key: "ok"),
                                          lab.outcome("m1", at: lab.clock.now(), key: "nan", value: .nan)], actor: "c")
            case .unknownProtocolOutcome:
                try store.recordOutcomes([OutcomeSubmission(protocolID: "nope", merchantID: "m1", metric: "orders", value: 1,
                                                            at: lab.clock.now(), source: "t", idempotencyKey: "k")], actor: "c")
            case .notInvitedConsent:
                try store.giveConsent(merchantID: "m3", protocolID: TestLab.protocolID, language: "fr", channel: "cli", actor: "c")
            case .ineligibleEnrollment:
                try store.enroll(["m2", "m6"], in: TestLab.protocolID, actor: "c")
            case .unknownSponsorEmployer:
                try store.addSponsor(Sponsor(id: "s9", name: "B", charterVersion: "1", employerFirmID: "ghost"), actor: "c")
            }
        }
    }
}

@Suite("A store from an empty database (migrations)")
struct StoreMigrationTests {
    @Test("a new store on an empty database is an empty, intact lab", arguments: StoreKind.allCases)
    func emptyDatabase(kind: StoreKind) throws {
        let folder = try TemporaryFolder("empty")
        let store = try kind.open(in: folder, clock: ManualClock(Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(try store.lab() == nil)
        #expect(try store.merchants().isEmpty)
        #expect(try store.protocolIDs().isEmpty)
        #expect(try store.plugins().isEmpty)
        #expect(try store.consentEvents().isEmpty)
        #expect(try store.outcomeCount() == 0)
        let verification = try store.verifyAudit()
        #expect(verification.isIntact && verification.entriesChecked == 0)
        // Opening it again runs no migration twice and keeps what was written.
        try store.addFirm(Firm(id: "f", name: "F"), actor: "c")
        #expect(try kind.reopen(in: folder, clock: SystemClock()).firms().map(\.id) == ["f"])
    }

    @Test("SQLite: every named migration is applied once, in order, from an empty file")
    func sqliteMigrations() throws {
        let folder = try TemporaryFolder("migrations")
        _ = try StoreKind.sqlite.open(in: folder, clock: SystemClock())
        _ = try StoreKind.sqlite.reopen(in: folder, clock: SystemClock())
        #expect(try StoreKind.sqlite.rawStrings(in: folder, "SELECT identifier FROM grdb_migrations ORDER BY rowid") == [
            "v1 lab, people, protocols, consent, outcomes, audit", "v2 plugin isolation and host-call denials",
            "v3 lighter outcome indexes", "v4 one spelling of each refusal reason", "v5 API access tokens",
            "v6 answers to feedback, API responses kept for replay", "v7 sign-in links and web sessions",
        ])
    }

    @Test("SQLite: host-call denials counted under the old camelCase names are folded into the one spelling")
    func refusalSpellingMigration() throws {
        let folder = try TemporaryFolder("spelling")
        let store = try StoreKind.sqlite.open(in: folder, clock: SystemClock())
        try store.countHostDenial(pluginID: "p", reason: .controlArm)
        // A lab file written before the migration: old spellings beside the new one; forget v4 so it runs again.
        try StoreKind.sqlite.rawExecute(in: folder, """
            INSERT INTO hostDenial (pluginID, reason, count, lastAt) VALUES ('p', 'controlArm', 2, 1), ('p', 'notActive', 1, 1);
            DELETE FROM grdb_migrations WHERE identifier = 'v4 one spelling of each refusal reason'
            """)
        let reopened = try StoreKind.sqlite.reopen(in: folder, clock: SystemClock())
        let counts = Dictionary(uniqueKeysWithValues: try reopened.hostDenialCounts().map { ($0.reason, $0.count) })
        #expect(counts == ["control-arm": 3, "not-active": 1])
    }
}
