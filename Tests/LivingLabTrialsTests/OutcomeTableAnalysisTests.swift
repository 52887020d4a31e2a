import Foundation
import LabTestSupport
import LivingLabAnalysis
import LivingLabCore
import LivingLabTrials
import Testing

@Suite("analyze on an outcome table")
struct OutcomeTableAnalysisTests {
    /// Two treated shops (a, b) and two controls (c, d), months 1 (pre) and 2 (post).
    static let panel = """
        merchant,arm,revenue,month
        a,1,10,1
        a,1,14,2
        b,treatment,12,1
        b,treatment,17,2
        c,0,11,1
        c,0,12,2
        d,control,9,1
        d,control,9,2
        """

    func request(_ method: OutcomeTableAnalysis.Method, panel: Bool = true) -> OutcomeTableAnalysis.Request {
        var r = OutcomeTableAnalysis.Request(unit: "merchant", treatment: "arm", outcome: "revenue", method: method)
        if panel {
            r.period = "month"
            r.post = "2"
        }
        return r
    }

    @Test func differenceInDifferencesMatchesTheHandComputation() throws {
        // Changes: a 14−10 = 4, b 17−12 = 5 (mean 4.5); c 12−11 = 1, d 9−9 = 0 (mean 0.5). DiD = 4.5 − 0.5 = 4.
        let result = try OutcomeTableAnalysis.run(csv: Self.panel, request: request(.did))
        #expect(abs(result.estimate.estimate - 4) < 1e-9)
        #expect(result.units == 4 && result.treatedUnits == 2 && result.controlUnits == 2)
        #expect(result.notes.contains { $0.contains("too few merchants") })
    }

    @Test func differenceInMeansOfPostPeriodMatchesTheHandComputation() throws {
        // Post means: treated (14 + 17)/2 = 15.5, control (12 + 9)/2 = 10.5, so 5.
        // SE: s² = 4.5 in each arm, 4.5/2 + 4.5/2 = 4.5, √4.5 = 2.1213.
        let result = try OutcomeTableAnalysis.run(csv: Self.panel, request: request(.diffInMeans))
        #expect(abs(result.estimate.estimate - 5) < 1e-9)
        #expect(abs((result.estimate.standardError ?? 0) - 4.5.squareRoot()) < 1e-9)
    }

    @Test func randomisationInferenceEnumeratesTheSixAssignments() throws {
        // C(4, 2) = 6 assignments; the observed DiD (4) is the largest |DiD| together with its mirror (−4), so p = 2/6.
        let result = try OutcomeTableAnalysis.run(csv: Self.panel, request: request(.ri))
        #expect(abs(result.estimate.estimate - 4) < 1e-9)
        #expect(abs(result.estimate.pValue - 2.0 / 6) < 1e-9)
        #expect(result.minimumDetectableEffect != nil)
    }

    @Test func missingColumnListsTheColumnsTheFileHas() throws {
        var r = request(.did)
        r.outcome = "revenu"
        let error = try #require(throws: LabError.self) { try OutcomeTableAnalysis.run(csv: Self.panel, request: r) }
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("`revenu`"))
        #expect(error.message.contains("merchant, arm, revenue, month"))
    }

    @Test func nonNumericValuesAreListedWithTheirLines() throws {
        let csv = "merchant,arm,revenue\na,1,12\nb,1,douze\nc,0,\nd,0,3\n"
        let error = try #require(throws: LabError.self) {
            try OutcomeTableAnalysis.run(csv: csv, request: request(.diffInMeans, panel: false))
        }
        #expect(error.message.contains("line 3"))
        #expect(error.message.contains("douze"))
        #expect(error.message.contains("line 4"))
        #expect(!error.message.contains("line 2"))
    }

    @Test func anEmptyArmIsRefused() throws {
        let csv = "merchant,arm,revenue\na,1,12\nb,1,13\n"
        let error = try #require(throws: LabError.self) {
            try OutcomeTableAnalysis.run(csv: csv, request: request(.diffInMeans, panel: false))
        }
        #expect(error.message.contains("control arm is empty"))
    }

    @Test func treatmentThatChangesWithinAUnitIsRefused() throws {
        let csv = "merchant,arm,revenue,month\na,1,12,1\na,0,13,2\nb,0,3,1\nb,0,4,2\n"
        let error = try #require(throws: LabError.self) { try OutcomeTableAnalysis.run(csv: csv, request: request(.did)) }
        #expect(error.message.contains("Unit a"))
        #expect(error.message.contains("--period"))
    }
}
