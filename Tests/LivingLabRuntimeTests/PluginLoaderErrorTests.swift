import Foundation
import LabTestSupport
import LivingLabRuntime
import Testing

/// Every way a binary can fail to load, each with the message that tells its author what to do.
@Suite struct PluginLoaderErrorTests {
    private func loadError(_ path: String, expectedSHA256: String? = nil) throws -> PluginLoadError {
        try #require(throws: PluginLoadError.self) {
            try PluginLoader.load(path: path, expectedSHA256: expectedSHA256)
        }
    }

    @Test func aMissingFileIsRefusedWithItsPath() throws {
        let temporary = try TemporaryFolder()
        let path = temporary.url.appendingPathComponent("libNothing.so").path
        let error = try loadError(path)
        #expect(error.code == .fileMissing)
        #expect(error.message.contains(path))
        #expect(error.message.contains("build the plugin first"))
    }

    @Test func aTextFileNamedSoIsNotASharedLibrary() throws {
        let temporary = try TemporaryFolder()
        let url = temporary.url.appendingPathComponent("libNotes.so")
        try "these are notes, not code".write(to: url, atomically: true, encoding: .utf8)
        let error = try loadError(url.path)
        #expect(error.code == .notASharedLibrary)
        #expect(error.message.contains("not a shared library"))
        #expect(error.message.contains("libNAME.so"))
    }

    @Test func aLibraryWithoutTheEntrySymbolNamesTheSymbolAndTheOneLineFix() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC("int livinglab_something_else(void) { return 1; }", named: "NoEntry", in: folder)
        let error = try loadError(path)
        #expect(error.code == .missingEntrySymbol)
        #expect(error.message.contains("livinglab_plugin_entry"))
        #expect(error.message.contains("export(YourPlugin.self)"))
    }

    @Test func aDescriptorWithoutTheMagicIsNotAPlugin() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(magic: "0x12345678u"), named: "NoMagic", in: folder)
        let error = try loadError(path)
        #expect(error.code == .notAPlugin)
        #expect(error.message.contains("0x12345678"))
        #expect(error.message.contains("LIVINGLAB_PLUGIN_MAGIC"))
    }

    @Test func aPluginForAnotherABINamesBothVersionsAndWhatToDo() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(abiVersion: "2"), named: "NewABI", in: folder)
        let error = try loadError(path)
        #expect(error.code == .abiMismatch)
        #expect(error.message.contains("built for ABI 2, this host speaks 1–1"))
        #expect(error.message.contains("rebuild it against LivingLabPluginKit"))
    }

    @Test func aDescriptorSmallerThanItsABIIsRefusedWithBothSizes() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(structSize: "16"), named: "Small", in: folder)
        let error = try loadError(path)
        #expect(error.code == .structTooSmall)
        #expect(error.message.contains("16 bytes"))
        #expect(error.message.contains("sizeof(livinglab_plugin)"))
    }

    @Test func aDescriptorWithANullFunctionNamesTheFunction() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let source = TestSupport.descriptorSource(create: "NULL").replacingOccurrences(
            of: "static int32_t create(", with: "__attribute__((unused)) static int32_t create(")
        let path = try TestSupport.compileC(source, named: "NoCreate", in: folder)
        let error = try loadError(path)
        #expect(error.code == .incompleteDescriptor)
        #expect(error.message.contains("create is NULL"))
    }

    @Test func aManifestThatIsNotJSONIsMalformed() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(
            TestSupport.descriptorSource(manifest: TestSupport.cString("id=tiny version=1")), named: "NotJSON", in: folder)
        let error = try loadError(path)
        #expect(error.code == .malformedManifest)
        #expect(error.message.contains("not valid JSON"))
        #expect(error.message.contains("livinglab_plugin.h documents"))
    }

    @Test func aManifestMissingAMemberNamesTheMember() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let manifest = TestSupport.cString(#"{"id": "org.example.tiny", "firm": "Example", "name": "Tiny", "abi_version": 1}"#)
        let path = try TestSupport.compileC(
            TestSupport.descriptorSource(manifest: manifest), named: "NoVersion", in: folder)
        let error = try loadError(path)
        #expect(error.code == .malformedManifest)
        #expect(error.message.contains("\"version\" is missing"))
    }

    @Test func anInconsistentManifestListsEveryBrokenRule() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let manifest = TestSupport.cString(
            #"{"id": "", "version": "1.0", "firm": "Example", "name": "Tiny", "abi_version": 3, "metrics": ["#
                + #"{"name": "visits", "unit": "count", "direction": "increase"},"#
                + #"{"name": "visits", "unit": "count", "direction": "decrease"}]}"#)
        let path = try TestSupport.compileC(
            TestSupport.descriptorSource(manifest: manifest), named: "Inconsistent", in: folder)
        let error = try loadError(path)
        #expect(error.code == .inconsistentManifest)
        #expect(error.message.contains("\"id\" is empty"))
        #expect(error.message.contains("\"1.0\" is not a semantic version"))
        #expect(error.message.contains("\"abi_version\" is 3 but the descriptor says 1"))
        #expect(error.message.contains("\"visits\" is declared twice"))
    }

    @Test func aBinaryWhoseHashDiffersFromThePinnedOneIsRefusedBeforeItRuns() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(), named: "Pinned", in: folder)
        let pinned = String(repeating: "0", count: 64)
        let error = try loadError(path, expectedSHA256: pinned)
        #expect(error.code == .hashMismatch)
        #expect(error.message.contains(pinned))
        #expect(error.message.contains("livinglab plugin register"))
    }

    @Test func aBinaryChangedOnDiskAfterLoadingIsRefused() throws {
        let temporary = try TemporaryFolder()
        let folder = temporary.url
        let path = try TestSupport.compileC(TestSupport.descriptorSource(), named: "Changing", in: folder)
        let first = try PluginLoader.load(path: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("tampered".utf8))
        try handle.close()
        let error = try loadError(path, expectedSHA256: nil)
        #expect(error.code == .changedSinceLoaded)
        #expect(error.message.contains(first.sha256))
        #expect(error.message.contains("new path"))
    }

    @Test func theCheckListNamesEveryCodeTheLoaderRaisesOnce() {
        let codes = PluginLoader.checks.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(codes.first == .fileMissing)
        #expect(codes.last == .inconsistentManifest)
        #expect(!codes.contains(.alreadyRegistered))
    }
}
