import Foundation
import LivingLabCore

/// Writes a new plugin package that builds against the SDK as it is: `livinglab plugin new NAME`.
///
/// The package has a `.dynamic` library product (the `.so` the lab loads), a plugin type with a
/// manifest, a request handler, host storage and an outcome, and a test that loads the built
/// library into the test kit's in-memory lab.
public enum PluginScaffold {
    /// Why a scaffold could not be written.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public struct Code: Hashable, Sendable, CustomStringConvertible {
            /// The name of the code.
            public let rawValue: String
            /// The name is not a Swift type name.
            public static let invalidName = Code(rawValue: "invalidName")
            /// The target folder already has files in it.
            public static let folderNotEmpty = Code(rawValue: "folderNotEmpty")
            /// A file could not be written.
            public static let writeFailed = Code(rawValue: "writeFailed")
            /// The name of the code.
            public var description: String { rawValue }
        }

        /// What went wrong.
        public var code: Code
        /// What went wrong and what to do.
        public var message: String

        /// The message.
        public var description: String { message }
    }

    /// Where the new package gets the LivingLab SDK from.
    public enum SDKSource: Sendable, Hashable {
        /// The published SDK package, by URL and the lowest version accepted (`from:`).
        case url(String, from: String)
        /// A folder holding the SDK package (`SDK/` of a LivingLab checkout), absolute or relative to the new package.
        case path(String)

        /// The SDK as published, at this SDK's own version.
        public static let published = SDKSource.url(PluginScaffold.sdkURL, from: LivingLabVersion.current)
    }

    /// The repository the SDK package is published at.
    public static let sdkURL = "https://github.com/livinglab/livinglab-sdk.git"

    /// Writes the package for plugin `name` into `folder` (created if needed, must be empty).
    ///
    /// - Parameters:
    ///   - name: the plugin's Swift type and product name, e.g. `StampCard`.
    ///   - folder: where the package goes.
    ///   - sdk: where the package gets the SDK from.
    /// - Returns: the files written, relative to `folder`.
    @discardableResult
    public static func write(name: String, to folder: URL, sdk: SDKSource = .published) throws(Error) -> [String] {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isUppercase,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
        else {
            throw Error(
                code: .invalidName,
                message: "\"\(name)\" is not a plugin name: use an UpperCamelCase Swift type name such as StampCard")
        }
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard existing.isEmpty else {
            throw Error(
                code: .folderNotEmpty,
                message: "\(folder.path) is not empty: choose a new folder so nothing of yours is overwritten")
        }
        let files = files(name: name, sdk: sdk)
        do {
            for (path, contents) in files {
                let url = folder.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try contents.write(to: url, atomically: true, encoding: .utf8)
            }
        } catch {
            throw Error(code: .writeFailed, message: "cannot write the package into \(folder.path): \(error)")
        }
        return files.map(\.0)
    }

    /// The files of the package, path and contents, in writing order.
    static func files(name: String, sdk: SDKSource) -> [(String, String)] {
        let id = "com.example." + name.lowercased()
        return [
            ("Package.swift", packageManifest(name: name, sdk: sdk)),
            ("Sources/\(name)/\(name).swift", pluginSource(name: name, id: id)),
            ("Tests/\(name)Tests/\(name)Tests.swift", testSource(name: name, id: id)),
            (".gitignore", ".build/\n.swiftpm/\nPackage.resolved\n"),
            ("README.md", readme(name: name)),
        ]
    }

    private static func packageManifest(name: String, sdk: SDKSource) -> String {
        let dependency: String
        switch sdk {
        case .url(let url, let version):
            dependency = """
                // The LivingLab SDK (the plugin ABI, the Swift SDK and the test kit; no database).
                let sdk = Package.Dependency.package(url: \(literal(url)), from: \(literal(version)))
                let sdkIdentity = \(literal(identity(ofURL: url)))

                """
        case .path(let path):
            dependency = """
                // The LivingLab SDK from a local folder (the SDK/ folder of a LivingLab checkout). SwiftPM names a path
                // dependency after its folder, hence the identity below. To build against the published SDK instead:
                //   .package(url: \(literal(sdkURL)), from: \(literal(LivingLabVersion.current)))
                let sdkPath = \(literal(path))
                let sdk = Package.Dependency.package(path: sdkPath)
                let sdkIdentity = URL(fileURLWithPath: sdkPath, relativeTo: URL(fileURLWithPath: #filePath).deletingLastPathComponent())
                    .standardizedFileURL.lastPathComponent.lowercased()

                """
        }
        return """
        // swift-tools-version: 6.2
        import Foundation
        import PackageDescription

        \(dependency)
        let settings: [SwiftSetting] = [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]

        let package = Package(
            name: "\(name)",
            platforms: [.macOS(.v15)],
            products: [
                // lib\(name).so: the file you ship to the lab.
                .library(name: "\(name)", type: .dynamic, targets: ["\(name)"])
            ],
            dependencies: [sdk],
            targets: [
                .target(
                    name: "\(name)",
                    dependencies: [.product(name: "LivingLabPluginKit", package: sdkIdentity)],
                    swiftSettings: settings
                ),
                // The test loads the built lib\(name).so, so it does not link the plugin's code itself.
                .testTarget(
                    name: "\(name)Tests",
                    dependencies: [.product(name: "LivingLabPluginTesting", package: sdkIdentity)],
                    swiftSettings: settings
                ),
            ]
        )

        """
    }

    private static func pluginSource(name: String, id: String) -> String {
        """
        import Foundation
        import LivingLabPluginKit

        /// \(name): describe in one sentence what it does for a merchant.
        public final class \(name): SolutionPlugin {
            /// What the lab reads before loading anything else: identity, metrics, data needed.
            public static let manifest = PluginManifest(
                id: "\(id)",
                version: "0.1.0",
                firm: "Your firm",
                name: "\(name)",
                summary: "What \(name) does for a shop, in one sentence.",
                capabilities: ["requests", "outcomes", "storage"],
                metrics: [MetricSpec(name: "uses", unit: "count", direction: .increase)],
                dataCategories: []
            )

            private let host: PluginHost

            /// Keeps the host's services; `configuration` is the plugin-wide configuration (`{}` when none).
            public init(host: PluginHost, configuration: JSONValue) throws {
                self.host = host
            }

            /// Answers a request for an active merchant.
            public func handle(_ request: PluginRequest, for merchant: MerchantContext) throws -> JSONValue {
                switch request.action {
                case "use":
                    // Durable state goes to host storage: the host may be a process that lives for one request.
                    let storage = host.storage(merchantID: merchant.merchantID)
                    let uses = (try storage.get("uses", as: Int.self) ?? 0) + 1
                    try storage.set("uses", uses)
                    guard let useID = request.body["use_id"]?.string else {
                        throw PluginError.invalid("\\"use\\" needs a \\"use_id\\" string, the same when the request is retried")
                    }
                    try host.logOutcome(
                        merchantID: merchant.merchantID, metric: "uses", value: 1, unit: "count", at: request.at,
                        idempotencyKey: "use/\\(useID)")
                    // The arm's configuration is where two arms of a trial differ.
                    let greeting = merchant.configuration["greeting"]?.string ?? "Hello"
                    return ["uses": .number(Double(uses)), "greeting": .string(greeting)]
                default:
                    throw PluginError.invalid("unknown action \\"\\(request.action)\\": use \\"use\\"")
                }
            }
        }

        /// The one line that makes this library a LivingLab plugin.
        @_cdecl("livinglab_plugin_entry")
        public func livinglabPluginEntry() -> PluginEntryPoint { export(\(name).self) }

        """
    }

    private static func testSource(name: String, id: String) -> String {
        """
        import Foundation
        import LivingLabPluginTesting
        import LivingLabRuntime
        import Testing

        @Suite struct \(name)Tests {
            private func lab() -> InMemoryPluginHost {
                let lab = InMemoryPluginHost()
                lab.enroll("shop-1", arm: "treatment", armConfiguration: #"{"greeting": "Bonjour"}"#)
                lab.giveConsent("shop-1")
                return lab
            }

            @Test func theBuiltLibraryLoadsWithItsManifest() throws {
                let plugin = try PluginTestHarness(pluginNamed: "\(name)", host: lab())
                #expect(plugin.binary.manifest.id == "\(id)")
            }

            @Test func aUseIsCountedAndLoggedOnceAsAnOutcome() throws {
                let lab = lab()
                let plugin = try PluginTestHarness(pluginNamed: "\(name)", host: lab)
                try plugin.activate("shop-1")
                let answer = try plugin.call("shop-1", action: "use", ["use_id": "u1"])
                #expect(answer["uses"] as? Int == 1)
                #expect(answer["greeting"] as? String == "Bonjour")
                _ = try plugin.call("shop-1", action: "use", ["use_id": "u1"])
                #expect(lab.outcomes.count == 1)
            }

            @Test func aMerchantWhoWithdrewIsDenied() throws {
                let lab = lab()
                let plugin = try PluginTestHarness(pluginNamed: "\(name)", host: lab)
                try plugin.activate("shop-1")
                lab.withdrawConsent("shop-1")
                let error = try #require(throws: PluginCallError.self) {
                    try plugin.call("shop-1", action: "use", ["use_id": "u2"])
                }
                #expect(error.denial == .withdrawn)
                #expect(lab.denialCount(.withdrawn) == 1)
            }
        }

        """
    }

    private static func readme(name: String) -> String {
        """
        # \(name)

        A LivingLab solution plugin.

        ```sh
        swift build          # builds .build/debug/lib\(name).so
        swift test           # loads it into an in-memory lab
        ```

        Ship `lib\(name).so` to the lab's coordinators with its SHA-256 (`sha256sum lib\(name).so`);
        they register it with `livinglab plugin register PATH`, which pins that hash.
        Read "Writing a plugin" in the LivingLabPluginKit documentation.

        """
    }

    /// The identity SwiftPM gives a package fetched from `url`: its last path component, without `.git`, lowercased.
    static func identity(ofURL url: String) -> String {
        var last = url.split(separator: "/").last.map(String.init) ?? url
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last.lowercased()
    }

    /// `text` as a Swift string literal.
    private static func literal(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
