import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A one-route-fits-all HTTP server on 127.0.0.1 and a free port, for testing the real
/// transport: it records each request and answers with what `respond` returns; a nil
/// answer means "never answer" (for timeouts). A `script` can misbehave as servers and
/// proxies do: reset the connection, close it in the middle of a body, trickle a body a byte
/// at a time (see ``Answer``).
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

    /// How the server treats one request.
    public enum Answer: Sendable {
        /// A complete answer: status, extra headers (such as `Retry-After`) and a JSON body.
        case respond(status: Int, headers: [(String, String)] = [], body: String)
        /// No answer at all; the connection stays open.
        case silence
        /// The connection is reset (TCP RST) without an answer.
        case reset
        /// The head and the first `bytes` bytes of the body are sent, then the connection closes.
        case closeMidBody(status: Int, body: String, bytes: Int)
        /// The head is sent, then the body one byte every `interval`.
        case trickle(status: Int, body: String, interval: Duration)
    }

    /// Decides how to treat a request, given it and its 0-based position among all requests.
    public typealias Script = @Sendable (Recorded, Int) -> Answer

    private let channel: any Channel
    private let log = NIOLockedValueBoxShim<[Recorded]>([])
    private let accepted = NIOLockedValueBoxShim<[Int]>([])
    private let bodyBytes = NIOLockedValueBoxShim<[Int]>([])
    /// The port the server listens on.
    public let port: Int

    /// Every request received so far, in order.
    public var requests: [Recorded] { log.value }
    /// How many TCP connections the server accepted.
    public var connectionCount: Int { accepted.value.count }
    /// How many body bytes of trickled or cut-off answers have been written so far.
    public var partialBodyBytesSent: Int { bodyBytes.value.count }

    /// Starts a server; with `tls` it serves HTTPS with that certificate and key.
    public convenience init(tls: TLSIdentity? = nil, respond: @escaping Responder) async throws {
        try await self.init(tls: tls) { request, _ in
            guard let (status, body) = respond(request) else { return .silence }
            return .respond(status: status, body: body)
        }
    }

    /// Starts a server that treats each request as `script` says.
    public init(tls: TLSIdentity? = nil, script: @escaping Script) async throws {
        let log = self.log
        let accepted = self.accepted
        let bodyBytes = self.bodyBytes
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
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(log: log, bodyBytes: bodyBytes, script: script)
                    )
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Returns once at least `count` body bytes of trickled or cut-off answers have been
    /// written: an event to wait on rather than a duration.
    public func waitForPartialBody(bytes count: Int) async throws {
        while partialBodyBytesSent < count {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops listening.
    public func close() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let log: NIOLockedValueBoxShim<[Recorded]>
        let bodyBytes: NIOLockedValueBoxShim<[Int]>
        let script: Script
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(log: NIOLockedValueBoxShim<[Recorded]>, bodyBytes: NIOLockedValueBoxShim<[Int]>, script: @escaping Script)
        {
            self.log = log
            self.bodyBytes = bodyBytes
            self.script = script
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
                let index = log.appendReturningIndex(request)
                answer(script(request, index), to: head, context: context)
            }
        }

        func answer(_ answer: Answer, to head: HTTPRequestHead, context: ChannelHandlerContext) {
            switch answer {
            case .silence:
                return
            case .respond(let status, let extra, let text):
                writeHead(
                    status: status,
                    length: text.utf8.count,
                    extra: extra,
                    version: head.version,
                    context: context
                )
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .reset:
                // SO_LINGER with a zero timeout makes close() send RST instead of FIN. On the
                // event loop the option is set at once, before the close below.
                _ = (context.channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                context.close(promise: nil)
            case .closeMidBody(let status, let text, let count):
                let bytes = Array(text.utf8)
                writeHead(status: status, length: bytes.count, extra: [], version: head.version, context: context)
                let sent = Array(bytes.prefix(count))
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: sent)))), promise: nil)
                for _ in sent { bodyBytes.append(1) }
                context.close(promise: nil)
            case .trickle(let status, let text, let interval):
                let bytes = Array(text.utf8)
                writeHead(status: status, length: bytes.count, extra: [], version: head.version, context: context)
                context.flush()
                trickle(bytes[...], every: interval, context: context)
            }
        }

        func writeHead(
            status: Int,
            length: Int,
            extra: [(String, String)],
            version: HTTPVersion,
            context: ChannelHandlerContext
        ) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(length))
            for (name, value) in extra { headers.add(name: name, value: value) }
            let responseHead = HTTPResponseHead(
                version: version,
                status: HTTPResponseStatus(statusCode: status),
                headers: headers
            )
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        }

        /// Writes one byte, then schedules the rest; stops when the client has gone.
        func trickle(_ bytes: ArraySlice<UInt8>, every interval: Duration, context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            guard let byte = bytes.first else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: [byte])))), promise: nil)
            bodyBytes.append(1)
            let (seconds, attoseconds) = interval.components
            let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            context.eventLoop.assumeIsolated().scheduleTask(in: amount) {
                self.trickle(bytes.dropFirst(), every: interval, context: context)
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

    /// Appends and returns the element's index, in one step.
    func appendReturningIndex<Element>(_ element: Element) -> Int where Value == [Element] {
        lock.withLock {
            stored.append(element)
            return stored.count - 1
        }
    }
}
