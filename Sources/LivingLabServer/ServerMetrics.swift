import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Synchronization

/// The server's metrics, kept in a swift-prometheus registry and written as Prometheus text at `GET /metrics`:
/// requests by route and status, a latency histogram, refusals by reason, plugin calls and failures, requests refused
/// for their rate.
final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets.
    static let buckets: [Duration] = [.milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10),
                                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .microseconds(2_500_000)]

    let registry = PrometheusCollectorRegistry()
    private let latency: DurationHistogram
    private let pluginCalls: Counter
    private let pluginFailures: Counter
    private let rateLimited: Counter
    /// The request counters made so far, by `route|status`, so that a request looks one up without building labels.
    private let requests = Mutex<[String: Counter]>([:])
    private let refusals = Mutex<[String: Counter]>([:])

    init() {
        latency = registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration", unit: "seconds", help: "Time to answer a request."),
            buckets: Self.buckets)
        pluginCalls = registry.makeCounter(descriptor: Self.name("plugin_calls", help: "Requests sent to plugins."))
        pluginFailures = registry.makeCounter(
            descriptor: Self.name("plugin_failures", help: "Plugin requests that failed or were refused."))
        rateLimited = registry.makeCounter(descriptor: Self.name("rate_limited", help: "Requests refused with 429."))
    }

    static func name(_ metric: String, unit: String = "total", help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "livinglab", metricName: metric, unitName: unit, helpText: help)
    }

    func record(route: String, status: Int, duration: Duration) {
        let key = "\(route)|\(status)"
        let counter = requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("http_requests", help: "HTTP requests by route and status."),
                labels: [("route", route), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
        latency.record(duration)
    }

    func count(refusal reason: String) {
        refusals.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("refusals", help: "Requests the consent gate or the placement rule refused, by reason."),
                labels: [("reason", reason)])
            counters[reason] = counter
            return counter
        }.increment()
    }

    func count(pluginCall failed: Bool) {
        pluginCalls.increment()
        if failed { pluginFailures.increment() }
    }

    func countRateLimited() { rateLimited.increment() }

    /// The Prometheus text exposition.
    func text() -> String { registry.emitToString() }
}

/// Counts every request under its route pattern (not its path, which would hold ids) and status, and logs it at
/// `info` with the request id Hummingbird gives every request's logger (`hb.request.id`).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let route = context.endpointPath ?? "unmatched"
        metrics.record(route: route, status: response.status.code, duration: elapsed)
        context.logger.info("\(request.method) \(route) \(response.status.code) in \(elapsed.components.attoseconds / 1_000_000_000_000 + elapsed.components.seconds * 1_000_000) µs")
        return response
    }
}
