import Foundation
import GFSValue
import Hummingbird

/// Library elements, `/api/library-elements…` (`pkg/services/libraryelements/api.go`
/// `registerAPIEndpoints`, the store in `libraryelements/database.go`, the messages in
/// `libraryelements/model/model.go`). Elements live in the request's org, in a folder or the root.
struct LibraryElementsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.post("/api/library-elements", use: create)
        router.get("/api/library-elements", use: search)
        router.get("/api/library-elements/name/:name", use: byName)
        router.get("/api/library-elements/:uid", use: get)
        router.patch("/api/library-elements/:uid", use: patch)
        router.delete("/api/library-elements/:uid", use: delete)
        router.get("/api/library-elements/:uid/connections", use: connections)
    }

    // `model.ErrLibraryElement…` and the statuses `toLibraryElementError` gives them.
    static let notFound = GrafanaError.error(.notFound, "library element could not be found", cause: true)
    static let alreadyExists = GrafanaError.error(
        .badRequest,
        "library element with that name or UID already exists",
        cause: true
    )
    static let hasConnections = GrafanaError.error(.forbidden, "the library element has connections", cause: true)
    static let versionMismatch = GrafanaError.error(
        .preconditionFailed,
        "the library element has been changed by someone else",
        cause: true
    )
    static let invalidUID = GrafanaError.error(.badRequest, "uid contains illegal characters", cause: true)
    static let uidTooLong = GrafanaError.error(.badRequest, "uid too long, max 40 characters", cause: true)
    static let unsupportedKind = GrafanaError.error(.badRequest, "the element kind is not supported", cause: true)
    /// `createHandler` / `patchHandler`: a `folderUid` that names no folder.
    static let folderMissing = GrafanaError.error(.badRequest, "failed to get folder", cause: true)

    /// `createHandler`: binds `CreateLibraryElementCommand` (`kind` required); answers
    /// `{result: LibraryElementDTO}`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "library.panels:create")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (kind, name, uid, folderUID, model) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            guard let kind = try form.int("kind"), kind != 0 else { throw RequestForm.Failure() }
            return (
                kind, try form.string("name") ?? "", try form.string("uid") ?? "", try form.string("folderUid") ?? "",
                form.value("model") ?? .null
            )
        }
        let element = try await environment.store.write { state -> StoredLibraryElement in
            if !folderUID.isEmpty && state.folder(uid: folderUID, orgID: identity.orgID) == nil {
                throw Self.folderMissing
            }
            // `CreateElement`: only panels and variables; a given uid is checked like a
            // dashboard's (`util.IsValidShortUID`, at most 40 characters).
            guard kind == 1 || kind == 2 else { throw Self.unsupportedKind }
            if !uid.isEmpty {
                guard UIDRules.isValid(uid) else { throw Self.invalidUID }
                guard !UIDRules.isTooLong(uid) else { throw Self.uidTooLong }
            }
            let finalUID = uid.isEmpty ? KeyGenerator.shortUID() : uid
            // The table's unique keys: (org_id, uid) and (org_id, folder_id, name, kind).
            if state.library.elements.contains(where: {
                $0.orgID == identity.orgID
                    && ($0.uid == finalUID
                        || ($0.folderUID == folderUID && $0.name == name && $0.kind == kind))
            }) {
                throw Self.alreadyExists
            }
            let now = Date()
            let element = StoredLibraryElement(
                id: state.library.nextElementID,
                orgID: identity.orgID,
                folderUID: folderUID,
                uid: finalUID,
                name: name,
                kind: kind,
                model: model,
                version: 1,
                created: now,
                updated: now,
                createdBy: identity.userID,
                updatedBy: identity.userID
            )
            state.library.nextElementID += 1
            state.library.elements.append(element)
            return element
        }
        let body = await environment.store.read { state in state.libraryElementJSON(element) }
        return SandboxResponse.json(.ok, .record(["result": body]))
    }

    /// `getAllHandler`: `searchString` (name or description, case-insensitive), `kind`,
    /// `typeFilter` and `folderFilterUIDs` (comma-separated), `excludeUid`, `sortDirection`
    /// (`alpha-asc` by default, or `alpha-desc`), `perPage` (default 100) and `page` (from 1).
    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "library.panels:read")
        let perPage = request.queryInt("perPage") > 0 ? request.queryInt("perPage") : 100
        let page = max(request.queryInt("page"), 1)
        let text = request.query("searchString").lowercased()
        let kind = Int64(request.queryInt("kind"))
        let types = Set(request.query("typeFilter").split(separator: ",").map(String.init))
        // `general` names the root folder in the filter (`ac.GeneralFolderUID`).
        let folders = Set(
            request.query("folderFilterUIDs").split(separator: ",").map { $0 == "general" ? "" : String($0) }
        )
        let exclude = request.query("excludeUid")
        let descending = request.query("sortDirection") == "alpha-desc"
        let body = await environment.store.read { state -> Value in
            var matching = state.library.elements.filter { element in
                element.orgID == identity.orgID && (kind == 0 || element.kind == kind)
                    && (text.isEmpty || element.name.lowercased().contains(text)
                        || element.description.lowercased().contains(text))
                    && (types.isEmpty || types.contains(element.type))
                    && (folders.isEmpty || folders.contains(element.folderUID))
                    && (exclude.isEmpty || element.uid != exclude)
            }
            matching.sort { $0.name.lowercased() < $1.name.lowercased() }
            if descending { matching.reverse() }
            let slice = matching.page(page, size: perPage)
            return .record([
                "result": .record([
                    "totalCount": .int(matching.count), "elements": .list(slice.map(state.libraryElementJSON)),
                    "page": .int(page), "perPage": .int(perPage),
                ])
            ])
        }
        return SandboxResponse.json(.ok, body)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "library.panels:read")
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let element = state.libraryElement(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            return SandboxResponse.json(.ok, .record(["result": state.libraryElementJSON(element)]))
        }
    }

    /// `getByNameHandler`: every element of that name (one per folder); none is 404.
    @Sendable func byName(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "library.panels:read")
        let name = context.stringParameter("name")
        return try await environment.store.read { state in
            let found = state.library.elements.filter { $0.orgID == identity.orgID && $0.name == name }
            guard !found.isEmpty else { throw Self.notFound }
            return SandboxResponse.json(.ok, .record(["result": .list(found.map(state.libraryElementJSON))]))
        }
    }

    /// `patchHandler` / `PatchLibraryElement`: `kind` and `version` are required; a version
    /// other than the stored one is 412; absent `name`, `model` and `folderUid` keep theirs.
    @Sendable func patch(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "library.panels:write")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (kind, version, name, newUID, folderUID, model) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            guard let kind = try form.int("kind"), kind != 0, let version = try form.int("version"), version != 0
            else { throw RequestForm.Failure() }
            return (
                kind, version, try form.string("name") ?? "", try form.string("uid") ?? "",
                try form.string("folderUid"),
                form.value("model")
            )
        }
        let uid = context.stringParameter("uid")
        let element = try await environment.store.write { state -> StoredLibraryElement in
            if let folderUID, !folderUID.isEmpty, state.folder(uid: folderUID, orgID: identity.orgID) == nil {
                throw Self.folderMissing
            }
            guard kind == 1 || kind == 2 else { throw Self.unsupportedKind }
            guard let index = state.library.elements.firstIndex(where: { $0.orgID == identity.orgID && $0.uid == uid })
            else { throw Self.notFound }
            var element = state.library.elements[index]
            guard element.version == version else { throw Self.versionMismatch }
            if !newUID.isEmpty && newUID != uid {
                guard UIDRules.isValid(newUID) else { throw Self.invalidUID }
                guard !UIDRules.isTooLong(newUID) else { throw Self.uidTooLong }
                element.uid = newUID
            }
            if !name.isEmpty { element.name = name }
            if let model, model != .null { element.model = model }
            if let folderUID { element.folderUID = folderUID }
            if state.library.elements.contains(where: {
                $0.id != element.id && $0.orgID == identity.orgID
                    && ($0.uid == element.uid
                        || ($0.folderUID == element.folderUID && $0.name == element.name && $0.kind == element.kind))
            }) {
                throw Self.alreadyExists
            }
            element.version += 1
            element.updated = Date()
            element.updatedBy = identity.userID
            state.library.elements[index] = element
            return element
        }
        let body = await environment.store.read { state in state.libraryElementJSON(element) }
        return SandboxResponse.json(.ok, .record(["result": body]))
    }

    /// `deleteHandler` / `DeleteLibraryElement`: refused with 403 while a dashboard is connected.
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "library.panels:delete")
        let uid = context.stringParameter("uid")
        let id = try await environment.store.write { state -> Int64 in
            guard let element = state.libraryElement(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            if !state.connectedDashboards(of: element).isEmpty { throw Self.hasConnections }
            state.library.elements.removeAll { $0.id == element.id }
            state.library.connections.removeAll { $0.elementID == element.id }
            return element.id
        }
        return SandboxResponse.json(.ok, .map([("id", .int(id)), ("message", "Library element deleted")]))
    }

    /// `getConnectionsHandler`: one `LibraryElementConnectionDTO` per connected dashboard.
    /// Grafana's `id` there is an FNV hash of the pair; the sandbox numbers them instead,
    /// since the id cannot be used for anything.
    @Sendable func connections(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "library.panels:read")
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let element = state.libraryElement(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            let rows = state.connectedDashboards(of: element).enumerated().map { index, dashboard -> Value in
                .record([
                    "id": .int(index + 1), "kind": 1, "elementId": .int(element.id), "connectionId": .int(dashboard.id),
                    "connectionUid": .string(dashboard.uid), "created": GoTime.json(element.created),
                    "createdBy": state.libraryUserJSON(element.createdBy),
                ])
            }
            return SandboxResponse.json(.ok, .record(["result": .list(rows)]))
        }
    }
}

