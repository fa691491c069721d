import Foundation
import HTTPTestSupport
import Testing

@testable import GrafanaAPI

/// Both real `http://` transports (and the standard one for `https://`) against a canned local server and against nothing.
@Suite struct LiveTransportTests {
    func client(
        port: Int,
        scheme: String = "http",
        credentials: GrafanaClient.Credentials,
        orgID: Int64? = nil,
        // Generous, as the client's own defaults: a loaded machine must not turn an answer
        // into a timeout. The test that wants a timeout sets a short one.
        timeouts: GrafanaClient.Timeouts = .init(),
        transport: (any HTTPTransport)? = nil
    ) -> GrafanaClient {
        GrafanaClient(
            configuration: .init(
                baseURL: URL(string: "\(scheme)://127.0.0.1:\(port)/sub")!,
                credentials: credentials,
                orgID: orgID,
                timeouts: timeouts
            ),
            transport: transport ?? StandardTransport.shared
        )
    }

    @Test(arguments: PlainTransport.allCases) func sendsHeadersAndBodyAndDecodesTheAnswer(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { request in
            request.uri == "/sub/api/orgs"
                ? (200, #"{"message":"Organization created","orgId":2}"#) : (404, #"{"message":"Not found"}"#)
        }
        let created = try await client(
            port: server.port,
            credentials: .basic(user: "admin", password: "admin"),
            orgID: 1,
            transport: kind.shared
        )
        .createOrg(name: "apiorg").get()
        #expect(created.orgId == 2)
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.uri == "/sub/api/orgs")
        #expect(request.header("Authorization") == "Basic YWRtaW46YWRtaW4=")
        #expect(request.header("X-Grafana-Org-Id") == "1")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.body == #"{"name":"apiorg"}"#)
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func errorStatusComesBackAsGrafanaError(_ kind: PlainTransport)
        async throws
    {
        let server = try await CannedHTTPServer { _ in (409, #"{"message":"Organization name taken","traceID":""}"#) }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(
                port: server.port,
                credentials: .basic(user: "admin", password: "admin"),
                transport: kind.shared
            ).createOrg(
                name: "apiorg"
            )
        }
        #expect(error?.status == 409)
        #expect(error?.message == "Organization name taken")
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func connectionRefusedNamesTheURL(_ kind: PlainTransport) async throws {
        // A socket bound but not listening: connecting is refused, and as long as it stays
        // bound no server of a test running alongside can be given the same port (closing a
        // server and reusing its port raced with them).
        let reserved = try ReservedPort()
        defer { reserved.release() }
        let port = reserved.port
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(port: port, credentials: .bearer("glsa_x_00000000"), transport: kind.shared).orgs()
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.message == "Cannot connect to http://127.0.0.1:\(port)/sub")
        #expect(error?.cause == "connection refused")
    }

    @Test func tlsToAPlainServerIsATLSFailure() async throws {
        let server = try await CannedHTTPServer { _ in (200, "{}") }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(port: server.port, scheme: "https", credentials: .none).health()
        }
        #expect(error?.kind == .tlsFailure)
        try await server.close()
    }

    @Test(arguments: PlainTransport.allCases) func silentServerTimesOut(_ kind: PlainTransport) async throws {
        let server = try await CannedHTTPServer { _ in nil }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await client(
                port: server.port,
                credentials: .none,
                timeouts: .init(connect: .seconds(2), read: .milliseconds(300)),
                transport: kind.shared
            )
            .health()
        }
        #expect(error?.kind == .timeout)
        try await server.close()
    }
}

extension LiveTransportTests {
    @Test(arguments: PlainTransport.allCases) func requestsReuseOneConnectionAndTheTransportShutsDown(
        _ kind: PlainTransport
    ) async throws {
        let server = try await CannedHTTPServer { _ in (200, #"{"database":"ok","version":"11.4.0"}"#) }
        let (transport, shutdown) = kind.make()
        let client = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: "http://127.0.0.1:\(server.port)")!,
                credentials: .basic(user: "admin", password: "admin")
            ),
            transport: transport
        )
        for orgID: Int64 in [1, 2, 3] {
            _ = try await client.with(orgID: orgID).health()
        }
        #expect(server.requests.map { $0.header("X-Grafana-Org-Id") } == ["1", "2", "3"])
        #expect(server.connectionCount == 1)
        try await shutdown()
        try await server.close()
    }
}

extension LiveTransportTests {
    /// `.invalid` never resolves (RFC 6761), so this needs no network.
    @Test(arguments: PlainTransport.allCases) func unknownHostIsReportedAsSuch(_ kind: PlainTransport) async throws {
        let client = GrafanaClient(
            configuration: .init(baseURL: URL(string: "http://gfs-test.invalid:3000")!),
            transport: kind.shared
        )
        let error = await #expect(throws: GrafanaError.self) { _ = try await client.health() }
        #expect(error?.kind == .hostNotFound)
        #expect(error?.cause == "host 'gfs-test.invalid' not found")
        #expect(
            error?.description
                == "Check health failed: Cannot connect to http://gfs-test.invalid:3000 (host 'gfs-test.invalid' not found, GET /api/health)"
        )
    }
}

extension LiveTransportTests {
    @Test(arguments: PlainTransport.allCases) func cancellingTheTaskThrowsCancellationError(_ kind: PlainTransport)
        async throws
    {
        // The server never answers, and says when the request has reached it.
        let (arrivals, arrived) = AsyncStream<Void>.makeStream()
        let server = try await CannedHTTPServer { _ in
            arrived.yield()
            return nil
        }
        let client = client(port: server.port, credentials: .none, transport: kind.shared)
        let task = Task { try await client.health() }
        // Cancel once the request is at the server, however long it took to get there.
        for await _ in arrivals { break }
        #expect(server.requests.count == 1)
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        try await server.close()
    }
}

/// A TCP port on 127.0.0.1 that is bound and not listening, so connections to it are refused.
struct ReservedPort {
    let descriptor: Int32
    let port: Int

    struct Failure: Error {}

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure() }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw Failure()
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() { close(descriptor) }
}
