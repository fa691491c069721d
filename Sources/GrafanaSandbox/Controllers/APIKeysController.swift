import Foundation
import GFSValue
import Hummingbird

/// Legacy API keys, `/api/auth/keys` (`pkg/api/apikey.go`), whose fate depends on the emulated
/// release (``GrafanaVersion/legacyKeys``): working before 11.3, creation answering 410 from
/// 11.3, and no routes at all (so Grafana's not-found answer) from 12.1.
struct APIKeysController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        guard environment.version.legacyKeys != .removed else { return }
        router.get("/api/auth/keys", use: list)
        router.post("/api/auth/keys", use: create)
        router.delete("/api/auth/keys/:id", use: delete)
    }

    /// `GetAPIKeys`: `[]apikey.APIKeyDTO{id, name, role, expiration, lastUsedAt}` of the
    /// request's org, without service-account tokens; expired keys only with `includeExpired`.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.apiKeysRead)
        let includeExpired = request.queryBool("includeExpired")
        let now = Date()
        let keys = await environment.store.read { state in
            state.apiKeys.filter { key in
                key.orgID == identity.orgID && key.serviceAccountID == nil
                    && (includeExpired || key.expires.map { $0 > now } ?? true)
            }.sorted { $0.name < $1.name }
        }
        return SandboxResponse.json(
            .ok,
            .list(
                keys.map { key in
                    .record([
                        "id": .int(key.id), "name": .string(key.name), "role": .string(key.role.rawValue),
                        "expiration": GoTime.json(key.expires), "lastUsedAt": GoTime.json(key.lastUsed),
                    ])
                }
            )
        )
    }

    /// `AddAPIKey`. From 11.3 the handler answers 410 with the removal message
    /// (fixture `auth-keys-post.410.json`, `response.Error(410, …, nil)`).
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.apiKeysCreate)
        if environment.version.legacyKeys == .creationGone {
            throw GrafanaError.error(
                .gone,
                "this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead",
                cause: false
            )
        }
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (name, roleText, secondsToLive) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.required("name"), try form.required("role"), try form.int("secondsToLive") ?? 0)
        }
        guard let role = OrgRole(grafana: roleText) else {
            throw GrafanaError.error(.badRequest, "Invalid role specified", cause: false)
        }
        let orgID = identity.orgID
        let (id, clientSecret) = try await environment.store.write { state in
            // `models.ErrInvalidApiKeyExpiration` / `models.ErrDuplicateApiKey`, both `err.Error()` without cause.
            if secondsToLive < 0 {
                throw GrafanaError.error(.badRequest, "negative value for SecondsToLive", cause: false)
            }
            if state.apiKeys.contains(where: { $0.orgID == orgID && $0.name == name && $0.serviceAccountID == nil }) {
                throw GrafanaError.error(.conflict, "API key, organization ID and name must be unique", cause: false)
            }
            let (clientSecret, secret) = KeyGenerator.legacyKey(name: name, orgID: orgID)
            let now = Date()
            let id = state.allocateAPIKeyID()
            state.apiKeys.append(
                StoredAPIKey(
                    id: id,
                    orgID: orgID,
                    name: name,
                    role: role,
                    secretHash: KeyGenerator.hash(secret, salt: name),
                    created: now,
                    updated: now,
                    expires: secondsToLive > 0 ? now.addingTimeInterval(TimeInterval(secondsToLive)) : nil
                )
            )
            return (id, clientSecret)
        }
        // `dtos.NewApiKeyResult{id, name, key}`.
        return SandboxResponse.json(
            .ok,
            .record(["id": .int(id), "name": .string(name), "key": .string(clientSecret)])
        )
    }

    /// `DeleteAPIKey`: 400 `id is invalid`, 404 "Failed to delete API key" (with cause).
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.apiKeysDelete)
        let id = try context.int64Parameter("id", orAnswer: .error(.badRequest, "id is invalid", cause: true))
        try await environment.store.write { state in
            guard
                let index = state.apiKeys.firstIndex(where: {
                    $0.id == id && $0.orgID == identity.orgID && $0.serviceAccountID == nil
                })
            else {
                throw GrafanaError.error(.notFound, "Failed to delete API key", cause: true)
            }
            state.apiKeys.remove(at: index)
        }
        return SandboxResponse.success("API key deleted")
    }
}
