import Foundation
import LivingLabCore
import LivingLabPluginABI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads plugin libraries with `dlopen` and checks them before calling anything but the entry.
///
/// Checks, in order, each failing with its own ``PluginLoadError/Code``: the file exists, is a
/// shared library, has the pinned SHA-256 (when one is given); `dlopen` accepts it; it exports
/// `livinglab_plugin_entry`; the descriptor carries the magic, a supported ABI version, a large
/// enough struct size and every function; the manifest is the documented JSON and consistent.
public enum PluginLoader {
    /// The loader's checks in the order it makes them, each with the code it fails with:
    /// what `livinglab plugin inspect` lists as passed up to a failure.
    public static let checks: [(code: PluginLoadError.Code, check: String)] = [
        (.fileMissing, "the file exists"),
        (.notASharedLibrary, "it is a shared library"),
        (.hashMismatch, "its SHA-256 matches the pinned one"),
        (.changedSinceLoaded, "it has not changed since this process loaded it"),
        (.openFailed, "the system loader accepts it"),
        (.missingEntrySymbol, "it exports \(PluginABI.entrySymbol)"),
        (.notAPlugin, "the descriptor carries the LivingLab magic"),
        (.abiMismatch, "its ABI version is one this host speaks"),
        (.structTooSmall, "its descriptor is as large as its ABI requires"),
        (.incompleteDescriptor, "every function of its ABI is set"),
        (.malformedManifest, "its manifest is the documented JSON"),
        (.inconsistentManifest, "its manifest is consistent"),
    ]

    /// Libraries this process has mapped, by absolute path, with the hash they had then.
    private static let loaded = Mutex<[String: PluginBinary]>([:])

    /// Loads the plugin at `path` (made absolute against the working directory).
    ///
    /// Pass `expectedSHA256` (the hash pinned at registration) to refuse a binary that changed
    /// on disk; the hash is checked before any of the library's code runs.
    public static func load(path: String, expectedSHA256: String? = nil) throws(PluginLoadError) -> PluginBinary {
        let path = absolute(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PluginLoadError(
                .fileMissing, path: path,
                "no plugin file at \(path): check the path, or build the plugin first (swift build puts libNAME.so in .build/debug)"
            )
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw PluginLoadError(.fileMissing, path: path, "\(path) exists but cannot be read: check its permissions")
        }
        guard isSharedLibrary(contents) else {
            throw PluginLoadError(
                .notASharedLibrary, path: path,
                "\(path) is not a shared library (no \(sharedLibraryFormat) header): pass the libNAME.so that the plugin's "
                    + "build produced, not a source, text or archive file")
        }
        let sha256 = SHA256.hex(contents)
        if let expectedSHA256, expectedSHA256.lowercased() != sha256 {
            throw PluginLoadError(
                .hashMismatch, path: path,
                "the binary's SHA-256 is \(sha256) but \(expectedSHA256.lowercased()) was pinned when it was registered: "
                    + "if this build is intended, register it again (livinglab plugin register \(path)); otherwise restore the registered file"
            )
        }
        if let earlier = loaded.withLock({ $0[path] }) {
            guard earlier.sha256 == sha256 else {
                throw PluginLoadError(
                    .changedSinceLoaded, path: path,
                    "\(path) changed on disk since this process loaded it (SHA-256 \(earlier.sha256), now \(sha256)); a "
                        + "library cannot be reloaded in place: restart the host, or ship the new version at a new path")
            }
            return earlier
        }
        let binary = try open(path: path, sha256: sha256)
        loaded.withLock { $0[path] = binary }
        return binary
    }

