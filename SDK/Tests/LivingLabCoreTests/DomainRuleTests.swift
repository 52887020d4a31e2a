import Foundation
import LivingLabCore
import Testing

@Suite("Domain rules")
struct DomainRuleTests {
    static func sampleProtocol() throws -> ExperimentProtocol {
        ExperimentProtocol(
            id: "cc", title: "Click & collect", hypothesis: "More orders.",
            plugin: .init(id: "fr.livinglab.click-and-collect", versions: ">=1.0.0 <2.0.0"), firm: "panier-malin",
            eligibility: "sector in [bakery]",
            arms: [.init(name: "control", control: true), .init(name: "treatment", configuration: ["slotMinutes": 30])],
            design: .init(name: "complete", seed: 7),
            metrics: .init(primary: .init(name: "orders", unit: "count", direction: "increase")),
            schedule: .init(baseline: DayRange(start: try CalendarDay("2027-01-04"), end: try CalendarDay("2027-02-28")),
                            trial: DayRange(start: try CalendarDay("2027-03-01"), end: try CalendarDay("2027-05-23"))),
            consent: .init(purposes: [Purpose.participation, Purpose.outcomeMeasurement], dataCategories: ["orders"],
                           documents: ["fr": "Fiche d'information", "en": "Information sheet"]),
            onWithdrawal: .anonymise)
    }

    @Test("a change of purposes, arms or document text is material; a new title is not")
    func materiality() throws {
        let base = try Self.sampleProtocol()
        var retitled = base
        retitled.title = "Click and collect"
        #expect(!ProtocolDiff(from: base, to: retitled).isMaterial)
        #expect(ProtocolDiff(from: base, to: retitled).changes.map(\.field) == ["title"])

        var morePurposes = base
        morePurposes.consent.purposes.append("plugin-data")
        #expect(ProtocolDiff(from: base, to: morePurposes).isMaterial)

        var newText = base
        newText.consent.documents["fr"] = "Fiche d'information, version 2"
        #expect(ProtocolDiff(from: base, to: newText).changes.contains { $0.field == "consent.documents.fr" && $0.material })

        var newArm = base
        newArm.arms[1].configuration = ["slotMinutes": 15]
        #expect(ProtocolDiff(from: base, to: newArm).isMaterial)
    }

    @Test("protocol validation names the field to fix", arguments: [
        ("arms", "at least two"), ("metric", "increase"), ("schedule", "before the trial starts"),
        ("purposes", "outcome-measurement"), ("design", "blocked"),
    ])
    func protocolValidation(field: String, hint: String) throws {
        var p = try Self.sampleProtocol()
        switch field {
        case "arms": p.arms = [p.arms[1]]
        case "metric": p.metrics.primary.direction = "up"
        case "schedule": p.schedule.baseline.end = try CalendarDay("2027-03-10")
        case "purposes": p.consent.purposes = [Purpose.participation]
        default: p.design = .init(name: "blocked", seed: 1)
        }
        let error = #expect(throws: LabError.self) { try p.validate() }
        #expect(error?.message.contains(hint) == true, "\(error?.message ?? "")")
    }

    @Test("enrollment follows invited → consented → assigned → active → withdrawn/completed only")
    func enrollmentMachine() throws {
        try Enrollment.State.invited.checkTransition(to: .consented, merchantID: "m", protocolID: "p")
        try Enrollment.State.assigned.checkTransition(to: .active, merchantID: "m", protocolID: "p")
        try Enrollment.State.active.checkTransition(to: .withdrawn, merchantID: "m", protocolID: "p")
        let skip = #expect(throws: LabError.self) {
            try Enrollment.State.invited.checkTransition(to: .active, merchantID: "m01", protocolID: "p")
        }
        #expect(skip?.message.contains("consent give m01 p") == true)
        #expect(throws: LabError.self) { try Enrollment.State.withdrawn.checkTransition(to: .consented, merchantID: "m", protocolID: "p") }
        #expect(throws: LabError.self) { try Enrollment.State.completed.checkTransition(to: .active, merchantID: "m", protocolID: "p") }
    }

    @Test("a sponsor is never paired with a merchant trialling their employer's plugin")
    func sponsorConflict() throws {
        let sponsor = Sponsor(id: "s04", name: "X", charterVersion: "2026-1", employerFirmID: "panier-malin")
        let error = #expect(throws: LabError.self) {
            try SponsorPairingRule.check(sponsor: sponsor, merchantID: "m08", trialFirms: [("cc", "panier-malin")])
        }
        #expect(error?.code == .ruleViolation)
        #expect(error?.message.contains("another sponsor") == true)
        try SponsorPairingRule.check(sponsor: sponsor, merchantID: "m08", trialFirms: [("ab", "agenda-quartier")])
    }

    @Test("merchant validation rejects an out-of-range maturity with the allowed range")
    func merchantValidation() {
        let m = Merchant(id: "m1", name: "A", sector: "bakery", segment: "S", positionMetres: 0, maturity: 7)
        let error = #expect(throws: LabError.self) { try m.validate() }
        #expect(error?.message.contains("0 (none) to 4") == true)
        #expect(throws: LabError.self) { try Merchant(id: "m 1", name: "A", sector: "bakery", segment: "S", positionMetres: 0, maturity: 1).validate() }
    }

    @Test("semantic version ranges accept and refuse the right versions")
    func versionRanges() throws {
        let range = try SemanticVersionRange(">=1.0.0 <2.0.0")
        #expect(range.contains(try SemanticVersion("1.4.2")))
        #expect(!range.contains(try SemanticVersion("2.0.0")))
        #expect(!range.contains(try SemanticVersion("1.0.0-beta")))
        #expect(throws: LabError.self) { try SemanticVersion("1.0") }
    }
}
