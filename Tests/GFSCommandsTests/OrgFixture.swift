import Foundation
import GFSLanguage
import GrafanaAPI

@testable import GFSCommands

/// An org of the sandbox holding every kind an org transfer carries: nested folders (flat on
/// servers without them), 200 dashboards in them, library panels some dashboards use, data
/// sources with a secure field, alert rules with a contact point, a mute timing and a policy
/// tree, users with org roles, teams with members and grants on folders and dashboards,
/// service accounts with a token, and org and team preferences.
///
/// It is built with gfs's own commands, so it is whatever those commands make on each version
/// profile.
struct OrgFixture {
    static let dashboardCount = 200
    /// The environment the fixture's commands read secrets from.
    static let environment = ["FIXTURE_PASSWORD": "fixture-user-pw", "FIXTURE_DB_PASSWORD": "fixture-db-secret"]
    static let users = [("fx-alice", "Editor"), ("fx-bob", "Viewer"), ("fx-carol", "Admin")]

    /// The folders by uid, with their title and parent (nil at the top).
    static let folders: [(uid: String, title: String, parent: String?)] = [
        ("fx-platform", "Platform", nil),
        ("fx-db", "Databases", "fx-platform"),
        ("fx-db-pg", "Postgres", "fx-db"),
        ("fx-apps", "Apps", nil),
        ("alerts-demo", "Alerts demo", nil),
    ]
    static let libraryPanels = ["fx-lib-cpu": "CPU", "fx-lib-memory": "Memory", "fx-lib-errors": "Errors"]

    /// The folder of dashboard `index` (nil: the General folder).
    static func folder(ofDashboard index: Int) -> String? {
        [nil, "fx-platform", "fx-db", "fx-db-pg", "fx-apps"][index % 5]
    }

    static func dashboardUID(_ index: Int) -> String { String(format: "fx-dash-%03d", index) }

    /// Fills a new org `orgName` of the harness's sandbox and leaves the session acting in it.
    /// Returns the org's id.
    @discardableResult
    static func fill(_ harness: SandboxHarness, orgName: String, nestedFolders: Bool) async throws -> Int64 {
        let directory = NSTemporaryDirectory() + "gfs-fixture-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try writeFiles(to: directory)

        var script = "let org = (org create \"\(orgName)\")\nuse $org\n"
        for (login, role) in users {
            script += """
                user create \(login) --email \(login)@example.com --name "\(login.dropFirst(3).capitalized)" --password-env FIXTURE_PASSWORD --if-missing
                org user add \(login) --role \(role)

                """
        }
        script += """
            datasource create --file \(directory)/datasources/prometheus.json --default
            datasource create --file \(directory)/datasources/loki.json
            datasource create --file \(directory)/datasources/postgres.json --secure-env password=FIXTURE_DB_PASSWORD

            """
        for folder in folders {
            let parent = nestedFolders ? folder.parent.map { " --parent \($0)" } ?? "" : ""
            script += "folder create \"\(folder.title)\" --uid \(folder.uid)\(parent)\n"
        }
        let libraryFiles = libraryPanels.keys.sorted().map { "\(directory)/library/\($0).json" }
        script += "library-panel push \(libraryFiles.joined(separator: " ")) --folder fx-platform\n"
        script += "dashboard push \(directory)/dashboards/general --jobs 4\n"
        for folder in folders where folder.uid.hasPrefix("fx-") {
            script += "dashboard push \(directory)/dashboards/\(folder.uid) --folder \(folder.uid) --jobs 4\n"
        }
        script += """
            alert push \(SandboxHarness.repositoryFile("examples/alerting"))
            team create platform --email platform@example.com
            team create apps
            team member add platform fx-alice fx-bob
            team member add apps fx-carol
            permission set folder fx-platform --team platform --level edit
            permission set folder fx-apps --user fx-carol --level admin
            permission set dashboard \(dashboardUID(4)) --team apps --level view
            permission set dashboard \(dashboardUID(1)) --role Viewer --level edit
            sa create deployer Editor
            sa create reader Viewer
            sa token add deployer ci
            preferences set --org --theme dark --home \(dashboardUID(0)) --week-start monday --timezone utc
            preferences set --team platform --theme light
            org show $org.id

            """
        let outcome = await harness.run(script, name: "fixture.gfs")
        guard outcome.status == .success else {
            throw FixtureFailure(
                description:
                    "\(outcome.diagnostics.map { "\($0.message) \($0.hint ?? "")" }) \(harness.sink.standardError)"
            )
        }
        guard let id = try await harness.adminClient().findOrg(named: orgName)?.id else {
            throw FixtureFailure(description: "The org \(orgName) was not created")
        }
        return id
    }

