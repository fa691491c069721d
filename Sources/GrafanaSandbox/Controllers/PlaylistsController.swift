import Foundation
import GFSValue
import Hummingbird

/// Playlists, `/api/playlists…` (`pkg/api/playlist.go`; registered in `pkg/api/api.go` with
/// `reqSignedIn` for reads and `reqEditorRole` for writes, and `ValidateOrgPlaylist` in front of
/// the uid routes, which answers 404 "Playlist not found" for a playlist of no org or another).
struct PlaylistsController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/playlists", use: search)
        router.post("/api/playlists", use: create)
        router.get("/api/playlists/:uid", use: get)
        router.get("/api/playlists/:uid/items", use: items)
        router.put("/api/playlists/:uid", use: update)
        router.delete("/api/playlists/:uid", use: delete)
    }

    static let notFound = GrafanaError.error(.notFound, "Playlist not found", cause: true)
    /// `reqEditorRole` (`middleware.ReqEditorRole`): the plain 403 of a role check.
    static let editorRequired = GrafanaError.permissionDenied

    private func requireEditor(_ context: SandboxRequestContext) throws -> Identity {
        let identity = try context.caller()
        guard identity.orgRole.includes(.editor) else { throw Self.editorRequired }
        return identity
    }

    /// `SearchPlaylists`: `query` a substring of the name, `limit` (default 1000); `playlist.Playlist`s.
    @Sendable func search(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let query = request.query("query").lowercased()
        let limit = request.queryInt("limit") > 0 ? request.queryInt("limit") : 1000
        let body = await environment.store.read { state -> Value in
            .list(
                state.library.playlists.filter {
                    $0.orgID == identity.orgID && (query.isEmpty || $0.name.lowercased().contains(query))
                }.sorted { $0.name.lowercased() < $1.name.lowercased() }.prefix(limit).map(Self.summaryJSON)
            )
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `CreatePlaylist`: binds `CreatePlaylistCommand` `{name, interval, items: [{type, value, title}]}`;
    /// answers the `playlist.Playlist` `{id, uid, name, interval}`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try requireEditor(context)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (name, interval, items, uid) = try Self.bindPlaylist(form)
        let playlist = try await environment.store.write { state -> StoredPlaylist in
            let finalUID = uid.isEmpty ? KeyGenerator.shortUID() : uid
            if state.library.playlists.contains(where: { $0.orgID == identity.orgID && $0.uid == finalUID }) {
                throw GrafanaError.error(.internalServerError, "Failed to create playlist", cause: true)
            }
            let now = Date()
            let playlist = StoredPlaylist(
                id: state.library.nextPlaylistID,
                uid: finalUID,
                orgID: identity.orgID,
                name: name,
                interval: interval,
                items: items,
                created: now,
                updated: now
            )
            state.library.nextPlaylistID += 1
            state.library.playlists.append(playlist)
            return playlist
        }
        return SandboxResponse.json(.ok, Self.summaryJSON(playlist))
    }

    /// `GetPlaylist`: the `PlaylistDTO` `{uid, name, interval, items}`.
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let playlist = state.playlist(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            return SandboxResponse.json(.ok, Self.detailJSON(playlist))
        }
    }

    /// `GetPlaylistItems`: the items alone.
    @Sendable func items(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.caller()
        let uid = context.stringParameter("uid")
        return try await environment.store.read { state in
            guard let playlist = state.playlist(uid: uid, orgID: identity.orgID) else { throw Self.notFound }
            return SandboxResponse.json(.ok, .list(playlist.items.map(Self.itemJSON)))
        }
    }

    /// `UpdatePlaylist`: replaces name, interval and items; answers the `PlaylistDTO`.
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try requireEditor(context)
        let uid = context.stringParameter("uid")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (name, interval, items, _) = try Self.bindPlaylist(form)
        let playlist = try await environment.store.write { state -> StoredPlaylist in
            guard let index = state.library.playlists.firstIndex(where: { $0.orgID == identity.orgID && $0.uid == uid })
            else { throw Self.notFound }
            state.library.playlists[index].name = name
            state.library.playlists[index].interval = interval
            state.library.playlists[index].items = items
            state.library.playlists[index].updated = Date()
            return state.library.playlists[index]
        }
        return SandboxResponse.json(.ok, Self.detailJSON(playlist))
    }

    /// `DeletePlaylist`: answers the JSON string `""`.
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try requireEditor(context)
        let uid = context.stringParameter("uid")
        try await environment.store.write { state in
            guard state.playlist(uid: uid, orgID: identity.orgID) != nil else { throw Self.notFound }
            state.library.playlists.removeAll { $0.orgID == identity.orgID && $0.uid == uid }
        }
        return SandboxResponse.json(.ok, .string(""))
    }

    static func bindPlaylist(_ form: RequestForm) throws(GrafanaError) -> (
        String, String, [StoredPlaylist.Item], String
    ) {
        try bind(.badRequestData) { () throws(RequestForm.Failure) in
            let items =
                try form.array("items") { value throws(RequestForm.Failure) -> StoredPlaylist.Item in
                    guard let type = value["type"]?.stringValue else { throw RequestForm.Failure() }
                    let text: String
                    switch value["value"] {
                    case .string(let string)?: text = string
                    case .int(let number)?: text = String(number)
                    default: throw RequestForm.Failure()
                    }
                    return StoredPlaylist.Item(type: type, value: text, title: value["title"]?.stringValue ?? "")
                } ?? []
            return (
                try form.string("name") ?? "", try form.string("interval") ?? "", items, try form.string("uid") ?? ""
            )
        }
    }

    static func summaryJSON(_ playlist: StoredPlaylist) -> Value {
        .record([
            "id": .int(playlist.id), "uid": .string(playlist.uid), "name": .string(playlist.name),
            "interval": .string(playlist.interval),
        ])
    }

    static func detailJSON(_ playlist: StoredPlaylist) -> Value {
        .record([
            "uid": .string(playlist.uid), "name": .string(playlist.name), "interval": .string(playlist.interval),
            "items": .list(playlist.items.map(itemJSON)),
        ])
    }

    static func itemJSON(_ item: StoredPlaylist.Item) -> Value {
        var record: Record = ["type": .string(item.type), "value": .string(item.value)]
        if !item.title.isEmpty { record["title"] = .string(item.title) }
        return .record(record)
    }
}

extension SandboxState {
    func playlist(uid: String, orgID: Int64) -> StoredPlaylist? {
        library.playlists.first { $0.orgID == orgID && $0.uid == uid }
    }
}
