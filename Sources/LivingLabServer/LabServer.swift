import Foundation
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The lab over HTTP: a JSON API under `/v1`, with roles and tokens, problem documents for every error, and the
/// routes through which plugins serve merchants' customers. It holds no rule of its own: each route reads the
/// request, calls one use case of ``LivingLab`` as the caller's principal, and encodes what it returns.
public struct LabServer: Sendable {
    /// How the server listens and how much it accepts.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// Requests per second each caller (a token, or an address without one) may send, and the burst above it.
        public var requestsPerSecond: Double = 50
        public var burst: Double = 100
        public init() {}
    }

    /// The largest request body, in bytes: an outcome batch of ``maxOutcomeBatch`` rows fits in it many times.
    public static let maxBodyBytes = 1024 * 1024
    /// The most outcomes one POST may carry.
    public static let maxOutcomeBatch = 1_000

    public let store: any LabStore
    public let configuration: Configuration
    let logger: Logger
    let state: ServerState

    public init(store: any LabStore, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "livinglab.server")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        state = ServerState(limiter: RateLimiter(perSecond: configuration.requestsPerSecond, burst: configuration.burst))
    }

    /// The use cases, done by `principal` (named in the audit log by ids only).
    func lab(_ principal: Principal?) -> LivingLab {
        LivingLab(store: store, actor: principal?.actor ?? "api")
    }

    /// The router with every route and middleware: what ``application(onServerRunning:)`` serves.
    func router() -> Router<LabRequestContext> {
        let router = Router(context: LabRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: state.metrics))
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: AccessMiddleware(server: self))
        router.add(middleware: ReplayMiddleware(server: self))
        addOperationalRoutes(to: router)
        addPeopleRoutes(to: router)
        addCoordinationRoutes(to: router)
        addProtocolRoutes(to: router)
        addTrialRoutes(to: router)
        addPluginRoutes(to: router)
        addPortalRoutes(to: router)
        return router
    }

    /// The Hummingbird application; `onServerRunning` learns the bound port (useful with port 0).
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "LivingLab"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then drains the requests in flight and returns.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [application(onServerRunning: onServerRunning)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }

    /// Runs a blocking use case (SQLite, a plugin call) off the server's event loops.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// What the server keeps between requests: counters, the rate limiter, the running plugins.
final class ServerState: Sendable {
    let metrics = ServerMetrics()
    let limiter: RateLimiter
    let runners = Mutex<[String: TrialRunner]>([:])
    /// The trial that serves each `plugin|merchant` pair, as last found.
    let routes = Mutex<[String: String]>([:])
    /// The `token|Idempotency-Key` pairs whose first request is being answered now.
    let answering = Mutex<Set<String>>([])

    init(limiter: RateLimiter) { self.limiter = limiter }
}
