import Foundation

/// A fresh folder under the system's temporary directory, removed with everything in it when the last reference to it
/// goes away: each test that holds a fixture gets its own folder, and no folder outlives its test.
public final class TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL

    /// Creates `<tmp>/livinglab-tests/<prefix>-<uuid>`.
    public init(_ prefix: String = "lab") throws {
        let safe = prefix.filter { $0.isLetter || $0.isNumber || $0 == "-" }
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("livinglab-tests")
            .appendingPathComponent("\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
