import Foundation
import HTTPTypes
import Hummingbird
import LivingLabCore
import LivingLabStore
import Logging
import NIOCore
import Synchronization

/// Answers a `POST` sent again with the same `Idempotency-Key` with the response stored the first time, without doing
/// it again, so that a client whose answer was lost (a dropped connection, a phone going into a tunnel) may retry
/// safely.
///
/// Keys belong to a caller (a token). The same key with a different method, path or body is refused with 409, and so
/// is a key whose first request is still being answered. Only successful (2xx) responses are stored: an error
/// changed nothing, so retrying it does it for the first time. Stored responses are kept a day (``StoredResponse``).
/// Requests without a token (a plugin's customers) are not replayed: the plugin decides what a repeat means.
struct ReplayMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    /// The longest key, in characters.
    static let maxKeyLength = 200

    let server: LabServer

    func handle(_ request: Request, context: LabRequestContext,
                next: (Request, LabRequestContext) async throws -> Response) async throws -> Response
    {
        guard request.method == .post, let key = request.headers[Self.header], let principal = context.principal else {
            return try await next(request, context)
        }
        guard (1...Self.maxKeyLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem(status: .badRequest, code: "invalid-input",
                          detail: "`Idempotency-Key` is 1 to \(Self.maxKeyLength) visible ASCII characters, e.g. a UUID.",
                          field: "Idempotency-Key")
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        var hash = SHA256()
        hash.update("\(request.method.rawValue) \(request.uri.path)\n")
        hash.update(body.readableBytesView)
        let fingerprint = SHA256.hex(hash.finalize())
        let caller = principal.tokenID
        let slot = "\(caller)|\(key)"
        guard server.state.answering.withLock({ $0.insert(slot).inserted }) else {
            throw Problem(status: .conflict, code: "in-progress",
                          detail: "A request with this Idempotency-Key is still being answered: wait for its answer, then retry.",
                          field: "Idempotency-Key", retryAfter: 1)
        }
        defer { _ = server.state.answering.withLock { $0.remove(slot) } }

        let store = server.store
        if let stored = try await server.blocking({ try store.storedResponse(caller: caller, key: key) }) {
            guard stored.requestSHA256 == fingerprint else {
                throw Problem(status: .conflict, code: "idempotency-key-reused",
                              detail: "This Idempotency-Key was sent before with another request: use a new key for a new request.",
                              field: "Idempotency-Key")
            }
            return Response(status: .init(code: stored.status),
                            headers: [.contentType: stored.contentType, Self.replayedHeader: "true"],
                            body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
        }
        var response = try await next(request, context)
        guard (200..<300).contains(response.status.code) else { return response }
        let collected = CollectedBody()
        try await response.body.write(CollectingWriter(into: collected))
        let bytes = collected.buffer
        response.body = .init(byteBuffer: bytes)
        let kept = StoredResponse(caller: caller, key: key, requestSHA256: fingerprint, status: response.status.code,
                                  contentType: response.headers[.contentType] ?? "application/json",
                                  body: Array(bytes.readableBytesView), at: store.now())
        // The change is made; if keeping its answer fails, the client gets the answer now and a retry does it again.
        do {
            try await server.blocking { try store.storeResponse(kept) }
        } catch {
            context.logger.warning("The answer to Idempotency-Key \(key) was not kept: \(error)")
        }
        return response
    }
}

/// Where ``CollectingWriter`` puts a response body.
final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// A response body writer that keeps what is written, for ``ReplayMiddleware``.
struct CollectingWriter: ResponseBodyWriter {
    let collected: CollectedBody
    init(into collected: CollectedBody) { self.collected = collected }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        collected.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
