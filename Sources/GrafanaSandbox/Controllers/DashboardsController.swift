import Foundation
import GFSAllocator
import GFSValue
import Hummingbird

/// Dashboards: `POST /api/dashboards/db`, `GET/DELETE /api/dashboards/uid/:uid`,
/// `POST /api/dashboards/import` (`pkg/api/dashboard.go`, the dashboard service's
/// `BuildSaveDashboardCommand` and store `ValidateDashboardBeforeSave`,
/// `pkg/services/dashboardimport`; errors from `pkg/api/apierrors/dashboard.go`).
struct DashboardsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/dashboards/db", use: save)
        router.get("/api/dashboards/uid/:uid", use: get)
        router.delete("/api/dashboards/uid/:uid", use: delete)
        router.post("/api/dashboards/import", use: importDashboard)
        addLifecycleRoutes(to: router)
    }

    // MARK: Errors (pkg/services/dashboards/errors.go through ToDashboardErrorResponse)

    static let notFound = GrafanaError.withStatus(.notFound, "Dashboard not found", status: "not-found")
    static let versionMismatch = GrafanaError.withStatus(
        .preconditionFailed,
        "The dashboard has been changed by someone else",
        status: "version-mismatch"
    )
    static let nameExists = GrafanaError.withStatus(
        .preconditionFailed,
        "A dashboard with the same name in the folder already exists",
        status: "name-exists"
    )
    static let titleEmpty = GrafanaError.withStatus(
        .badRequest,
        "Dashboard title cannot be empty",
        status: "empty-name"
    )
    static let sameUID = GrafanaError.error(.badRequest, "A dashboard with the same uid already exists", cause: false)
    static let invalidUID = GrafanaError.error(.badRequest, "uid contains illegal characters", cause: false)
    static let uidTooLong = GrafanaError.error(.badRequest, "uid too long, max 40 characters", cause: false)
    static let messageTooLong = GrafanaError.error(.badRequest, "message too long, max 500 characters", cause: false)
    /// `dashboards.ErrFolderNotFound` → `response.Error(400, err.Error(), nil)`.
    static let folderNotFound = GrafanaError.error(.badRequest, "folder not found", cause: false)
    static let useFolders = GrafanaError.error(.badRequest, "Use folders endpoint for saving folders.", cause: false)
    /// `getDashboardHelper`: `response.Error(404, "Dashboard not found", err)`.
    static let lookupNotFound = GrafanaError.error(.notFound, "Dashboard not found", cause: true)

    static func pluginDashboard(_ pluginID: String) -> GrafanaError {
        GrafanaError.withStatus(
            .preconditionFailed,
            "The dashboard belongs to plugin \(pluginID).",
            status: "plugin-dashboard"
        )
    }

    // MARK: Save

    /// What a save asks for, bound from `dashboards.SaveDashboardCommand`.
    struct SaveRequest: Sendable {
        var dashboard: Record
        var folderUID: String
        var overwrite: Bool
        var message: String
        var pluginID: String = ""
        /// The version a restore copies (`SaveDashboardCommand.RestoredFrom`), 0 for a plain save.
        var restoredFrom: Int64 = 0
    }

    /// `PostDashboard`: answers the DynMap `{folderUid (11.x+), id, slug, status, uid, url, version}`.
    @Sendable func save(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let saved = try await store(request, context: context)
        // The request's value tree is freed by now; after a large one, glibc would keep its
        // pages resident (its nodes sit in the middle of the heap) unless handed back.
        if saved.modelJSON.count >= SandboxStore.trimThreshold { MallocTuning.returnFreedMemory() }
        try await environment.connectLibraryPanels(of: saved)
        return SandboxResponse.json(.ok, saveAnswer(saved))
    }

    /// Binds and checks a save, and stores it.
    private func store(_ request: Request, context: SandboxRequestContext) async throws -> StoredDashboard {
        let identity = try await context.requireAnywhere([.dashboardsCreate, .dashboardsWrite], in: environment)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (dashboard, folderUIDField, folderID, overwrite, message, isFolder) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            // `Dashboard *simplejson.Json binding:"Required"`: absent or null fails validation.
            guard let dashboard = try form.objectValue("dashboard") else { throw RequestForm.Failure() }
            return (
                dashboard, try form.string("folderUid") ?? "", try form.int("folderId") ?? 0,
                try form.bool("overwrite") ?? false, try form.string("message") ?? "",
                try form.bool("isFolder") ?? false
            )
        }
        if isFolder { throw Self.useFolders }
        // The deprecated `folderId` still names a folder when `folderUid` is empty; an unknown
        // one is the same "folder not found" as an unknown uid.
        var folderUID = folderUIDField
        if folderUID.isEmpty && folderID > 0 {
            guard
                let folder = await environment.store.read({ state in
                    state.folders.first { $0.orgID == identity.orgID && $0.id == folderID }
                })
            else { throw Self.folderNotFound }
            folderUID = folder.uid
        }
        let saveRequest = SaveRequest(
            dashboard: dashboard,
            folderUID: folderUID,
            overwrite: overwrite,
            message: message
        )
        let version = environment.version
        return try await environment.store.write { state in
            try state.saveDashboard(saveRequest, identity: identity, version: version)
        }
    }

    private func saveAnswer(_ saved: StoredDashboard) -> Value {
        var pairs: [(String, Value)] = [
            ("status", "success"), ("slug", .string(saved.slug)), ("version", .int(saved.version)),
            ("id", .int(saved.id)), ("uid", .string(saved.uid)), ("url", .string("/d/\(saved.uid)/\(saved.slug)")),
        ]
        if environment.version.dashboardSaveHasFolderUID { pairs.append(("folderUid", .string(saved.folderUID ?? ""))) }
        return .map(pairs)
    }

    // MARK: Get and delete

    /// `GetDashboard`: `{dashboard, meta}` (`dtos.DashboardFullWithMeta`).
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireDashboard(.dashboardsRead, in: environment)
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let dashboard = state.dashboard(uid: uid, orgID: identity.orgID) else { throw Self.lookupNotFound }
            var meta = state.dashboardMeta(dashboard, role: identity.resourceRole)
            Self.markStarred(&meta, dashboard: dashboard, identity: identity, state: state)
            // The stored model is the JSON `json.Marshal` writes; it goes into the answer as it is.
            var body: [UInt8] = []
            body.reserveCapacity(dashboard.modelJSON.count + 1_024)
            body.append(contentsOf: #"{"dashboard":"#.utf8)
            body.append(contentsOf: dashboard.modelJSON)
            body.append(contentsOf: #","meta":"#.utf8)
            body.append(contentsOf: meta.jsonBytes(options: .go))
            body.append(UInt8(ascii: "}"))
            return SandboxResponse.json(.ok, bytes: body)
        }
    }

    /// `DeleteDashboardByUID`: 11.x answers `{message, title, uid}`, 10.x `{id, message, title}`;
    /// a folder's uid is 400 "Use folders endpoint for deleting folders."
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireDashboard(.dashboardsDelete, in: environment)
        let uid = context.stringParameter("uid")
        let deleted = try await environment.store.write { state -> StoredDashboard in
            if state.folder(uid: uid, orgID: identity.orgID) != nil {
                throw GrafanaError.error(.badRequest, "Use folders endpoint for deleting folders.", cause: false)
            }
            guard let dashboard = state.dashboard(uid: uid, orgID: identity.orgID) else { throw Self.lookupNotFound }
            state.dashboards.remove(id: dashboard.id)
            state.permissions.removeAll { $0.orgID == identity.orgID && $0.resourceUID == uid }
            state.permissionsCustomised.remove("\(identity.orgID)/dashboard/\(uid)")
            for index in state.preferences.indices where state.preferences[index].homeDashboardUID == uid {
                state.preferences[index].homeDashboardUID = ""
            }
            return dashboard
        }
        var pairs: [(String, Value)] = [
            ("title", .string(deleted.title)), ("message", .string("Dashboard \(deleted.title) deleted")),
        ]
        pairs.append(
            environment.version.dashboardDeleteHasUID ? ("uid", .string(deleted.uid)) : ("id", .int(deleted.id))
        )
        return SandboxResponse.json(.ok, .map(pairs))
    }

    // MARK: Import

    /// `ImportDashboard` (`pkg/services/dashboardimport/api/api.go`): `${NAME}` placeholders
    /// declared in `__inputs` are replaced from `inputs` (`utils/dash_template_evaluator.go`),
    /// `__inputs` is dropped, and the result is saved with the request's `overwrite`.
    @Sendable func importDashboard(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireAnywhere([.dashboardsCreate], in: environment)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (template, inputs, overwrite, folderUID, pluginID) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            let inputs = try form.array("inputs") { value throws(RequestForm.Failure) -> ImportInput in
                guard case .record(let object) = value else { throw RequestForm.Failure() }
                func text(_ key: String) throws(RequestForm.Failure) -> String {
                    switch object[key] {
                    case nil, .null?: return ""
                    case .string(let string)?: return string
                    default: throw RequestForm.Failure()
                    }
                }
                return ImportInput(
                    name: try text("name"),
                    type: try text("type"),
                    pluginID: try text("pluginId"),
                    value: try text("value")
                )
            }
            return (
                try form.objectValue("dashboard"), inputs ?? [], try form.bool("overwrite") ?? false,
                try form.string("folderUid") ?? "", try form.string("pluginId") ?? ""
            )
        }
        guard let template else {
            if pluginID.isEmpty {
                throw GrafanaError.error(.unprocessableContent, "Dashboard must be set", cause: false)
            }
            throw GrafanaError.error(.notFound, "Plugin not found", cause: false)
        }
        let evaluated = try DashboardTemplate(template: template, inputs: inputs).evaluate()
        var dashboard = evaluated
        // The importer saves a new dashboard unless `overwrite` replaces one with the same uid.
        dashboard["id"] = .null
        let saveRequest = SaveRequest(dashboard: dashboard, folderUID: folderUID, overwrite: overwrite, message: "")
        let version = environment.version
        let saved = try await environment.store.write { state in
            try state.saveDashboard(saveRequest, identity: identity, version: version)
        }
        try await environment.connectLibraryPanels(of: saved)
        let folderID = await environment.store.read { state in
            saved.folderUID.flatMap { state.folder(uid: $0, orgID: saved.orgID)?.id } ?? 0
        }
        // `dashboardimport.ImportDashboardResponse`.
        return SandboxResponse.json(
            .ok,
            .record([
                "uid": .string(saved.uid), "pluginId": "", "title": .string(saved.title), "imported": true,
                "importedUri": .string("db/\(saved.slug)"), "importedUrl": .string("/d/\(saved.uid)/\(saved.slug)"),
                "slug": .string(saved.slug), "dashboardId": .int(saved.id), "folderId": .int(folderID),
                "folderUid": .string(saved.folderUID ?? ""), "importedRevision": 0, "revision": 0, "description": "",
                "path": "", "removed": false,
            ])
        )
    }
}

