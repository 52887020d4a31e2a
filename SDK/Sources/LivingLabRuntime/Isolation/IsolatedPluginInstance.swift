import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plugin running in its own `livinglab-plugin-worker` process: the mode for untrusted plugins.
///
/// The surface is ``PluginInstance``'s. A crash, a hang past ``Isolation/callTimeout`` or an
/// exit of the worker fails only the call in flight (``PluginCallError/Code/crashed``); the next
/// call restarts the worker after a back-off that doubles with each crash, re-creates the plugin
/// and re-activates its merchants. After ``Isolation/maximumCrashes`` crashes the plugin is
/// marked failing and every call is refused with ``PluginCallError/Code/failing``.
///
/// The host never maps the library into its own process: the worker loads it and checks the
/// pinned hash, and the host re-checks every outcome against the manifest the worker reported.
public final class IsolatedPluginInstance: Sendable {
    /// How the worker is run and supervised.
    public struct Isolation: Sendable {
        /// The worker executable; by default `livinglab-plugin-worker` next to the running executable.
        public var workerPath: String = IsolatedPluginInstance.defaultWorkerPath
        /// How long one call may take before the worker is killed as hung, in seconds.
        public var callTimeout: TimeInterval = 10
        /// How many crashes mark the plugin failing.
        public var maximumCrashes: Int = 3
        /// The wait before the first restart, in seconds; doubled after each further crash.
        public var restartBackoff: TimeInterval = 0.1
        /// The longest wait before a restart, in seconds.
        public var maximumBackoff: TimeInterval = 10

        /// The defaults.
        public init() {}
    }

