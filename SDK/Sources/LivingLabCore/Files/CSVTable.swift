/// A CSV file read by RFC 4180 rules: comma-separated, a header row, fields quoted with `"` when they hold commas,
/// quotes or line breaks.
public struct CSVTable: Sendable {
    /// One data row with the line number it started on (the header is line 1).
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String: String]

        /// The trimmed value of a column, or `nil` when empty.
        public subscript(column: String) -> String? {
            guard let value = fields[column]?.trimmed, !value.isEmpty else { return nil }
            return value
        }
    }

    public var header: [String]
    public var rows: [Row]

    /// Parses CSV text.
    ///
    /// - Parameter required: columns that must be in the header.
    /// - Throws: when the header lacks a required column, a quote is never closed, a field is longer than
    ///   ``InputLimits/csvFieldLength`` characters or a row has the wrong number of fields.
    public init(parsing text: String, required: [String] = []) throws(LabError) {
        var records: [(line: Int, fields: [String])] = []
        var field = ""
        var fieldLength = 0
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text).makeIterator()
        var pending: Character? = nil
        func append(_ c: Character) throws(LabError) {
            fieldLength += 1
            guard fieldLength <= InputLimits.csvFieldLength else {
                throw .invalid("Line \(recordLine): a field is longer than \(InputLimits.csvFieldLength) characters (the limit of a CSV field): shorten it, or check for a quote that is never closed.")
            }
            field.append(c)
        }
        func next() -> Character? {
            if let p = pending {
                pending = nil
                return p
            }
            return iterator.next()
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            try append("\"")
                        } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    try append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
                fieldLength = 0
            case "\n", "\r\n", "\r":
                fields.append(field)
                if !(fields.count == 1 && fields[0].trimmed.isEmpty) { records.append((recordLine, fields)) }
                fields = []
                field = ""
                fieldLength = 0
                line += 1
                recordLine = line
            default:
                try append(c)
            }
        }
        if inQuotes {
            throw .invalid("Line \(recordLine): a quoted field is never closed: add the closing \" (write \"\" for a quote inside a field).")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            if !(fields.count == 1 && fields[0].trimmed.isEmpty) { records.append((recordLine, fields)) }
        }
        guard let first = records.first else {
            throw .invalid("The file is empty: it needs a header row (\(required.joined(separator: ","))) and data rows.")
        }
        let header = first.fields.map(\.trimmed)
        self.header = header
        let missing = required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw .invalid("The header row lacks column(s) \(missing.joined(separator: ", ")): the header must name \(required.joined(separator: ",")).")
        }
        var rows: [Row] = []
        var problems: [String] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                problems.append("line \(record.line): \(record.fields.count) fields where the header has \(header.count) (quote fields that hold a comma)")
                continue
            }
            rows.append(Row(line: record.line, fields: Dictionary(zip(header, record.fields), uniquingKeysWith: { a, _ in a })))
        }
        if !problems.isEmpty {
            throw .invalid("The CSV is malformed, nothing was imported:\n  " + problems.joined(separator: "\n  "))
        }
        self.rows = rows
    }
}

/// A row that could not be imported, with its line number and the reason.
public struct RowProblem: Codable, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
    public var description: String { "line \(line): \(reason)" }
}

/// Turns CSV rows into domain values, collecting every bad row instead of stopping at the first.
public enum CSVImport {
    /// The merchant file's columns.
    public static let merchantColumns = ["id", "name", "sector", "segment", "position_m", "maturity", "association", "contact"]

    /// Reads merchants; returns the good ones and a problem per bad row.
    public static func merchants(_ table: CSVTable) -> (merchants: [Merchant], problems: [RowProblem]) {
        var merchants: [Merchant] = []
        var problems: [RowProblem] = []
        var seen = Set<String>()
        for row in table.rows {
            do throws(LabError) {
                guard let position = Int(row["position_m"] ?? "") else {
                    throw .invalid("position_m `\(row.fields["position_m"] ?? "")` is not a whole number of metres")
                }
                guard let maturity = Int(row["maturity"] ?? "") else {
                    throw .invalid("maturity `\(row.fields["maturity"] ?? "")` is not a level from 0 to 4")
                }
                let merchant = Merchant(id: row["id"] ?? "", name: row["name"] ?? "", sector: row["sector"] ?? "",
                                        segment: row["segment"] ?? "", positionMetres: position, maturity: maturity,
                                        association: row["association"], contact: row["contact"])
                try merchant.validate()
                guard seen.insert(merchant.id).inserted else { throw .invalid("merchant id \(merchant.id) appears earlier in the file") }
                merchants.append(merchant)
            } catch {
                problems.append(RowProblem(line: row.line, reason: error.message))
            }
        }
        return (merchants, problems)
    }

    /// The outcome file's columns (`unit` and `source` optional).
    public static let outcomeColumns = ["protocol", "merchant", "metric", "value", "at", "key"]

    /// Reads outcome submissions; returns the good ones and a problem per bad row.
    public static func outcomes(_ table: CSVTable, source: String) -> (outcomes: [OutcomeSubmission], problems: [RowProblem]) {
        var outcomes: [OutcomeSubmission] = []
        var problems: [RowProblem] = []
        for row in table.rows {
            do throws(LabError) {
                guard let protocolID = row["protocol"], let merchantID = row["merchant"], let metric = row["metric"] else {
                    throw .invalid("protocol, merchant and metric must all be filled in")
                }
                guard let value = Double(row["value"] ?? ""), value.isFinite else {
                    throw .invalid("value `\(row.fields["value"] ?? "")` is not a number (use a dot for decimals)")
                }
                let at = try Timestamp.parse(row["at"] ?? "")
                let submission = OutcomeSubmission(protocolID: protocolID, merchantID: merchantID, metric: metric, value: value,
                                                   unit: row["unit"], at: at, source: row["source"] ?? source,
                                                   idempotencyKey: row["key"] ?? "")
                try submission.validate()
                outcomes.append(submission)
            } catch {
                problems.append(RowProblem(line: row.line, reason: error.message))
            }
        }
        return (outcomes, problems)
    }
}
