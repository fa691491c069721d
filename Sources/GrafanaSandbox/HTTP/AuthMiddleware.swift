import Foundation
import HTTPTypes
import Hummingbird

/// Authenticates every request and decides the org it acts in, as Grafana's authn service
/// does (`pkg/services/authn/authnimpl/service.go`, `pkg/services/authn/clients/*.go`).
///
/// - Basic auth: a user's login or email and password; `api_key:<token>` is a token.
/// - `Authorization: Bearer <token>`: a service-account token (`glsa_…`) or a legacy key.
/// - Org: `targetOrgId` query, else `X-Grafana-Org-Id`, non-numeric meaning unset
///   (`orgIDFromRequest`); users without one act in their current org, tokens in their own,
///   and a token asked to act in another org fails with `api-key.organization-mismatch`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let store: SandboxStore
    let version: GrafanaVersion

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        // `/api/health` is answered by a middleware in front of authentication
        // (`pkg/api/http_server.go` `apiHealthHandler`); `/healthz` likewise.
        if Self.isUnauthenticatedRoute(path: path, method: request.method) {
            return try await next(request, context)
        }
        // A snapshot's key is its credential: `pkg/api/api.go` registers
        // `GET /api/snapshots/:key` with no sign-in middleware, so a caller without
        // credentials gets it; one with credentials is still checked as everywhere else.
        if request.method == .get, request.headers[.authorization] == nil, Self.isSnapshotByKey(path) {
            return try await next(request, context)
        }
        var context = context
        do {
            context.identity = try await authenticate(request)
        } catch let error as GrafanaError where error.status == .unauthorized && !Self.isAPIRequest(path) {
            // Outside `/api`, `notAuthorized` redirects to the login page instead
            // (`pkg/middleware/auth.go`).
            var headers = HTTPFields()
            headers[.location] = "/login"
            return Response(status: .found, headers: headers)
        }
        if let identity = context.identity, let redirect = try await orgRedirect(request, identity: identity) {
            return redirect
        }
        return try await next(request, context)
    }

    /// `pkg/middleware/org_redirect.go` `OrgRedirect`: a signed-in user sending `?orgId=N` for
    /// another org is switched to it persistently and sent back to the same URL with a 302; if
    /// the switch fails (not a member), API requests get `{"message":"Not found"}` (404).
    /// The Location is Grafana's `AppURL` + path + re-encoded query; the sandbox's AppURL is
    /// the address the request came to (inferred from the `Host` header).
    private func orgRedirect(_ request: Request, identity: Identity) async throws -> Response? {
        guard identity.isUser, let orgID = Int64(request.query("orgId")), orgID != 0, orgID != identity.orgID else {
            return nil
        }
        let switched = try await store.write { state -> Bool in
            guard state.membership(orgID: orgID, userID: identity.userID) != nil,
                let index = state.userIndex(identity.userID)
            else { return false }
            state.users[index].currentOrgID = orgID
            return true
        }
        guard switched else {
            if Self.isAPIRequest(request.uri.path) { throw GrafanaError.routeNotFound }
            return SandboxResponse.raw(.notFound, "Not Found\n", contentType: "text/plain; charset=utf-8")
        }
        // `url.Values.Encode`: keys sorted, values percent-encoded.
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            .sorted { $0.0 < $1.0 }
            .map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }
            .joined(separator: "&")
        let host = request.head.authority ?? "localhost:3000"
        var headers = HTTPFields()
        headers[.location] = "http://\(host)\(request.uri.path)?\(query)"
        return Response(status: .found, headers: headers)
    }

    /// `url.QueryEscape`: letters, digits and `-_.~` stay, space becomes `+`.
    private static func formEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): result += "+"
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (byte < 16 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func isUnauthenticatedRoute(path: String, method: HTTPRequest.Method) -> Bool {
        (method == .get || method == .head) && (normalised(path) == "/api/health" || normalised(path) == "/healthz")
    }

    /// `/api/snapshots/KEY`, the one snapshot route open to callers without credentials.
    static func isSnapshotByKey(_ path: String) -> Bool {
        let segments = normalised(path).split(separator: "/")
        return segments.count == 3 && segments[0] == "api" && segments[1] == "snapshots"
    }

    /// `ReqContext.IsApiRequest`: the path starts with `/api`.
    static func isAPIRequest(_ path: String) -> Bool { path.hasPrefix("/api") }

    private static func normalised(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    // MARK: Credentials

    private enum Credentials {
        case password(login: String, password: String)
        case token(String)
    }

    private func authenticate(_ request: Request) async throws -> Identity {
        let requestedOrg = Self.requestedOrgID(request)
        guard let header = request.headers[.authorization], !header.isEmpty else {
            throw GrafanaError.unauthenticated
        }
        switch try Self.credentials(from: header) {
        case .password(let login, let password):
            return try await authenticateUser(login: login, password: password, requestedOrg: requestedOrg)
        case .token(let token):
            return try await authenticateToken(token, requestedOrg: requestedOrg)
        }
    }

    private static func credentials(from header: String) throws -> Credentials {
        if header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst("Bearer ".count))
            guard !token.isEmpty else { throw GrafanaError.unauthenticated }
            return .token(token)
        }
        if header.hasPrefix("Basic ") {
            // `util.DecodeBasicAuthHeader`; a header that does not decode is
            // `basic-auth.invalid-header` "Invalid Basic Auth Header" (`clients/basic.go`,
            // declared `StatusBadRequest`).
            guard let data = Data(base64Encoded: String(header.dropFirst("Basic ".count))),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw GrafanaError.middleware(
                    .badRequest,
                    messageID: "basic-auth.invalid-header",
                    message: "Invalid Basic Auth Header"
                )
            }
            let login = String(text[..<colon])
            let password = String(text[text.index(after: colon)...])
            // `getTokenFromRequest`: basic auth with user `api_key` carries a token.
            if login == "api_key" { return .token(password) }
            return .password(login: login, password: password)
        }
        // No client recognises the header: `auth.unauthorized`.
        throw GrafanaError.unauthenticated
    }

    /// `targetOrgId` query, else `X-Grafana-Org-Id`; 0 when absent or not a number.
    static func requestedOrgID(_ request: Request) -> Int64 {
        if let query = request.uri.queryParameters["targetOrgId"], let id = Int64(query) { return id }
        if let header = request.headers[HTTPField.Name("X-Grafana-Org-Id")!], let id = Int64(header) { return id }
        return 0
    }

    // MARK: Users

    private func authenticateUser(login: String, password: String, requestedOrg: Int64) async throws -> Identity {
        // `clients/password.go`: an empty password is `password-auth.empty`, any other failure of
        // the password clients (unknown user, wrong password, disabled user) is wrapped as
        // `password-auth.failed`; on the wire both are 401 (fixture `bad-basic-auth.401.json`).
        guard !password.isEmpty else {
            throw GrafanaError.middleware(
                .unauthorized,
                messageID: "password-auth.empty",
                message: "Invalid username or password"
            )
        }
        let now = store.now()
        return try await store.write(persist: false) { state in
            guard let found = state.user(loginOrEmail: login),
                KeyGenerator.hash(password, salt: found.salt) == found.passwordHash, !found.isDisabled,
                let index = state.userIndex(found.id)
            else { throw GrafanaError.badPassword }
            state.users[index].lastSeen = now
            let user = state.users[index]
            let orgID = requestedOrg != 0 ? requestedOrg : user.currentOrgID
            // A user asking for an org they do not belong to gets no role there (inferred:
            // the signed-in-user query joins `org_user`, which has no row, so RBAC grants nothing).
            let role = state.role(of: user.id, in: orgID) ?? .none
            return Identity(
                kind: .user,
                userID: user.id,
                login: user.login,
                orgID: orgID,
                orgRole: role,
                isServerAdmin: user.isServerAdmin
            )
        }
    }

    // MARK: Tokens (clients/api_key.go)

    private func authenticateToken(_ token: String, requestedOrg: Int64) async throws -> Identity {
        let allowPlainKeys = version.plainKeysAuthenticate
        let now = store.now()
        return try await store.write(persist: false) { state in
            let key: StoredAPIKey
            if token.hasPrefix("gl") {
                guard let secret = KeyGenerator.decodeServiceAccountToken(token),
                    let found = state.apiKeys.first(where: {
                        $0.serviceAccountID != nil && $0.secretHash == KeyGenerator.hash(secret, salt: "glsa")
                    })
                else { throw GrafanaError.invalidAPIKey }
                key = found
            } else {
                // `getFromTokenLegacy`: decode, look the key up by name and org, compare hashes.
                guard let decoded = KeyGenerator.decodeLegacyKey(token),
                    let found = state.apiKeys.first(where: {
                        $0.serviceAccountID == nil && $0.orgID == decoded.orgID && $0.name == decoded.name
                    }),
                    found.secretHash == KeyGenerator.hash(decoded.secret, salt: found.name)
                else { throw GrafanaError.invalidAPIKey }
                key = found
            }
            // `validateApiKey`: expiry, then revocation, then the org.
            if let expires = key.expires, expires <= now { throw GrafanaError.expiredAPIKey }
            if key.isRevoked { throw GrafanaError.revokedAPIKey }
            let orgID = requestedOrg == 0 ? key.orgID : requestedOrg
            if orgID != key.orgID { throw GrafanaError.organizationMismatch }
            if let index = state.apiKeys.firstIndex(where: { $0.id == key.id }) {
                state.apiKeys[index].lastUsed = now
            }
            guard let accountID = key.serviceAccountID else {
                // PR grafana/grafana#105998: from 12.x only keys owned by a service account work.
                guard allowPlainKeys else { throw GrafanaError.invalidAPIKey }
                return Identity(
                    kind: .apiKey(keyID: key.id),
                    userID: 0,
                    login: "api-key:\(key.name)",
                    orgID: key.orgID,
                    orgRole: key.role,
                    isServerAdmin: false
                )
            }
            // A service account acts with its own org role (`FetchSyncedUser`); a disabled one
            // cannot sign in (inferred from the user sync, which rejects disabled identities).
            guard let account = state.user(accountID), !account.isDisabled else {
                throw GrafanaError.invalidAPIKey
            }
            return Identity(
                kind: .serviceAccount(tokenID: key.id),
                userID: account.id,
                login: account.login,
                orgID: key.orgID,
                orgRole: state.role(of: account.id, in: key.orgID) ?? .none,
                isServerAdmin: false
            )
        }
    }
}
