import Foundation
import GFSValue
import Hummingbird

/// Service accounts and their tokens, `/api/serviceaccounts…`
/// (`pkg/services/serviceaccounts/api/api.go`, `token.go`; errors from
/// `pkg/services/serviceaccounts/models.go`). Accounts live in the request's org.
struct ServiceAccountsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/serviceaccounts/search", use: search)
        router.post("/api/serviceaccounts", use: create)
        router.get("/api/serviceaccounts/:serviceAccountId", use: get)
        router.patch("/api/serviceaccounts/:serviceAccountId", use: update)
        router.delete("/api/serviceaccounts/:serviceAccountId", use: delete)
        router.get("/api/serviceaccounts/:serviceAccountId/tokens", use: listTokens)
        router.post("/api/serviceaccounts/:serviceAccountId/tokens", use: createToken)
        router.delete("/api/serviceaccounts/:serviceAccountId/tokens/:tokenId", use: deleteToken)
    }

    // MARK: Errors (pkg/services/serviceaccounts/models.go)

    static let notFound = GrafanaError.errutil(
        .notFound,
        messageID: "serviceaccounts.ErrNotFound",
        message: "service account not found"
    )
    static let alreadyExists = GrafanaError.errutil(
        .badRequest,
        messageID: "serviceaccounts.ErrAlreadyExists",
        message: "service account already exists"
    )
    static let invalidRole = GrafanaError.errutil(
        .badRequest,
        messageID: "serviceaccounts.ErrInvalidRoleSpecified",
        message: "invalid role specified"
    )
    static let roleForbidden = GrafanaError.errutil(
        .forbidden,
        messageID: "serviceaccounts.ErrRoleForbidden",
        message: "can not assign a role higher than user's role"
    )
    static let tokenExists = GrafanaError.errutil(
        .badRequest,
        messageID: "serviceaccounts.ErrTokenAlreadyExists",
        message: "service account token with given name already exists in the organization"
    )
    static let tokenNotFound = GrafanaError.errutil(
        .notFound,
        messageID: "serviceaccounts.ErrTokenNotFound",
        message: "service account token not found"
    )
    static let invalidExpiration = GrafanaError.errutil(
        .badRequest,
        messageID: "serviceaccounts.ErrInvalidInput",
        message: "invalid SecondsToLive value"
    )
    /// The service-account handlers spell their bind error with a capital B.
    static let badRequestData = GrafanaError.error(.badRequest, "Bad request data", cause: true)
    static let invalidID = GrafanaError.error(.badRequest, "Service Account ID is invalid", cause: true)

    // MARK: Access-control metadata

    /// `getAccessControlMetadata` (`pkg/services/serviceaccounts/api/api.go`): with
    /// `?accesscontrol=true`, each account carries `accessControl`, the caller's actions on
    /// `serviceaccounts:id:<id>` (`accesscontrol.GetResourcesMetadata`). Only org Admins reach
    /// these routes, and they hold them through `fixed:serviceaccounts:writer`
    /// (`pkg/services/serviceaccounts/manager/roles.go`); `serviceaccounts:create` has no scope,
    /// so it is not listed. Without the parameter the field is left out (`omitempty`).
    private func accessControlMetadata(_ request: Request, _ identity: Identity) -> Value? {
        guard request.queryBool("accesscontrol"), identity.orgRole == .admin else { return nil }
        var actions = ["serviceaccounts:read", "serviceaccounts:write", "serviceaccounts:delete"]
        if environment.version.serviceAccountWriterManagesPermissions {
            actions += ["serviceaccounts.permissions:read", "serviceaccounts.permissions:write"]
        }
        return .record(Record(actions.sorted().map { ($0, Value.bool(true)) }))
    }

    private func adding(_ accessControl: Value?, to account: Value) -> Value {
        guard let accessControl, case .record(var object) = account else { return account }
        object["accessControl"] = accessControl
        return .record(object)
    }

    // MARK: Accounts

    /// `CreateServiceAccount`: 201 with `ServiceAccountDTO`. `name` is required; `role`
    /// defaults to Viewer, must be valid and not above the caller's.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsCreate)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: Self.badRequestData)
        let (name, roleText, isDisabled) = try bind(Self.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("name"), try form.string("role"), try form.bool("isDisabled") ?? false)
        }
        var parsedRole = OrgRole.viewer
        if let roleText {
            guard let parsed = OrgRole(grafana: roleText) else { throw Self.invalidRole }
            parsedRole = parsed
        }
        let role = parsedRole
        guard identity.orgRole.includes(role) else { throw Self.roleForbidden }
        let orgID = identity.orgID
        let login = loginFor(name: name, orgID: orgID)
        let json = try await environment.store.write { state in
            guard !state.users.contains(where: { $0.login.lowercased() == login.lowercased() }) else {
                throw Self.alreadyExists
            }
            let now = environment.now()
            let account = StoredUser(
                id: state.allocateUserID(),
                uid: KeyGenerator.shortUID(),
                login: login,
                email: login,
                name: name,
                passwordHash: "",
                salt: "",
                isServerAdmin: false,
                isDisabled: isDisabled,
                isServiceAccount: true,
                currentOrgID: orgID,
                created: now,
                updated: now
            )
            state.users.append(account)
            state.memberships.append(
                StoredMembership(orgID: orgID, userID: account.id, role: role, created: now, updated: now)
            )
            return state.serviceAccountJSON(account)
        }
        return SandboxResponse.json(.created, json)
    }

    /// `generateLogin` (`pkg/services/serviceaccounts/database/store.go`):
    /// `sa-<orgId>-<lowercased name>`, the first `--` collapsed, spaces as dashes. Releases
    /// before 10 used `sa-<name>` (the older store; the switch release is inferred as 10.0).
    private func loginFor(name: String, orgID: Int64) -> String {
        guard environment.version.major >= 10 else {
            return ("sa-" + name.lowercased()).replacingOccurrences(of: " ", with: "-")
        }
        var login = "sa-\(orgID)-\(name.lowercased())"
        if let range = login.range(of: "--") { login.replaceSubrange(range, with: "-") }
        return login.replacingOccurrences(of: " ", with: "-")
    }

    /// `SearchOrgServiceAccountsWithPaging`: `perpage` default 1000, `page` below 1 becomes 1.
    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsRead)
        let perPage = request.queryInt("perpage") > 0 ? request.queryInt("perpage") : 1000
        let page = max(request.queryInt("page"), 1)
        let query = request.query("query").lowercased()
        let onlyDisabled = request.queryBool("disabled")
        let onlyExpired = request.queryBool("expiredTokens")
        let accessControl = accessControlMetadata(request, identity)
        let body = await environment.store.read { state -> Value in
            let now = environment.now()
            let all = state.serviceAccounts(in: identity.orgID).filter { account in
                (query.isEmpty || account.name.lowercased().contains(query)
                    || account.login.lowercased().contains(query))
                    && (!onlyDisabled || account.isDisabled)
                    && (!onlyExpired
                        || state.apiKeys.contains {
                            $0.serviceAccountID == account.id && ($0.expires.map { $0 <= now } ?? false)
                        })
            }
            let slice = all.page(page, size: perPage)
            return .record([
                "totalCount": .int(all.count),
                "serviceAccounts": .list(slice.map { adding(accessControl, to: state.serviceAccountJSON($0)) }),
                "page": .int(page), "perPage": .int(perPage),
            ])
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `RetrieveServiceAccount`: `ServiceAccountProfileDTO`.
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsRead)
        let id = try context.int64Parameter("serviceAccountId", orAnswer: Self.invalidID)
        return try await environment.store.read { state in
            guard let account = state.serviceAccount(id, in: identity.orgID) else { throw Self.notFound }
            let profile = state.serviceAccountProfileJSON(account)
            return SandboxResponse.json(.ok, adding(accessControlMetadata(request, identity), to: profile))
        }
    }

    /// `UpdateServiceAccount`: optional `name`, `role`, `isDisabled`; answers a DynMap with the
    /// profile under `serviceaccount`.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsWrite)
        let id = try context.int64Parameter("serviceAccountId", orAnswer: Self.invalidID)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: Self.badRequestData)
        let (name, roleText, isDisabled) = try bind(Self.badRequestData) { () throws(RequestForm.Failure) in
            (try form.string("name"), try form.string("role"), try form.bool("isDisabled"))
        }
        var parsedRole: OrgRole?
        if let roleText {
            guard let parsed = OrgRole(grafana: roleText) else {
                throw GrafanaError.error(.badRequest, "Invalid role specified", cause: false)
            }
            guard identity.orgRole.includes(parsed) else {
                throw GrafanaError.error(.forbidden, "Cannot assign a role higher than user's role", cause: false)
            }
            parsedRole = parsed
        }
        let role = parsedRole
        let orgID = identity.orgID
        let now = environment.now()
        let accessControl = accessControlMetadata(request, identity)
        let body = try await environment.store.write { state -> Value in
            guard let account = state.serviceAccount(id, in: orgID), let index = state.userIndex(account.id) else {
                throw Self.notFound
            }
            if let name, !name.isEmpty {
                if state.users.contains(where: {
                    $0.id != id && $0.isServiceAccount && $0.currentOrgID == orgID && $0.name == name
                }) {
                    throw Self.alreadyExists
                }
                state.users[index].name = name
            }
            if let isDisabled { state.users[index].isDisabled = isDisabled }
            if let role, let membership = state.memberships.firstIndex(where: { $0.orgID == orgID && $0.userID == id })
            {
                state.memberships[membership].role = role
            }
            state.users[index].updated = now
            let updated = state.users[index]
            return .map([
                ("message", "Service account updated"), ("id", .int(updated.id)), ("name", .string(updated.name)),
                ("serviceaccount", adding(accessControl, to: state.serviceAccountProfileJSON(updated))),
            ])
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `DeleteServiceAccount`: note the lowercase "account" in this handler's id message;
    /// an unknown account is the errutil not-found (`ErrOrFallback`, inferred from 11.x).
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsDelete)
        let id = try context.int64Parameter(
            "serviceAccountId",
            orAnswer: .error(.badRequest, "Service account ID is invalid", cause: true)
        )
        try await environment.store.write { state in
            guard state.serviceAccount(id, in: identity.orgID) != nil else { throw Self.notFound }
            state.deleteUser(id)
        }
        return SandboxResponse.success("Service account deleted")
    }

    // MARK: Tokens

    /// `ListTokens`: `[]TokenDTO`; an unknown account is an empty list (grafana-client
    /// `test_get_tokens_invalid_account`).
    @Sendable func listTokens(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsRead)
        let id = try context.int64Parameter("serviceAccountId", orAnswer: Self.invalidID)
        let now = environment.now()
        let tokens = await environment.store.read { state in
            state.apiKeys.filter { $0.serviceAccountID == id && $0.orgID == identity.orgID }.sorted {
                $0.name < $1.name
            }
        }
        return SandboxResponse.json(
            .ok,
            .list(
                tokens.map { token in
                    let hasExpired = token.expires.map { $0 <= now } ?? false
                    var seconds = 0.0
                    // `secondsUntilExpiration` is only filled when fewer than 7 days remain.
                    if let expires = token.expires, !hasExpired, expires < now.addingTimeInterval(7 * 86_400) {
                        seconds = expires.timeIntervalSince(now)
                    }
                    return .record([
                        "id": .int(token.id), "name": .string(token.name), "created": GoTime.json(token.created),
                        "lastUsedAt": GoTime.json(token.lastUsed), "expiration": GoTime.json(token.expires),
                        "secondsUntilExpiration": .double(seconds), "hasExpired": .bool(hasExpired),
                        "isRevoked": .bool(token.isRevoked),
                    ])
                }
            )
        )
    }

    /// `CreateToken`: the account must exist (errutil 404), `name` is required, a duplicate name
    /// in the org is `ErrTokenAlreadyExists`; answers 200 `{id, name, key}` with a `glsa_` token.
    @Sendable func createToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsWrite)
        let id = try context.int64Parameter("serviceAccountId", orAnswer: Self.invalidID)
        let orgID = identity.orgID
        guard await environment.store.read({ $0.serviceAccount(id, in: orgID) }) != nil else { throw Self.notFound }
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: Self.badRequestData)
        let (name, secondsToLive) = try bind(Self.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("name"), try form.int("secondsToLive") ?? 0)
        }
        guard secondsToLive >= 0 else { throw Self.invalidExpiration }
        let (tokenID, clientSecret) = try await environment.store.write { state in
            guard let account = state.serviceAccount(id, in: orgID) else { throw Self.notFound }
            if state.apiKeys.contains(where: { $0.orgID == orgID && $0.name == name }) { throw Self.tokenExists }
            let (clientSecret, secret) = KeyGenerator.serviceAccountToken()
            let now = environment.now()
            let tokenID = state.allocateAPIKeyID()
            state.apiKeys.append(
                StoredAPIKey(
                    id: tokenID,
                    orgID: orgID,
                    name: name,
                    role: state.role(of: account.id, in: orgID) ?? .none,
                    secretHash: KeyGenerator.hash(secret, salt: "glsa"),
                    created: now,
                    updated: now,
                    expires: secondsToLive > 0 ? now.addingTimeInterval(TimeInterval(secondsToLive)) : nil,
                    serviceAccountID: account.id
                )
            )
            return (tokenID, clientSecret)
        }
        return SandboxResponse.json(
            .ok,
            .record(["id": .int(tokenID), "name": .string(name), "key": .string(clientSecret)])
        )
    }

    /// `DeleteToken`: account id, account existence, token id, then the token.
    @Sendable func deleteToken(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.serviceAccountsWrite)
        let id = try context.int64Parameter("serviceAccountId", orAnswer: Self.invalidID)
        let orgID = identity.orgID
        guard await environment.store.read({ $0.serviceAccount(id, in: orgID) }) != nil else { throw Self.notFound }
        let tokenID = try context.int64Parameter(
            "tokenId",
            orAnswer: .error(.badRequest, "Token ID is invalid", cause: true)
        )
        try await environment.store.write { state in
            guard
                let index = state.apiKeys.firstIndex(where: {
                    $0.id == tokenID && $0.serviceAccountID == id && $0.orgID == orgID
                })
            else { throw Self.tokenNotFound }
            state.apiKeys.remove(at: index)
        }
        return SandboxResponse.success("Service account token deleted")
    }
}

