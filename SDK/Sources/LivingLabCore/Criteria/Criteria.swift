/// A value that a criteria expression compares: text, a number or a yes/no.
public enum CriteriaValue: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case number(Double)
    case boolean(Bool)

    public var description: String {
        switch self {
        case .text(let text): "\"\(text)\""
        // Whole numbers print without `.0`; one too large for an Int (`1e300`) prints as a Double.
        case .number(let number):
            number.isFinite && number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .boolean(let flag): flag ? "true" : "false"
        }
    }
}

/// An eligibility or cohort criteria expression over merchant attributes.
///
/// The language, in full:
/// ```
/// expression := term ("or" term)*
/// term       := factor ("and" factor)*
/// factor     := "not" factor | "(" expression ")" | comparison
/// comparison := attribute ("=" | "==" | "!=" | "<" | "<=" | ">" | ">=") value
///             | attribute ["not"] "in" "[" value ("," value)* "]"
/// value      := number | "quoted text" | 'quoted text' | bare-word | true | false
/// ```
/// Attributes: `sector`, `segment`, `maturity`, `position` (metres), `association`, `member` (true when in an association),
/// `name`, `id`. Text comparisons are exact and case-sensitive.
/// Example: `sector in [bakery, butcher] and maturity <= 2 and segment != "Barrière"`.
public struct Criteria: Sendable, Hashable, CustomStringConvertible {
    indirect enum Node: Sendable, Hashable {
        case all
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case compare(attribute: String, op: Operator, value: CriteriaValue)
        case member(attribute: String, values: [CriteriaValue], negated: Bool)
    }

    enum Operator: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    /// The attributes an expression may name, with their kind.
    public static let attributes: [String: String] = [
        "id": "text", "name": "text", "sector": "text", "segment": "text", "association": "text",
        "position": "number", "maturity": "number", "member": "boolean",
    ]

    let node: Node
    /// The expression as written.
    public let source: String

    /// Parses an expression; an empty expression selects every merchant.
    ///
    /// - Throws: a ``LabError`` whose message quotes the expression and points at the column of the mistake.
    public init(_ source: String) throws(LabError) {
        self.source = source
        if source.trimmed.isEmpty {
            node = .all
            return
        }
        guard source.count <= InputLimits.criteriaLength else {
            throw .invalid("Criteria error: the expression has \(source.count) characters; criteria are at most \(InputLimits.criteriaLength) characters long. Build a cohort by hand (--merchants) or simplify the rule.")
        }
        var parser = CriteriaParser(source: source)
        node = try parser.parse()
    }

    /// Whether a merchant's attributes satisfy the expression.
    public func matches(_ attributes: [String: CriteriaValue]) -> Bool {
        Criteria.evaluate(node, attributes)
    }

    /// Whether a merchant satisfies the expression.
    public func matches(_ merchant: Merchant) -> Bool { matches(merchant.criteriaAttributes) }

    public var description: String { source }

    private static func evaluate(_ node: Node, _ attributes: [String: CriteriaValue]) -> Bool {
        switch node {
        case .all:
            return true
        case .and(let left, let right):
            return evaluate(left, attributes) && evaluate(right, attributes)
        case .or(let left, let right):
            return evaluate(left, attributes) || evaluate(right, attributes)
        case .not(let inner):
            return !evaluate(inner, attributes)
        case .compare(let attribute, let op, let value):
            guard let actual = attributes[attribute] else { return false }
            return compare(actual, op, value)
        case .member(let attribute, let values, let negated):
            guard let actual = attributes[attribute] else { return false }
            let found = values.contains { compare(actual, .equal, $0) }
            return negated ? !found : found
        }
    }

    private static func compare(_ actual: CriteriaValue, _ op: Operator, _ expected: CriteriaValue) -> Bool {
        switch (actual, expected) {
        case (.number(let a), .number(let b)):
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        case (.text(let a), .text(let b)):
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        case (.boolean(let a), .boolean(let b)):
            return op == .notEqual ? a != b : a == b
        default:
            return op == .notEqual
        }
    }
}

