import Foundation
import Hummingbird
import LivingLabCore
import Logging
import NIOCore

/// What a request carries through the routes: Hummingbird's own context (logger with the request id, parameters)
/// and the principal its bearer token stands for, once the access middleware has read it.
struct LabRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Who is calling; `nil` until authenticated, and for public routes without a token.
    var principal: Principal?
    /// The peer's IP address, which limits the rate of callers without a token.
    let remoteAddress: String

    init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies over this size are refused with 413 before they are read whole.
    var maxUploadSize: Int { LabServer.maxBodyBytes }

    /// The caller, or `unauthenticated` (401) when the request had no valid token.
    func requirePrincipal() throws(LabError) -> Principal {
        guard let principal else {
            throw LabError(.unauthenticated, "This route needs a token: send `Authorization: Bearer llab_…` (the coordinator creates one with `livinglab token create`).")
        }
        return principal
    }

    /// A path parameter.
    func parameter(_ name: String) throws(LabError) -> String {
        guard let value = parameters.get(name), !value.isEmpty else { throw .invalid("The path lacks its `\(name)`.") }
        return value
    }
}

/// JSON in and out of routes, with the lab's timestamps (ISO 8601 UTC with milliseconds).
enum APIJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            do {
                return try Timestamp.parse(text)
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: (error as? LabError)?.message ?? "not a timestamp"))
            }
        }
        return decoder
    }

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encoder().encode(value))))
    }

    /// Reads a request's JSON body as `T`, saying which field is wrong and what it should be.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: LabRequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else {
            throw Problem(status: .badRequest, code: "invalid-input", detail: "The request needs a JSON body: see /openapi.json for its fields.")
        }
        do {
            return try decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw Self.problem(error)
        } catch {
            throw Problem(status: .badRequest, code: "invalid-input", detail: "The body is not valid JSON: check quotes, commas and braces.")
        }
    }

    static func problem(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return Problem(status: .badRequest, code: "invalid-input", detail: "The body lacks `\(field)`: add it (see /openapi.json).", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return Problem(status: .badRequest, code: "invalid-input", detail: "`\(field)` should be \(describe(type)).", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return Problem(status: .badRequest, code: "invalid-input", detail: "`\(field)` is null but should be \(describe(type)).", field: field)
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            if field.isEmpty {
                return Problem(status: .badRequest, code: "invalid-input", detail: "The body is not valid JSON: check quotes, commas and braces.")
            }
            return Problem(status: .badRequest, code: "invalid-input", detail: "`\(field)`: \(context.debugDescription)", field: field)
        @unknown default:
            return Problem(status: .badRequest, code: "invalid-input", detail: "The body could not be read: see /openapi.json.")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
