import GFSAllocator
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A Grafana-compatible HTTP server, in process.
///
/// Start one for a test or a `--sandbox` run, read its ``url``, stop it when done:
///
/// ```swift
/// let server = SandboxServer(configuration: SandboxConfiguration(port: 0))
/// try await server.start()
/// print("Sandbox listening on \(server.url!)")
/// // … run the script against server.url …
/// await server.stop()
/// ```
///
/// Or serve until SIGINT/SIGTERM, as `gfs sandbox` does, with ``run(onListening:)``.
public final class SandboxServer: Sendable {
    /// The configuration the server was made with.
    public let configuration: SandboxConfiguration

    private let state = SandboxServerState()

    /// A server for `configuration`; nothing is bound until ``start()`` or ``run(onListening:)``.
    public init(configuration: SandboxConfiguration = SandboxConfiguration()) {
        self.configuration = configuration
    }

    /// The base URL once listening, such as `http://127.0.0.1:49321`; `nil` before.
    public var url: String? {
        state.port.map { "http://\(Self.urlHost(configuration.host)):\($0)" }
    }

    /// The port actually bound (useful with port 0); `nil` before listening.
    public var port: Int? { state.port }

    /// Starts serving in the background and returns once the port is bound.
    /// Throws if the state file cannot be read or the port cannot be bound; does nothing if
    /// the server is already running.
    public func start() async throws {
        guard state.port == nil else { return }
        let (application, listening) = try makeApplication(onListening: nil)
        // ``stop()`` shuts the group down gracefully rather than cancelling the task: on
        // cancellation Hummingbird stops taking the connections already accepted, and NIO
        // traps on each one dropped that way ("Deinited NIOAsyncWriter without calling
        // finish()"). Gracefully, the listening socket is closed first and every accepted
        // connection is served or closed; requests still running after a second (a long
        // `delay` or `trickle`) are then cancelled.
        var group = ServiceGroupConfiguration(services: [application], logger: application.logger)
        group.maximumGracefulShutdownDuration = .seconds(1)
        let serviceGroup = ServiceGroup(configuration: group)
        let task = Task {
            do {
                try await serviceGroup.run()
                listening.fail(ServerStopped())
            } catch {
                listening.fail(error)
            }
        }
        state.setRunning((task, serviceGroup))
        do {
            state.setPort(try await listening.wait())
        } catch {
            await stop()
            throw error
        }
    }

    /// Stops a server started with ``start()`` and waits until it has shut down.
    public func stop() async {
        guard let (task, group) = state.takeRunning() else { return }
        await group.triggerGracefulShutdown()
        _ = await task.result
        state.setPort(nil)
    }

    /// Serves until SIGINT or SIGTERM, then shuts down cleanly. `onListening` is called with
    /// the URL once the port is bound (port 0 resolved), e.g. to print it.
    public func run(onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let host = Self.urlHost(configuration.host)
        let (application, _) = try makeApplication { port in onListening("http://\(host):\(port)") }
        // `runService()` defaults to shutting down gracefully on SIGTERM and SIGINT.
        try await application.runService()
    }

    private func makeApplication(onListening: (@Sendable (Int) -> Void)?) throws -> (
        some ApplicationProtocol, ListeningSignal
    ) {
        // Request bodies and saved models of a megabyte and more are mapped apart and returned
        // when freed, as in a dashboard push, rather than growing the heap for good.
        MallocTuning.fixMmapThreshold()
        let router = try buildRouter(configuration: configuration)
        var logger = Logger(label: "gfs.sandbox")
        logger.logLevel = configuration.logLevel
        let listening = ListeningSignal()
        let parserLimit = RequestHeadLimitMiddleware.parserLimit(for: configuration.maximumHeaderSize)
        // Hummingbird's idle timeout counts from the last complete request part, so it also
        // closes a connection whose headers never finish arriving (slowloris).
        let headLimit = configuration.maximumHeaderSize
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HeaderOverflowHandler(limit: headLimit)],
            idleTimeout: configuration.headerTimeout.map { .nanoseconds(Int64($0 / .nanoseconds(1))) },
            httpDecoderConfiguration: .init(maxHeaderFieldSize: parserLimit, maxHeaderListSize: parserLimit)
        )
        let application = Application(
            router: router,
            server: .http1(configuration: http1),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                listening.succeed(port)
                onListening?(port)
            },
            logger: logger
        )
        return (application, listening)
    }

    private static func urlHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}

/// The server finished before it was listening.
struct ServerStopped: Error {}
