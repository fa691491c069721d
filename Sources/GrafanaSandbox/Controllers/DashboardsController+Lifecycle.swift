import Foundation
import GFSValue
import Hummingbird

/// A dashboard over its life: its versions (list, get, restore), the org's tags and the
/// home dashboard (`pkg/api/dashboard.go` `GetDashboardVersions`, `GetDashboardVersion`,
/// `RestoreDashboardVersion`, `GetDashboardTags`, `GetHomeDashboard`).
extension DashboardsController {
    func addLifecycleRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/dashboards/uid/:uid/versions") { request, context in
            try await listVersions(request, context, .uid(context.stringParameter("uid")))
        }
        router.get("/api/dashboards/uid/:uid/versions/:versionID") { _, context in
            try await getVersion(context, .uid(context.stringParameter("uid")))
        }
        router.post("/api/dashboards/uid/:uid/restore") { request, context in
            try await restore(request, context, .uid(context.stringParameter("uid")))
        }
        // The id-based routes are registered up to 11.x; 12 keeps only the uid routes.
        if environment.version.hasDashboardIDVersionRoutes {
            router.get("/api/dashboards/id/:dashboardID/versions") { request, context in
                try await listVersions(request, context, try Self.idReference(context))
            }
            router.get("/api/dashboards/id/:dashboardID/versions/:versionID") { _, context in
                try await getVersion(context, try Self.idReference(context))
            }
            router.post("/api/dashboards/id/:dashboardID/restore") { request, context in
                try await restore(request, context, try Self.idReference(context))
            }
        }
        router.post("/api/dashboards/calculate-diff") { request, context in try await calculateDiff(request, context) }
        router.get("/api/dashboards/tags") { _, context in try await tags(context) }
        router.get("/api/dashboards/home") { _, context in try await home(context) }
    }

    /// How a route names its dashboard.
    enum Reference: Sendable {
        case uid(String)
        case id(Int64)
    }

    /// `strconv.ParseInt(web.Params(c.Req)[":dashboardId"], 10, 64)`: 400 "dashboardId is invalid".
    static func idReference(_ context: SandboxRequestContext) throws -> Reference {
        .id(
            try context.int64Parameter(
                "dashboardID",
                orAnswer: .error(.badRequest, "dashboardId is invalid", cause: true)
            )
        )
    }

    // MARK: Versions

    /// `GetDashboardVersions`: newest first, `limit` (default 1000) and `start` (an offset);
    /// the list carries no `data` (the version store's list query leaves it out). Messages are
    /// rewritten as the handler does: "Initial save" for the first version, "Restored from
    /// version N" for a restore.
    func listVersions(_ request: Request, _ context: SandboxRequestContext, _ reference: Reference) async throws
        -> Response
    {
        let identity = try await context.require(.dashboardsWrite)
        let requestedLimit = request.queryInt("limit")
        let limit = requestedLimit <= 0 ? 1000 : requestedLimit
        let version = environment.version
        let paged = version.dashboardVersionsHaveContinueToken
        // From 12 the list pages with an opaque `continueToken` (the storage's continue
        // token); here it encodes the offset of the next page.
        let token = paged ? Self.offset(fromToken: request.query("continueToken")) : nil
        let start = token ?? request.queryInt("start")
        return try await environment.store.read { state in
            let dashboard = try state.versionedDashboard(reference, orgID: identity.orgID, version: version)
            let versions = state.dashboards.versions(of: dashboard, start: start, limit: limit).map { version in
                var message = version.message
                if version.restoredFrom == version.version { message = "Initial save (created by migration)" }
                if version.restoredFrom > 0 { message = "Restored from version \(version.restoredFrom)" }
                if version.parentVersion == 0 { message = "Initial save" }
                return state.versionJSON(version, dashboard: dashboard, message: message, withData: false)
            }
            // 12 answers `dashver.DashboardVersionResponseMeta`, earlier releases the bare list.
            let next = start + versions.count
            // Pruned versions leave fewer than the version number; look for the next one.
            let more =
                versions.count == limit && !state.dashboards.versions(of: dashboard, start: next, limit: 1).isEmpty
            let body: Value =
                paged
                ? .record(
                    Record([
                        ("continueToken", .string(more ? Self.token(forOffset: next) : "")),
                        ("versions", .list(versions)),
                    ])
                ) : .list(versions)
            return SandboxResponse.json(.ok, body)
        }
    }

    /// The token as URL-safe base64 without padding, so it travels in a query unescaped.
    static func token(forOffset offset: Int) -> String {
        Data("offset:\(offset)".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func offset(fromToken token: String) -> Int? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("offset:")
        else { return nil }
        return Int(text.dropFirst("offset:".count))
    }

    /// `GetDashboardVersion`: one version with its `data`; an unknown number is
    /// 500 "Dashboard version N not found for dashboardId ID".
    func getVersion(_ context: SandboxRequestContext, _ reference: Reference) async throws -> Response {
        let identity = try await context.require(.dashboardsWrite)
        let grafana = environment.version
        return try await environment.store.read { state in
            let dashboard = try state.versionedDashboard(reference, orgID: identity.orgID, version: grafana)
            // `strconv.ParseInt` failing goes through `response.Err`: a plain 500.
            guard let number = Int64(context.stringParameter("versionID")) else {
                throw GrafanaError.error(.internalServerError, "Internal server error", cause: true)
            }
            guard let version = state.dashboards.version(number, of: dashboard.id) else {
                throw GrafanaError.error(
                    .internalServerError,
                    "Dashboard version \(number) not found for dashboardId \(dashboard.id)",
                    cause: true
                )
            }
            return SandboxResponse.json(
                .ok,
                state.versionJSON(version, dashboard: dashboard, message: version.message, withData: true)
            )
        }
    }

    /// `RestoreDashboardVersion`: binds `{version}`, saves that version's model over the
    /// current one (same uid and folder, message "Restored from version N", `restoredFrom`
    /// set), so the restore is itself a new version; answers as `POST /api/dashboards/db`.
    func restore(_ request: Request, _ context: SandboxRequestContext, _ reference: Reference) async throws
        -> Response
    {
        let identity = try await context.require(.dashboardsWrite)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let number = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.int("version") ?? 0 }
        let version = environment.version
        let saved = try await environment.store.write { state -> StoredDashboard in
            let dashboard = try state.dashboard(reference, orgID: identity.orgID)
            guard let stored = state.dashboards.version(number, of: dashboard.id) else {
                throw GrafanaError.error(.notFound, "Dashboard version not found", cause: false)
            }
            if version.restoreRefusesIdenticalVersion,
                Self.sameContent(stored.data, dashboard.data)
            {
                throw GrafanaError.error(
                    .badRequest,
                    "Current dashboard is identical to the specified version",
                    cause: false
                )
            }
            var model = stored.data.objectValue ?? Record()
            model["version"] = .int(dashboard.version)
            model["uid"] = .string(dashboard.uid)
            let save = SaveRequest(
                dashboard: model,
                folderUID: dashboard.folderUID ?? "",
                overwrite: false,
                message: "Restored from version \(number)",
                restoredFrom: number
            )
            return try state.saveDashboard(save, identity: identity, version: version)
        }
        var pairs: [(String, Value)] = [
            ("status", "success"), ("slug", .string(saved.slug)), ("version", .int(saved.version)),
            ("id", .int(saved.id)), ("uid", .string(saved.uid)), ("url", .string("/d/\(saved.uid)/\(saved.slug)")),
        ]
        if environment.version.dashboardSaveHasFolderUID { pairs.append(("folderUid", .string(saved.folderUID ?? ""))) }
        return SandboxResponse.json(.ok, .map(pairs))
    }

    // MARK: Diff

    /// `CalculateDashboardDiff` (`pkg/api/dashboard.go`, registered in `pkg/api/api.go` on every
    /// profile): binds `dtos.CalculateDiffOptions` (`base` and `new` each `{dashboardId,
    /// version}`, `diffType`, all `binding:"Required"`, so a missing one is 400 "bad request
    /// data"), reads both stored versions (`unsavedDashboard` is accepted and ignored; an unknown
    /// version is 404 "Dashboard version not found") and answers the HTML diff as `text/html`.
    /// Identical versions are `dashdiffs.ErrNilDiff`, answered 500 "Unable to compute diff".
    func calculateDiff(_ request: Request, _ context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dashboardsWrite)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        typealias Target = (dashboardID: Int64, version: Int64, unsaved: Bool)
        let (base, new, diffType) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) -> (Target, Target, String) in
            func target(_ key: String) throws(RequestForm.Failure) -> Target {
                let object = RequestForm(object: try form.objectValue(key) ?? Record(), document: .null)
                let unsaved = object.value("unsavedDashboard").map { $0 != .null } ?? false
                return (try object.int("dashboardId") ?? 0, try object.int("version") ?? 0, unsaved)
            }
            return (try target("base"), try target("new"), try form.string("diffType") ?? "")
        }
        // `validate`: a required struct left at its zero value, or an empty diffType.
        func isZero(_ target: Target) -> Bool { target.dashboardID == 0 && target.version == 0 && !target.unsaved }
        guard !isZero(base), !isZero(new), !diffType.isEmpty else { throw GrafanaError.badRequestData }
        let (baseData, newData) = try await environment.store.read { state -> (Value, Value) in
            // `dashboardVersionService.Get`: the version joined to its dashboard in the caller's org.
            func data(_ target: Target) throws -> Value {
                guard let dashboard = state.dashboards[id: target.dashboardID], dashboard.orgID == identity.orgID,
                    let version = state.dashboards.version(target.version, of: dashboard.id)
                else { throw GrafanaError.error(.notFound, "Dashboard version not found", cause: true) }
                return version.data
            }
            return (try data(base), try data(new))
        }
        do {
            let format = DashboardDiff.Format(diffType)
            let body = try DashboardDiff.html(from: baseData, to: newData, format: format)
            // `delta` is answered as JSON, the others as HTML.
            return SandboxResponse.raw(.ok, body, contentType: format == .delta ? "application/json" : "text/html")
        } catch {
            throw GrafanaError.error(.internalServerError, "Unable to compute diff", cause: true)
        }
    }

    /// `compareDashboardData`: equal once `version`, `id` and `uid` are set aside.
    static func sameContent(_ lhs: Value, _ rhs: Value) -> Bool {
        func stripped(_ value: Value) -> Value {
            guard var record = value.objectValue else { return value }
            for key in ["version", "id", "uid"] { record[key] = nil }
            return Value.record(record).sortedRecursively()
        }
        return stripped(lhs) == stripped(rhs)
    }

    /// `GetDashboard` sets `meta.isStarred` from the caller's stars.
    static func markStarred(_ meta: inout Value, dashboard: StoredDashboard, identity: Identity, state: SandboxState) {
        guard case .record(var record) = meta else { return }
        record["isStarred"] = .bool(state.dashboards.starredIDs(userID: identity.userID).contains(dashboard.id))
        meta = .record(record)
    }

    // MARK: Tags and home

    /// `GetDashboardTags`: `[{term, count}]` over the org's dashboards, by term
    /// (`GROUP BY term ORDER BY term`).
    func tags(_ context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let counts = await environment.store.read { state in
            var counts: [String: Int] = [:]
            for dashboard in state.dashboards where dashboard.orgID == identity.orgID {
                for tag in Set(dashboard.tags) { counts[tag, default: 0] += 1 }
            }
            return counts
        }
        return SandboxResponse.json(
            .ok,
            .list(
                counts.keys.sorted().map {
                    .record(Record([("term", .string($0)), ("count", .int(Int64(counts[$0]!)))]))
                }
            )
        )
    }

    /// `GetHomeDashboard`: with a home dashboard in the preferences (user over team over org,
    /// `GetWithDefaults`) the answer is `{redirectUri}` to it; otherwise Grafana's built-in
    /// home dashboard with `meta.isHome` (here its frame, without the built-in panels).
    func home(_ context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let redirect = await environment.store.read { state -> String? in
            guard let uid = state.homeDashboardUID(for: identity),
                let dashboard = state.dashboard(uid: uid, orgID: identity.orgID)
            else { return nil }
            return state.dashboardURL(dashboard)
        }
        if let redirect { return SandboxResponse.json(.ok, .record(["redirectUri": .string(redirect)])) }
        let canEdit = identity.orgRole.includes(.editor)
        let meta: Value = .record([
            "canSave": false, "canEdit": .bool(canEdit), "canAdmin": false, "canStar": false, "canDelete": false,
            "slug": "", "url": "", "expires": .string(GoTime.zero), "created": .string(GoTime.zero),
            "updated": .string(GoTime.zero), "version": 0, "hasAcl": false, "isFolder": false, "isHome": true,
            "folderId": 0, "folderUid": "", "folderTitle": "General", "folderUrl": "", "provisioned": false,
            "provisionedExternalId": "",
        ])
        let dashboard: Value = .record([
            "editable": false, "graphTooltip": 0, "id": .null, "links": [], "panels": [], "schemaVersion": 39,
            "tags": [], "time": .record(["from": "now-6h", "to": "now"]), "title": "Home", "version": 0,
        ])
        return SandboxResponse.json(.ok, .record(["dashboard": dashboard, "meta": meta]))
    }
}

