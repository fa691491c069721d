import Foundation
import GFSLanguage
import GrafanaAPI

// snapshot create|list|show|delete.
extension GFSCommandCatalog {
    static let snapshots: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["snapshot", "create"],
                summary: "Snapshot a saved dashboard (its JSON as it is now).",
                arguments: [
                    ArgumentSpec("dashboard", completion: .dashboardUID, summary: "The dashboard's UID.")
                ],
                options: [
                    OptionSpec("name", valueName: "NAME", summary: "The snapshot's name (Grafana: Unnamed snapshot)."),
                    OptionSpec(
                        "expires",
                        valueName: "DURATION",
                        summary: "Delete it after DURATION (1h, 7d); default never."
                    ),
                    OptionSpec("if-missing", summary: "Return a snapshot of the same name instead of taking another."),
                ],
                binds: "snapshot",
                example: "snapshot create $dashboard.uid --name \"after deploy\" --expires 7d"
            )
        ) { try await $0.createSnapshot($1) },
        CommandDefinition(
            CommandSpec(
                path: ["snapshot", "list"],
                summary: "List the org's snapshots, newest first.",
                options: [OptionSpec("query", valueName: "TEXT", summary: "Only those whose name holds TEXT.")],
                example: "snapshot list"
            ),
            display: ResultDisplay(columns: ["key", "name", "created", "expires"])
        ) { try await $0.listSnapshots($1) },
        CommandDefinition(
            CommandSpec(
                path: ["snapshot", "show"],
                summary: "Show a snapshot: its dashboard and meta.",
                arguments: [ArgumentSpec("key", summary: "The snapshot's key.")],
                example: "snapshot show $snapshot.key"
            ),
            display: ResultDisplay(text: { value, _ in value.prettyJSON })
        ) { try await $0.showSnapshot($1) },
        CommandDefinition(
            CommandSpec(
                path: ["snapshot", "delete"],
                summary: "Delete a snapshot.",
                arguments: [ArgumentSpec("key", summary: "The snapshot's key.")],
                example: "snapshot delete $snapshot.key"
            )
        ) { try await $0.deleteSnapshot($1) },
    ]
}

extension GrafanaShellHost {
    /// `snapshot create UID [--name N] [--expires D] [--if-missing]`: binds `$snapshot` to
    /// `{key, deleteKey, url, deleteUrl, name}`.
    func createSnapshot(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("dashboard")
        let name = try call.option("name")
        var expires: Int?
        if let text = try call.option("expires") {
            guard let seconds = Self.lifetimeSeconds(text) else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "Invalid --expires '\(text)'",
                    hint: "Give a duration such as 1h, 7d or 30m."
                )
            }
            expires = seconds
        }
        if try call.flag("if-missing") {
            guard let name else {
                throw CommandFailure(
                    code: .usage,
                    message: "--if-missing needs --name",
                    hint: "A snapshot is found again by its name: add --name NAME."
                )
            }
            if let found = try await client.snapshots(query: name).first(where: { $0["name"]?.stringValue == name }) {
                return .record(
                    Record([
                        ("key", found["key"] ?? .null), ("name", .string(name)), ("existing", .bool(true)),
                    ])
                )
            }
        }
        let document = try await client.dashboard(uid: uid)
        let outcome = try await client.createSnapshot(dashboard: document.model, name: name, expiresSeconds: expires)
        return result(
            of: outcome,
            planned: Record([("key", "DRY-RUN-SNAPSHOT"), ("name", .string(name ?? "Unnamed snapshot"))])
        ) { answer in
            .record(
                Record([
                    ("key", answer["key"] ?? .null), ("name", .string(name ?? "Unnamed snapshot")),
                    ("url", answer["url"] ?? .null), ("deleteKey", answer["deleteKey"] ?? .null),
                    ("deleteUrl", answer["deleteUrl"] ?? .null),
                ])
            )
        }
    }

    /// A lifetime such as `90s`, `30m`, `12h`, `7d` or `2w` in whole seconds; nil for anything
    /// else or for zero (which Grafana reads as never).
    static func lifetimeSeconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        guard let unit = text.last, let scale = units[unit], let amount = Int(text.dropLast()), amount > 0,
            amount <= Int.max / scale
        else { return nil }
        return amount * scale
    }

    /// `snapshot list [--query TEXT]`.
    func listSnapshots(_ call: CommandArguments) async throws -> Value {
        .list(try await client.snapshots(query: try call.option("query")))
    }

    /// `snapshot show KEY`.
    func showSnapshot(_ call: CommandArguments) async throws -> Value {
        try await client.snapshot(key: try call.required("key"))
    }

    /// `snapshot delete KEY`.
    func deleteSnapshot(_ call: CommandArguments) async throws -> Value {
        let key = try call.required("key")
        let outcome = try await client.deleteSnapshot(key: key)
        let record = Record([("key", .string(key)), ("deleted", .bool(true))])
        return result(of: outcome, planned: record) { _ in .record(record) }
    }
}