/// One `dashboardimport.ImportDashboardInput`.
struct ImportInput: Sendable {
    var name: String
    var type: String
    var pluginID: String
    var value: String
}

/// `DashTemplateEvaluator`: resolves `__inputs` against the request's inputs and substitutes
/// `${NAME}` in every string of the dashboard.
struct DashboardTemplate {
    var template: Record
    var inputs: [ImportInput]

    func evaluate() throws -> Record {
        var variables: [String: String] = [:]
        for declared in template["__inputs"]?.arrayValue ?? [] {
            let name = declared["name"]?.stringValue ?? ""
            let type = declared["type"]?.stringValue ?? ""
            // `findInput`: same type, and the same name or the wildcard `*`.
            guard let input = inputs.first(where: { $0.type == type && ($0.name == name || $0.name == "*") }) else {
                // `DashboardInputMissingError.Error()`, answered 400 by the import API.
                throw GrafanaError.error(
                    .badRequest,
                    "Dashboard input variable: \(name) missing from import command",
                    cause: true
                )
            }
            variables["${\(name)}"] = input.value
        }
        var result = Record()
        for entry in template where entry.key != "__inputs" {
            result[entry.key] = substitute(entry.value, variables)
        }
        return result
    }

    private func substitute(_ value: Value, _ variables: [String: String]) -> Value {
        switch value {
        case .string(let text): .string(replace(text, variables))
        case .list(let items): .list(items.map { substitute($0, variables) })
        case .record(let object):
            .record(Record(object.map { ($0.key, substitute($0.value, variables)) }))
        default: value
        }
    }

