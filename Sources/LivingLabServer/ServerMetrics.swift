import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The server's counters, written as Prometheus text at `GET /metrics`: requests by route and status, a latency
/// histogram, refusals by reason, plugin calls and failures.
final class ServerMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct Counts {
        var requests: [String: Int] = [:]  // "route|status"
        var latency = [Int](repeating: 0, count: ServerMetrics.buckets.count + 1)
        var latencySum = 0.0
        var latencyCount = 0
        var refusals: [String: Int] = [:]
        var pluginCalls = 0
        var pluginFailures = 0
        var rateLimited = 0
    }

    private let counts = Mutex(Counts())

    func record(route: String, status: Int, seconds: Double) {
        counts.withLock { counts in
            counts.requests["\(route)|\(status)", default: 0] += 1
            let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
            counts.latency[bucket] += 1
            counts.latencySum += seconds
            counts.latencyCount += 1
        }
    }

    func count(refusal reason: String) { counts.withLock { $0.refusals[reason, default: 0] += 1 } }
    func count(pluginCall failed: Bool) {
        counts.withLock {
            $0.pluginCalls += 1
            if failed { $0.pluginFailures += 1 }
        }
    }
    func countRateLimited() { counts.withLock { $0.rateLimited += 1 } }

    /// The Prometheus text exposition (version 0.0.4).
    func text() -> String {
        let counts = counts.withLock { $0 }
        var out = "# HELP livinglab_http_requests_total HTTP requests by route and status.\n# TYPE livinglab_http_requests_total counter\n"
        for (key, value) in counts.requests.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            out += "livinglab_http_requests_total{route=\"\(Self.escape(parts[0]))\",status=\"\(parts[1])\"} \(value)\n"
        }
        out += "# HELP livinglab_http_request_duration_seconds Time to answer a request.\n# TYPE livinglab_http_request_duration_seconds histogram\n"
        var cumulative = 0
        for (index, bound) in Self.buckets.enumerated() {
            cumulative += counts.latency[index]
            out += "livinglab_http_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += counts.latency[Self.buckets.count]
        out += "livinglab_http_request_duration_seconds_bucket{le=\"+Inf\"} \(cumulative)\n"
        out += "livinglab_http_request_duration_seconds_sum \(counts.latencySum)\n"
        out += "livinglab_http_request_duration_seconds_count \(counts.latencyCount)\n"
        out += "# HELP livinglab_refusals_total Requests the consent gate or the placement rule refused, by reason.\n# TYPE livinglab_refusals_total counter\n"
        for (reason, value) in counts.refusals.sorted(by: { $0.key < $1.key }) {
            out += "livinglab_refusals_total{reason=\"\(Self.escape(reason))\"} \(value)\n"
        }
        out += "# HELP livinglab_plugin_calls_total Requests sent to plugins.\n# TYPE livinglab_plugin_calls_total counter\n"
        out += "livinglab_plugin_calls_total \(counts.pluginCalls)\n"
        out += "# HELP livinglab_plugin_failures_total Plugin requests that failed or were refused.\n# TYPE livinglab_plugin_failures_total counter\n"
        out += "livinglab_plugin_failures_total \(counts.pluginFailures)\n"
        out += "# HELP livinglab_rate_limited_total Requests refused with 429.\n# TYPE livinglab_rate_limited_total counter\n"
        out += "livinglab_rate_limited_total \(counts.rateLimited)\n"
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
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
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.record(route: route, status: response.status.code, seconds: seconds)
        context.logger.info("\(request.method) \(route) \(response.status.code) in \(Int(seconds * 1_000_000)) µs")
        return response
    }
}
