import Foundation
import LivingLabAnalysis

/// Everything a trial report shows, assembled from a lab database and rendered as text, JSON, CSV or HTML.
///
/// The same value backs the CLI's `livinglab report` and the dashboard, so both always agree. A firm-facing report
/// (``Audience/aggregate``) holds only aggregates; a merchant-facing one holds only that merchant's own figures.
public struct TrialReport: Codable, Sendable {
    /// Who the report is for, which decides what it may show.
    public enum Audience: Codable, Hashable, Sendable {
        /// Coordinators and the firm: aggregates only, never one merchant's figures.
        case aggregate
        /// One merchant, about themself only.
        case merchant(String)

        /// Reads `"aggregate"` or `"merchant:ID"`.
        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            if text == "aggregate" {
                self = .aggregate
            } else if text.hasPrefix("merchant:") {
                self = .merchant(String(text.dropFirst("merchant:".count)))
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "An audience is `aggregate` or `merchant:ID`, not `\(text)`."))
            }
        }

        /// Writes `"aggregate"` or `"merchant:ID"`, so that the JSON report reads plainly.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .aggregate: try container.encode("aggregate")
            case .merchant(let id): try container.encode("merchant:\(id)")
            }
        }
    }

    /// The protocol reported on.
    public var protocolID: String
    /// The protocol's title.
    public var title: String
    /// What the trial should show.
    public var hypothesis: String
    /// The firm that owns the plugin.
    public var firm: String
    /// The plugin id and accepted versions.
    public var plugin: String
    /// The trial's state (draft, approved, running, paused, stopped).
    public var state: String
    /// When the report was assembled.
    public var generatedAt: Date
    /// Who the report is for.
    public var audience: Audience
    /// Baseline, trial and follow-up periods.
    public var schedule: ScheduleSummary
    /// The committed design, when arms were assigned.
    public var design: DesignSummary?
    /// Covariate balance between arms (aggregate reports only).
    public var balance: BalanceTable?
    /// Invited, consented and withdrawn merchants with dates (aggregate reports only).
    public var funnel: ConsentFunnel?
    /// The primary metric's result (aggregate reports only).
    public var primary: MetricReport?
    /// Secondary metrics, with Holm-adjusted p-values.
    public var secondary: [MetricReport]
    /// Guardrail metrics, flagged when harmed.
    public var guardrails: [MetricReport]
    /// The primary metric per ISO week and arm (or for the merchant alone), with shock periods.
    public var weekly: WeeklySeries?
    /// The merchant's own figures (merchant reports only).
    public var merchant: MerchantFigures?
    /// What the reader must know to read the figures honestly (too few merchants, approximations…).
    public var notes: [String]
}

/// The trial's calendar, as planned in the protocol.
public struct ScheduleSummary: Codable, Hashable, Sendable {
    /// First and last day of the baseline, `YYYY-MM-DD`.
    public var baseline: [String]
    /// First and last day of the trial.
    public var trial: [String]
    /// First and last day of the follow-up, if any.
    public var followUp: [String]?
}

/// The committed assignment: design, seed and arm sizes.
public struct DesignSummary: Codable, Hashable, Sendable {
    /// One arm and how many merchants it holds.
    public struct ArmCount: Codable, Hashable, Sendable {
        /// The arm's name.
        public var arm: String
        /// Whether the arm is a control arm (no plugin).
        public var control: Bool
        /// Merchants assigned to it.
        public var merchants: Int
    }

    /// The design's name (complete, blocked, matched-pairs…).
    public var name: String
    /// The recorded seed the assignment was drawn from.
    public var seed: UInt64
    /// Attributes that formed blocks or were balanced, as the protocol says.
    public var blockBy: [String]
    /// When the assignment was committed.
    public var committedAt: Date
    /// Who committed it.
    public var committedBy: String
    /// Arm sizes.
    public var arms: [ArmCount]
}

