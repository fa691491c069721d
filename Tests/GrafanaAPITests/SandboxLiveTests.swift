import Foundation
import GrafanaSandbox
import Testing

@testable import GrafanaAPI

/// The client against the in-process sandbox on a real port: the mission script's calls on
/// the two sandbox profiles, the legacy key path, and the error answers the commands rely on.
///
/// Both modules have a `GrafanaVersion` (the sandbox keeps its own types, STYLE.md), so the
/// sandbox's is spelled `GrafanaSandbox.GrafanaVersion` here.
@Suite struct SandboxLiveTests {
    typealias SandboxVersion = GrafanaSandbox.GrafanaVersion

    static let dashboard = Data(
        #"{"title":"Production Overview","uid":"prod-overview","tags":["prod"],"panels":[{"id":1,"type":"timeseries","title":"CPU"}],"schemaVersion":39}"#
            .utf8
    )

    /// Runs `body` against a fresh sandbox emulating `version`, then stops it.
    func withSandbox(version: String, _ body: (GrafanaClient) async throws -> Void) async throws {
        var configuration = SandboxConfiguration(port: 0)
        let emulated = SandboxVersion(version)
        configuration.grafanaVersion = try #require(emulated)
        let server = SandboxServer(configuration: configuration)
        try await server.start()
        let url = try #require(server.url.flatMap(URL.init(string:)))
        let admin = GrafanaClient(
            configuration: .init(baseURL: url, credentials: .basic(user: "admin", password: "admin"))
        )
        do {
            try await body(admin)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test(arguments: ["11.4.0", "9.5.0"])
    func missionScript(version: String) async throws {
        try await withSandbox(version: version) { admin in
            let expected = GrafanaAPI.GrafanaVersion(version)
            #expect(try await admin.serverVersion() == expected)

            // org create apiorg
            let org = try await admin.createOrg(name: "apiorg").get()
            // use $org
            let inOrg = admin.with(orgID: org.orgId)
            #expect(try await inOrg.currentOrg().name == "apiorg")
            // key create apikeycurl admin
            let key = try await inOrg.createKey(name: "apikeycurl", role: .admin).get()
            #expect(key.kind == .serviceAccountToken)
            #expect(key.orgId == org.orgId)
            #expect(key.role == "Admin")
            #expect(key.key.hasPrefix("glsa_"))
            // use $key
            let token = inOrg.with(credentials: .bearer(key.key))
            #expect(try await token.currentOrg().id == org.orgId)
            let notAUser = await #expect(throws: GrafanaError.self) { _ = try await token.currentUserOrgs() }
            #expect(notAUser?.status == 304)
            #expect(notAUser?.message == "Grafana answered 304 Not Modified")
            #expect(notAUser?.hint == "Only users belong to organizations; a token acts in its own organization.")
            // dashboard push examples/production-overview.json
            let saved = try await token.saveDashboard(Self.dashboard).get()
            #expect(saved.uid == "prod-overview")
            #expect(saved.status == "success")

            // The state the curl tutorial leaves: the dashboard lives in apiorg, not in Main Org.
            let document = try await inOrg.dashboard(uid: "prod-overview")
            let model = try #require(try JSONSerialization.jsonObject(with: document.dashboard) as? [String: Any])
            #expect(model["title"] as? String == "Production Overview")
            #expect(try await admin.findDashboard(uid: "prod-overview") == nil)
            #expect(try await token.search(SearchQuery(query: "Production")).map(\.uid) == ["prod-overview"])
            let account = try #require(try await inOrg.serviceAccount(named: "apikeycurl"))
            #expect(account.role == "Admin")
            #expect(try await inOrg.serviceAccountTokens(serviceAccountID: account.id).map(\.name) == ["apikeycurl"])
        }
    }

    @Test func oldServersGetALegacyKeyThatWorks() async throws {
        try await withSandbox(version: "8.5.0") { admin in
            let org = try await admin.createOrg(name: "legacy").get()
            let key = try await admin.with(orgID: org.orgId).createKey(name: "old", role: .editor, secondsToLive: 600)
                .get()
            #expect(key.kind == .apiKey)
            #expect(key.orgId == org.orgId)
            #expect(key.role == "Editor")
            #expect(key.expiration != nil)
            let token = admin.with(credentials: .bearer(key.key))
            #expect(try await token.currentOrg().name == "legacy")
        }
    }

    @Test func legacyKeyCreationOn11_4Is410WithAHint() async throws {
        try await withSandbox(version: "11.4.0") { admin in
            let error = await #expect(throws: GrafanaError.self) {
                _ = try await admin.createAPIKey(name: "k", role: .admin)
            }
            #expect(error?.status == 410)
            #expect(error?.message.hasPrefix("this endpoint has been removed") == true)
            #expect(error?.hint == "This Grafana creates keys through service accounts.")
        }
    }

    @Test func errorAnswersKeepGrafanasWords() async throws {
        try await withSandbox(version: "11.4.0") { admin in
            _ = try await admin.createOrg(name: "apiorg")
            let duplicate = await #expect(throws: GrafanaError.self) { _ = try await admin.createOrg(name: "apiorg") }
            #expect(
                duplicate?.description
                    == "Create organization failed: Organization name taken (409 Conflict, POST /api/orgs)"
            )

            let wrongPassword = admin.with(credentials: .basic(user: "admin", password: "not-the-password"))
            let denied = await #expect(throws: GrafanaError.self) { _ = try await wrongPassword.currentUser() }
            #expect(denied?.status == 401)
            #expect(denied?.messageID == "password-auth.failed")
            #expect(denied?.description.contains("not-the-password") == false)

            let anonymous = admin.with(credentials: .none)
            let unauthenticated = await #expect(throws: GrafanaError.self) { _ = try await anonymous.orgs() }
            #expect(unauthenticated?.messageID == "auth.unauthorized")
            #expect(try await anonymous.health().database == "ok")

            let missing = await #expect(throws: GrafanaError.self) { _ = try await admin.dashboard(uid: "nope") }
            #expect(missing?.status == 404)
            #expect(missing?.message == "Dashboard not found")
            #expect(try await admin.findOrg(named: "nope") == nil)
        }
    }

