@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LivingLabCore

/// Writing to the terminal: results to standard output, problems to standard error.
enum Terminal {
    /// Prints an error line on standard error.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Prints a note on standard error (progress, warnings), keeping standard output clean for results.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Whether standard error is a terminal (progress bars are drawn only there).
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}

/// The output format of read commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// JSON output shared by every read command: sorted keys, ISO 8601 dates.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// A fixed-width text table.
struct TextTable {
    var columns: [String]
    var rows: [[String]] = []

    init(_ columns: String...) { self.columns = columns }
    init(_ columns: [String]) { self.columns = columns }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    var rendered: String {
        var widths = columns.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
    }
}
