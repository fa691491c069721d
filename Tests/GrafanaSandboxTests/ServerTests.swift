import Foundation
import GFSValue
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

@testable import GrafanaSandbox

/// The server as `gfs sandbox` and `gfs --sandbox` use it: a real port, stop, restart, state file.
@Suite struct ServerTests {
    @Test func startsOnAFreePortAndTellsItsURL() async throws {
        try await withLiveSandbox { server, client in
            let port = try #require(server.port)
            #expect(port > 0)
            #expect(server.url == "http://127.0.0.1:\(port)")
            let health = try await client.get("/api/health", as: .none)
            #expect(health.status == .ok)
            #expect(health["database"] == "ok")
            #expect(try await client.get("/api/org")["name"] == "Main Org.")
        }
    }

    @Test func stopReleasesThePortAndIsIdempotent() async throws {
        let server = SandboxServer(configuration: SandboxConfiguration(port: 0))
        try await server.start()
        #expect(server.url != nil)
        await server.stop()
        #expect(server.url == nil)
        await server.stop()
    }

    /// `run(onListening:)`, as `gfs sandbox` uses it: it reports the URL once the port is bound,
    /// serves, and returns when its task ends (SIGINT/SIGTERM end it the same way).
    @Test func runReportsItsURLAndServesUntilStopped() async throws {
        let server = SandboxServer(configuration: SandboxConfiguration(port: 0))
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let running = Task { try await server.run { url in continuation.yield(url) } }
        var iterator = urls.makeAsyncIterator()
        let url = try #require(await iterator.next())
        let port = try #require(Int(url.split(separator: ":").last ?? ""))
        #expect(url == "http://127.0.0.1:\(port)" && port > 0)
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let reply = try await SandboxClient(live: client).get("/api/health", as: .none)
            #expect(reply.status == .ok)
        }
        running.cancel()
        _ = await running.result
    }

    @Test func aTakenPortFailsToStart() async throws {
        try await withLiveSandbox { server, _ in
            let port = try #require(server.port)
            let second = SandboxServer(configuration: SandboxConfiguration(port: port))
            await #expect(throws: (any Error).self) { try await second.start() }
        }
    }

    @Test func customAdminCredentials() async throws {
        let configuration = SandboxConfiguration(port: 0, adminUser: "root", adminPassword: "s3cret")
        try await withSandbox(configuration) { client in
            let profile = try await client.get("/api/user", as: .basic("root", "s3cret"))
            #expect(profile["login"] == "root")
            #expect(try await client.get("/api/user", as: .admin).status == .unauthorized)
        }
    }

    @Test func stateFileSurvivesARestartAndIsWrittenWhole() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        var configuration = SandboxConfiguration(port: 0)
        configuration.stateFile = path

        try await withSandbox(configuration) { client in
            _ = try await client.createOrg("persisted")
            let key = try await client.serviceAccountToken()
            #expect(!key.isEmpty)
            try key.write(toFile: directory.appendingPathComponent("token").path, atomically: true, encoding: .utf8)
        }
        let token = try String(contentsOfFile: directory.appendingPathComponent("token").path, encoding: .utf8)
        // Only the state file and our token file: no temporary files left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["state.json", "token"])
        // It holds password and token hashes: only the owner may read it.
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Secrets are stored hashed, never in clear.
        let stored = try String(contentsOfFile: path, encoding: .utf8)
        let secret = String(token.split(separator: "_")[1])
        #expect(!stored.contains(secret))
        #expect(!stored.contains("\"admin\",\"password\""))

        try await withSandbox(configuration) { client in
            let org = try await client.get("/api/orgs/name/persisted")
            #expect(org.status == .ok)
            #expect(try await client.get("/api/org", as: .bearer(token)).status == .ok)
        }
    }

    @Test func unreadableStateFileFailsLoudly() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json").path
        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: StatePersistence.Failure.self) {
            _ = try buildRouter(configuration: SandboxConfiguration(stateFile: path))
        }
    }

    @Test func configuredDelaysHoldTheAnswer() async throws {
        var configuration = SandboxConfiguration(port: 0)
        configuration.delays = ["GET /api/org": .seconds(2), "GET /api/orgs/:orgId": .seconds(3)]
        // The waits are recorded, not timed: a loaded machine cannot make this pass or fail.
        let pauses = Mutex<[Duration]>([])
        configuration.pause = { duration in pauses.withLock { $0.append(duration) } }
        try await withSandbox(configuration) { client in
            _ = try await client.get("/api/org")
            #expect(pauses.withLock { $0 } == [.seconds(2)])
            _ = try await client.get("/api/orgs/1")
            #expect(pauses.withLock { $0 } == [.seconds(2), .seconds(3)])
            _ = try await client.get("/api/user")
            #expect(pauses.withLock { $0 } == [.seconds(2), .seconds(3)])
        }
    }
}

/// Stopping a server while connections keep arriving: every accepted connection is closed,
/// none is dropped half set up (NIO traps on an async channel dropped unfinished), and the
/// clients see answers or refusals, never a hang.
@Suite struct StopUnderLoadTests {
    @Test func stoppingWhileRequestsArriveEndsCleanly() async throws {
        for _ in 1...10 {
            let server = SandboxServer(configuration: SandboxConfiguration(port: 0))
            try await server.start()
            let port = try #require(server.port)
            let (answered, answer) = AsyncStream.makeStream(of: Void.self)
            let clients = (0..<8).map { _ in
                Task {
                    // Until the server is gone: a refused connection ends the loop.
                    while true {
                        do {
                            _ = try await rawExchange(port: port, rawRequest("GET", "/api/org"))
                            answer.yield()
                        } catch let error as RawSocketError where error.step == "connect" {
                            return
                        } catch {}
                    }
                }
            }
            // Stop only once requests are being answered, so some are in flight.
            var iterator = answered.makeAsyncIterator()
            _ = await iterator.next()
            await server.stop()
            #expect(server.url == nil)
            for client in clients { await client.value }
        }
    }
}