/// A recursive-descent parser for ``Criteria``; errors name the column (1-based) of the offending token.
struct CriteriaParser {
    enum Token: Equatable {
        case word(String)
        case text(String)
        case number(Double)
        case symbol(String)
        case end
    }

    let source: String
    private var tokens: [(token: Token, column: Int)] = []
    private var index = 0
    /// How many `(` and `not` enclose the token being read.
    private var depth = 0

    init(source: String) { self.source = source }

    mutating func parse() throws(LabError) -> Criteria.Node {
        tokens = try tokenize()
        let node = try parseOr()
        if case .end = current.token {} else {
            throw error(at: current.column, "expected `and`, `or` or the end of the expression, found \(describe(current.token))")
        }
        return node
    }

    private var current: (token: Token, column: Int) { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = current.token { return word.lowercased() == keyword }
        return false
    }

    private mutating func parseOr() throws(LabError) -> Criteria.Node {
        var node = try parseAnd()
        while isKeyword("or") {
            advance()
            node = .or(node, try parseAnd())
        }
        return node
    }

    private mutating func parseAnd() throws(LabError) -> Criteria.Node {
        var node = try parseNot()
        while isKeyword("and") {
            advance()
            node = .and(node, try parseNot())
        }
        return node
    }

    private mutating func parseNot() throws(LabError) -> Criteria.Node {
        if isKeyword("not") {
            try enterLevel()
            defer { depth -= 1 }
            advance()
            return .not(try parseNot())
        }
        if current.token == .symbol("(") {
            try enterLevel()
            defer { depth -= 1 }
            let open = current.column
            advance()
            let node = try parseOr()
            guard current.token == .symbol(")") else {
                throw error(at: current.column, "expected `)` to close the `(` at column \(open), found \(describe(current.token))")
            }
            advance()
            return node
        }
        return try parseComparison()
    }

    /// One more level of `(` or `not`. Each level recurses once in the parser and once in `matches`: the depth is
    /// bounded before either can overflow the stack.
    private mutating func enterLevel() throws(LabError) {
        guard depth < InputLimits.criteriaDepth else {
            throw error(at: current.column, "criteria nest at most \(InputLimits.criteriaDepth) levels deep (parentheses and `not`): simplify the expression")
        }
        depth += 1
    }

    private mutating func parseComparison() throws(LabError) -> Criteria.Node {
        guard case .word(let rawName) = current.token else {
            throw error(at: current.column, "expected an attribute name (\(Self.attributeList)), found \(describe(current.token))")
        }
        let name = rawName.lowercased() == "position_m" ? "position" : rawName.lowercased()
        guard let kind = Criteria.attributes[name] else {
            throw error(at: current.column, "unknown attribute `\(rawName)`: use one of \(Self.attributeList)")
        }
        let nameColumn = current.column
        advance()
        var negated = false
        if isKeyword("not") {
            negated = true
            advance()
            guard isKeyword("in") else {
                throw error(at: current.column, "expected `in` after `not`, found \(describe(current.token))")
            }
        }
        if isKeyword("in") {
            advance()
            guard current.token == .symbol("[") else {
                throw error(at: current.column, "expected `[` to open the list of values after `in`, found \(describe(current.token))")
            }
            advance()
            var values: [CriteriaValue] = []
            while true {
                values.append(try parseValue(for: name, kind: kind))
                if current.token == .symbol(",") {
                    advance()
                    continue
                }
                guard current.token == .symbol("]") else {
                    throw error(at: current.column, "expected `,` or `]` in the list of values, found \(describe(current.token))")
                }
                advance()
                break
            }
            return .member(attribute: name, values: values, negated: negated)
        }
        guard case .symbol(let symbol) = current.token,
              let op = Criteria.Operator(rawValue: symbol == "==" ? "=" : symbol)
        else {
            throw error(at: current.column, "expected a comparison (=, !=, <, <=, >, >=) or `in` after `\(rawName)` (column \(nameColumn)), found \(describe(current.token))")
        }
        advance()
        if kind == "boolean", op != .equal, op != .notEqual {
            throw error(at: current.column, "`\(name)` is yes/no: compare it with `=` or `!=` to true or false")
        }
        return .compare(attribute: name, op: op, value: try parseValue(for: name, kind: kind))
    }

