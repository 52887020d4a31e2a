import Foundation
import LivingLabAnalysis
import LivingLabCore
import LivingLabPluginTesting
import LivingLabRuntime
import LivingLabStore
import LivingLabTrials
import Testing

/// Paths and helpers shared by the runtime tests.
public enum TestSupport {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // LabTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The folder holding livinglab_plugin.h.
    public static var headerFolder: String {
        repositoryRoot.appendingPathComponent("SDK/Sources/LivingLabPluginABI/include").path
    }

    /// A folder for a build that every test of this process shares (a compiled C plugin held in a `static let`): it
    /// lives as long as the process, unlike a ``TemporaryFolder``.
    public static func processFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("livinglab-tests")
            .appendingPathComponent("\(name)-process-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The result of running a program.
    public struct Run {
        public var status: Int32
        public var output: String
    }

    /// Runs a program to completion, capturing stdout and stderr together.
    public static func run(_ executable: String, _ arguments: [String], in folder: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        if let folder { process.currentDirectoryURL = folder }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Compiles C source into a shared library against livinglab_plugin.h and returns its path.
    public static func compileC(_ source: String, named name: String, in folder: URL) throws -> String {
        let sourceURL = folder.appendingPathComponent("\(name).c")
        try source.write(to: sourceURL, atomically: true, encoding: .utf8)
        return try compileC(file: sourceURL.path, named: name, in: folder)
    }

    /// Compiles a C file into a shared library against livinglab_plugin.h and returns its path.
    public static func compileC(file: String, named name: String, in folder: URL) throws -> String {
        let library = folder.appendingPathComponent("lib\(name).so").path
        let result = try run("cc", ["-Wall", "-Werror", "-shared", "-fPIC", "-I", headerFolder, "-o", library, file])
        try #require(result.status == 0, "cc failed: \(result.output)")
        return library
    }

    /// A C descriptor with the given fields; the pieces a broken-plugin test changes are parameters.
    public static func descriptorSource(
        magic: String = "LIVINGLAB_PLUGIN_MAGIC", abiVersion: String = "LIVINGLAB_PLUGIN_ABI_VERSION",
        structSize: String = "sizeof(livinglab_plugin)", manifest: String = validManifest, create: String = "create"
    ) -> String {
        """
        #include <stdlib.h>
        #include "livinglab_plugin.h"

        static int32_t create(const livinglab_plugin *p, const livinglab_host *h, const char *c, void **i, char **m) {
            (void)p; (void)h; (void)c; (void)m; *i = malloc(1); return LIVINGLAB_OK;
        }
        static int32_t activate(void *i, const char *id, const char *f, const char *a, const char *c, char **m) {
            (void)i; (void)id; (void)f; (void)a; (void)c; (void)m; return LIVINGLAB_OK;
        }
        static int32_t handle(void *i, const char *id, const char *r, char **out, char **m) {
            (void)i; (void)id; (void)r; (void)m; *out = NULL; return LIVINGLAB_OK;
        }
        static int32_t deactivate(void *i, const char *id, char **m) { (void)i; (void)id; (void)m; return LIVINGLAB_OK; }
        static void destroy(void *i) { free(i); }
        static void release(void *b) { free(b); }

        static const livinglab_plugin descriptor = {
            .magic = \(magic), .abi_version = \(abiVersion), .struct_size = \(structSize),
            .manifest_json = \(manifest), .free = release, .create = \(create), .activate = activate,
            .handle = handle, .deactivate = deactivate, .destroy = destroy,
        };
        const livinglab_plugin *livinglab_plugin_entry(void) { return &descriptor; }
        """
    }

    /// A manifest that passes every check, as a C string literal.
    public static let validManifest = cString(
        #"{"id": "org.example.tiny", "version": "0.1.0", "firm": "Example", "name": "Tiny", "abi_version": 1, "#
            + #""metrics": [{"name": "visits", "unit": "count", "direction": "increase"}]}"#)

    /// `text` as a C string literal.
    public static func cString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The C example plugin, compiled once per test process.
    public static let visitCounter: Result<String, any Error> = Result {
        let folder = try processFolder("visit-counter")
        let source = repositoryRoot.appendingPathComponent("Examples/CPlugin/visit_counter.c").path
        return try compileC(file: source, named: "VisitCounter", in: folder)
    }
}
