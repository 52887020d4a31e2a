@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LivingLabCore

/// Writing to the terminal: results to standard output, problems to standard error.
enum Terminal {
    /// Prints an error line on standard error.
    static func error(_ message: String) {
        fflush(stdout)
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    /// Prints a note on standard error (progress, warnings), keeping standard output clean for results.
    static func note(_ message: String) {
        // Results already printed reach the terminal first, so a note never cuts a table in half.
        fflush(stdout)
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// Prints a result line and sends it on at once (for a long-running command, whose output is not a pipe's end).
    static func line(_ message: String) {
        print(message)
        fflush(stdout)
    }

    /// Whether standard error is a terminal (progress bars are drawn only there).
    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}

/// The output format of every command: text for people, JSON for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// JSON output shared by every command: sorted keys, ISO 8601 dates.
enum JSONOutput {
    /// Prints `value` as JSON, or the text `describe` gives for people.
    static func report(_ value: some Encodable, as format: OutputFormat, _ describe: () -> String) throws {
        if format == .json { try print(value) } else { Swift.print(describe()) }
    }

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
