import Foundation
import LabTestSupport
import LivingLabAnalysis
import LivingLabCore
import LivingLabTrials
import LivingLabStore
import LivingLabWeb
import Testing

@Suite("Trial report assembly")
struct TrialReportTests {
    @Test func plantedEffectLiesInsideThePrimaryIntervalOfTheDiD() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let primary = try #require(report.primary)
        let estimate = try #require(primary.estimate)
        #expect(estimate.method.contains("DiD"))
        #expect(estimate.covers(ReportLab.effect))
        #expect(abs(estimate.estimate - ReportLab.effect) < 2)
        #expect(estimate.lower > 0)
        #expect(estimate.units == 11)
        let check = try #require(primary.randomization)
        #expect(check.method.contains("randomisation"))
        #expect(check.pValue < 0.05)
        #expect(primary.minimumDetectableEffect.map { $0 > 0 } == true)
    }

    @Test func aMetricRecordedOnlyInTheTreatmentArmIsDescribedNotCompared() throws {
        let lab = try ReportLab(noShowsFromPluginOnly: true)
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let noShows = try #require(report.guardrails.first { $0.name == "no_shows" })
        #expect(noShows.estimate == nil)
        #expect(noShows.problem?.contains("only in treatment arms") == true)
        #expect(report.primary?.estimate != nil)
    }

    @Test func randomisationCheckRedrawsTheRecordedBlockedDesign() throws {
        let lab = try ReportLab(recordedDesign: true)
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let check = try #require(report.primary?.randomization)
        // 11 merchants: 6 on Nord, 5 on Sud, each block split as evenly as the draw allows. Re-drawing within blocks
        // gives C(6,3) × C(5,2) = 20 × 10 = 200 assignments (or × C(5,3), the same 10); complete randomisation of
        // 11 would give C(11,5) = 462.
        #expect(report.notes.contains { $0.contains("all 200 assignments") })
        #expect(!report.notes.contains { $0.contains("could not be reproduced") })
        #expect(check.covers(ReportLab.effect))
    }

    @Test func handMadeSplitWithoutARecordedSpecSaysHowItWasChecked() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        #expect(report.notes.contains { $0.contains("could not be reproduced") })
        // Complete randomisation of 6 controls and 5 treated: C(11,5) = 462 assignments.
        #expect(report.notes.contains { $0.contains("all 462 assignments") })
    }

    @Test func withoutBaselineOutcomesThePrimaryEffectIsADifferenceInMeans() throws {
        let lab = try ReportLab(baseline: false)
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let estimate = try #require(report.primary?.estimate)
        #expect(estimate.method.contains("difference in means"))
        #expect(report.notes.contains { $0.contains("no baseline outcomes") })
    }

    @Test func funnelCountsTheWithdrawnMerchantWithTheDayOfWithdrawal() throws {
        let lab = try ReportLab()
        let funnel = try #require(try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID).funnel)
        #expect(funnel.invited == 12)
        #expect(funnel.consented == 12)
        #expect(funnel.withdrawn == 1)
        #expect(funnel.active == 11)
        #expect(funnel.days.reduce(0) { $0 + $1.withdrawn } == 1)
        #expect(funnel.days.contains { $0.day == "2026-12-01" && $0.consented > 0 })
        #expect(funnel.days.contains { $0.day == "2026-12-02" && $0.withdrawn == 1 })
    }

    @Test func harmedGuardrailIsFlaggedAndSecondaryIsHolmAdjusted() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let guardrail = try #require(report.guardrails.first)
        #expect(guardrail.name == "no_shows")
        #expect(guardrail.isHarmed)
        #expect(report.notes.contains { $0.contains("no_shows is harmed") })
        let secondary = try #require(report.secondary.first)
        #expect(secondary.adjustedPValue != nil)
    }

    @Test func tooFewMerchantsAreStatedWithTheMinimumDetectableEffect() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let note = try #require(report.notes.first { $0.hasPrefix("Too few merchants") })
        let mde = try #require(report.primary?.minimumDetectableEffect)
        #expect(note.contains(String(format: "%.3g", mde)))
    }

    @Test func designAndBalanceComeFromTheCommittedPlan() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let design = try #require(report.design)
        #expect(design.seed == 7)
        #expect(design.arms.map(\.merchants) == [6, 5])
        let balance = try #require(report.balance)
        #expect(balance.armNames == ["control", "treatment"])
        #expect(balance.rows.contains { $0.covariate == "maturity" })
    }

    @Test func weeklySeriesBucketsIntoISOWeeksAndShadesShocks() throws {
        let lab = try ReportLab(shock: true)
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let weekly = try #require(report.weekly)
        #expect(weekly.weeks.count == ReportLab.baselineWeeks + ReportLab.trialWeeks)
        #expect(weekly.weeks.first == "2027-01-04")
        #expect(weekly.labels.first == "2027-W01")
        #expect(weekly.trialStartWeek == ReportLab.baselineWeeks)
        #expect(weekly.lines.map(\.name) == ["control", "treatment"])
        // 2027-03-15 → 2027-03-28 is weeks 10 and 11 from 2027-01-04.
        #expect(weekly.bands.map { [$0.firstWeek, $0.lastWeek] } == [[10, 11]])
        let treated = weekly.lines[1].values.compactMap { $0 }, control = weekly.lines[0].values.compactMap { $0 }
        let gapBefore = treated[0] - control[0], gapAfter = treated[12] - control[12]
        #expect(abs(gapAfter - gapBefore - ReportLab.effect) < 4)
    }

    @Test func merchantReportShowsOnlyThatMerchantsFigures() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID,
                                              options: ReportOptions(merchantID: "shop-02"))
        #expect(report.primary == nil && report.funnel == nil && report.balance == nil && report.design == nil)
        let figures = try #require(report.merchant)
        #expect(figures.arm == "treatment")
        let orders = try #require(figures.metrics.first { $0.metric == "orders" })
        // shop-02 is index 1: level 34, wobble averages out to within ±2, plus the planted effect after the start.
        #expect(abs((orders.change ?? 0) - ReportLab.effect) < 3)
        // Their own line, and the mean of the twelve enrolled shops (never one of them).
        #expect(report.weekly?.lines.map(\.name) == ["you", "street"])
        let you = report.weekly?.lines[0].values.compactMap { $0 } ?? []
        let street = report.weekly?.lines[1].values.compactMap { $0 } ?? []
        #expect(!street.isEmpty && street.count == you.count)
        #expect(you != street, "the street's mean is not the merchant's own line")
        let json = try report.jsonRendering()
        for other in ReportLab.merchantIDs where other != "shop-02" { #expect(!json.contains(other)) }
    }

    @Test func aggregateReportNamesNoMerchant() throws {
        let lab = try ReportLab()
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        for format in ReportFormat.allCases {
            let text = try report.rendered(as: format)
            for id in ReportLab.merchantIDs { #expect(!text.contains(id), "\(format) names \(id)") }
        }
    }

    @Test func unknownMerchantOrProtocolIsAnErrorThatSaysWhatToDo() throws {
        let lab = try ReportLab()
        #expect { try TrialReport.assemble(from: lab.store, protocolID: "nope") } throws: { error in
            (error as? LabError)?.code == .notFound
        }
        #expect { try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID, options: ReportOptions(merchantID: "ghost")) }
            throws: { error in (error as? LabError)?.code == .notFound }
    }
}

