import GFSValue
import HTTPTypes
import Hummingbird

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
