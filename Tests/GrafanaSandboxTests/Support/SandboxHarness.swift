import Foundation
import GFSValue
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import GrafanaSandbox

/// Credentials for a request, rendered into an `Authorization` header.
enum Credential: Sendable {
    case none
    case basic(String, String)
    case bearer(String)
    case raw(String)

    static let admin = Credential.basic("admin", "admin")

    var header: String? {
        switch self {
        case .none: nil
        case .basic(let user, let password): "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case .bearer(let token): "Bearer " + token
        case .raw(let value): value
        }
    }
}

/// One answer from the sandbox, with its body as text and as JSON.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    /// The body parsed as JSON; `nil` when it is not JSON.
    var json: Value? { try? Value(json: text) }

    subscript(key: String) -> Value? { json?[key] }

    var contentType: String? { headers[.contentType] }
}

/// A client for the in-process router (HummingbirdTesting `.router`) or a live port
/// (HummingbirdTesting's plain `TestClient`, a raw HTTP/1.1 client).
struct SandboxClient: Sendable {
    typealias Transport =
        @Sendable (String, HTTPRequest.Method, HTTPFields, ByteBuffer?) async throws
        -> (HTTPResponse.Status, HTTPFields, ByteBuffer)

    let transport: Transport

    init(client: any TestClientProtocol) {
        transport = { uri, method, headers, body in
            let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
            return (response.status, response.headers, response.body)
        }
    }