@Suite("Report renderers")
struct ReportRendererTests {
    @Test func jsonIsValidAndKeepsInfiniteBoundsAsStrings() throws {
        let lab = try ReportLab()
        var report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        report.primary?.randomization?.lower = -.infinity
        let text = try report.rendered(as: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["protocolID"] as? String == ReportLab.protocolID)
        #expect(text.contains("\"-Infinity\""))
    }

    @Test func csvHasFourFieldsOnEveryRow() throws {
        let lab = try ReportLab(shock: true)
        let text = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID).rendered(as: .csv)
        let table = try CSVTable(parsing: text, required: ["section", "item", "field", "value"])
        #expect(table.header == ["section", "item", "field", "value"])
        #expect(table.rows.contains { $0["section"] == "effect" && $0["item"] == "orders" && $0["field"] == "estimate" })
        #expect(table.rows.contains { $0["section"] == "shock" && $0["item"] == "tram" })
        let estimate = try #require(table.rows.first { $0["section"] == "effect" && $0["field"] == "estimate" }?["value"].flatMap(Double.init))
        #expect(abs(estimate - ReportLab.effect) < 2)
    }

    @Test func htmlIsSelfContainedWithInlineSVGCharts() throws {
        let lab = try ReportLab(shock: true)
        let html = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID).rendered(as: .html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 3)
        #expect(!html.contains("http"))
        #expect(!html.contains("<script"))
        #expect(html.contains("<style>"))
        #expect(html.contains("tram-works"))
        #expect(html.contains("DÉGRADÉ"))
    }

    @Test("the HTML report speaks one language: French by default, English with language en, never both")
    func htmlSpeaksOneLanguage() throws {
        let lab = try ReportLab(shock: true)
        let report = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID)
        let french = try report.rendered(as: .html), english = try report.rendered(as: .html, language: "en")
        #expect(french.contains(#"<html lang="fr">"#) && english.contains(#"<html lang="en">"#))
        let fr = Catalogue.named("fr"), en = Catalogue.named("en")
        for key in ["report.primary", "report.allMetrics", "report.design", "report.funnel", "report.funnel.invited",
                    "report.chart.trialStart", "report.guardrail.harmed"] {
            #expect(french.contains(HTML.escape(fr(key))), "\(key) missing in French")
            #expect(english.contains(HTML.escape(en(key))), "\(key) missing in English")
            #expect(!english.contains(HTML.escape(fr(key))), "French \(key) on the English report")
            #expect(!french.contains(HTML.escape(en(key))), "English \(key) on the French report")
        }
        // The old two-language labels are gone, and French numbers have a decimal comma.
        #expect(!french.contains(" / "), "a label written twice")
        #expect(!english.contains(" / "), "a label written twice")
        let headline = try #require(report.primary?.estimate)
        #expect(french.contains(Figure.text(headline.estimate).replacingOccurrences(of: ".", with: ",")))
        #expect(english.contains(Figure.text(headline.estimate)))
        // Every table cell carries its column's name, which a narrow screen shows in place of the header row.
        let cells = french.components(separatedBy: "<td").count - 1
        #expect(cells > 0 && cells == french.components(separatedBy: "<td data-label=").count - 1)
        #expect(ReportPage.css.contains("@media (max-width:640px)"))
    }

    @Test func textShowsEffectIntervalAndNotes() throws {
        let lab = try ReportLab()
        let text = try TrialReport.assemble(from: lab.store, protocolID: ReportLab.protocolID).rendered(as: .text)
        #expect(text.contains("orders"))
        #expect(text.contains("95% ["))
        #expect(text.contains("HARMED"))
        #expect(text.contains("Too few merchants"))
        #expect(text.contains("2027-W01"))
    }
}

