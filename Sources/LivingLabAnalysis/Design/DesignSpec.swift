import Foundation

/// An arm of a trial and its integer allocation weight (1:1, 2:1 …).
public struct Arm: Codable, Hashable, Sendable {
    /// The arm's name, for example "control" or "click-and-collect".
    public var name: String
    /// The relative number of units the arm receives.
    public var weight: Int

    /// Creates an arm.
    public init(_ name: String, weight: Int = 1) {
        self.name = name
        self.weight = weight
    }
}

/// An attribute to block (stratify) on; a numeric attribute is cut into quantile bins.
public struct BlockingFactor: Codable, Hashable, Sendable {
    /// The attribute name.
    public var attribute: String
    /// For a numeric attribute, the number of equal-count bins (by rank); `nil` for a categorical attribute.
    public var bins: Int?

    /// Blocks on a categorical attribute (or on a numeric attribute's exact values).
    public init(_ attribute: String) {
        self.attribute = attribute
        bins = nil
    }

    /// Blocks on a numeric attribute cut into `bins` equal-count bins.
    public init(_ attribute: String, bins: Int) {
        self.attribute = attribute
        self.bins = bins
    }
}

/// How units are randomised: the design and its parameters, recorded with every assignment.
public struct DesignSpec: Codable, Hashable, Sendable {
    /// The kind of design.
    public enum Kind: String, Codable, Hashable, Sendable {
        /// Complete randomisation with fixed arm sizes.
        case complete
        /// Complete randomisation within blocks (strata).
        case blocked
        /// Pairs of similar units, one unit of each pair treated.
        case matchedPairs
        /// Complete or blocked draws repeated until covariate balance is under a threshold.
        case rerandomized
        /// Everyone gets the feature, in waves whose order is random.
        case steppedWedge
    }

    /// The kind of design.
    public var kind: Kind
    /// The arms (for stepped-wedge: ignored, waves are the labels). Arm 0 is the control arm.
    public var arms: [Arm]
    /// Attributes to block on (blocked, rerandomised within blocks, stepped-wedge within blocks).
    public var blockBy: [BlockingFactor]
    /// Numeric covariates for pairing (matched pairs) or for the balance criterion (rerandomisation).
    public var covariates: [String]
    /// Rerandomisation: the largest accepted Mahalanobis balance statistic.
    public var threshold: Double?
    /// Rerandomisation: the number of draws after which the design gives up.
    public var maxDraws: Int
    /// Stepped-wedge: the number of waves.
    public var waves: Int

    /// Complete randomisation with fixed arm sizes proportional to the weights.
    public static func complete(arms: [Arm] = [Arm("control"), Arm("treatment")]) -> DesignSpec {
        DesignSpec(kind: .complete, arms: arms, blockBy: [], covariates: [], threshold: nil, maxDraws: 0, waves: 0)
    }

    /// Complete randomisation within each block formed by the given attributes.
    public static func blocked(by factors: [BlockingFactor], arms: [Arm] = [Arm("control"), Arm("treatment")]) -> DesignSpec {
        DesignSpec(kind: .blocked, arms: arms, blockBy: factors, covariates: [], threshold: nil, maxDraws: 0, waves: 0)
    }

    /// Matched pairs on the Mahalanobis distance of numeric covariates; one unit per pair goes to each arm.
    public static func matchedPairs(on covariates: [String], arms: [Arm] = [Arm("control"), Arm("treatment")]) -> DesignSpec {
        DesignSpec(kind: .matchedPairs, arms: arms, blockBy: [], covariates: covariates, threshold: nil, maxDraws: 0, waves: 0)
    }

    /// Rerandomisation: complete (or blocked, if `blockBy` is not empty) draws until the Mahalanobis statistic of
    /// `covariates` is at most `threshold`.
    ///
    /// Under balance, the statistic is roughly χ² with one degree of freedom per covariate, so a threshold equal to
    /// the χ² 10% quantile accepts about one draw in ten.
    public static func rerandomized(
        on covariates: [String], threshold: Double, blockBy: [BlockingFactor] = [],
        arms: [Arm] = [Arm("control"), Arm("treatment")], maxDraws: Int = 100_000
    ) -> DesignSpec {
        DesignSpec(kind: .rerandomized, arms: arms, blockBy: blockBy, covariates: covariates, threshold: threshold, maxDraws: maxDraws, waves: 0)
    }

    /// Rerandomisation that accepts about `acceptanceProbability` of balanced draws: the threshold is the χ²
    /// quantile with one degree of freedom per covariate (exact for the asymptotic distribution of the statistic).
    public static func rerandomized(
        on covariates: [String], acceptanceProbability: Double, blockBy: [BlockingFactor] = [],
        arms: [Arm] = [Arm("control"), Arm("treatment")], maxDraws: Int = 100_000
    ) throws -> DesignSpec {
        guard acceptanceProbability > 0, acceptanceProbability < 1, !covariates.isEmpty else {
            throw AnalysisError(.invalidParameter, "Give at least one covariate and an acceptance probability between 0 and 1 (for example 0.1).")
        }
        let threshold = Distributions.chiSquaredQuantile(acceptanceProbability, df: Double(covariates.count))
        return rerandomized(on: covariates, threshold: threshold, blockBy: blockBy, arms: arms, maxDraws: maxDraws)
    }

    /// Stepped-wedge: units are split into `waves` groups of (nearly) equal size, in random order, optionally within blocks.
    public static func steppedWedge(waves: Int, blockBy: [BlockingFactor] = []) -> DesignSpec {
        DesignSpec(kind: .steppedWedge, arms: [], blockBy: blockBy, covariates: [], threshold: nil, maxDraws: 0, waves: waves)
    }
}