    init(live client: TestClient) {
        transport = { uri, method, headers, body in
            let response = try await client.execute(.init(uri, method: method, headers: headers, body: body))
            return (response.status, response.headers, response.body ?? ByteBuffer())
        }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        as credential: Credential = .admin,
        orgID: String? = nil,
        body: String? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> Reply {
        var headers = HTTPFields()
        if let value = credential.header { headers[.authorization] = value }
        if let orgID { headers[HTTPField.Name("X-Grafana-Org-Id")!] = orgID }
        if body != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let (status, fields, buffer) = try await transport(path, method, headers, body.map { ByteBuffer(string: $0) })
        return Reply(status: status, headers: fields, text: String(buffer: buffer))
    }

    func get(_ path: String, as credential: Credential = .admin, orgID: String? = nil) async throws -> Reply {
        try await send(.get, path, as: credential, orgID: orgID)
    }

    func post(_ path: String, _ body: String? = nil, as credential: Credential = .admin, orgID: String? = nil)
        async throws -> Reply
    {
        try await send(.post, path, as: credential, orgID: orgID, body: body)
    }

    func put(_ path: String, _ body: String? = nil, as credential: Credential = .admin, orgID: String? = nil)
        async throws -> Reply
    {
        try await send(.put, path, as: credential, orgID: orgID, body: body)
    }

    func patch(_ path: String, _ body: String? = nil, as credential: Credential = .admin, orgID: String? = nil)
        async throws -> Reply
    {
        try await send(.patch, path, as: credential, orgID: orgID, body: body)
    }

    func delete(_ path: String, as credential: Credential = .admin, orgID: String? = nil) async throws -> Reply {
        try await send(.delete, path, as: credential, orgID: orgID)
    }
}

/// Runs `body` against a fresh sandbox router, in process.
func withSandbox(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    _ body: @Sendable (SandboxClient) async throws -> Void
) async throws {
    let router = try buildRouter(configuration: configuration)
    let application = Application(router: router)
    try await application.test(.router) { client in try await body(SandboxClient(client: client)) }
}

/// Runs `body` against a fresh sandbox router, with direct access to its store for set-ups
/// that no route can make (plugin-owned dashboards, read-only data sources).
func withSandboxStore(
    _ configuration: SandboxConfiguration = SandboxConfiguration(),
    _ body: @Sendable (SandboxStore, SandboxClient) async throws -> Void
) async throws {
    let store = try SandboxStore(configuration: configuration)
    let application = Application(router: buildRouter(store: store, configuration: configuration))
    try await application.test(.router) { client in try await body(store, SandboxClient(client: client)) }
}

/// Runs `body` against a sandbox served on a free port by ``SandboxServer``.
func withLiveSandbox(
    _ configuration: SandboxConfiguration = SandboxConfiguration(port: 0),
    _ body: @escaping @Sendable (SandboxServer, SandboxClient) async throws -> Void
) async throws {
    let server = SandboxServer(configuration: configuration)
    try await server.start()
    do {
        let port = try #require(server.port)
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await body(server, SandboxClient(live: client))
        }
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// The sandbox configuration for an emulated version.
func profile(_ version: String) -> SandboxConfiguration {
    SandboxConfiguration(grafanaVersion: GrafanaVersion(version)!)
}

/// Reads a copied Grafana fixture (`Resources/fixtures`).
enum Fixture {
    static func text(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Resources/fixtures/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func json(_ name: String) throws -> Value {
        try Value(json: try text(name))
    }

    static func resource(_ path: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Resources/\(path)", withExtension: nil))
        return try Data(contentsOf: url)
    }
}

// MARK: Common steps

extension SandboxClient {
    /// Creates a user through the admin API and returns its id.
    @discardableResult
    func createUser(_ login: String, password: String = "secret123", email: String? = nil) async throws -> Int64 {
        let reply = try await post(
            "/api/admin/users",
            #"{"login":"\#(login)","password":"\#(password)","email":"\#(email ?? login + "@example.com")","name":"\#(login)"}"#
        )
        #expect(reply.status == .ok, "create user \(login): \(reply.text)")
        return try #require(reply["id"]?.integerValue)
    }

    /// Sets the role in org 1 of a user created by ``createUser`` (who joined it as Viewer,
    /// Grafana's `auto_assign_org` default).
    func setMainOrgRole(_ userID: Int64, _ role: String) async throws {
        let reply = try await patch("/api/orgs/1/users/\(userID)", #"{"role":"\#(role)"}"#)
        #expect(reply.status == .ok, "set role: \(reply.text)")
    }

    /// Creates an org and returns its id.
    func createOrg(_ name: String, as credential: Credential = .admin) async throws -> Int64 {
        let reply = try await post("/api/orgs", #"{"name":"\#(name)"}"#, as: credential)
        #expect(reply.status == .ok, "create org: \(reply.text)")
        return try #require(reply["orgId"]?.integerValue)
    }

    /// Creates a service account with a role in the request's org and a token for it.
    func serviceAccountToken(role: String = "Admin", name: String = "robot", orgID: String? = nil) async throws
        -> String
    {
        let account = try await post("/api/serviceaccounts", #"{"name":"\#(name)","role":"\#(role)"}"#, orgID: orgID)
        #expect(account.status == .created, "create SA: \(account.text)")
        let id = try #require(account["id"]?.integerValue)
        let token = try await post("/api/serviceaccounts/\(id)/tokens", #"{"name":"\#(name)-token"}"#, orgID: orgID)
        #expect(token.status == .ok, "create token: \(token.text)")
        return try #require(token["key"]?.stringValue)
    }
}

/// Asserts the RBAC 403 body with the permission named (fixture `rbac-denied.403.json`, whose
/// `accessErrorId` is random).
func expectAccessDenied(_ reply: Reply, _ evaluator: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == .forbidden, sourceLocation: sourceLocation)
    #expect(reply["title"] == "Access denied", sourceLocation: sourceLocation)
    #expect(
        reply["message"]
            == .string("You'll need additional permissions to perform this action. Permissions needed: \(evaluator)"),
        sourceLocation: sourceLocation
    )
    let id = reply["accessErrorId"]?.stringValue ?? ""
    #expect(
        id.count == 13 && id.hasPrefix("ACE") && id.dropFirst(3).allSatisfy(\.isNumber),
        sourceLocation: sourceLocation
    )
    #expect(reply.text.hasSuffix("}\n"), sourceLocation: sourceLocation)
}