@Suite("ISO weeks")
struct WeekCalendarTests {
    @Test func weeksStartOnMondayUTCAndCarryISOLabels() throws {
        // 2027-01-06 is a Wednesday: its ISO week starts on Monday 2027-01-04 (week 1 of 2027).
        let calendar = WeekCalendar(from: try CalendarDay("2027-01-06"), to: try CalendarDay("2027-03-01"))
        #expect(CalendarDay(date: calendar.firstMonday).description == "2027-01-04")
        #expect(calendar.count == 9)
        #expect(calendar.week(of: try CalendarDay("2027-01-10").endOfDay.addingTimeInterval(-1)) == 0)
        #expect(calendar.week(of: try CalendarDay("2027-01-11").startOfDay) == 1)
        #expect(calendar.week(of: try CalendarDay("2027-01-03").startOfDay) == nil)
        #expect(calendar.label(of: 0) == "2027-W01")
        #expect(calendar.label(of: 8) == "2027-W09")
        let range = DayRange(start: try CalendarDay("2027-01-10"), end: try CalendarDay("2027-01-11"))
        #expect(calendar.weeks(overlapping: range) == 0...1)
    }

    @Test func aWeekAcrossNewYearKeepsItsISOYear() throws {
        // 2026-12-31 is a Thursday in ISO week 53 of 2026, which starts on Monday 2026-12-28.
        let calendar = WeekCalendar(from: try CalendarDay("2026-12-31"), to: try CalendarDay("2027-01-04"))
        #expect(calendar.label(of: 0) == "2026-W53")
        #expect(calendar.day(of: 0) == "2026-12-28")
        #expect(calendar.label(of: 1) == "2027-W01")
    }
}
