import Foundation
import HTTPTypes
import Hummingbird
import LivingLabCore
import Logging
import NIOCore

/// An RFC 9457 problem document: what went wrong, in words that say what to fix, as `application/problem+json`.
struct Problem: HTTPResponseError, Encodable, Sendable {
    /// A URI naming the kind of problem (`https://livinglab.dev/problems/<code>`).
    var type: String
    var title: String
    var statusCode: Int
    /// What was wrong and how to fix it.
    var detail: String
    /// The request field the problem is about, when there is one.
    var field: String?
    /// Seconds to wait before trying again (429, 503).
    var retryAfter: Int?

    var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    init(status: HTTPResponse.Status, code: String, detail: String, field: String? = nil, retryAfter: Int? = nil) {
        type = "https://livinglab.dev/problems/\(code)"
        title = status.reasonPhrase
        statusCode = status.code
        self.detail = detail
        self.field = field
        self.retryAfter = retryAfter
    }

    /// The problem for a lab error: the code decides the status.
    init(_ error: LabError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalidInput: .badRequest
        case .notFound: .notFound
        case .conflict: .conflict
        case .ruleViolation, .consentDenied: .unprocessableContent
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        case .auditBroken: .conflict
        default: .internalServerError
        }
        // An internal error's message is for the log, not the caller.
        let detail = status == .internalServerError ? "The lab failed to answer; the coordinator can find the cause in the server's log." : error.message
        self.init(status: status, code: error.code.rawValue, detail: detail,
                  retryAfter: status == .serviceUnavailable ? 1 : nil)
    }

    private enum CodingKeys: String, CodingKey {
        case type, title, statusCode = "status", detail, field
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"livinglab\"" }
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(self))))
    }
}

/// Turns every error a route throws into a problem document: a caller's mistake is a 4xx, and only a bug a 500.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as LabError {
            if error.code == .internalError {
                context.logger.error("internal error: \(error)")
            }
            return try Problem(error).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            return try Problem(status: .contentTooLarge, code: "too-large",
                               detail: "The request body is larger than \(LabServer.maxBodyBytes / 1024) KiB: send less (outcomes in batches of at most \(LabServer.maxOutcomeBatch)).")
                .response(from: request, context: context)
        } catch let error as HTTPError {
            let detail: String = switch error.status {
            case .notFound: "There is no such route: \(request.method) \(request.uri.path). /openapi.json lists the routes."
            case .contentTooLarge: "The request body is larger than \(LabServer.maxBodyBytes / 1024) KiB: send less (outcomes in batches of at most \(LabServer.maxOutcomeBatch))."
            case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path). /openapi.json lists the routes."
            default: error.body ?? error.status.reasonPhrase
            }
            return try Problem(status: error.status, code: "http-\(error.status.code)", detail: detail)
                .response(from: request, context: context)
        } catch {
            context.logger.error("unexpected error: \(error)")
            return try Problem(status: .internalServerError, code: "internal",
                               detail: "The lab failed to answer; the coordinator can find the cause in the server's log.")
                .response(from: request, context: context)
        }
    }
}