    struct FixtureFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes the data-source, library-panel and dashboard files.
    static func writeFiles(to directory: String) throws {
        func write(_ value: Value, _ path: String) throws {
            let file = (directory as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(value.compactJSON.utf8).write(to: URL(fileURLWithPath: file))
        }
        try write(
            [
                "uid": "fx-prom", "name": "Prometheus", "type": "prometheus", "url": "http://prometheus:9090",
                "jsonData": ["httpMethod": "POST", "timeInterval": "15s"],
            ],
            "datasources/prometheus.json"
        )
        try write(
            [
                "uid": "fx-loki", "name": "Loki", "type": "loki", "url": "http://loki:3100",
                "jsonData": ["maxLines": 500],
            ],
            "datasources/loki.json"
        )
        try write(
            [
                "uid": "fx-pg", "name": "Orders DB", "type": "postgres", "url": "db:5432", "user": "grafana",
                "jsonData": ["database": "orders", "sslmode": "disable"],
            ],
            "datasources/postgres.json"
        )
        for (uid, name) in libraryPanels {
            try write(
                [
                    "uid": .string(uid), "name": .string(name),
                    "model": [
                        "type": "timeseries", "title": .string(name),
                        "datasource": ["type": "prometheus", "uid": "fx-prom"],
                        "targets": [["refId": "A", "expr": .string("\(name.lowercased())_usage")]],
                    ],
                ],
                "library/\(uid).json"
            )
        }
        let libraryUIDs = libraryPanels.keys.sorted()
        for index in 0..<dashboardCount {
            var panels: [Value] = [
                [
                    "id": 1, "type": "timeseries", "title": "Requests", "gridPos": ["x": 0, "y": 0, "w": 12, "h": 8],
                    "datasource": ["type": "prometheus", "uid": "fx-prom"],
                    "targets": [["refId": "A", "expr": .string("rate(http_requests_total{job=\"$job\"}[5m])")]],
                ],
                [
                    "id": 2, "type": "logs", "title": "Logs", "gridPos": ["x": 12, "y": 0, "w": 12, "h": 8],
                    "datasource": "Loki", "targets": [["refId": "A", "expr": "{job=\"$job\"}"]],
                ],
            ]
            if index % 10 == 0 {
                let uid = libraryUIDs[(index / 10) % libraryUIDs.count]
                panels.append(
                    [
                        "id": 3, "gridPos": ["x": 0, "y": 8, "w": 12, "h": 8],
                        "libraryPanel": ["uid": .string(uid), "name": .string(libraryPanels[uid]!)],
                    ]
                )
            }
            let uid = dashboardUID(index)
            let dashboard: Value = [
                "uid": .string(uid), "title": .string(String(format: "Service %03d", index)),
                "tags": ["fixture", .string("tier-\(index % 3)")],
                "templating": [
                    "list": [
                        [
                            "name": "job", "type": "query", "query": "label_values(job)",
                            "datasource": ["type": "prometheus", "uid": "fx-prom"],
                        ]
                    ]
                ],
                "panels": .list(panels),
            ]
            try write(dashboard, "dashboards/\(folder(ofDashboard: index) ?? "general")/\(uid).json")
        }
    }
}