    private mutating func parseValue(for attribute: String, kind: String) throws(LabError) -> CriteriaValue {
        let column = current.column
        let value: CriteriaValue
        switch current.token {
        case .number(let number): value = .number(number)
        case .text(let text): value = .text(text)
        case .word(let word) where word.lowercased() == "true": value = kind == "boolean" ? .boolean(true) : .text(word)
        case .word(let word) where word.lowercased() == "false": value = kind == "boolean" ? .boolean(false) : .text(word)
        case .word(let word): value = .text(word)
        default:
            throw error(at: column, "expected a value for `\(attribute)`, found \(describe(current.token))")
        }
        switch (kind, value) {
        case ("number", .number), ("text", .text), ("boolean", .boolean): break
        case ("text", .number(let number)):
            // A bare number compared with a text attribute reads as its text (e.g. an id such as 12).
            advance()
            return .text(CriteriaValue.number(number).description)
        default:
            throw error(at: column, "`\(attribute)` is \(kind == "number" ? "a number" : kind == "boolean" ? "true or false" : "text"), but \(value) is not")
        }
        advance()
        return value
    }

    private static var attributeList: String {
        Criteria.attributes.keys.sorted().joined(separator: ", ")
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "`\(word)`"
        case .text(let text): "\"\(text)\""
        case .number(let number): "\(CriteriaValue.number(number))"
        case .symbol(let symbol): "`\(symbol)`"
        case .end: "the end of the expression"
        }
    }

    private func error(at column: Int, _ message: String) -> LabError {
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return .invalid("Criteria error at column \(column): \(message).\n  \(source)\n  \(caret)")
    }

    private func tokenize() throws(LabError) -> [(token: Token, column: Int)] {
        var result: [(token: Token, column: Int)] = []
        let characters = Array(source)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let column = i + 1
            if c.isWhitespace {
                i += 1
            } else if c == "\"" || c == "'" {
                var j = i + 1
                var text = ""
                while j < characters.count, characters[j] != c {
                    text.append(characters[j])
                    j += 1
                }
                guard j < characters.count else {
                    throw error(at: column, "the text starting here is never closed: add a closing \(c)")
                }
                result.append((.text(text), column))
                i = j + 1
            } else if c.isNumber || (c == "-" && i + 1 < characters.count && characters[i + 1].isNumber) {
                var j = i + 1
                while j < characters.count, characters[j].isNumber || characters[j] == "." { j += 1 }
                let literal = String(characters[i..<j])
                guard let number = Double(literal) else {
                    throw error(at: column, "`\(literal)` is not a number")
                }
                result.append((.number(number), column))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i + 1
                while j < characters.count, characters[j].isLetter || characters[j].isNumber || "_-.".contains(characters[j]) {
                    j += 1
                }
                result.append((.word(String(characters[i..<j])), column))
                i = j
            } else if "<>!=".contains(c) {
                if i + 1 < characters.count, characters[i + 1] == "=" {
                    result.append((.symbol(String(c) + "="), column))
                    i += 2
                } else if c == "!" {
                    throw error(at: column, "`!` must be followed by `=` (write `!=`), or use `not`")
                } else {
                    result.append((.symbol(String(c)), column))
                    i += 1
                }
            } else if "()[],".contains(c) {
                result.append((.symbol(String(c)), column))
                i += 1
            } else {
                throw error(at: column, "unexpected character `\(c)`")
            }
        }
        result.append((.end, characters.count + 1))
        return result
    }
}
