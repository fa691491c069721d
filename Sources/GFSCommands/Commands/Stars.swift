import Foundation
import GFSLanguage
import GrafanaAPI

// star add|remove|list: the signed-in user's starred dashboards.
extension GFSCommandCatalog {
    static let stars: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["star", "add"],
                summary: "Star a dashboard (by UID or title).",
                arguments: [ArgumentSpec("dashboard", completion: .dashboardUID, summary: "UID or title.")],
                example: "star add prod-overview",
                discussion: "A dashboard already starred is left as it is, so a rerun changes nothing."
            )
        ) { try await $0.changeStar($1, star: true) },
        CommandDefinition(
            CommandSpec(
                path: ["star", "remove"],
                summary: "Remove the star from a dashboard (by UID or title).",
                arguments: [ArgumentSpec("dashboard", completion: .dashboardUID, summary: "UID or title.")],
                example: "star remove prod-overview"
            )
        ) { try await $0.changeStar($1, star: false) },
        CommandDefinition(
            CommandSpec(path: ["star", "list"], summary: "List the dashboards you starred.", example: "star list"),
            display: ResultDisplay(columns: ["uid", "title", "folder"])
        ) { try await $0.listStars($1) },
    ]
}

extension GrafanaShellHost {
    /// A dashboard's uid from its uid or its exact title.
    func dashboardUID(for reference: String) async throws -> String {
        if try await client.findDashboard(uid: reference) != nil { return reference }
        let hits = try await client.searchAll(SearchQuery(query: reference, type: .dashboard))
        let titled = hits.filter { $0.title == reference }
        if titled.count > 1 {
            throw CommandFailure(
                message: "Several dashboards are titled '\(reference)'",
                hint: "Give the dashboard's UID: \(titled.map(\.uid).joined(separator: ", "))."
            )
        }
        guard let hit = titled.first else {
            throw CommandFailure(
                message: "No dashboard '\(reference)'",
                hint: reference.bestMatch(in: hits.map(\.title)).map { "Did you mean '\($0)'?" }
                    ?? "'dashboard list' shows the dashboards."
            )
        }
        return hit.uid
    }

    /// `star add|remove DASHBOARD`: idempotent, since starring twice is an error in Grafana.
    func changeStar(_ call: CommandArguments, star: Bool) async throws -> Value {
        let uid = try await dashboardUID(for: try call.required("dashboard"))
        let starred = try await client.starredDashboardUIDs().contains(uid)
        if starred == star {
            return .record(Record([("uid", .string(uid)), ("starred", .bool(star)), ("changed", .bool(false))]))
        }
        let outcome = star ? try await client.starDashboard(uid: uid) : try await client.unstarDashboard(uid: uid)
        return result(of: outcome, planned: Record([("uid", .string(uid)), ("starred", .bool(starred))])) {
            .record(Record([("uid", .string(uid)), ("starred", .bool(star)), ("changed", .bool(true))]))
        }
    }

    /// `star list`.
    func listStars(_ call: CommandArguments) async throws -> Value {
        let hits = try await client.searchAll(SearchQuery(type: .dashboard, starred: true))
        return .list(
            hits.map { hit in
                .record(
                    Record([
                        ("uid", .string(hit.uid)), ("title", .string(hit.title)),
                        ("folder", .string(hit.folderTitle ?? "General")), ("url", hit.url.value),
                    ])
                )
            }
        )
    }
}
