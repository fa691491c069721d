import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A one-route-fits-all HTTP server on 127.0.0.1 and a free port, for testing the real
/// transport: it records each request and answers with what `respond` returns; a nil
/// answer means "never answer" (for timeouts).
final class CannedHTTPServer: Sendable {
    struct Recorded: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: String
        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    typealias Responder = @Sendable (Recorded) -> (status: Int, body: String)?

    private let channel: any Channel
    private let log = NIOLockedValueBoxShim<[Recorded]>([])
    private let accepted = NIOLockedValueBoxShim<[Int]>([])
    let port: Int

    var requests: [Recorded] { log.value }
    /// How many TCP connections the server accepted.
    var connectionCount: Int { accepted.value.count }

    init(respond: @escaping Responder) async throws {
        let log = self.log
        let accepted = self.accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.append(1)
                return channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func close() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let log: NIOLockedValueBoxShim<[Recorded]>
        let respond: Responder
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(log: NIOLockedValueBoxShim<[Recorded]>, respond: @escaping Responder) {
            self.log = log
            self.respond = respond
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = Recorded(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: String(buffer: body))
                log.append(request)
                guard let (status, text) = respond(request) else { return }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(text.utf8.count))
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

/// A lock-protected value (NIOConcurrencyHelpers is not a test dependency).
final class NIOLockedValueBoxShim<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func append<Element>(_ element: Element) where Value == [Element] {
        lock.withLock { stored.append(element) }
    }
}
