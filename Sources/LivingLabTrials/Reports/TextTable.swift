import Foundation

/// A fixed-width text table, for reports and for the CLI's read commands.
public struct TextTable: Sendable {
    public var columns: [String]
    public var rows: [[String]] = []

    /// A table with these column headers.
    public init(_ columns: String...) { self.columns = columns }
    /// A table with these column headers.
    public init(_ columns: [String]) { self.columns = columns }

    /// Adds a row.
    public mutating func add(_ cells: String...) { rows.append(cells) }
    /// Adds a row.
    public mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as text: headers, a rule, then the rows, columns padded to their widest cell.
    public var rendered: String {
        var widths = columns.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 || i >= widths.count ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}