    /// `varRegex` `(\$\{.+?\})`: each `${…}` naming a known variable is replaced.
    private func replace(_ text: String, _ variables: [String: String]) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}"), end > start.upperBound else {
                output += rest[start.lowerBound...]
                return output
            }
            let token = String(rest[start.lowerBound...end])
            output += variables[token] ?? token
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }
}

extension SandboxState {
    /// The dashboard service's save path: validation (`BuildSaveDashboardCommand`), the store's
    /// `ValidateDashboardBeforeSave` (by id, by uid, by title in folder), then the write with
    /// Grafana's version rules (1 for a new dashboard, +1 on each save).
    mutating func saveDashboard(
        _ request: DashboardsController.SaveRequest,
        identity: Identity,
        version: GrafanaVersion
    ) throws -> StoredDashboard {
        let orgID = identity.orgID
        var model = request.dashboard
        let title = (model["title"]?.stringValue ?? "").trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw DashboardsController.titleEmpty }
        var uid = model["uid"]?.stringValue ?? ""
        if !uid.isEmpty {
            guard UIDRules.isValid(uid) else { throw DashboardsController.invalidUID }
            guard !UIDRules.isTooLong(uid) else { throw DashboardsController.uidTooLong }
        }
        if request.message.count > 500 { throw DashboardsController.messageTooLong }
        let folderUID: String? = request.folderUID.isEmpty ? nil : request.folderUID
        if let folderUID, folder(uid: folderUID, orgID: orgID) == nil { throw DashboardsController.folderNotFound }
        if !uid.isEmpty && folder(uid: uid, orgID: orgID) != nil {
            // A folder already has this uid: `ErrDashboardTypeMismatch`.
            throw GrafanaError.error(.badRequest, "Dashboard cannot be changed to a folder", cause: false)
        }

