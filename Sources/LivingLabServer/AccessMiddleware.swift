import Foundation
import HTTPTypes
import Hummingbird
import LivingLabCore
import LivingLabStore
import LivingLabTrials
import Synchronization

/// Reads the bearer token (if any) into the request's principal, and limits how fast each caller may send.
///
/// A request without a token goes on as anonymous: routes that need a caller refuse it with 401. A request with a
/// token that is unknown, expired or revoked is refused with 401 at once, whatever the route.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    let server: LabServer

    func handle(_ request: Request, context: LabRequestContext,
                next: (Request, LabRequestContext) async throws -> Response) async throws -> Response
    {
        var context = context
        var caller = "address \(context.remoteAddress)"
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else {
                throw LabError(.unauthenticated, "The Authorization header must be `Bearer llab_…`.")
            }
            let text = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
            let server = self.server
            let principal = try await server.blocking { try server.lab(nil).authenticate(bearer: text) }
            context.principal = principal
            caller = "token \(principal.tokenID)"
        }
        if let wait = server.state.limiter.admit(caller) {
            server.state.metrics.countRateLimited()
            throw Problem(status: .tooManyRequests, code: "too-many-requests",
                          detail: "Too many requests from this caller: wait \(wait) s and try again.", retryAfter: wait)
        }
        return try await next(request, context)
    }
}

/// A token bucket per caller: `burst` requests at once, refilled at `perSecond`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let perSecond: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond: Double, burst: Double) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// `nil` when the request may go on, or the whole seconds to wait.
    func admit(_ caller: String) -> Int? {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            if buckets.count > 10_000 { buckets.removeAll() }  // a flood of new addresses must not grow memory
            var bucket = buckets[caller] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
            bucket.updated = now
            defer { buckets[caller] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
