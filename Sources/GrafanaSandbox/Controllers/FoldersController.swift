import Foundation
import GFSValue
import Hummingbird

/// Folders, `/api/folders…` (`pkg/api/folder.go`; errors from `pkg/api/apierrors/folder.go`
/// `ToFolderErrorResponse` and `pkg/services/dashboards/errors.go`). Nested folders are on,
/// as in Grafana 11.
struct FoldersController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/folders", use: list)
        router.post("/api/folders", use: create)
        router.get("/api/folders/id/:id", use: getByID)
        router.get("/api/folders/:uid", use: get)
        router.put("/api/folders/:uid", use: update)
        router.delete("/api/folders/:uid", use: delete)
        router.post("/api/folders/:uid/move", use: move)
    }

    // MARK: Errors (ToFolderErrorResponse)

    /// `dashboards.ErrFolderNotFound` → `{"message":"folder not found","status":"not-found"}`.
    static let notFound = GrafanaError.withStatus(.notFound, "folder not found", status: "not-found")
    static let titleEmpty = GrafanaError.error(.badRequest, "folder title cannot be empty", cause: false)
    static let sameUID = GrafanaError.error(
        .conflict,
        "a folder/dashboard with the same uid already exists",
        cause: false
    )
    static let versionMismatch = GrafanaError.withStatus(
        .preconditionFailed,
        "the folder has been changed by someone else",
        status: "version-mismatch"
    )
    /// `DashboardErr` values go through `response.Error(status, err.Error(), err)`.
    static let invalidUID = GrafanaError.error(.badRequest, "uid contains illegal characters", cause: true)
    static let uidTooLong = GrafanaError.error(.badRequest, "uid too long, max 40 characters", cause: true)
    /// `folder.ErrMaximumDepthReached` (`pkg/services/folder/model.go`), raised by
    /// `folderimpl` when a folder would sit below `folder.MaxNestedFolderDepth` (4) ancestors.
    static let maximumDepth = GrafanaError.errutil(
        .badRequest,
        messageID: "folder.maximum-depth-reached",
        message: "Maximum nested folder depth reached"
    )
    /// `folder.MaxNestedFolderDepth`.
    static let maxDepth = 4

    // MARK: Routes

    /// `GetFolders`: `[]dtos.FolderSearchHit{id, uid, title, parentUid?}` of one level
    /// (`parentUid`, default root), `limit` (default 1000) and `page` (default 1).
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.foldersRead)
        let parent = environment.version.hasNestedFolders ? request.query("parentUid") : ""
        let limit = request.queryInt("limit") > 0 ? request.queryInt("limit") : 1000
        let page = max(request.queryInt("page"), 1)
        let hits = await environment.store.read { state in
            state.folders.filter { folder in
                folder.orgID == identity.orgID && (folder.parentUID ?? "") == parent
                    && state.canRead(identity, folderUID: folder.uid, version: environment.version)
            }.sorted { $0.title.lowercased() < $1.title.lowercased() }
        }
        let slice = hits.page(page, size: limit)
        return SandboxResponse.json(
            .ok,
            .list(
                slice.map { folder in
                    var object: Record = [
                        "id": .int(folder.id), "uid": .string(folder.uid), "title": .string(folder.title),
                    ]
                    if let parentUID = folder.parentUID, !parentUID.isEmpty { object["parentUid"] = .string(parentUID) }
                    return .record(object)
                }
            )
        )
    }

    /// `CreateFolder`: binds `folder.CreateFolderCommand{uid, title, description, parentUid}`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireAnywhere([.foldersCreate], in: environment)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (uidField, titleField, description, requestedParent) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            (
                try form.string("uid") ?? "", try form.string("title") ?? "", try form.string("description") ?? "",
                try form.string("parentUid") ?? ""
            )
        }
        let title = titleField.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty else { throw Self.titleEmpty }
        // Without nested folders `parentUid` is not a field of the command and is ignored.
        let parentField = environment.version.hasNestedFolders ? requestedParent : ""
        if !uidField.isEmpty {
            guard UIDRules.isValid(uidField) else { throw Self.invalidUID }
            guard !UIDRules.isTooLong(uidField) else { throw Self.uidTooLong }
        }
        let json = try await environment.store.write { state in
            let orgID = identity.orgID
            if !uidField.isEmpty
                && (state.folder(uid: uidField, orgID: orgID) != nil
                    || state.dashboard(uid: uidField, orgID: orgID) != nil)
            {
                throw Self.sameUID
            }
            if !parentField.isEmpty {
                guard let parent = state.folder(uid: parentField, orgID: orgID) else { throw Self.notFound }
                // `folderimpl` `Create`: the parent and its ancestors may number at most 3.
                if state.ancestors(of: parent).count + 1 >= Self.maxDepth { throw Self.maximumDepth }
            }
            try state.checkCanCreateFolder(identity, parentUID: parentField, version: environment.version)
            let now = Date()
            let folder = StoredFolder(
                id: state.allocateDashboardID(),
                uid: uidField.isEmpty ? KeyGenerator.shortUID() : uidField,
                orgID: orgID,
                title: title,
                description: description,
                parentUID: parentField.isEmpty ? nil : parentField,
                version: 1,
                created: now,
                updated: now,
                createdBy: identity.userID,
                updatedBy: identity.userID
            )
            state.folders.append(folder)
            return state.folderJSON(folder, role: identity.orgRole)
        }
        return SandboxResponse.json(.ok, json)
    }

    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireFolder(.foldersRead, in: environment)
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let folder = state.folder(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            return SandboxResponse.json(.ok, state.folderJSON(folder, role: identity.resourceRole))
        }
    }

    /// `GetFolderByID` (deprecated): 400 `id is invalid`.
    @Sendable func getByID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.foldersRead)
        let id = try context.int64Parameter("id", orAnswer: .error(.badRequest, "id is invalid", cause: true))
        return try await environment.store.read { state in
            guard let folder = state.folders.first(where: { $0.id == id && $0.orgID == identity.orgID }) else {
                throw Self.notFound
            }
            return SandboxResponse.json(.ok, state.folderJSON(folder, role: identity.resourceRole))
        }
    }

    /// `UpdateFolder`: binds `{title, description, version, overwrite}`; without `overwrite`
    /// the version must be the stored one (412 version-mismatch, grafana-client
    /// `test_update_folder_conflict`); the version then goes up by one.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireFolder(.foldersWrite, in: environment)
        let uid = context.stringParameter("uid")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (title, description, version, overwrite) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (
                try form.string("title"), try form.string("description"), try form.int("version") ?? 0,
                try form.bool("overwrite") ?? false
            )
        }
        let json = try await environment.store.write { state in
            guard let index = state.folderIndex(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            if !overwrite && version != state.folders[index].version { throw Self.versionMismatch }
            if let title {
                let trimmed = title.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { throw Self.titleEmpty }
                state.folders[index].title = trimmed
            }
            if let description { state.folders[index].description = description }
            state.folders[index].version += 1
            state.folders[index].updated = Date()
            state.folders[index].updatedBy = identity.userID
            return state.folderJSON(state.folders[index], role: identity.orgRole)
        }
        return SandboxResponse.json(.ok, json)
    }

    /// `DeleteFolder`: removes the folder, its subfolders and their dashboards; 11.x answers
    /// `{"message":"Folder deleted"}` (API-NOTES §2.8).
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireFolder(.foldersDelete, in: environment)
        let uid = context.stringParameter("uid")
        try await environment.store.write { state in
            guard state.folder(uid: uid, orgID: identity.orgID) != nil else { throw Self.notFound }
            let doomed = Set(state.subtree(of: uid, orgID: identity.orgID))
            let doomedDashboards = Set(
                state.dashboards.filter {
                    $0.orgID == identity.orgID && $0.folderUID.map(doomed.contains) == true
                }.map(\.uid)
            )
            try state.deleteLibraryElements(
                inFolders: doomed,
                orgID: identity.orgID,
                dashboardIDs: Set(
                    state.dashboards.filter { $0.orgID == identity.orgID && doomedDashboards.contains($0.uid) }.map(
                        \.id
                    )
                )
            )
            try state.deleteAlertRules(
                inFolders: doomed,
                orgID: identity.orgID,
                force: request.queryBool("forceDeleteRules")
            )
            state.folders.removeAll { $0.orgID == identity.orgID && doomed.contains($0.uid) }
            state.dashboards.removeAll { $0.orgID == identity.orgID && doomedDashboards.contains($0.uid) }
            state.permissions.removeAll { permission in
                permission.orgID == identity.orgID
                    && (doomed.contains(permission.resourceUID) || doomedDashboards.contains(permission.resourceUID))
            }
            for uid in doomed { state.permissionsCustomised.remove("\(identity.orgID)/folder/\(uid)") }
            for uid in doomedDashboards { state.permissionsCustomised.remove("\(identity.orgID)/dashboard/\(uid)") }
        }
        return SandboxResponse.success("Folder deleted")
    }

    /// `MoveFolder`: binds `{parentUid}` ("" = root). Moving a folder below itself is the errutil
    /// `folder.circular-reference` (`pkg/services/folder/model.go`; wording inferred).
    @Sendable func move(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.requireFolder(.foldersWrite, in: environment)
        let uid = context.stringParameter("uid")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let parent = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.string("parentUid") ?? "" }
        let json = try await environment.store.write { state in
            guard let index = state.folderIndex(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            if !parent.isEmpty {
                guard state.folder(uid: parent, orgID: identity.orgID) != nil else { throw Self.notFound }
                if state.subtree(of: uid, orgID: identity.orgID).contains(parent) {
                    throw GrafanaError.errutil(
                        .badRequest,
                        messageID: "folder.circular-reference",
                        message: "Circular reference detected"
                    )
                }
                // `folderimpl` `Move`: the new parent's depth plus the moved subtree's height
                // may not pass `MaxNestedFolderDepth`.
                if let newParent = state.folder(uid: parent, orgID: identity.orgID),
                    state.ancestors(of: newParent).count + 1 + state.height(of: uid, orgID: identity.orgID)
                        > Self.maxDepth
                {
                    throw Self.maximumDepth
                }
            }
            state.folders[index].parentUID = parent.isEmpty ? nil : parent
            state.folders[index].version += 1
            state.folders[index].updated = Date()
            state.folders[index].updatedBy = identity.userID
            return state.folderJSON(state.folders[index], role: identity.orgRole)
        }
        return SandboxResponse.json(.ok, json)
    }
}
