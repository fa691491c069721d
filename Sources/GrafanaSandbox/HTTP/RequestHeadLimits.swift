import GFSValue
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Limits on a request's URL and headers (``SandboxConfiguration/maximumHeaderSize``).
///
/// Grafana serves through Go's `net/http` with no `MaxHeaderBytes` of its own
/// (`pkg/api/http_server.go` `Run` builds `http.Server{Addr, Handler}`), so Go's
/// `DefaultMaxHeaderBytes`, 1 MiB, bounds the request line and headers together, and Go answers
/// a request over it with 431. The sandbox keeps that bound and answers in JSON: 414 when the
/// URL alone is over it, 431 when the headers are. The HTTP parser's own limits are set higher
/// (``parserLimit(for:)``), so requests up to there are answered here in JSON; beyond it the
/// parser refuses them with Hummingbird's bare 400 and closes the connection.
struct RequestHeadLimitMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let limit: Int

    /// The parser's limit on header bytes for a sandbox whose limit is `limit`: room for one
    /// header block past the limit, so the sandbox sees it and answers 431 itself.
    static func parserLimit(for limit: Int) -> Int { limit * 2 + 64 * 1024 }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let urlSize = request.uri.description.utf8.count
        if urlSize > limit {
            throw refusal(.uriTooLong, "URL too long: \(urlSize) bytes, the limit is \(limit) bytes", urlSize)
        }
        // Counted as Go counts them on the wire: `Name: value` and CRLF per field.
        let headerSize =
            urlSize + request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        if headerSize > limit {
            throw refusal(
                .requestHeaderFieldsTooLarge,
                "Request header fields too large: \(headerSize) bytes, the limit is \(limit) bytes",
                headerSize
            )
        }
        return try await next(request, context)
    }

    private func refusal(_ status: HTTPResponse.Status, _ message: String, _ size: Int) -> GrafanaError {
        GrafanaError(
            status: status,
            body: .map([("message", .string(message)), ("size", .int(Int64(size))), ("limit", .int(Int64(limit)))])
        )
    }
}

/// Answers a request head the HTTP parser refused as too large (past
/// ``RequestHeadLimitMiddleware/parserLimit(for:)``) with the same 431 and JSON body as
/// below that point, instead of Hummingbird's bare 400.
///
/// The parser stops at its limit, so the router never sees the request: this handler sits
/// after the HTTP codec, catches the parser's `headerOverflow`, writes the answer as bytes
/// straight below the HTTP encoder (no response head was begun), half-closes the connection
/// so the client reads the answer before the end of the stream, and drops the rest of the
/// head as it arrives. Go's `net/http` also answers 431 here, whatever the size.
final class HeaderOverflowHandler: ChannelInboundHandler, RemovableChannelHandler {
    // Requests pass through unread.
    typealias InboundIn = Never

    let limit: Int
    let parserLimit: Int
    private var answered = false

    init(limit: Int) {
        self.limit = limit
        self.parserLimit = RequestHeadLimitMiddleware.parserLimit(for: limit)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered { return }  // The decoder's later complaints about the rest of the head.
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow,
            let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let body = Value.map([
            (
                "message",
                .string("Request header fields too large: over \(parserLimit) bytes, the limit is \(limit) bytes")
            ),
            ("limit", .int(Int64(limit))),
        ]).compactJSON
        let head = [
            "HTTP/1.1 431 Request Header Fields Too Large",
            "Content-Type: application/json",
            "Content-Length: \(body.utf8.count)",
            "Connection: close",
            "Cache-Control: no-store",
            "X-Content-Type-Options: nosniff",
            "X-Frame-Options: deny",
            "X-Xss-Protection: 1; mode=block",
        ]
        let bytes = ByteBuffer(string: head.joined(separator: "\r\n") + "\r\n\r\n" + body)
        // The few hundred bytes go out at the flush, before the half-close.
        encoder.writeAndFlush(NIOAny(bytes), promise: nil)
        context.close(mode: .output, promise: nil)
    }
}