    /// `livinglab-plugin-worker` in the folder of the running executable, where `swift build` puts it.
    public static var defaultWorkerPath: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("livinglab-plugin-worker").path
    }

    /// A running worker.
    ///
    /// `@unchecked Sendable`: `Process` is only touched under the instance's lock.
    private struct Worker: @unchecked Sendable {
        let process: Process
        let channel: WorkerChannel
        let socket: Int32
    }

    private struct State: Sendable {
        var worker: Worker?
        var active: [String: PluginInstance.Activation] = [:]
        var crashes = 0
        var lastCrash: Date?
    }

    /// The path of the plugin library.
    public let path: String
    /// The SHA-256 the worker verified, as the worker computed it.
    public let sha256: String
    /// The manifest the worker read from the library.
    public let manifest: PluginManifestInfo
    /// How the worker is supervised.
    public let isolation: Isolation
    private let configuration: String
    private let bridge: HostBridge
    private let state: Mutex<State>

    /// The plugin's identity.
    public var identity: PluginIdentity { manifest.identity }

    /// Starts a worker, loads the plugin there and creates it with `configuration` (JSON text).
    ///
    /// Throws ``PluginLoadError`` when the worker cannot load the library, ``PluginCallError`` when
    /// the plugin refuses to be created or the worker cannot be started.
    public init(
        path: String, expectedSHA256: String? = nil, services: any PluginHostServices, configuration: String = "{}",
        isolation: Isolation = Isolation()
    ) throws {
        let placeholder = PluginIdentity(id: path, version: "", firm: "")
        let worker = try Self.spawn(isolation.workerPath, plugin: placeholder)
        var load = WorkerMessage(.load)
        load.path = path
        load.sha256 = expectedSHA256
        load.configuration = configuration
        let answer: WorkerMessage
        do {
            try worker.channel.send(load)
            answer = try worker.channel.receive(timeout: isolation.callTimeout)
        } catch {
            Self.stop(worker)
            throw PluginCallError(
                .crashed, message: "the worker died while loading \(path) (\(error)): see its stderr", plugin: placeholder)
        }
        if let code = answer.error {
            Self.stop(worker)
            if let loadCode = Self.loadCodes.first(where: { $0.rawValue == code }) {
                throw PluginLoadError(loadCode, path: path, answer.message ?? "the worker could not load it")
            }
            throw Self.callError(answer, plugin: placeholder)
        }
        guard let manifestJSON = answer.response, let sha256 = answer.sha256,
            let manifest = try? JSONDecoder().decode(PluginManifestInfo.self, from: Data(manifestJSON.utf8))
        else {
            Self.stop(worker)
            throw PluginCallError(.internal, message: "the worker loaded \(path) but sent no manifest", plugin: placeholder)
        }
        self.path = path
        self.sha256 = sha256
        self.manifest = manifest
        self.isolation = isolation
        self.configuration = configuration
        bridge = HostBridge(services: services, manifest: manifest)
        state = Mutex(State(worker: worker))
    }

    deinit {
        state.withLock { state in
            if let worker = state.worker { Self.stop(worker) }
            state.worker = nil
        }
    }

    /// The merchants the plugin currently serves.
    public var activeMerchants: Set<String> { state.withLock { Set($0.active.keys) } }

    /// How many times the worker crashed, hung or exited.
    public var crashCount: Int { state.withLock { $0.crashes } }

    /// Whether the plugin crashed too often and is refused.
    public var isFailing: Bool { state.withLock { $0.crashes >= isolation.maximumCrashes } }

    /// The process id of the current worker, if one runs.
    public var workerProcessID: Int32? { state.withLock { $0.worker?.process.processIdentifier } }

    /// Starts serving a merchant, as ``PluginInstance/activate(merchantID:fields:arm:armConfiguration:)``.
    public func activate(merchantID: String, fields: [String: String], arm: String, armConfiguration: String = "{}")
        throws(PluginCallError)
    {
        try state.withLock { state throws(PluginCallError) in
            var message = WorkerMessage(.activate)
            message.merchant = merchantID
            message.fields = fields
            message.arm = arm
            message.configuration = armConfiguration
            _ = try exchange(message, &state)
            state.active[merchantID] = PluginInstance.Activation(fields: fields, arm: arm, armConfiguration: armConfiguration)
        }
    }

    /// Sends a request for an active merchant, as ``PluginInstance/handle(merchantID:request:)``.
    public func handle(merchantID: String, request: String) throws(PluginCallError) -> String {
        try state.withLock { state throws(PluginCallError) -> String in
            guard state.active[merchantID] != nil else {
                throw PluginCallError(
                    .notActive,
                    message: "\(identity.id) is not active for merchant \(merchantID): the merchant must be enrolled in a "
                        + "treatment arm of a running trial with active consent, and the plugin activated for it",
                    plugin: identity)
            }
            var message = WorkerMessage(.handle)
            message.merchant = merchantID
            message.request = request
            return try exchange(message, &state).response ?? "null"
        }
    }

    /// Stops serving a merchant, as ``PluginInstance/deactivate(merchantID:)``.
    public func deactivate(merchantID: String) throws(PluginCallError) {
        try state.withLock { state throws(PluginCallError) in
            guard state.active.removeValue(forKey: merchantID) != nil else { return }
            var message = WorkerMessage(.deactivate)
            message.merchant = merchantID
            _ = try exchange(message, &state)
        }
    }

    // MARK: Supervision

    /// Sends one call to the worker, answers its host calls, and returns its result.
    private func exchange(_ message: WorkerMessage, _ state: inout State) throws(PluginCallError) -> WorkerMessage {
        let worker = try runningWorker(&state)
        let deadline = Date().addingTimeInterval(isolation.callTimeout)
        do {
            try worker.channel.send(message)
            while true {
                let incoming = try worker.channel.receive(timeout: max(0, deadline.timeIntervalSinceNow))
                switch incoming.kind {
                case .host:
                    try worker.channel.send(answer(incoming))
                case .result:
                    if incoming.error != nil { throw Self.callError(incoming, plugin: identity) }
                    return incoming
                default:
                    throw WorkerChannel.Failure.malformed("unexpected \(incoming.kind) from the worker")
                }
            }
        } catch let error as PluginCallError {
            throw error
        } catch {
            let reason: String
            switch error as? WorkerChannel.Failure {
            case .timedOut?: reason = "did not answer within \(isolation.callTimeout) s and was stopped"
            case .malformed(let detail)?: reason = "broke the worker protocol (\(detail)) and was stopped"
            default: reason = "crashed (\(Self.exitDescription(worker)))"
            }
            crash(&state)
            let failing = state.crashes >= isolation.maximumCrashes
            throw PluginCallError(
                .crashed,
                message: "\(identity) \(reason); "
                    + (failing
                        ? "it has now crashed \(state.crashes) times and is marked failing: ship a fixed version"
                        : "it will be restarted at the next call (crash \(state.crashes) of \(isolation.maximumCrashes))"),
                plugin: identity)
        }
    }

    /// The live worker, restarted after a back-off when the last one crashed.
    private func runningWorker(_ state: inout State) throws(PluginCallError) -> Worker {
        if let worker = state.worker { return worker }
        guard state.crashes < isolation.maximumCrashes else {
            throw PluginCallError(
                .failing,
                message: "\(identity) crashed \(state.crashes) times and is marked failing: ship a fixed version and "
                    + "register it", plugin: identity)
        }
        let backoff = min(isolation.maximumBackoff, isolation.restartBackoff * pow(2, Double(max(0, state.crashes - 1))))
        if let lastCrash = state.lastCrash {
            let wait = backoff - Date().timeIntervalSince(lastCrash)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        let worker = try Self.spawn(isolation.workerPath, plugin: identity)
        state.worker = worker
        var load = WorkerMessage(.load)
        load.path = path
        load.sha256 = sha256
        load.configuration = configuration
        var replay = [load]
        for (merchantID, activation) in state.active.sorted(by: { $0.key < $1.key }) {
            var message = WorkerMessage(.activate)
            message.merchant = merchantID
            message.fields = activation.fields
            message.arm = activation.arm
            message.configuration = activation.armConfiguration
            replay.append(message)
        }
        // Replay through the normal path so host calls made while re-activating are answered.
        for message in replay {
            _ = try exchange(message, &state)
        }
        return worker
    }

    private func crash(_ state: inout State) {
        if let worker = state.worker { Self.stop(worker) }
        state.worker = nil
        state.crashes += 1
        state.lastCrash = Date()
    }

    /// Answers a host call from the worker through the lab's services, re-checking outcomes here.
    private func answer(_ call: WorkerMessage) -> WorkerMessage {
        var reply = WorkerMessage(.hostResult)
        let services = bridge.services
        let plugin = identity
        func deny(_ denial: HostDenial) {
            reply.denial = denial.code.rawValue
            reply.denialStatus = denial.code.status
            reply.message = denial.message
        }
        let scope = call.merchant.flatMap { $0.isEmpty ? nil : $0 }
        switch call.call {
        case "logOutcome":
            let result = bridge.parseOutcome(call.value ?? "").flatMap { services.logOutcome($0, from: plugin) }
            if case .failure(let denial) = result { deny(denial) }
        case "merchantFields":
            switch services.merchantFields(call.merchant ?? "", for: plugin) {
            case .success(let fields): reply.fields = fields
            case .failure(let denial): deny(denial)
            }
        case "armConfiguration":
            switch services.armConfiguration(call.merchant ?? "", for: plugin) {
            case .success(let json): reply.value = json
            case .failure(let denial): deny(denial)
            }
        case "storageGet":
            switch services.storageGet(call.key ?? "", merchantID: scope, for: plugin) {
            case .success(let value): reply.value = value
            case .failure(let denial): deny(denial)
            }
        case "storageSet", "storageDelete":
            let value = call.call == "storageSet" ? call.value : nil
            if case .failure(let denial) = services.storageSet(call.key ?? "", value: value, merchantID: scope, for: plugin) {
                deny(denial)
            }
        case "now":
            reply.time = services.now().timeIntervalSince1970
        case "log":
            services.log(PluginLogLevel(rawValue: call.level ?? 1) ?? .info, call.value ?? "", from: plugin)
        default:
            deny(HostDenial(.invalid, "unknown host call \(call.call ?? "(none)")"))
        }
        return reply
    }

    // MARK: Processes

    private static func spawn(_ workerPath: String, plugin: PluginIdentity) throws(PluginCallError) -> Worker {
        guard FileManager.default.isExecutableFile(atPath: workerPath) else {
            throw PluginCallError(
                .internal,
                message: "no worker executable at \(workerPath): build the livinglab-plugin-worker product "
                    + "(swift build) or set Isolation.workerPath", plugin: plugin)
        }
        var sockets: [Int32] = [0, 0]
        // CLOEXEC keeps one worker's socket out of the next worker; the child's copy on
        // stdin/stdout is made by dup2, which clears the flag.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw PluginCallError(.internal, message: "cannot create the worker's socket: errno \(errno)", plugin: plugin)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: workerPath)
        let childEnd = FileHandle(fileDescriptor: sockets[1], closeOnDealloc: true)
        process.standardInput = childEnd
        process.standardOutput = childEnd
        do {
            try process.run()
        } catch {
            close(sockets[0])
            throw PluginCallError(.internal, message: "cannot start \(workerPath): \(error)", plugin: plugin)
        }
        try? childEnd.close()
        return Worker(process: process, channel: WorkerChannel(readFD: sockets[0], writeFD: sockets[0]), socket: sockets[0])
    }

    /// Ends a worker for good: closing the socket ends a healthy one, SIGKILL a hung one.
    private static func stop(_ worker: Worker) {
        close(worker.socket)
        if worker.process.isRunning { kill(worker.process.processIdentifier, SIGKILL) }
        worker.process.waitUntilExit()
    }

    private static func exitDescription(_ worker: Worker) -> String {
        worker.process.waitUntilExit()
        switch worker.process.terminationReason {
        case .uncaughtSignal: return "signal \(worker.process.terminationStatus)"
        case .exit: return "exit status \(worker.process.terminationStatus)"
        @unknown default: return "status \(worker.process.terminationStatus)"
        }
    }

    private static let loadCodes: [PluginLoadError.Code] = [
        .fileMissing, .notASharedLibrary, .hashMismatch, .changedSinceLoaded, .openFailed, .missingEntrySymbol,
        .notAPlugin, .abiMismatch, .structTooSmall, .incompleteDescriptor, .malformedManifest, .inconsistentManifest,
    ]

    private static let callCodes: [PluginCallError.Code] = [.invalid, .notFound, .denied, .internal, .notActive]

    private static func callError(_ answer: WorkerMessage, plugin: PluginIdentity) -> PluginCallError {
        let code = callCodes.first { $0.rawValue == answer.error } ?? .internal
        let denial = answer.denial.flatMap { name in HostDenial.Code.consentGateCodes.first { $0.rawValue == name } }
        return PluginCallError(code, denial: denial, message: answer.message ?? "the plugin failed", plugin: plugin)
    }
}
