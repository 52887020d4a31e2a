import Foundation
import LabTestSupport
import LivingLabCore
import LivingLabRuntime
import Testing

/// `livinglab plugin new NAME` writes a package that depends on the SDK and tests the built library.
@Suite struct PluginScaffoldTests {
    @Test func theScaffoldWritesAPackageSourceAndTestForTheName() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url.appendingPathComponent("FootfallCounter")
        let files = try PluginScaffold.write(name: "FootfallCounter", to: folder, sdk: .path("../LivingLab/SDK"))
        #expect(
            files.sorted() == [
                ".gitignore", "Package.swift", "README.md", "Sources/FootfallCounter/FootfallCounter.swift",
                "Tests/FootfallCounterTests/FootfallCounterTests.swift",
            ])
        let manifest = try String(contentsOf: folder.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#"let sdkPath = "../LivingLab/SDK""#))
        #expect(manifest.contains(#".library(name: "FootfallCounter", type: .dynamic, targets: ["FootfallCounter"])"#))
        #expect(manifest.contains(#".product(name: "LivingLabPluginKit", package: sdkIdentity)"#))
        #expect(manifest.contains(#".product(name: "LivingLabPluginTesting", package: sdkIdentity)"#))
        let source = try String(
            contentsOf: folder.appendingPathComponent("Sources/FootfallCounter/FootfallCounter.swift"), encoding: .utf8)
        #expect(source.contains("public final class FootfallCounter: SolutionPlugin"))
        #expect(source.contains(#"id: "com.example.footfallcounter""#))
        #expect(source.contains(#"@_cdecl("livinglab_plugin_entry")"#))
        #expect(source.contains("export(FootfallCounter.self)"))
        let test = try String(
            contentsOf: folder.appendingPathComponent("Tests/FootfallCounterTests/FootfallCounterTests.swift"), encoding: .utf8)
        #expect(test.contains(#"PluginTestHarness(pluginNamed: "FootfallCounter""#))
    }

    @Test func byDefaultTheScaffoldDependsOnThePublishedSDKByURLAndVersion() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url.appendingPathComponent("StampCard")
        try PluginScaffold.write(name: "StampCard", to: folder)
        let manifest = try String(contentsOf: folder.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(manifest.contains(#".package(url: "\#(PluginScaffold.sdkURL)", from: "\#(LivingLabVersion.current)")"#))
        #expect(manifest.contains(#"let sdkIdentity = "livinglab-sdk""#))
        #expect(!manifest.contains("path:"))
    }

    @Test func theScaffoldRefusesANameThatIsNotATypeName() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        for name in ["stamp-card", "stampCard", "", "Stamp Card", "Café"] {
            let error = try #require(throws: PluginScaffold.Error.self) {
                try PluginScaffold.write(name: name, to: folder.appendingPathComponent("x"), sdk: .path(".."))
            }
            #expect(error.code == .invalidName)
            #expect(error.message.contains("UpperCamelCase"))
        }
    }

    @Test func theScaffoldNeverWritesIntoAFolderWithFiles() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        try "mine".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let error = try #require(throws: PluginScaffold.Error.self) {
            try PluginScaffold.write(name: "StampCard", to: folder, sdk: .path(".."))
        }
        #expect(error.code == .folderNotEmpty)
        #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }
}