    private static func open(path: String, sha256: String) throws(PluginLoadError) -> PluginBinary {
        _ = dlerror()
        // RTLD_LOCAL keeps each plugin's copy of the SDK apart from every other plugin's.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown dlopen error"
            throw PluginLoadError(
                .openFailed, path: path,
                "the system loader refused it (\(reason)): check that it was built for this machine and that its "
                    + "dependencies resolve (ldd \(path))")
        }
        // Never dlclose: see PluginBinary.
        guard let symbol = dlsym(handle, PluginABI.entrySymbol) else {
            throw PluginLoadError(
                .missingEntrySymbol, path: path,
                "it does not export \(PluginABI.entrySymbol): in Swift add `@_cdecl(\"livinglab_plugin_entry\") public func "
                    + "livinglabPluginEntry() -> PluginEntryPoint { export(YourPlugin.self) }` at file scope; in C define "
                    + "`const livinglab_plugin *livinglab_plugin_entry(void)` with default visibility")
        }
        typealias Entry = @convention(c) () -> UnsafeRawPointer?
        let entry = unsafeBitCast(symbol, to: Entry.self)
        guard let raw = entry() else {
            throw PluginLoadError(
                .notAPlugin, path: path, "\(PluginABI.entrySymbol) returned NULL: return a pointer to a static livinglab_plugin")
        }
        let descriptor = try checkDescriptor(raw, path: path)
        let (manifest, manifestJSON) = try readManifest(descriptor, path: path)
        return PluginBinary(
            path: path, sha256: sha256, manifest: manifest, manifestJSON: manifestJSON,
            abiVersion: descriptor.pointee.abi_version, descriptor: PluginDescriptor(descriptor))
    }

    /// The size an ABI-1 descriptor must have at least: up to and including `destroy`.
    static let minimumDescriptorSize: Int = {
        // The key path names a stored field of an imported C struct, so the offset exists.
        MemoryLayout<livinglab_plugin>.offset(of: \livinglab_plugin.destroy)! + MemoryLayout<UnsafeRawPointer>.size
    }()

    private static func checkDescriptor(_ raw: UnsafeRawPointer, path: String) throws(PluginLoadError)
        -> UnsafePointer<livinglab_plugin>
    {
        // Read the magic block field by field before trusting the rest of the struct.
        let magic = raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
        guard magic == LIVINGLAB_PLUGIN_MAGIC else {
            throw PluginLoadError(
                .notAPlugin, path: path,
                "\(PluginABI.entrySymbol) returned something without the LivingLab magic (0x\(String(magic, radix: 16)), "
                    + "expected 0x\(String(LIVINGLAB_PLUGIN_MAGIC, radix: 16))): return a livinglab_plugin whose first "
                    + "field is LIVINGLAB_PLUGIN_MAGIC")
        }
        let abiVersion = raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        guard PluginABI.supportedVersions.contains(abiVersion) else {
            let range = PluginABI.supportedVersions
            let advice =
                abiVersion > range.upperBound
                ? "rebuild it against LivingLabPluginKit \(PluginABI.sdkRelease) (ABI \(PluginABI.currentVersion)), or upgrade the host"
                : "rebuild it against LivingLabPluginKit \(PluginABI.sdkRelease) (ABI \(PluginABI.currentVersion))"
            throw PluginLoadError(
                .abiMismatch, path: path,
                "built for ABI \(abiVersion), this host speaks \(range.lowerBound)–\(range.upperBound): \(advice)")
        }
        let structSize = raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        guard Int(structSize) >= minimumDescriptorSize else {
            throw PluginLoadError(
                .structTooSmall, path: path,
                "the descriptor says it is \(structSize) bytes, ABI \(abiVersion) needs at least \(minimumDescriptorSize): set "
                    + "struct_size = sizeof(livinglab_plugin) and rebuild against livinglab_plugin.h of ABI \(abiVersion)")
        }
        let descriptor = raw.assumingMemoryBound(to: livinglab_plugin.self)
        let table = descriptor.pointee
        let functions: [(String, Bool)] = [
            ("free", table.free != nil), ("create", table.create != nil), ("activate", table.activate != nil),
            ("handle", table.handle != nil), ("deactivate", table.deactivate != nil), ("destroy", table.destroy != nil),
        ]
        let missing = functions.filter { !$0.1 }.map(\.0)
        guard missing.isEmpty else {
            throw PluginLoadError(
                .incompleteDescriptor, path: path,
                "the descriptor's \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") NULL: every "
                    + "function of ABI \(abiVersion) (free, create, activate, handle, deactivate, destroy) must be set")
        }
        return descriptor
    }

    private static func readManifest(_ descriptor: UnsafePointer<livinglab_plugin>, path: String) throws(PluginLoadError)
        -> (PluginManifestInfo, String)
    {
        guard let pointer = descriptor.pointee.manifest_json else {
            throw PluginLoadError(
                .malformedManifest, path: path,
                "manifest_json is NULL: set it to the JSON object documented in livinglab_plugin.h")
        }
        let text = String(cString: pointer)
        let manifest: PluginManifestInfo
        do {
            manifest = try JSONDecoder().decode(PluginManifestInfo.self, from: Data(text.utf8))
        } catch {
            throw PluginLoadError(
                .malformedManifest, path: path,
                "the manifest is not the JSON object livinglab_plugin.h documents (\(describe(error))): manifest was \(text)")
        }
        let problems = manifest.problems(descriptorABIVersion: descriptor.pointee.abi_version)
        guard problems.isEmpty else {
            throw PluginLoadError(
                .inconsistentManifest, path: path,
                "the manifest breaks \(problems.count == 1 ? "a rule" : "\(problems.count) rules"): "
                    + problems.joined(separator: "; "))
        }
        return (manifest, text)
    }

    /// A short account of a decoding error: which member, what was wrong.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : "\"" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "member \"\(key.stringValue)\" is missing at \(at(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "\(at(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context):
            return "\(at(context.codingPath)) is null, expected \(type)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func absolute(_ path: String) -> String {
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    #if os(Linux)
    private static let sharedLibraryFormat = "ELF"
    private static func isSharedLibrary(_ contents: Data) -> Bool {
        contents.count >= 18 && contents.prefix(4) == Data([0x7F, 0x45, 0x4C, 0x46])
            // e_type (bytes 16–17, little-endian on this platform): 3 = ET_DYN, a shared object.
            && contents[contents.startIndex + 16] == 3 && contents[contents.startIndex + 17] == 0
    }
    #else
    private static let sharedLibraryFormat = "Mach-O"
    private static func isSharedLibrary(_ contents: Data) -> Bool {
        let magic = contents.prefix(4)
        return magic == Data([0xCF, 0xFA, 0xED, 0xFE]) || magic == Data([0xCA, 0xFE, 0xBA, 0xBE])
    }
    #endif
}