// MARK: - Connecting library panels when a dashboard is saved

extension SandboxEnvironment {
    /// `ConnectLibraryPanelsForDashboard` (`pkg/services/librarypanels/librarypanels.go`), which
    /// `PostDashboard` (`pkg/api/dashboard.go`) and the import service call after the dashboard
    /// is stored: the uids under `panels[].libraryPanel` (rows included) replace the dashboard's
    /// connections (`ConnectElementsToDashboard`). An unknown uid fails the whole connect, so the
    /// dashboard stays saved with its old connections and the answer is 500.
    func connectLibraryPanels(of dashboard: StoredDashboard) async throws {
        var uids: [String] = []
        func collect(_ panels: [Value]) {
            for panel in panels {
                if panel["type"]?.stringValue == "row" {
                    collect(panel["panels"]?.arrayValue ?? [])
                } else if let uid = panel["libraryPanel"]?["uid"]?.stringValue, !uids.contains(uid) {
                    uids.append(uid)
                }
            }
        }
        // Most models use no library panel: the key is looked for in the JSON first, and the
        // model read only when it is there.
        let mayUse = dashboard.modelJSON.containsBytes(Array(#""libraryPanel""#.utf8), anchor: 8)
        if mayUse {
            collect(dashboard.data["panels"]?.arrayValue ?? [])
        }
        let wanted = uids
        // Most saves change no connection (most dashboards use no library panel): a read
        // decides, so they cost no second write and no journal record.
        let current = await store.read { state -> (connected: Set<Int64>, wanted: [Int64]?) in
            let connected = Set(state.library.connections.filter { $0.dashboardID == dashboard.id }.map(\.elementID))
            var ids: [Int64] = []
            for uid in wanted {
                guard let element = state.libraryElement(uid: uid, orgID: dashboard.orgID) else {
                    return (connected, nil)
                }
                ids.append(element.id)
            }
            return (connected, ids)
        }
        guard let ids = current.wanted else { throw Self.connectFailed }
        if Set(ids) == current.connected { return }
        try await store.write { state in
            // An element deleted since the read fails the connect as an unknown uid does.
            guard ids.allSatisfy({ id in state.library.elements.contains { $0.id == id } }) else {
                throw Self.connectFailed
            }
            state.library.connections.removeAll { $0.dashboardID == dashboard.id }
            let now = Date()
            for id in ids {
                state.library.connections.append(
                    StoredLibraryConnection(
                        elementID: id,
                        dashboardID: dashboard.id,
                        created: now,
                        createdBy: dashboard.updatedBy
                    )
                )
            }
        }
    }

    /// `PostDashboard`'s answer when `ConnectLibraryPanelsForDashboard` fails.
    static let connectFailed = GrafanaError.error(
        .internalServerError,
        "Error while connecting library panels",
        cause: true
    )
}

// MARK: - Basic roles and JSON

extension SandboxRequestContext {
    /// The basic-role grant of an RBAC action this area uses (`pkg/services/accesscontrol/roles.go`
    /// and the fixed roles of each service: readers go to Viewer, writers to Editor); a caller
    /// below `role` gets Grafana's `Access denied` 403 naming the action.
    func requireBasicRole(_ role: OrgRole, action: String) throws -> Identity {
        let identity = try caller()
        guard identity.orgRole != .none, identity.orgRole.includes(role) else {
            throw GrafanaError.accessDenied(action)
        }
        return identity
    }
}

extension SandboxState {
    func libraryElement(uid: String, orgID: Int64) -> StoredLibraryElement? {
        library.elements.first { $0.orgID == orgID && $0.uid == uid }
    }

    /// The dashboards connected to `element` that still exist, in id order (a deleted
    /// dashboard's connections go with it, as `DeleteDashboard` removes them).
    func connectedDashboards(of element: StoredLibraryElement) -> [StoredDashboard] {
        library.connections.filter { $0.elementID == element.id }.map(\.dashboardID).sorted().compactMap { id in
            dashboards[id: id].flatMap { $0.orgID == element.orgID ? $0 : nil }
        }
    }

    /// `LibraryElementDTOMetaUser`.
    func libraryUserJSON(_ userID: Int64) -> Value {
        let user = user(userID)
        let name = user.map { $0.name.isEmpty ? $0.login : $0.name } ?? ""
        return .record([
            "id": .int(userID), "name": .string(name), "avatarUrl": .string(GrafanaFormat.avatarURL(user?.email ?? "")),
        ])
    }

    /// `LibraryElementDTO` with its `meta`; the root folder is named "General"
    /// (`dashboards.RootFolderName`, which `getHandler` passes).
    func libraryElementJSON(_ element: StoredLibraryElement) -> Value {
        let folder = element.folderUID.isEmpty ? nil : self.folder(uid: element.folderUID, orgID: element.orgID)
        return .record([
            "id": .int(element.id), "orgId": .int(element.orgID), "folderId": .int(folder?.id ?? 0),
            "folderUid": .string(element.folderUID), "uid": .string(element.uid), "name": .string(element.name),
            "kind": .int(element.kind), "type": .string(element.type), "description": .string(element.description),
            "model": element.model, "version": .int(element.version),
            "meta": .record([
                "folderName": .string(folder?.title ?? "General"), "folderUid": .string(element.folderUID),
                "connectedDashboards": .int(connectedDashboards(of: element).count),
                "created": GoTime.json(element.created), "updated": GoTime.json(element.updated),
                "createdBy": libraryUserJSON(element.createdBy), "updatedBy": libraryUserJSON(element.updatedBy),
            ]),
        ])
    }
}
