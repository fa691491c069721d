import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A one-route-fits-all HTTP server on 127.0.0.1 and a free port, for testing the real
/// transport: it records each request and answers with what `respond` returns; a nil
/// answer means "never answer" (for timeouts).
///
/// With a ``TLSIdentity`` it speaks HTTPS instead, so tests can check certificate
/// verification, `--cacert` and `--insecure` over a real handshake.
public final class CannedHTTPServer: Sendable {
    /// One request as the server received it.
    public struct Recorded: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(String, String)]
        public var body: String

        /// The first value of a header, matched without regard to case.
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// Decides the answer to a request: a status and a JSON body, or nil for no answer.
    public typealias Responder = @Sendable (Recorded) -> (status: Int, body: String)?

    private let channel: any Channel
    private let log = NIOLockedValueBoxShim<[Recorded]>([])
    private let accepted = NIOLockedValueBoxShim<[Int]>([])
    /// The port the server listens on.
    public let port: Int

    /// Every request received so far, in order.
    public var requests: [Recorded] { log.value }
    /// How many TCP connections the server accepted.
    public var connectionCount: Int { accepted.value.count }

    /// Starts a server; with `tls` it serves HTTPS with that certificate and key.
    public init(tls: TLSIdentity? = nil, respond: @escaping Responder) async throws {
        let log = self.log
        let accepted = self.accepted
        let sslContext = try tls.map { identity in
            try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(identity.certificateFile).map {
                        .certificate($0)
                    },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: identity.privateKeyFile, format: .pem))
                )
            )
        }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.append(1)
                do {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(log: log, respond: respond))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening.
    public func close() async throws {
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
                    method: head.method.rawValue,
                    uri: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) },
                    body: String(buffer: body)
                )
                log.append(request)
                guard let (status, text) = respond(request) else { return }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(text.utf8.count))
                let responseHead = HTTPResponseHead(
                    version: head.version,
                    status: HTTPResponseStatus(statusCode: status),
                    headers: headers
                )
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        /// A client that rejects the certificate aborts the handshake; that is the point of
        /// some tests, so the connection is just closed.
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

/// A lock-protected value.
final class NIOLockedValueBoxShim<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }

    func append<Element>(_ element: Element) where Value == [Element] {
        lock.withLock { stored.append(element) }
    }
}
