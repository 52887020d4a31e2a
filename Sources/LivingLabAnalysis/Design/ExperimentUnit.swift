import Foundation

/// One attribute value of a unit: a category (segment, sector) or a number (baseline level, maturity).
public enum AttributeValue: Codable, Hashable, Sendable {
    /// A categorical value such as a street segment.
    case category(String)
    /// A numeric value such as a pre-period mean.
    case number(Double)

    /// The numeric value, if this is a number.
    public var number: Double? {
        if case .number(let v) = self { return v }
        return nil
    }

    /// A stable text form, used to build block keys.
    public var text: String {
        switch self {
        case .category(let s): return s
        case .number(let v): return String(v)
        }
    }
}

/// A unit to assign (usually a merchant): an identifier and its attributes.
public struct ExperimentUnit: Codable, Hashable, Sendable {
    /// The unit's identifier (for example a merchant id).
    public var id: String
    /// Attributes by name, categorical or numeric.
    public var attributes: [String: AttributeValue]

    /// Creates a unit.
    public init(id: String, attributes: [String: AttributeValue] = [:]) {
        self.id = id
        self.attributes = attributes
    }

    func number(_ name: String) throws -> Double {
        guard let value = attributes[name] else {
            throw AnalysisError(.missingValues, "Unit \(id) has no attribute \(name): give every unit a value for it, or drop it from the design.")
        }
        guard let v = value.number else {
            throw AnalysisError(.invalidParameter, "Attribute \(name) of unit \(id) is a category (\(value.text)); a numeric value is needed here. Block on it instead, or give a number.")
        }
        guard v.isFinite else {
            throw AnalysisError(.missingValues, "Attribute \(name) of unit \(id) is not a finite number: impute it or drop the unit.")
        }
        return v
    }
}