extension SandboxState {
    func serviceAccounts(in orgID: Int64) -> [StoredUser] {
        users.filter { $0.isServiceAccount && membership(orgID: orgID, userID: $0.id) != nil }.sorted {
            $0.name < $1.name
        }
    }

    func serviceAccount(_ id: Int64, in orgID: Int64) -> StoredUser? {
        guard let account = user(id), account.isServiceAccount, membership(orgID: orgID, userID: id) != nil else {
            return nil
        }
        return account
    }

    private func tokenCount(_ accountID: Int64) -> Int { apiKeys.filter { $0.serviceAccountID == accountID }.count }

    /// `serviceaccounts.ServiceAccountDTO`.
    func serviceAccountJSON(_ account: StoredUser) -> Value {
        .record([
            "id": .int(account.id), "name": .string(account.name), "login": .string(account.login),
            "orgId": .int(account.currentOrgID), "isDisabled": .bool(account.isDisabled),
            "role": .string(role(of: account.id, in: account.currentOrgID)?.rawValue ?? "None"),
            "tokens": .int(tokenCount(account.id)),
            "avatarUrl": .string(GrafanaFormat.avatarURL(email: "", orName: account.name)),
            "isExternal": false,
        ])
    }

    /// `serviceaccounts.ServiceAccountProfileDTO`.
    func serviceAccountProfileJSON(_ account: StoredUser) -> Value {
        .record([
            "id": .int(account.id), "name": .string(account.name), "login": .string(account.login),
            "orgId": .int(account.currentOrgID), "isDisabled": .bool(account.isDisabled),
            "createdAt": GoTime.json(account.created), "updatedAt": GoTime.json(account.updated),
            "avatarUrl": .string(GrafanaFormat.avatarURL(email: "", orName: account.name)),
            "role": .string(role(of: account.id, in: account.currentOrgID)?.rawValue ?? "None"),
            "teams": [], "tokens": .int(tokenCount(account.id)), "isExternal": false, "requiredBy": "",
        ])
    }
}
