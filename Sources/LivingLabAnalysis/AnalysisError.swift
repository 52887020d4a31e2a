import Foundation

/// An error raised by LivingLab's analysis: degenerate data, impossible designs or invalid parameters.
public struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in a form code can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        /// A human-readable name for the code.
        public var description: String { name }

        /// An arm (or a group needed by the method) has no units.
        public static let emptyArm = Code(name: "emptyArm")
        /// The outcome or a regressor has no variance, so the quantity is not identified.
        public static let noVariance = Code(name: "noVariance")
        /// Cluster-robust inference needs at least two clusters.
        public static let tooFewClusters = Code(name: "tooFewClusters")
        /// The data contain NaN or infinite values.
        public static let missingValues = Code(name: "missingValues")
        /// Arrays that describe the same units have different lengths.
        public static let mismatchedLengths = Code(name: "mismatchedLengths")
        /// A parameter is out of its valid range.
        public static let invalidParameter = Code(name: "invalidParameter")
        /// The design cannot be built from these units (for example an odd number of units for pairs).
        public static let infeasibleDesign = Code(name: "infeasibleDesign")
        /// A regression design matrix is rank-deficient (collinear regressors).
        public static let collinear = Code(name: "collinear")
    }

    /// What went wrong.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates an error with a code and a message that tells the user what to do.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The code and message, for logs and the CLI.
    public var description: String { "\(code): \(message)" }
}

enum Check {
    static func finite(_ values: [Double], _ what: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw AnalysisError(.missingValues, "\(what) has a missing or non-finite value at position \(i): remove that row or impute it before analysing.")
        }
    }

    static func sameLength(_ a: Int, _ b: Int, _ what: String) throws {
        if a != b {
            throw AnalysisError(.mismatchedLengths, "\(what): \(a) vs \(b) values. Give one value per unit (or per row) in every column.")
        }
    }
}