        let requestedID = model["id"]?.integerValue ?? 0
        var modelVersion = model["version"]?.integerValue ?? 0
        var existing: StoredDashboard?
        if requestedID > 0 {
            guard let byID = dashboards[id: requestedID], byID.orgID == orgID else {
                throw DashboardsController.notFound
            }
            if uid.isEmpty { uid = byID.uid }
            existing = byID
        }
        if !uid.isEmpty, let byUID = dashboard(uid: uid, orgID: orgID) {
            if let byID = existing, byID.id != byUID.id { throw DashboardsController.sameUID }
            existing = byUID
        }
        if let current = existing {
            if modelVersion != current.version {
                guard request.overwrite else { throw DashboardsController.versionMismatch }
                modelVersion = current.version
            }
            if !current.pluginID.isEmpty && !request.overwrite {
                throw DashboardsController.pluginDashboard(current.pluginID)
            }
        }
        // `getExistingDashboardByTitleAndFolder`: a different dashboard with this title in
        // the same folder is replaced with `overwrite`, refused otherwise (up to 11.x).
        if version.rejectsSameNameInFolder,
            let sameTitle = dashboards.dashboards(titled: title, folderUID: folderUID, orgID: orgID).first(where: {
                $0.id != existing?.id
            })
        {
            guard request.overwrite else { throw DashboardsController.nameExists }
            existing = sameTitle
            uid = sameTitle.uid
            modelVersion = sameTitle.version
        }