/// Who was invited, who consented and who withdrew, and when (counts per day: no merchant is named).
public struct ConsentFunnel: Codable, Hashable, Sendable {
    /// A day and how many consents or withdrawals took effect on it.
    public struct Day: Codable, Hashable, Sendable {
        /// The day, `YYYY-MM-DD` (UTC).
        public var day: String
        /// Consents given that day.
        public var consented: Int
        /// Withdrawals that day.
        public var withdrawn: Int
    }

    /// Merchants invited into the trial.
    public var invited: Int
    /// Merchants who gave consent at least once.
    public var consented: Int
    /// Merchants who withdrew.
    public var withdrawn: Int
    /// Merchants with consent in force now.
    public var active: Int
    /// Merchants invited who never answered.
    public var pending: Int
    /// Consents and withdrawals by day, in order.
    public var days: [Day]
}

/// One metric's effect, its interval, p-value, method, and how to read it.
public struct MetricReport: Codable, Hashable, Sendable {
    /// The metric's name.
    public var name: String
    /// Its unit.
    public var unit: String
    /// Primary, secondary or guardrail.
    public var role: MetricRole
    /// Which direction is better.
    public var direction: MetricDirection
    /// The model-based estimate (DiD or difference in means); `nil` when it could not be computed.
    public var estimate: Estimate?
    /// The randomisation-inference check under the recorded design, when it could be run.
    public var randomization: Estimate?
    /// The Holm-adjusted p-value (secondary metrics).
    public var adjustedPValue: Double?
    /// The guardrail status (guardrails).
    public var guardrail: GuardrailStatus?
    /// The smallest effect this analysis could detect with 80% power.
    public var minimumDetectableEffect: Double?
    /// Why no estimate could be computed, when none was.
    public var problem: String?

    /// Whether this guardrail's interval lies wholly on the harmful side.
    public var isHarmed: Bool { guardrail == .harmed }
}

/// A weekly time series per arm (or for one merchant), with shocks to shade.
public struct WeeklySeries: Codable, Hashable, Sendable {
    /// One line of the chart.
    public struct Line: Codable, Hashable, Sendable {
        /// The arm (or "you" in a merchant's report).
        public var name: String
        /// The mean weekly total per merchant of the line, per week; `nil` where no merchant of the line was observed.
        public var values: [Double?]
    }

    /// A shock drawn as a shaded band over the weeks it touches.
    public struct Band: Codable, Hashable, Sendable {
        /// The shock's id.
        public var shock: String
        /// What happened (tram works…).
        public var kind: String
        /// The segments it hit.
        public var segments: [String]
        /// The first week index (into `weeks`) it touches.
        public var firstWeek: Int
        /// The last week index it touches.
        public var lastWeek: Int
    }

    /// The metric drawn.
    public var metric: String
    /// Its unit.
    public var unit: String
    /// Monday of each ISO week, `YYYY-MM-DD` (UTC).
    public var weeks: [String]
    /// The ISO week label of each week, for example `2027-W09`.
    public var labels: [String]
    /// The index of the first trial week (the feature starts there).
    public var trialStartWeek: Int
    /// The index of the first follow-up week, if any.
    public var followUpStartWeek: Int?
    /// One line per arm.
    public var lines: [Line]
    /// Shocks during the weeks shown.
    public var bands: [Band]
}

/// One merchant's own figures, for their eyes only.
public struct MerchantFigures: Codable, Hashable, Sendable {
    /// One metric's before/after figures for this merchant.
    public struct MetricFigures: Codable, Hashable, Sendable {
        /// The metric.
        public var metric: String
        /// Its unit.
        public var unit: String
        /// The merchant's mean weekly total over baseline weeks (`nil` without any).
        public var baselineWeeklyMean: Double?
        /// The mean weekly total over trial weeks.
        public var trialWeeklyMean: Double?
        /// Trial minus baseline, when both exist.
        public var change: Double?
        /// Outcomes recorded.
        public var observations: Int
    }

    /// The merchant's id.
    public var merchantID: String
    /// Their arm, once assigned.
    public var arm: String?
    /// Their consent state now (active, withdrawn…).
    public var consent: String
    /// When that state began.
    public var consentSince: Date?
    /// Per-metric figures.
    public var metrics: [MetricFigures]
}
