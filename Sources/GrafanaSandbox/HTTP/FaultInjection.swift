import Foundation
import GFSValue
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Applies ``SandboxConfiguration/faults``: picks the first fault whose route matches a request
/// and whose count is not used up, and plays it.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let faults: FaultSchedule
    let pause: @Sendable (Duration) async throws -> Void

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let method = request.method.rawValue
        let routes = [request.uri.path] + (context.endpointPath.map { [DelayMiddleware.colonStyle($0)] } ?? [])
        guard let fault = faults.take(method: method, paths: routes) else { return try await next(request, context) }
        switch fault.action {
        case .delay(let delay):
            try await pause(delay)
            return try await next(request, context)
        case .status(let code, let retryAfter):
            // Read what the client sends first, so one that writes its whole body before
            // reading the answer does not stall.
            for try await _ in request.body {}
            let status = Self.status(code)
            let message = status.reasonPhrase.isEmpty ? "Error \(status.code)" : status.reasonPhrase
            var response = SandboxResponse.json(status, .map([("message", .string(message))]))
            if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        case .reset:
            try await context.resetConnection()
            // Nothing reaches the client; this only ends the request.
            throw CancellationError()
        case .closeMidBody:
            let (response, body) = try await Self.collect(try await next(request, context))
            let half = body.getSlice(at: body.readerIndex, length: body.readableBytes / 2) ?? ByteBuffer()
            return Self.replacing(response, length: body.readableBytes) { writer in
                try await writer.write(half)
                // Ending the body early is an error for Hummingbird, which then closes the
                // connection without completing the response.
                throw FaultClosedConnection()
            }
        case .trickle(let gap):
            let (response, body) = try await Self.collect(try await next(request, context))
            let pause = self.pause
            return Self.replacing(response, length: body.readableBytes) { writer in
                var rest = body
                var first = true
                while let byte = rest.readSlice(length: 1) {
                    if !first { try await pause(gap) }
                    first = false
                    try await writer.write(byte)
                }
                try await writer.finish(nil)
            }
        }
    }

    /// The status with its reason phrase when it is a common one.
    private static func status(_ code: Int) -> HTTPResponse.Status {
        let known: [HTTPResponse.Status] = [
            .badRequest, .unauthorized, .forbidden, .notFound, .conflict, .preconditionFailed,
            .contentTooLarge, .tooManyRequests, .internalServerError, .notImplemented, .badGateway,
            .serviceUnavailable, .gatewayTimeout,
        ]
        return known.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }

    /// A response's body, read whole, and the response without it.
    private static func collect(_ response: Response) async throws -> (Response, ByteBuffer) {
        let collector = BodyCollector()
        var response = response
        let body = response.body
        try await body.write(collector)
        response.body = ResponseBody()
        return (response, collector.buffer)
    }

    private static func replacing(
        _ response: Response,
        length: Int,
        _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    ) -> Response {
        var response = response
        response.body = ResponseBody(contentLength: length, write)
        return response
    }
}

/// Thrown to end a response body early (``SandboxFault/Action/closeMidBody``).
struct FaultClosedConnection: Error {}

/// The faults and how many more requests each applies to, shared by every connection.
final class FaultSchedule: Sendable {
    private let faults: [SandboxFault]
    private let remaining: Mutex<[Int?]>

    init(_ faults: [SandboxFault]) {
        self.faults = faults
        remaining = Mutex(faults.map(\.count))
    }

    /// The first fault for this request that is not used up, counting it as used once more.
    func take(method: String, paths: [String]) -> SandboxFault? {
        remaining.withLock { remaining in
            for (index, fault) in faults.enumerated() {
                let parts = fault.route.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, parts[0] == "*" || parts[0] == method, paths.contains(String(parts[1])) else {
                    continue
                }
                switch remaining[index] {
                case nil: return fault
                case let left? where left > 0:
                    remaining[index] = left - 1
                    return fault
                default: continue
                }
            }
            return nil
        }
    }
}

/// Gathers a response body in memory.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension SandboxRequestContext {
    /// Closes the request's connection with a TCP reset (`SO_LINGER` of zero), as a crashed
    /// server or a proxy dropping the connection does.
    func resetConnection() async throws {
        guard let channel else { return }
        try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        try? await channel.close().get()
    }
}
