/// A semantic version (semver.org 2.0): MAJOR.MINOR.PATCH with optional pre-release and build metadata.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Incremented for incompatible changes.
    public var major: Int
    /// Incremented for compatible features.
    public var minor: Int
    /// Incremented for fixes.
    public var patch: Int
    /// Dot-separated pre-release identifiers (`["beta", "2"]`), empty for a release.
    public var preRelease: [String]
    /// Build metadata, ignored in comparisons.
    public var build: [String]

    /// Parses `1.2.3`, `1.2.3-beta.1` or `1.2.3+build.7`.
    public init(_ text: String) throws(LabError) {
        guard let parsed = Self.parse(text) else {
            throw .invalid("`\(text)` is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.0.0 (no leading zeros).")
        }
        self = parsed
    }

    private init(major: Int, minor: Int, patch: Int, preRelease: [String], build: [String]) {
        (self.major, self.minor, self.patch, self.preRelease, self.build) = (major, minor, patch, preRelease, build)
    }

    private static func parse(_ text: String) -> SemanticVersion? {
        var rest = Substring(text)
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<plus]
            guard build.allSatisfy(isIdentifier) else { return nil }
        }
        var preRelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            preRelease = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            rest = rest[..<dash]
            guard preRelease.allSatisfy(isIdentifier) else { return nil }
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3 else { return nil }
        var numbers: [Int] = []
        for part in core {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), part == "0" || part.first != "0",
                  let number = Int(part)
            else { return nil }
            numbers.append(number)
        }
        return SemanticVersion(major: numbers[0], minor: numbers[1], patch: numbers[2], preRelease: preRelease, build: build)
    }

    private static func isIdentifier(_ part: String) -> Bool {
        !part.isEmpty && part.allSatisfy { ($0.isASCII && ($0.isNumber || $0.isLetter)) || $0 == "-" }
    }

    /// The version as text.
    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !preRelease.isEmpty { text += "-" + preRelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    /// Orders versions by precedence (semver §11); build metadata does not count.
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.preRelease.isEmpty, rhs.preRelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.preRelease, rhs.preRelease) where left != right {
            switch (Int(left), Int(right)) {
            case let (l?, r?): return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return left < right
            }
        }
        return lhs.preRelease.count < rhs.preRelease.count
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
