/// Rules for the identifiers of merchants, sponsors, firms, protocols and cohorts.
public enum Identifier {
    /// Checks that `value` is a usable identifier: 1–64 characters among letters, digits, `.`, `_` and `-`.
    public static func validate(_ value: String, kind: String) throws(LabError) {
        guard !value.isEmpty else {
            throw .invalid("The \(kind) id is empty: give an id such as `m01` or `click-collect-2027`.")
        }
        guard value.count <= 64 else {
            throw .invalid("The \(kind) id `\(value.prefix(20))…` is \(value.count) characters long: use at most 64.")
        }
        let allowed = value.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_" || $0 == "."
        }
        guard allowed else {
            throw .invalid("The \(kind) id `\(value)` has characters other than ASCII letters, digits, `.`, `_` and `-`: choose an id such as `m01`.")
        }
    }
}

extension String {
    /// The string with leading and trailing white space removed.
    public var trimmed: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
