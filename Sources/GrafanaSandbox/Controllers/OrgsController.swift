import Foundation
import GFSValue
import Hummingbird

/// Organizations: `/api/orgs…` (server admin) and `/api/org` (current org), `pkg/api/org.go`;
/// permissions from `pkg/api/api.go` (`authorizeInOrg(ac.UseGlobalOrg | ac.UseOrgFromContextParams, …)`).
struct OrgsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/orgs", use: create)
        router.get("/api/orgs", use: search)
        router.get("/api/orgs/name/:name", use: getByName)
        router.get("/api/orgs/:orgId", use: getByID)
        router.put("/api/orgs/:orgId", use: update)
        router.delete("/api/orgs/:orgId", use: delete)
        router.get("/api/org", use: getCurrent)
        router.put("/api/org", use: updateCurrent)
        router.put("/api/orgs/:orgId/address", use: updateAddress)
        router.put("/api/org/address", use: updateCurrentAddress)
    }

    static let invalidOrgID = GrafanaError.error(.badRequest, "orgId is invalid", cause: true)
    /// `getOrgHelper`: `response.Error(404, "Organization not found", err)`.
    static let orgNotFound = GrafanaError.error(.notFound, "Organization not found", cause: true)

    /// `CreateOrg`: binds `{name}` (required), creates the org with the caller as Admin
    /// (`orgService.CreateWithMember`); the caller's current org does not change.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgsCreate, scope: .global)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let name = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.required("name") }
        let orgID = try await environment.store.write { state in
            // `org.ErrOrgNameTaken` → `response.Error(409, "Organization name taken", err)`.
            guard !state.orgs.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw GrafanaError.error(.conflict, "Organization name taken", cause: true)
            }
            let now = Date()
            let orgID = state.insertOrg(name: name, now: now)
            if identity.userID != 0 {
                state.memberships.append(
                    StoredMembership(orgID: orgID, userID: identity.userID, role: .admin, created: now, updated: now)
                )
            }
            return orgID
        }
        // `util.DynMap{"orgId": …, "message": "Organization created"}` (fixture `org-created.200.json`).
        return SandboxResponse.json(.ok, .map([("orgId", .int(orgID)), ("message", "Organization created")]))
    }

    /// `SearchOrgs`: `query` (substring), `name` (exact), `page`, `perpage` (default 1000).
    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.orgsRead, scope: .global)
        let query = request.query("query").lowercased()
        let name = request.query("name")
        var perPage = request.queryInt("perpage")
        if perPage <= 0 { perPage = 1000 }
        let page = max(request.queryInt("page"), 1)
        let orgs = await environment.store.read { state in
            state.orgs.filter { org in
                (query.isEmpty || org.name.lowercased().contains(query)) && (name.isEmpty || org.name == name)
            }.sorted { $0.name < $1.name }
        }
        let slice = orgs.page(page, size: perPage)
        return SandboxResponse.json(.ok, .list(slice.map { .record(["id": .int($0.id), "name": .string($0.name)]) }))
    }

    @Sendable func getByID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: Self.invalidOrgID)
        try await context.require(.orgsRead, scope: .org(orgID), store: environment.store)
        return try await orgDetails(orgID)
    }

    @Sendable func getByName(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await context.require(.orgsRead, scope: .global)
        let name = context.stringParameter("name")
        return try await environment.store.read { state in
            guard let org = state.orgs.first(where: { $0.name == name }) else { throw Self.orgNotFound }
            return SandboxResponse.json(.ok, state.orgDetailsJSON(org))
        }
    }

    @Sendable func getCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgsRead)
        return try await orgDetails(identity.orgID)
    }

    private func orgDetails(_ orgID: Int64) async throws -> Response {
        try await environment.store.read { state in
            guard let org = state.org(orgID) else { throw Self.orgNotFound }
            return SandboxResponse.json(.ok, state.orgDetailsJSON(org))
        }
    }

    /// `UpdateOrg`: binds `dtos.UpdateOrgForm{name}` (required); a taken name is 400 here (409
    /// only on create); any other failure, unknown org included, is 500 "Failed to update
    /// organization" (grafana-client `test_update_organization_unknown`).
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: Self.invalidOrgID)
        try await context.require(.orgsWrite, scope: .org(orgID), store: environment.store)
        return try await updateOrg(orgID, request: request, context: context)
    }

    @Sendable func updateCurrent(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgsWrite)
        return try await updateOrg(identity.orgID, request: request, context: context)
    }

    private func updateOrg(_ orgID: Int64, request: Request, context: SandboxRequestContext) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let name = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.required("name") }
        try await environment.store.write { state in
            if state.orgs.contains(where: { $0.id != orgID && $0.name.lowercased() == name.lowercased() }) {
                throw GrafanaError.error(.badRequest, "Organization name taken", cause: true)
            }
            guard let index = state.orgs.firstIndex(where: { $0.id == orgID }) else {
                throw GrafanaError.error(.internalServerError, "Failed to update organization", cause: true)
            }
            state.orgs[index].name = name
            state.orgs[index].updated = Date()
        }
        return SandboxResponse.success("Organization updated")
    }

    @Sendable func updateAddress(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: Self.invalidOrgID)
        try await context.require(.orgsWrite, scope: .org(orgID), store: environment.store)
        return try await updateAddress(orgID, request: request, context: context)
    }

    @Sendable func updateCurrentAddress(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.orgsWrite)
        return try await updateAddress(identity.orgID, request: request, context: context)
    }

    /// `updateOrgAddressHelper`: binds `dtos.UpdateOrgAddressForm` (no field required);
    /// failures, unknown org included, are 500 "Failed to update org address".
    private func updateAddress(_ orgID: Int64, request: Request, context: SandboxRequestContext) async throws
        -> Response
    {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let fields = try bind(.badRequestData) { () throws(RequestForm.Failure) -> [String] in
            try ["address1", "address2", "city", "zipCode", "state", "country"].map { key throws(RequestForm.Failure) in
                try form.string(key) ?? ""
            }
        }
        try await environment.store.write { state in
            guard let index = state.orgs.firstIndex(where: { $0.id == orgID }) else {
                throw GrafanaError.error(.internalServerError, "Failed to update org address", cause: true)
            }
            state.orgs[index].address1 = fields[0]
            state.orgs[index].address2 = fields[1]
            state.orgs[index].city = fields[2]
            state.orgs[index].zipCode = fields[3]
            state.orgs[index].state = fields[4]
            state.orgs[index].country = fields[5]
            state.orgs[index].updated = Date()
        }
        return SandboxResponse.success("Address updated")
    }

    /// `DeleteOrgByID`: the caller's active org cannot be deleted (400, wording by version);
    /// unknown id is 404 "Failed to delete organization. ID not found" (no traceID).
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let orgID = try context.int64Parameter("orgId", orAnswer: Self.invalidOrgID)
        let identity = try await context.require(.orgsDelete, scope: .org(orgID), store: environment.store)
        if identity.orgID == orgID {
            throw GrafanaError.error(.badRequest, environment.version.deleteActiveOrgMessage, cause: false)
        }
        try await environment.store.write { state in
            guard state.org(orgID) != nil else {
                throw GrafanaError.error(.notFound, "Failed to delete organization. ID not found", cause: false)
            }
            state.deleteOrg(orgID)
        }
        return SandboxResponse.success("Organization deleted")
    }
}

extension SandboxState {
    /// Removes an org and everything in it, as `orgDeletionService.Delete` does; service
    /// accounts of the org go with it. Users whose current org it was move to another of their
    /// orgs (inferred: Grafana leaves `user.org_id` dangling until the next sign-in fixes it).
    mutating func deleteOrg(_ orgID: Int64) {
        let accounts = Set(users.filter { $0.isServiceAccount && $0.currentOrgID == orgID }.map(\.id))
        orgs.removeAll { $0.id == orgID }
        memberships.removeAll { $0.orgID == orgID || accounts.contains($0.userID) }
        users.removeAll { accounts.contains($0.id) }
        apiKeys.removeAll { $0.orgID == orgID }
        folders.removeAll { $0.orgID == orgID }
        dashboards.removeAll { $0.orgID == orgID }
        dataSources.removeAll { $0.orgID == orgID }
        teams.removeAll { $0.orgID == orgID }
        teamMembers.removeAll { $0.orgID == orgID }
        preferences.removeAll { $0.orgID == orgID }
        permissions.removeAll { $0.orgID == orgID }
        for index in users.indices where users[index].currentOrgID == orgID {
            users[index].currentOrgID = memberships.first { $0.userID == users[index].id }?.orgID ?? 0
        }
    }
}
