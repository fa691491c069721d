import Foundation
import GFSValue
import Testing

@testable import GrafanaAPI

/// Each typed call builds the request the API documents: method, path, query, headers, body.
@Suite struct RequestBuildingTests {
    // MARK: Headers and the org rules

    @Test func basicAuthSendsAuthorizationAndOrgHeader() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"id":3,"name":"apiorg"}"#)
        _ = try await makeClient(transport, orgID: 3).currentOrg()
        let request = try #require(transport.last)
        #expect(request.method == .get)
        #expect(request.url == "http://localhost:3000/api/org")
        #expect(request.header("Authorization") == "Basic " + Data("admin:s3cret-pw".utf8).base64EncodedString())
        #expect(request.header("X-Grafana-Org-Id") == "3")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("User-Agent") == "gfs")
        #expect(request.header("Content-Type") == nil)
        #expect(request.body == nil)
    }

    @Test func bearerTokenNeverSendsOrgHeader() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"id":3,"name":"apiorg"}"#)
        _ = try await makeClient(transport, credentials: .bearer("glsa_abc_12345678"), orgID: 3).currentOrg()
        let request = try #require(transport.last)
        #expect(request.header("Authorization") == "Bearer glsa_abc_12345678")
        #expect(request.header("X-Grafana-Org-Id") == nil)
    }

    @Test func noCredentialsSendsNeitherHeader() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"database":"ok"}"#)
        _ = try await makeClient(transport, credentials: .none, orgID: 3).health()
        let request = try #require(transport.last)
        #expect(request.header("Authorization") == nil)
        #expect(request.header("X-Grafana-Org-Id") == nil)
    }

    @Test func derivedClientsChangeOnlyWhatTheySay() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"id":1,"name":"Main Org."}"#)
        let base = makeClient(transport)
        _ = try await base.with(orgID: 7).currentOrg()
        #expect(transport.last?.header("X-Grafana-Org-Id") == "7")
        _ = try await base.currentOrg()
        #expect(transport.last?.header("X-Grafana-Org-Id") == nil)
        let token = base.with(orgID: 7).with(credentials: .bearer("glsa_x_1"))
        _ = try await token.currentOrg()
        #expect(transport.last?.header("Authorization") == "Bearer glsa_x_1")
        #expect(transport.last?.header("X-Grafana-Org-Id") == nil)
        #expect(token.configuration.orgID == 7)
    }

    @Test func subPathPrefixIsKept() async throws {
        let transport = RecordingTransport(status: 200, body: "[]")
        _ = try await makeClient(transport, baseURL: "https://example.com/grafana/").orgs()
        #expect(transport.last?.url == "https://example.com/grafana/api/orgs")
    }

    @Test(arguments: [
        ("localhost:3000", "http://localhost:3000"),
        ("http://localhost:3000/", "http://localhost:3000"),
        ("https://g.example.com/grafana/", "https://g.example.com/grafana"),
    ])
    func parsesBaseURLs(input: String, expected: String) throws {
        #expect(try GrafanaClient.Configuration.parseBaseURL(input).absoluteString == expected)
    }

    @Test func refusesCredentialsInBaseURL() throws {
        let error = #expect(throws: GrafanaError.self) {
            try GrafanaClient.Configuration.parseBaseURL("http://admin:hunter2@localhost:3000")
        }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func refusesOtherSchemes() throws {
        #expect(throws: GrafanaError.self) { try GrafanaClient.Configuration.parseBaseURL("ftp://x") }
    }

    // MARK: Health and users

    @Test func healthAndBuildInfo() async throws {
        let health = RecordingTransport { _ in
            TransportResponse(status: 200, body: try fixture("health.11.5.0-pre.json"))
        }
        let result = try await makeClient(health).health()
        #expect(health.last?.path == "/api/health")
        #expect(result == Health(database: "ok", version: "11.5.0-pre", commit: "4550cfb5b7"))

        let settings = RecordingTransport { _ in
            TransportResponse(status: 200, body: try fixture("frontend-settings.buildInfo.11.6.2.json"))
        }
        let info = try await makeClient(settings).buildInfo()
        #expect(settings.last?.path == "/api/frontend/settings")
        #expect(info.version == "11.6.2")
        #expect(info.edition == "Open Source")
    }

    @Test func serverVersionFallsBackToBuildInfoWhenHealthHidesIt() async throws {
        let transport = RecordingTransport { request in
            if request.path == "/api/health" {
                return TransportResponse(status: 200, body: Data(#"{"database":"ok"}"#.utf8))
            }
            return TransportResponse(status: 200, body: try fixture("frontend-settings.buildInfo.11.6.2.json"))
        }
        let version = try await makeClient(transport).serverVersion()
        #expect(version == GrafanaVersion(major: 11, minor: 6, patch: 2))
        #expect(transport.requests.map(\.path) == ["/api/health", "/api/frontend/settings"])
    }

    @Test func serverVersionFromHealthNeedsOneRequest() async throws {
        let transport = RecordingTransport { _ in
            TransportResponse(status: 200, body: try fixture("health.11.5.0-pre.json"))
        }
        let version = try await makeClient(transport).serverVersion()
        #expect(version == GrafanaVersion("11.5.0-pre"))
        #expect(transport.requests.count == 1)
    }

    @Test func currentUserOrgsAndSwitch() async throws {
        let transport = RecordingTransport { request in
            switch request.path {
            case "/api/user":
                TransportResponse(
                    status: 200,
                    body: Data(#"{"id":1,"login":"admin","orgId":1,"isGrafanaAdmin":true,"extra":"ignored"}"#.utf8)
                )
            case "/api/user/orgs":
                TransportResponse(status: 200, body: Data(#"[{"orgId":1,"name":"Main Org.","role":"Admin"}]"#.utf8))
            default:
                TransportResponse(status: 200, body: Data(#"{"message":"Active organization changed"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        let user = try await client.currentUser()
        #expect(user.login == "admin" && user.orgId == 1 && user.isGrafanaAdmin == true)
        let orgs = try await client.currentUserOrgs()
        #expect(orgs == [UserOrg(orgId: 1, name: "Main Org.", role: "Admin")])
        try await client.switchOrg(to: 4)
        let request = try #require(transport.last)
        #expect(request.method == .post)
        #expect(request.path == "/api/user/using/4")
        #expect(request.body == nil)
    }

    // MARK: Orgs and org users

    @Test func createOrg() async throws {
        let transport = RecordingTransport { _ in
            TransportResponse(status: 200, body: try fixture("org-created.200.json"))
        }
        let created = try await makeClient(transport).createOrg(name: "apiorg").get()
        let request = try #require(transport.last)
        #expect(request.method == .post)
        #expect(request.path == "/api/orgs")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.bodyText == #"{"name":"apiorg"}"#)
        #expect(created.orgId == 2)
        #expect(created.message == "Organization created")
    }

    @Test func orgLookupsEncodeNames() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"id":2,"name":"EU/West Org","address":{"city":""}}"#)
        let client = makeClient(transport)
        let byName = try await client.org(named: "EU/West Org")
        #expect(transport.last?.path == "/api/orgs/name/EU%2FWest%20Org")
        #expect(byName.id == 2)
        _ = try await client.org(id: 2)
        #expect(transport.last?.path == "/api/orgs/2")
    }

    @Test func findLookupsMapOnly404ToNil() async throws {
        let transport = RecordingTransport { request in
            switch request.path {
            case "/api/orgs/name/apiorg": TransportResponse(status: 200, body: Data(#"{"id":2,"name":"apiorg"}"#.utf8))
            case "/api/orgs/name/denied": TransportResponse(status: 403, body: try fixture("rbac-denied.403.json"))
            case "/api/dashboards/uid/u1":
                TransportResponse(status: 404, body: Data(#"{"message":"Dashboard not found","traceID":""}"#.utf8))
            case "/api/folders/f1":
                TransportResponse(status: 404, body: Data(#"{"message":"folder not found","status":"not-found"}"#.utf8))
            default: TransportResponse(status: 404, body: Data(#"{"message":"Not found"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        #expect(try await client.findOrg(named: "apiorg")?.id == 2)
        #expect(try await client.findOrg(named: "missing") == nil)
        #expect(try await client.findDashboard(uid: "u1") == nil)
        #expect(try await client.findFolder(uid: "f1") == nil)
        #expect(try await client.findDataSource(named: "prom") == nil)
        #expect(transport.last?.path == "/api/datasources/name/prom")
        let denied = await #expect(throws: GrafanaError.self) { _ = try await client.findOrg(named: "denied") }
        #expect(denied?.status == 403)
    }

    @Test func listRenameDeleteOrgs() async throws {
        let transport = RecordingTransport { request in
            request.method == .get
                ? TransportResponse(status: 200, body: Data(#"[{"id":1,"name":"Main Org."}]"#.utf8))
                : TransportResponse(status: 200, body: Data(#"{"message":"ok"}"#.utf8))
        }
        let client = makeClient(transport)
        let orgs = try await client.orgs(query: "api org", perPage: 50)
        #expect(orgs == [Org(id: 1, name: "Main Org.")])
        #expect(transport.last?.url == "http://localhost:3000/api/orgs?query=api%20org&perpage=50")
        try await client.renameOrg(id: 2, to: "renamed")
        #expect(transport.last?.method == .put)
        #expect(transport.last?.path == "/api/orgs/2")
        #expect(transport.last?.bodyText == #"{"name":"renamed"}"#)
        try await client.deleteOrg(id: 2)
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/orgs/2")
    }

    @Test func orgUsersUseOrgOrCurrentOrgPaths() async throws {
        let transport = RecordingTransport { request in
            switch request.method {
            case .get:
                TransportResponse(
                    status: 200,
                    body: Data(#"[{"orgId":2,"userId":1,"login":"admin","role":"Admin","email":"a@b"}]"#.utf8)
                )
            case .post:
                TransportResponse(status: 200, body: Data(#"{"message":"User added to organization","userId":1}"#.utf8))
            default:
                TransportResponse(status: 200, body: Data(#"{"message":"ok"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        let userID = try await client.addOrgUser(orgID: 2, loginOrEmail: "admin", role: .admin).get()
        #expect(userID == 1)
        #expect(transport.last?.path == "/api/orgs/2/users")
        #expect(transport.last?.bodyText == #"{"loginOrEmail":"admin","role":"Admin"}"#)
        try await client.addOrgUser(orgID: nil, loginOrEmail: "viewer@example.com", role: .viewer)
        #expect(transport.last?.path == "/api/org/users")
        let users = try await client.orgUsers(orgID: 2)
        #expect(users.first?.login == "admin")
        #expect(transport.last?.path == "/api/orgs/2/users")
        try await client.updateOrgUserRole(orgID: 2, userID: 5, role: .editor)
        #expect(transport.last?.method == .patch)
        #expect(transport.last?.path == "/api/orgs/2/users/5")
        #expect(transport.last?.bodyText == #"{"role":"Editor"}"#)
        try await client.removeOrgUser(orgID: nil, userID: 5)
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/org/users/5")
    }

    // MARK: Keys and service accounts

    @Test func legacyAPIKeys() async throws {
        let transport = RecordingTransport { request in
            switch request.method {
            case .get:
                TransportResponse(
                    status: 200,
                    body: Data(#"[{"id":1,"name":"k","role":"Admin","expiration":null}]"#.utf8)
                )
            case .post:
                TransportResponse(
                    status: 200,
                    body: Data(#"{"id":1,"name":"k","key":"eyJrIjoiYWJjIiwibiI6ImsiLCJpZCI6Mn0="}"#.utf8)
                )
            default: TransportResponse(status: 200, body: Data(#"{"message":"API key deleted"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        let keys = try await client.apiKeys(includeExpired: true)
        #expect(keys.first?.name == "k")
        #expect(transport.last?.url == "http://localhost:3000/api/auth/keys?includeExpired=true")
        let created = try await client.createAPIKey(name: "k", role: .admin, secondsToLive: 60).get()
        #expect(created.id == 1)
        #expect(transport.last?.bodyText == #"{"name":"k","role":"Admin","secondsToLive":60}"#)
        try await client.deleteAPIKey(id: 1)
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/auth/keys/1")
    }

    @Test func serviceAccountsAndTokens() async throws {
        let account = #"{"id":4,"name":"ci","login":"sa-ci","orgId":2,"role":"Editor","isDisabled":false,"tokens":0}"#
        let transport = RecordingTransport { request in
            switch (request.method, request.path) {
            case (.get, "/api/serviceaccounts/search"):
                TransportResponse(
                    status: 200,
                    body: Data(#"{"totalCount":1,"serviceAccounts":[\#(account)],"page":1,"perPage":1000}"#.utf8)
                )
            case (.post, "/api/serviceaccounts"):
                TransportResponse(status: 201, body: Data(account.utf8))
            case (.get, "/api/serviceaccounts/4"):
                TransportResponse(status: 200, body: Data(account.utf8))
            case (.get, "/api/serviceaccounts/4/tokens"):
                TransportResponse(
                    status: 200,
                    body: Data(#"[{"id":9,"name":"ci","hasExpired":false,"secondsUntilExpiration":0}]"#.utf8)
                )
            case (.post, "/api/serviceaccounts/4/tokens"):
                TransportResponse(
                    status: 200,
                    body: Data(#"{"id":9,"name":"ci","key":"glsa_secretsecret_0123abcd"}"#.utf8)
                )
            default:
                TransportResponse(status: 200, body: Data(#"{"message":"deleted"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        let page = try await client.searchServiceAccounts(query: "ci", perPage: 10)
        #expect(page.serviceAccounts.map(\.name) == ["ci"])
        #expect(transport.last?.url == "http://localhost:3000/api/serviceaccounts/search?query=ci&perpage=10")
        let created = try await client.createServiceAccount(name: "ci", role: .editor).get()
        #expect(created.id == 4)
        #expect(transport.last?.bodyText == #"{"isDisabled":false,"name":"ci","role":"Editor"}"#)
        #expect(try await client.serviceAccount(id: 4).login == "sa-ci")
        #expect(try await client.serviceAccountTokens(serviceAccountID: 4).map(\.id) == [9])
        let token = try await client.createServiceAccountToken(serviceAccountID: 4, name: "ci", secondsToLive: 3600)
            .get()
        #expect(token.key.hasPrefix("glsa_"))
        #expect(transport.last?.bodyText == #"{"name":"ci","secondsToLive":3600}"#)
        _ = try await client.createServiceAccountToken(serviceAccountID: 4, name: "ci")
        #expect(transport.last?.bodyText == #"{"name":"ci"}"#)
        try await client.deleteServiceAccountToken(serviceAccountID: 4, tokenID: 9)
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/serviceaccounts/4/tokens/9")
        try await client.deleteServiceAccount(id: 4)
        #expect(transport.last?.path == "/api/serviceaccounts/4")
    }

    // MARK: Dashboards and search

    @Test func saveDashboardEmbedsTheModelInOrder() async throws {
        let transport = RecordingTransport(
            status: 200,
            body:
                #"{"folderUid":"f1","id":1,"slug":"production-overview","status":"success","uid":"cIBgcSjkk","url":"/d/cIBgcSjkk/production-overview","version":2}"#
        )
        let model = Data(
            #"{ "title": "Production Overview", "uid": "cIBgcSjkk", "panels": [], "schemaVersion": 39, "a": 1.50, "big": 1e400 }"#
                .utf8
        )
        let saved = try await makeClient(transport).saveDashboard(
            model,
            folderUID: "f1",
            overwrite: true,
            message: "from gfs"
        ).get()
        let request = try #require(transport.last)
        #expect(request.method == .post)
        #expect(request.path == "/api/dashboards/db")
        #expect(
            request.bodyText
                == #"{"dashboard":{"title":"Production Overview","uid":"cIBgcSjkk","panels":[],"schemaVersion":39,"a":1.5,"big":1e400},"folderUid":"f1","message":"from gfs","overwrite":true}"#
        )
        #expect(saved.uid == "cIBgcSjkk")
        #expect(saved.slug == "production-overview")
        #expect(saved.version == 2)
    }

    @Test func saveDashboardTakesAModelAlreadyParsed() async throws {
        let transport = RecordingTransport(
            status: 200,
            body: #"{"id":1,"uid":"u","status":"success","url":"/d/u/x","version":1,"slug":"x"}"#
        )
        let client = makeClient(transport)
        _ = try await client.saveDashboard(model: ["title": "x", "panels": [["id": 1]]], folderUID: "f")
        #expect(
            transport.last?.bodyText
                == #"{"dashboard":{"title":"x","panels":[{"id":1}]},"folderUid":"f","overwrite":false}"#
        )
        let notRecord = await #expect(throws: GrafanaError.self) { try await client.saveDashboard(model: [1, 2]) }
        #expect(notRecord?.message == "The dashboard must be a JSON object")
        #expect(transport.requests.count == 1)
    }

    @Test func saveDashboardDefaultsToNoOverwrite() async throws {
        let transport = RecordingTransport(
            status: 200,
            body: #"{"id":1,"uid":"u","status":"success","url":"/d/u/x","version":1,"slug":"x"}"#
        )
        _ = try await makeClient(transport).saveDashboard(Data(#"{"title":"x"}"#.utf8))
        #expect(transport.last?.bodyText == #"{"dashboard":{"title":"x"},"overwrite":false}"#)
    }

    @Test func saveDashboardRejectsNonObjectsBeforeSending() async throws {
        let transport = RecordingTransport()
        let client = makeClient(transport)
        let notJSON = await #expect(throws: GrafanaError.self) {
            try await client.saveDashboard(Data(#"{"title": "x",}"#.utf8))
        }
        #expect(notJSON?.kind == .invalidRequest)
        #expect(notJSON?.message.hasPrefix("The dashboard is not valid JSON") == true)
        let array = await #expect(throws: GrafanaError.self) { try await client.saveDashboard(Data("[]".utf8)) }
        #expect(array?.message == "The dashboard must be a JSON object")
        #expect(transport.requests.isEmpty)
    }

    @Test func importDashboardSendsInputs() async throws {
        let transport = RecordingTransport(
            status: 200,
            body: #"{"uid":"abc","title":"Shared","imported":true,"importedUrl":"/d/abc/shared"}"#
        )
        let imported = try await makeClient(transport).importDashboard(
            Data(#"{"__inputs":[{"name":"DS_PROM"}],"title":"Shared"}"#.utf8),
            inputs: [ImportInput(name: "DS_PROM", type: "datasource", pluginId: "prometheus", value: "prom-uid")],
            folderUID: "f1",
            overwrite: true
        ).get()
        #expect(transport.last?.path == "/api/dashboards/import")
        #expect(
            transport.last?.bodyText
                == #"{"dashboard":{"__inputs":[{"name":"DS_PROM"}],"title":"Shared"},"folderUid":"f1","inputs":[{"name":"DS_PROM","type":"datasource","pluginId":"prometheus","value":"prom-uid"}],"overwrite":true}"#
        )
        #expect(imported.uid == "abc")
    }

    @Test func getDashboardKeepsTheModelBytes() async throws {
        let body =
            #"{"dashboard":{"uid":"u1","title":"T","id":7,"version":3,"panels":[{"b":1,"a":2}]},"meta":{"type":"db","slug":"t","url":"/d/u1/t","version":3,"folderTitle":"General","unknown":{"x":1}}}"#
        let transport = RecordingTransport(status: 200, body: body)
        let document = try await makeClient(transport).dashboard(uid: "u1")
        #expect(transport.last?.path == "/api/dashboards/uid/u1")
        #expect(
            String(decoding: document.dashboard, as: UTF8.self)
                == #"{"uid":"u1","title":"T","id":7,"version":3,"panels":[{"b":1,"a":2}]}"#
        )
        #expect(
            document.model
                == (try Value(json: #"{"uid":"u1","title":"T","id":7,"version":3,"panels":[{"b":1,"a":2}]}"#))
        )
        #expect(document.meta.slug == "t")
        #expect(document.meta.version == 3)
        #expect(document.meta.folderTitle == "General")
    }

    @Test func getDashboardReportsAMissingMemberOrABadMeta() async throws {
        let noMeta = RecordingTransport(status: 200, body: #"{"dashboard":{"uid":"u1"}}"#)
        let missing = await #expect(throws: GrafanaError.self) { try await makeClient(noMeta).dashboard(uid: "u1") }
        #expect(missing?.message == "Unexpected response: missing field 'meta'")
        let badMeta = RecordingTransport(status: 200, body: #"{"dashboard":{"uid":"u1"},"meta":{"version":"three"}}"#)
        let mismatch = await #expect(throws: GrafanaError.self) { try await makeClient(badMeta).dashboard(uid: "u1") }
        #expect(mismatch?.message == "Unexpected response: field 'meta.version' has an unexpected type")
        let notJSON = RecordingTransport(status: 200, body: "<html>")
        let html = await #expect(throws: GrafanaError.self) { try await makeClient(notJSON).dashboard(uid: "u1") }
        #expect(html?.message.hasPrefix("Unexpected response: the body is not JSON") == true)
    }

    @Test func deleteDashboard() async throws {
        let transport = RecordingTransport(
            status: 200,
            body: #"{"message":"Dashboard T deleted","title":"T","uid":"u1"}"#
        )
        let deleted = try await makeClient(transport).deleteDashboard(uid: "u1").get()
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/dashboards/uid/u1")
        #expect(deleted.title == "T")
    }

    @Test func searchBuildsRepeatedParameters() async throws {
        let transport = RecordingTransport(
            status: 200,
            body:
                #"[{"id":1,"uid":"u1","title":"T","uri":"db/t","url":"/d/u1/t","type":"dash-db","tags":["prod"],"isStarred":false,"sortMeta":0}]"#
        )
        let hits = try await makeClient(transport).search(
            SearchQuery(
                query: "prod overview",
                tags: ["prod", "eu"],
                type: .dashboard,
                folderUIDs: ["f1"],
                limit: 100,
                page: 2
            )
        )
        #expect(
            transport.last?.url
                == "http://localhost:3000/api/search?query=prod%20overview&tag=prod&tag=eu&type=dash-db&folderUIDs=f1&limit=100&page=2"
        )
        #expect(hits.map(\.uid) == ["u1"])
        #expect(hits.first?.tags == ["prod"])
    }

    // MARK: Folders

    @Test func folderCalls() async throws {
        let folder =
            #"{"id":3,"uid":"f1","orgId":1,"title":"Ops","url":"/dashboards/f/f1/ops","version":1,"parents":[]}"#
        let transport = RecordingTransport { request in
            if request.method == .get, request.path == "/api/folders" {
                return TransportResponse(status: 200, body: Data(#"[{"id":3,"uid":"f1","title":"Ops"}]"#.utf8))
            }
            if request.method == .delete {
                return TransportResponse(status: 200, body: Data(#"{"message":"Folder deleted"}"#.utf8))
            }
            return TransportResponse(status: 200, body: Data(folder.utf8))
        }
        let client = makeClient(transport)
        let created = try await client.createFolder(title: "Ops", uid: "f1").get()
        #expect(created.uid == "f1")
        #expect(transport.last?.method == .post)
        #expect(transport.last?.path == "/api/folders")
        #expect(transport.last?.bodyText == #"{"title":"Ops","uid":"f1"}"#)
        #expect(try await client.folders(parentUID: "p", limit: 10).map(\.title) == ["Ops"])
        #expect(transport.last?.url == "http://localhost:3000/api/folders?parentUid=p&limit=10")
        #expect(try await client.folder(uid: "f1").title == "Ops")
        #expect(transport.last?.path == "/api/folders/f1")
        _ = try await client.updateFolder(uid: "f1", title: "Ops 2", version: 1)
        #expect(transport.last?.method == .put)
        #expect(transport.last?.bodyText == #"{"overwrite":false,"title":"Ops 2","version":1}"#)
        try await client.deleteFolder(uid: "f1", forceDeleteRules: true)
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.url == "http://localhost:3000/api/folders/f1?forceDeleteRules=true")
    }

    // MARK: Data sources

    @Test func dataSourceCalls() async throws {
        let full =
            #"{"id":5,"uid":"prom","orgId":1,"name":"Prometheus","type":"prometheus","access":"proxy","url":"http://prom:9090","jsonData":{"httpMethod":"POST"},"secureJsonFields":{"basicAuthPassword":true},"version":1,"readOnly":false}"#
        let transport = RecordingTransport { request in
            switch (request.method, request.path) {
            case (.get, "/api/datasources"):
                TransportResponse(status: 200, body: Data("[\(full)]".utf8))
            case (.get, _):
                TransportResponse(status: 200, body: Data(full.utf8))
            case (.post, _), (.put, _):
                TransportResponse(
                    status: 200,
                    body: Data(#"{"datasource":\#(full),"id":5,"message":"Datasource added","name":"Prometheus"}"#.utf8)
                )
            default:
                TransportResponse(status: 200, body: Data(#"{"id":5,"message":"Data source deleted"}"#.utf8))
            }
        }
        let client = makeClient(transport)
        let saved = try await client.createDataSource(
            Data(#"{"name":"Prometheus","type":"prometheus","url":"http://prom:9090","access":"proxy"}"#.utf8)
        ).get()
        #expect(saved.id == 5)
        #expect(saved.datasource?.secureJsonFields == ["basicAuthPassword": true])
        #expect(transport.last?.path == "/api/datasources")
        #expect(
            transport.last?.bodyText
                == #"{"name":"Prometheus","type":"prometheus","url":"http://prom:9090","access":"proxy"}"#
        )
        #expect(try await client.dataSources().map(\.uid) == ["prom"])
        #expect(try await client.dataSource(uid: "prom").name == "Prometheus")
        #expect(transport.last?.path == "/api/datasources/uid/prom")
        #expect(String(decoding: try await client.dataSourceJSON(uid: "prom"), as: UTF8.self) == full)
        _ = try await client.dataSource(named: "My Prom")
        #expect(transport.last?.path == "/api/datasources/name/My%20Prom")
        _ = try await client.dataSource(id: 5)
        #expect(transport.last?.path == "/api/datasources/5")
        _ = try await client.updateDataSource(
            uid: "prom",
            body: Data(#"{"name":"Prometheus","type":"prometheus"}"#.utf8)
        )
        #expect(transport.last?.method == .put)
        #expect(transport.last?.path == "/api/datasources/uid/prom")
        try await client.deleteDataSource(uid: "prom")
        #expect(transport.last?.method == .delete)
        #expect(transport.last?.path == "/api/datasources/uid/prom")
        try await client.deleteDataSource(named: "Prometheus")
        #expect(transport.last?.path == "/api/datasources/name/Prometheus")
    }
}
