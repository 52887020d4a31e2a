/// A semantic version, `MAJOR.MINOR.PATCH` with an optional pre-release tag.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    public var preRelease: String?

    /// Parses `1.2.3` or `1.2.3-beta.1`.
    public init(_ text: String) throws(LabError) {
        let trimmed = text.trimmed
        let (core, pre) = trimmed.firstIndex(of: "-").map {
            (String(trimmed[..<$0]), String(trimmed[trimmed.index(after: $0)...]))
        } ?? (trimmed, nil)
        let parts = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let major = parts[0], let minor = parts[1], let patch = parts[2],
              major >= 0, minor >= 0, patch >= 0, pre.map({ !$0.isEmpty }) ?? true
        else {
            throw .invalid("`\(text)` is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.0.0.")
        }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = pre
    }

    public var description: String { "\(major).\(minor).\(patch)" + (preRelease.map { "-\($0)" } ?? "") }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.preRelease, rhs.preRelease) {
        case (nil, nil), (nil, _): return false
        case (_, nil): return true
        case (let a?, let b?): return a < b
        }
    }
}

/// A set of versions, written as space-separated comparisons: `>=1.0.0 <2.0.0`, `=1.2.0`, or `*`.
public struct SemanticVersionRange: Sendable, Hashable, CustomStringConvertible {
    private var bounds: [(op: String, version: SemanticVersion)]
    public let description: String

    /// Parses a range.
    public init(_ text: String) throws(LabError) {
        description = text
        bounds = []
        for part in text.split(separator: " ") where part != "*" {
            let op = ["<=", ">=", "<", ">", "="].first { part.hasPrefix($0) } ?? "="
            let rest = part.hasPrefix(op) ? String(part.dropFirst(op.count)) : String(part)
            do {
                bounds.append((op, try SemanticVersion(rest)))
            } catch {
                throw .invalid("`\(text)` is not a version range: write comparisons such as `>=1.0.0 <2.0.0`.")
            }
        }
    }

    /// Whether `version` is in the range.
    public func contains(_ version: SemanticVersion) -> Bool {
        bounds.allSatisfy { bound in
            switch bound.op {
            case "<": version < bound.version
            case "<=": version <= bound.version
            case ">": version > bound.version
            case ">=": version >= bound.version
            default: version == bound.version
            }
        }
    }

    public static func == (lhs: SemanticVersionRange, rhs: SemanticVersionRange) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}
