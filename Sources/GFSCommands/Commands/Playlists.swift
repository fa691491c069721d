import Foundation
import GFSLanguage
import GrafanaAPI

// playlist create|list|show|delete.
extension GFSCommandCatalog {
    static let playlists: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["playlist", "create"],
                summary: "Create a playlist of dashboards, by UID or by tag.",
                arguments: [ArgumentSpec("name", summary: "The playlist's name.")],
                options: [
                    OptionSpec("interval", valueName: "DURATION", summary: "Time per dashboard (default 5m)."),
                    OptionSpec(
                        "dashboard",
                        valueName: "UID",
                        completion: .dashboardUID,
                        isRepeatable: true,
                        summary: "A dashboard, in order (repeatable)."
                    ),
                    OptionSpec(
                        "tag",
                        valueName: "TAG",
                        isRepeatable: true,
                        summary: "Every dashboard with this tag (repeatable)."
                    ),
                ],
                binds: "playlist",
                example: "playlist create ops-wall --dashboard prod-overview --tag ops --interval 1m"
            )
        ) { try await $0.createPlaylist($1) },
        CommandDefinition(
            CommandSpec(
                path: ["playlist", "list"],
                summary: "List playlists.",
                options: [OptionSpec("query", valueName: "TEXT", summary: "Only those whose name holds TEXT.")],
                example: "playlist list"
            ),
            display: ResultDisplay(columns: ["uid", "name", "interval"])
        ) { try await $0.listPlaylists($1) },
        CommandDefinition(
            CommandSpec(
                path: ["playlist", "show"],
                summary: "Show a playlist and its items.",
                arguments: [ArgumentSpec("uid", summary: "The playlist's UID.")],
                binds: "playlist",
                example: "playlist show $playlist.uid"
            )
        ) { try await $0.showPlaylist($1) },
        CommandDefinition(
            CommandSpec(
                path: ["playlist", "delete"],
                summary: "Delete a playlist.",
                arguments: [ArgumentSpec("uid", summary: "The playlist's UID.")],
                example: "playlist delete $playlist.uid"
            )
        ) { try await $0.deletePlaylist($1) },
    ]
}

extension GrafanaShellHost {
    /// `playlist create NAME [--interval D] [--dashboard UID]... [--tag T]...`: dashboards first,
    /// in the order given, then tags (Grafana's item types `dashboard_by_uid` and `dashboard_by_tag`).
    func createPlaylist(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let interval = try call.option("interval") ?? "5m"
        guard Self.lifetimeSeconds(interval) != nil else {
            throw CommandFailure(
                code: .invalidOptionValue,
                message: "Invalid --interval '\(interval)'",
                hint: "Give a duration such as 30s, 5m or 1h."
            )
        }
        let dashboards = try call.options("dashboard")
        let tags = try call.options("tag")
        guard !dashboards.isEmpty || !tags.isEmpty else {
            throw CommandFailure(
                code: .usage,
                message: "A playlist needs dashboards",
                hint: "Give --dashboard UID or --tag TAG, each as often as needed."
            )
        }
        let items: [Value] =
            dashboards.map { .record(Record([("type", "dashboard_by_uid"), ("value", .string($0))])) }
            + tags.map { .record(Record([("type", "dashboard_by_tag"), ("value", .string($0))])) }
        let outcome = try await client.createPlaylist(name: name, interval: interval, items: items)
        return result(
            of: outcome,
            planned: Record([("uid", "DRY-RUN-PLAYLIST"), ("name", .string(name)), ("interval", .string(interval))])
        ) { answer in
            .record(
                Record([
                    ("uid", answer["uid"] ?? .null), ("name", .string(name)), ("interval", .string(interval)),
                    ("items", .list(items)),
                ])
            )
        }
    }

    /// `playlist list [--query TEXT]`.
    func listPlaylists(_ call: CommandArguments) async throws -> Value {
        .list(try await client.playlists(query: try call.option("query")))
    }

    /// `playlist show UID`.
    func showPlaylist(_ call: CommandArguments) async throws -> Value {
        try await client.playlist(uid: try call.required("uid"))
    }

    /// `playlist delete UID`.
    func deletePlaylist(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let outcome = try await client.deletePlaylist(uid: uid)
        let record = Record([("uid", .string(uid)), ("deleted", .bool(true))])
        return result(of: outcome, planned: record) { _ in .record(record) }
    }
}
