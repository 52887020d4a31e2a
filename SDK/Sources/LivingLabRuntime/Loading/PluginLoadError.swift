/// Why a plugin binary could not be loaded; the message says what to do about it.
public struct PluginLoadError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, one code per check the loader makes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String

        /// No file at the path.
        public static let fileMissing = Code(rawValue: "fileMissing")
        /// The file is not a shared library (not ELF).
        public static let notASharedLibrary = Code(rawValue: "notASharedLibrary")
        /// The file's SHA-256 differs from the pinned one.
        public static let hashMismatch = Code(rawValue: "hashMismatch")
        /// The binary changed on disk after this process loaded it.
        public static let changedSinceLoaded = Code(rawValue: "changedSinceLoaded")
        /// `dlopen` refused the library (missing dependency, wrong architecture...).
        public static let openFailed = Code(rawValue: "openFailed")
        /// The library does not export `livinglab_plugin_entry`.
        public static let missingEntrySymbol = Code(rawValue: "missingEntrySymbol")
        /// The entry returned NULL or a descriptor without the LivingLab magic.
        public static let notAPlugin = Code(rawValue: "notAPlugin")
        /// The plugin was built for an ABI this host does not speak.
        public static let abiMismatch = Code(rawValue: "abiMismatch")
        /// The descriptor is smaller than its ABI version requires.
        public static let structTooSmall = Code(rawValue: "structTooSmall")
        /// A required function pointer of the descriptor is NULL.
        public static let incompleteDescriptor = Code(rawValue: "incompleteDescriptor")
        /// The manifest is missing or is not the JSON object the header documents.
        public static let malformedManifest = Code(rawValue: "malformedManifest")
        /// The manifest parses but breaks a rule (bad semver, empty id, duplicate metric...).
        public static let inconsistentManifest = Code(rawValue: "inconsistentManifest")
        /// The registry already holds this plugin id and version with another binary; raised by
        /// the lab's registration, not by the loader, and kept here with the other load refusals.
        public static let alreadyRegistered = Code(rawValue: "alreadyRegistered")

        /// The name of the code.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// The path of the binary.
    public var path: String
    /// What went wrong and what to do about it.
    public var message: String

    /// Creates a load error.
    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    /// The path and the message.
    public var description: String { "cannot load plugin \(path): \(message)" }
}
