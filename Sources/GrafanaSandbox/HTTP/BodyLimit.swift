import GFSValue
import HTTPTypes
import Hummingbird
import NIOCore

/// The request body limit (``SandboxConfiguration/maximumBodySize``, `gfs sandbox --max-body`).
///
/// Grafana itself sets no limit on request bodies (`conf/defaults.ini` `[server]` has none,
/// and `web.Bind` decodes whatever arrives), so the refusal is the sandbox's own: 413 with a
/// JSON body in Grafana's `{"message"}` shape that names the size and the limit. The whole body
/// is read (and dropped past the limit) before answering, so a client that writes its whole
/// body before reading the answer sees the 413 instead of a stalled upload or a reset.
struct RequestBodyTooLarge: Error {
    /// The body's size in bytes.
    var size: Int
    var limit: Int

    var grafanaError: GrafanaError {
        GrafanaError(
            status: .contentTooLarge,
            body: .map([
                ("message", .string("Request body too large: \(size) bytes, the limit is \(limit) bytes")),
                ("size", .int(Int64(size))), ("limit", .int(Int64(limit))),
            ])
        )
    }

    /// Reads `body` whole when it fits in `limit` bytes; otherwise reads the rest without
    /// keeping it, and throws with the full size.
    static func collect(_ body: RequestBody, limit: Int) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        var size = 0
        for try await var part in body {
            size += part.readableBytes
            if size <= limit { buffer.writeBuffer(&part) } else { buffer.clear() }
        }
        guard size <= limit else { throw RequestBodyTooLarge(size: size, limit: limit) }
        return buffer
    }
}

/// Refuses a request whose `Content-Length` is over the limit before any handler or
/// authentication runs, whatever the route.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let limit: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            _ = try? await RequestBodyTooLarge.collect(request.body, limit: 0)
            throw RequestBodyTooLarge(size: declared, limit: limit).grafanaError
        }
        return try await next(request, context)
    }
}