        try checkCanSave(identity, existing: existing, folderUID: folderUID, version: version)
        let now = Date()
        let slug = GrafanaFormat.slug(title)
        if let current = existing, var updated = dashboards[id: current.id] {
            let newVersion = modelVersion + 1
            model["id"] = .int(current.id)
            model["uid"] = .string(current.uid)
            model["version"] = .int(newVersion)
            model["title"] = .string(title)
            updated.title = title
            updated.slug = slug
            updated.data = Value.record(model).sortedRecursively()
            updated.version = newVersion
            updated.folderUID = folderUID
            updated.tags = Self.tags(of: model)
            updated.updated = now
            updated.updatedBy = identity.userID
            updated.message = request.message
            dashboards.upsert(updated)
            recordVersion(of: updated, parent: current.version, request: request, identity: identity)
            return updated
        }
        let id = allocateDashboardID()
        if uid.isEmpty { uid = KeyGenerator.shortUID() }
        model["id"] = .int(id)
        model["uid"] = .string(uid)
        model["version"] = 1
        model["title"] = .string(title)
        let stored = StoredDashboard(
            id: id,
            uid: uid,
            orgID: orgID,
            title: title,
            slug: slug,
            data: Value.record(model).sortedRecursively(),
            version: 1,
            folderUID: folderUID,
            pluginID: request.pluginID,
            tags: Self.tags(of: model),
            created: now,
            updated: now,
            createdBy: identity.userID,
            updatedBy: identity.userID,
            message: request.message
        )
        dashboards.upsert(stored)
        recordVersion(of: stored, parent: 0, request: request, identity: identity)
        return stored
    }

    /// The dashboard store's save writes a `dashboard_version` row with every dashboard row:
    /// the parent is the version it replaced (0 for a new dashboard).
    private mutating func recordVersion(
        of dashboard: StoredDashboard,
        parent: Int64,
        request: DashboardsController.SaveRequest,
        identity: Identity
    ) {
        var version = StoredDashboardVersion(
            id: 0,
            dashboardID: dashboard.id,
            parentVersion: parent,
            restoredFrom: request.restoredFrom,
            version: dashboard.version,
            created: dashboard.updated,
            createdBy: identity.userID,
            message: request.message,
            data: .null
        )
        // The row's JSON, shared: nothing to compact when the row moves on.
        version.modelJSON = dashboard.modelJSON
        dashboards.addVersion(version)
    }

    static func tags(of model: Record) -> [String] {
        (model["tags"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// `dtos.DashboardMeta` as `GetDashboard` fills it.
    func dashboardMeta(_ dashboard: StoredDashboard, role: OrgRole) -> Value {
        let folder = dashboard.folderUID.flatMap { self.folder(uid: $0, orgID: dashboard.orgID) }
        let canEdit = role.includes(.editor)
        let annotations: Value = .record([
            "canAdd": .bool(canEdit), "canEdit": .bool(canEdit), "canDelete": .bool(canEdit),
        ])
        return .record([
            "type": "db", "canSave": .bool(canEdit), "canEdit": .bool(canEdit),
            "canAdmin": .bool(role.includes(.admin)),
            "canStar": true, "canDelete": .bool(canEdit), "slug": .string(dashboard.slug),
            "url": .string(dashboardURL(dashboard)), "expires": .string(GoTime.zero),
            "created": GoTime.json(dashboard.created), "updated": GoTime.json(dashboard.updated),
            "updatedBy": .string(loginOf(dashboard.updatedBy)), "createdBy": .string(loginOf(dashboard.createdBy)),
            "version": .int(dashboard.version), "hasAcl": false, "isFolder": false, "folderId": .int(folder?.id ?? 0),
            "folderUid": .string(folder?.uid ?? ""), "folderTitle": .string(folder?.title ?? "General"),
            "folderUrl": .string(folder.map(folderURL) ?? ""), "provisioned": false, "provisionedExternalId": "",
            "annotationsPermissions": .record(["dashboard": annotations, "organization": annotations]),
            "publicDashboardEnabled": false,
        ])
    }
}