extension SandboxState {
    /// The dashboard whose versions a route reads: before 10 an unknown uid is
    /// 400 "failed to get dashboard by UID", later `getDashboardHelper`'s 404.
    func versionedDashboard(_ reference: DashboardsController.Reference, orgID: Int64, version: GrafanaVersion) throws
        -> StoredDashboard
    {
        if case .uid(let uid) = reference, version.versionLookupByUnknownUIDIsBadRequest,
            dashboard(uid: uid, orgID: orgID) == nil
        {
            throw GrafanaError.error(.badRequest, "failed to get dashboard by UID", cause: true)
        }
        return try dashboard(reference, orgID: orgID)
    }

    /// The dashboard a route names, or `getDashboardHelper`'s 404 "Dashboard not found".
    func dashboard(_ reference: DashboardsController.Reference, orgID: Int64) throws -> StoredDashboard {
        let found: StoredDashboard? =
            switch reference {
            case .uid(let uid): dashboard(uid: uid, orgID: orgID)
            case .id(let id): dashboards[id: id].flatMap { $0.orgID == orgID ? $0 : nil }
            }
        guard let found else { throw DashboardsController.lookupNotFound }
        return found
    }

    /// `dashver.DashboardVersionMeta` in its field order; `createdBy` is the login
    /// ("Anonymous" when unknown).
    func versionJSON(_ version: StoredDashboardVersion, dashboard: StoredDashboard, message: String, withData: Bool)
        -> Value
    {
        .record(
            Record([
                ("id", .int(version.id)), ("dashboardId", .int(version.dashboardID)), ("uid", .string(dashboard.uid)),
                ("parentVersion", .int(version.parentVersion)), ("restoredFrom", .int(version.restoredFrom)),
                ("version", .int(version.version)), ("created", GoTime.json(version.created)),
                ("message", .string(message)), ("data", withData ? version.data : .null),
                ("createdBy", .string(loginOf(version.createdBy))),
            ])
        )
    }

    /// `GetWithDefaults`: the org's preference, then each team's, then the user's; the last
    /// one set wins.
    func homeDashboardUID(for identity: Identity) -> String? {
        let teamIDs = Set(
            teamMembers.filter { $0.orgID == identity.orgID && $0.userID == identity.userID }.map(\.teamID)
        )
        var home: String?
        let layers: [(StoredPreferences) -> Bool] = [
            { $0.userID == 0 && $0.teamID == 0 },
            { $0.userID == 0 && teamIDs.contains($0.teamID) },
            { $0.userID == identity.userID && identity.isUser && $0.teamID == 0 },
        ]
        for layer in layers {
            for preference in preferences where preference.orgID == identity.orgID && layer(preference) {
                if !preference.homeDashboardUID.isEmpty { home = preference.homeDashboardUID }
            }
        }
        return home
    }
}
