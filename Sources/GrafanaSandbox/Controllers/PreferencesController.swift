import Foundation
import GFSValue
import Hummingbird

/// Preferences of the signed-in user, the current org and teams (`pkg/api/preferences.go`,
/// `pkg/services/preference/prefapi/api.go`): get answers `preferences.Spec` with empty
/// fields omitted, put replaces, patch changes only what is given.
struct PreferencesController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/user/preferences") { request, context in
            let userID = try UserController.requireUserID(try context.caller())
            return try await get(Owner(orgID: try context.caller().orgID, userID: userID, teamID: 0))
        }
        router.put("/api/user/preferences") { request, context in
            let userID = try UserController.requireUserID(try context.caller())
            return try await save(
                request,
                context,
                Owner(orgID: try context.caller().orgID, userID: userID, teamID: 0),
                patch: false
            )
        }
        router.patch("/api/user/preferences") { request, context in
            let userID = try UserController.requireUserID(try context.caller())
            return try await save(
                request,
                context,
                Owner(orgID: try context.caller().orgID, userID: userID, teamID: 0),
                patch: true
            )
        }
        router.get("/api/org/preferences") { request, context in
            let identity = try await context.require(.orgsPreferencesRead)
            return try await get(Owner(orgID: identity.orgID, userID: 0, teamID: 0))
        }
        router.put("/api/org/preferences") { request, context in
            let identity = try await context.require(.orgsPreferencesWrite)
            return try await save(request, context, Owner(orgID: identity.orgID, userID: 0, teamID: 0), patch: false)
        }
        router.patch("/api/org/preferences") { request, context in
            let identity = try await context.require(.orgsPreferencesWrite)
            return try await save(request, context, Owner(orgID: identity.orgID, userID: 0, teamID: 0), patch: true)
        }
        router.get("/api/teams/:teamId/preferences") { request, context in
            let identity = try await context.require(.teamsRead)
            let teamID = try context.int64Parameter("teamId", orAnswer: TeamsController.invalidTeamID)
            return try await get(Owner(orgID: identity.orgID, userID: 0, teamID: teamID))
        }
        router.put("/api/teams/:teamId/preferences") { request, context in
            let identity = try await context.require(.teamsWrite)
            let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
            let teamID = try context.int64Parameter("teamId", orAnswer: TeamsController.invalidTeamID)
            return try await save(form, Owner(orgID: identity.orgID, userID: 0, teamID: teamID), patch: false)
        }
    }

    struct Owner: Sendable {
        var orgID: Int64
        var userID: Int64
        var teamID: Int64
    }

    private func get(_ owner: Owner) async throws -> Response {
        let body = await environment.store.read { state -> Value in
            let stored = state.preferences.first {
                $0.orgID == owner.orgID && $0.userID == owner.userID && $0.teamID == owner.teamID
            }
            var spec = Record()
            guard let stored else { return .record(spec) }
            // Order of `preferences.Spec`; a home dashboard that no longer exists is left out.
            if !stored.homeDashboardUID.isEmpty,
                state.dashboard(uid: stored.homeDashboardUID, orgID: owner.orgID) != nil
            {
                spec["homeDashboardUID"] = .string(stored.homeDashboardUID)
            }
            if !stored.timezone.isEmpty { spec["timezone"] = .string(stored.timezone) }
            if !stored.weekStart.isEmpty { spec["weekStart"] = .string(stored.weekStart) }
            if !stored.theme.isEmpty { spec["theme"] = .string(stored.theme) }
            if !stored.language.isEmpty { spec["language"] = .string(stored.language) }
            return .record(spec)
        }
        return SandboxResponse.json(.ok, body)
    }

    private func save(_ request: Request, _ context: SandboxRequestContext, _ owner: Owner, patch: Bool) async throws
        -> Response
    {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        return try await save(form, owner, patch: patch)
    }

    /// `UpdatePreferencesFor` / `PatchPreferencesFor`: an unknown theme is 400 "Invalid theme";
    /// a `homeDashboardUID` that names no dashboard is 404 "Dashboard not found".
    private func save(_ form: RequestForm, _ owner: Owner, patch: Bool) async throws -> Response {
        let (theme, homeUID, timezone, weekStart, language) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            (
                try form.string("theme"), try form.string("homeDashboardUID"), try form.string("timezone"),
                try form.string("weekStart"), try form.string("language")
            )
        }
        // `pref.IsValidThemeID`: the built-in themes (`pkg/services/preference/themes.go`).
        if let theme, !theme.isEmpty, !["light", "dark", "system"].contains(theme) {
            throw GrafanaError.error(.badRequest, "Invalid theme", cause: false)
        }
        try await environment.store.write { state in
            if let homeUID, !homeUID.isEmpty, state.dashboard(uid: homeUID, orgID: owner.orgID) == nil {
                throw GrafanaError.error(.notFound, "Dashboard not found", cause: true)
            }
            let index = state.preferences.firstIndex {
                $0.orgID == owner.orgID && $0.userID == owner.userID && $0.teamID == owner.teamID
            }
            var stored =
                index.map { state.preferences[$0] }
                ?? StoredPreferences(orgID: owner.orgID, userID: owner.userID, teamID: owner.teamID)
            if patch {
                if let theme { stored.theme = theme }
                if let homeUID { stored.homeDashboardUID = homeUID }
                if let timezone { stored.timezone = timezone }
                if let weekStart { stored.weekStart = weekStart }
                if let language { stored.language = language }
            } else {
                stored.theme = theme ?? ""
                stored.homeDashboardUID = homeUID ?? ""
                stored.timezone = timezone ?? ""
                stored.weekStart = weekStart ?? ""
                stored.language = language ?? ""
            }
            if let index { state.preferences[index] = stored } else { state.preferences.append(stored) }
        }
        return SandboxResponse.success("Preferences updated")
    }
}