    @Test func dashboardOverwriteRules() async throws {
        try await withSandbox(version: "11.4.0") { admin in
            let first = try await admin.saveDashboard(Self.dashboard).get()
            #expect(first.version == 1)
            let clash = await #expect(throws: GrafanaError.self) { _ = try await admin.saveDashboard(Self.dashboard) }
            #expect(clash?.status == 412)
            let second = try await admin.saveDashboard(Self.dashboard, overwrite: true, message: "again").get()
            #expect(second.version == 2)
            let deleted = try await admin.deleteDashboard(uid: "prod-overview").get()
            #expect(deleted.title == "Production Overview")
        }
    }

    @Test func orgUsersSwitchingFoldersAndDataSources() async throws {
        try await withSandbox(version: "11.4.0") { admin in
            let org = try await admin.createOrg(name: "ops").get()
            // The creator is already Admin of the new org, as in Grafana.
            let members = try await admin.orgUsers(orgID: org.orgId)
            #expect(members.map(\.login) == ["admin"])
            try await admin.switchOrg(to: org.orgId)
            #expect(try await admin.currentUser().orgId == org.orgId)
            try await admin.switchOrg(to: 1)

            let inOrg = admin.with(orgID: org.orgId)
            let folder = try await inOrg.createFolder(title: "Team", uid: "team").get()
            #expect(try await inOrg.folders().map(\.uid) == ["team"])
            _ = try await inOrg.saveDashboard(Self.dashboard, folderUID: folder.uid)
            #expect(try await inOrg.search(SearchQuery(folderUIDs: ["team"])).map(\.uid) == ["prod-overview"])

            let dataSource = try await inOrg.createDataSource(
                Data(
                    #"{"name":"Prometheus","type":"prometheus","access":"proxy","url":"http://prom:9090","secureJsonData":{"httpHeaderValue1":"s3cr3t"}}"#
                        .utf8
                )
            ).get()
            let uid = try #require(dataSource.datasource?.uid)
            let fetched = try await inOrg.dataSource(uid: uid)
            #expect(fetched.name == "Prometheus")
            #expect(try await inOrg.findDataSource(named: "Prometheus")?.uid == uid)
            #expect(!String(decoding: try await inOrg.dataSourceJSON(uid: uid), as: UTF8.self).contains("s3cr3t"))
            try await inOrg.deleteDataSource(uid: uid)
            #expect(try await inOrg.dataSources().isEmpty)
            try await inOrg.deleteFolder(uid: "team")
        }
    }

    @Test func manyConcurrentSavesShareTheTransport() async throws {
        try await withSandbox(version: "11.4.0") { admin in
            let uids = (1...24).map { "dash-\($0)" }
            let saved = try await withThrowingTaskGroup(of: String.self) { group in
                for uid in uids {
                    group.addTask {
                        let model = Data(#"{"title":"Dashboard \#(uid)","uid":"\#(uid)"}"#.utf8)
                        return try await admin.saveDashboard(model).get().uid
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(saved.sorted() == uids.sorted())
            #expect(try await admin.search(SearchQuery(type: .dashboard, limit: 100)).count == uids.count)
        }
    }
}
