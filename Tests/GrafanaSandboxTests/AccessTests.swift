import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// Access decided by the stored folder and dashboard permissions: roles x grants x actions.
@Suite struct AccessTests {
    /// Who acts. Every user is in org 1; the grants are set up by ``setUp(_:)``.
    enum Who: String, CaseIterable, Sendable {
        /// Viewer with a user grant of Edit on folder `granted`.
        case grantedViewer
        /// Viewer in team `ops`, which holds Admin on folder `granted`.
        case teamMember
        /// Viewer with no grant of their own.
        case viewer
        /// Editor with no grant of their own.
        case editor
        /// The org Admin.
        case admin

        var credential: Credential { self == .admin ? .admin : .basic(rawValue, "secret-\(rawValue)") }
    }

    enum Verb: String, Sendable { case read, save, delete, permissions }

    /// The folders: `granted` (defaults plus the user and team grants), `other` (Grafana's
    /// defaults), `restricted` (only the admin user). Each holds one dashboard `d-<folder>`.
    static let folders = ["granted", "other", "restricted"]

    /// What each caller gets, per folder and verb: 200, or the refusal's status and message.
    struct Case: Sendable, CustomTestStringConvertible {
        var who: Who
        var folder: String
        var verb: Verb
        var status: Int
        var message: String?

        var testDescription: String { "\(who) \(verb) in \(folder) -> \(status)" }
    }

    static let denied = "You'll need additional permissions to perform this action. Permissions needed: "
    static let saveDenied = "Access denied to save dashboard"

    static let cases: [Case] = [
        // Read: the folder grant or the Viewer default reaches the dashboard; `restricted` reaches no one.
        Case(who: .grantedViewer, folder: "granted", verb: .read, status: 200),
        Case(who: .teamMember, folder: "granted", verb: .read, status: 200),
        Case(who: .viewer, folder: "other", verb: .read, status: 200),
        Case(who: .viewer, folder: "restricted", verb: .read, status: 403, message: denied + "dashboards:read"),
        Case(who: .editor, folder: "restricted", verb: .read, status: 403, message: denied + "dashboards:read"),
        Case(who: .admin, folder: "restricted", verb: .read, status: 200),
        // Save: an Edit grant lets a Viewer save in that folder and nowhere else.
        Case(who: .grantedViewer, folder: "granted", verb: .save, status: 200),
        Case(who: .grantedViewer, folder: "other", verb: .save, status: 403, message: saveDenied),
        Case(who: .teamMember, folder: "granted", verb: .save, status: 200),
        Case(who: .teamMember, folder: "other", verb: .save, status: 403, message: saveDenied),
        Case(
            who: .viewer,
            folder: "other",
            verb: .save,
            status: 403,
            message: denied + "any of dashboards:create, dashboards:write"
        ),
        Case(who: .editor, folder: "other", verb: .save, status: 200),
        Case(who: .editor, folder: "restricted", verb: .save, status: 403, message: saveDenied),
        Case(who: .admin, folder: "restricted", verb: .save, status: 200),
        // Delete: Edit is enough.
        Case(who: .grantedViewer, folder: "granted", verb: .delete, status: 200),
        Case(who: .grantedViewer, folder: "other", verb: .delete, status: 403, message: denied + "dashboards:delete"),
        Case(who: .viewer, folder: "granted", verb: .delete, status: 403, message: denied + "dashboards:delete"),
        Case(who: .editor, folder: "other", verb: .delete, status: 200),
        Case(who: .editor, folder: "restricted", verb: .delete, status: 403, message: denied + "dashboards:delete"),
        // Changing permissions needs Admin: the team's Admin grant reaches its member.
        Case(
            who: .grantedViewer,
            folder: "granted",
            verb: .permissions,
            status: 403,
            message: denied + "dashboards.permissions:write"
        ),
        Case(who: .teamMember, folder: "granted", verb: .permissions, status: 200),
        Case(
            who: .editor,
            folder: "other",
            verb: .permissions,
            status: 403,
            message: denied + "dashboards.permissions:write"
        ),
        Case(who: .admin, folder: "restricted", verb: .permissions, status: 200),
    ]

    @Test(arguments: cases) func matrix(_ item: Case) async throws {
        try await withSandbox { client in
            try await Self.setUp(client)
            let uid = "d-\(item.folder)"
            let reply: Reply
            switch item.verb {
            case .read:
                reply = try await client.get("/api/dashboards/uid/\(uid)", as: item.who.credential)
            case .save:
                reply = try await client.post(
                    "/api/dashboards/db",
                    #"{"dashboard":{"uid":"\#(uid)","title":"Changed \#(uid)"},"folderUid":"\#(item.folder)","overwrite":true}"#,
                    as: item.who.credential
                )
            case .delete:
                reply = try await client.delete("/api/dashboards/uid/\(uid)", as: item.who.credential)
            case .permissions:
                reply = try await client.post(
                    "/api/dashboards/uid/\(uid)/permissions",
                    #"{"items":[{"role":"Viewer","permission":1}]}"#,
                    as: item.who.credential
                )
            }
            #expect(Int(reply.status.code) == item.status, "\(reply.text)")
            if let message = item.message { #expect(reply["message"]?.stringValue == message) }
            if item.status == 403 && item.verb == .save {
                // A refused save changed nothing.
                let stored = try await client.get("/api/dashboards/uid/\(uid)")
                #expect(stored["dashboard"]?["title"]?.stringValue == "Dashboard \(item.folder)")
            }
        }
    }

    /// Viewer, Editor and team grants on folders, as in the matrix.
    static func setUp(_ client: SandboxClient) async throws {
        var ids: [Who: Int64] = [:]
        for who in Who.allCases where who != .admin {
            let created = try await client.post(
                "/api/admin/users",
                #"{"login":"\#(who.rawValue)","password":"secret-\#(who.rawValue)","email":"\#(who.rawValue)@example.com"}"#
            )
            let id = try #require(created["id"]?.integerValue, "\(created.text)")
            ids[who] = id
            let role = who == .editor ? "Editor" : "Viewer"
            let updated = try await client.patch("/api/org/users/\(id)", #"{"role":"\#(role)"}"#)
            #expect(updated.status == .ok, "\(updated.text)")
        }
        let team = try #require(try await client.post("/api/teams", #"{"name":"ops"}"#)["teamId"]?.integerValue)
        try #require(
            try await client.post("/api/teams/\(team)/members", #"{"userId":\#(ids[.teamMember]!)}"#).status == .ok
        )
        for folder in folders {
            try #require(
                try await client.post("/api/folders", #"{"uid":"\#(folder)","title":"\#(folder)"}"#).status == .ok
            )
            let saved = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"uid":"d-\#(folder)","title":"Dashboard \#(folder)"},"folderUid":"\#(folder)"}"#
            )
            try #require(saved.status == .ok, "\(saved.text)")
        }
        let granted = try await client.post(
            "/api/folders/granted/permissions",
            #"{"items":[{"role":"Viewer","permission":1},{"role":"Editor","permission":2},"#
                + #"{"userId":\#(ids[.grantedViewer]!),"permission":2},{"teamId":\#(team),"permission":4}]}"#
        )
        try #require(granted.status == .ok, "\(granted.text)")
        let restricted = try await client.post(
            "/api/folders/restricted/permissions",
            #"{"items":[{"userId":1,"permission":4}]}"#
        )
        try #require(restricted.status == .ok, "\(restricted.text)")
    }

    @Test func foldersFollowTheirGrants() async throws {
        try await withSandbox { client in
            try await Self.setUp(client)
            let viewer = Who.grantedViewer.credential
            #expect(try await client.get("/api/folders/granted", as: viewer).status == .ok)
            // The folder list leaves out what the caller cannot read.
            let listed = try await client.get("/api/folders", as: Who.editor.credential)
            #expect(listed.json?.arrayValue?.compactMap { $0["uid"]?.stringValue } == ["granted", "other"])
            // So does search, folders and dashboards alike, before paging.
            let searched = try await client.get("/api/search", as: Who.editor.credential)
            #expect(
                searched.json?.arrayValue?.compactMap { $0["uid"]?.stringValue }
                    == ["granted", "other", "d-granted", "d-other"]
            )
            let firstPage = try await client.get("/api/search?type=dash-db&limit=1&page=2", as: Who.editor.credential)
            #expect(firstPage.json?.arrayValue?.compactMap { $0["uid"]?.stringValue } == ["d-other"])
            let all = try await client.get("/api/search?type=dash-db")
            #expect(all.json?.arrayValue?.count == 3)
            let hidden = try await client.get("/api/folders/restricted", as: Who.editor.credential)
            #expect(hidden.status == .forbidden)
            #expect(hidden["message"]?.stringValue == Self.denied + "folders:read")
            // Edit on `granted` lets the Viewer make a folder inside it, not at the root.
            let nested = try await client.post("/api/folders", #"{"title":"child","parentUid":"granted"}"#, as: viewer)
            #expect(nested.status == .ok, "\(nested.text)")
            let root = try await client.post("/api/folders", #"{"title":"top"}"#, as: viewer)
            #expect(root.status == .forbidden)
            #expect(root["messageId"]?.stringValue == "folders.forbiddenCreation")
            // A new dashboard in the granted folder, none in the other one.
            let created = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"Mine"},"folderUid":"granted"}"#,
                as: viewer
            )
            #expect(created.status == .ok, "\(created.text)")
            let elsewhere = try await client.post(
                "/api/dashboards/db",
                #"{"dashboard":{"title":"Mine"},"folderUid":"other"}"#,
                as: viewer
            )
            #expect(elsewhere.status == .forbidden)
            #expect(elsewhere["message"]?.stringValue == Self.saveDenied)
            // The answers' flags follow the grants too.
            let meta = try await client.get("/api/dashboards/uid/d-granted", as: viewer)["meta"]
            #expect(meta?["canSave"] == true && meta?["canAdmin"] == false)
            let teamMeta = try await client.get("/api/dashboards/uid/d-granted", as: Who.teamMember.credential)["meta"]
            #expect(teamMeta?["canAdmin"] == true)
            let otherMeta = try await client.get("/api/dashboards/uid/d-other", as: viewer)["meta"]
            #expect(otherMeta?["canSave"] == false)
            #expect(try await client.get("/api/folders/granted", as: viewer)["canSave"] == true)
            #expect(try await client.get("/api/folders/other", as: viewer)["canSave"] == false)
            // Only Admin on the folder shows its permissions.
            let list = try await client.get("/api/folders/granted/permissions", as: Who.teamMember.credential)
            #expect(list.status == .ok)
            #expect(list.json?.arrayValue?.count == 4)
            let refused = try await client.get("/api/folders/granted/permissions", as: viewer)
            #expect(refused["message"]?.stringValue == Self.denied + "folders.permissions:read")
        }
    }

    /// Grafana's defaults: a root folder gets its creator as Admin plus Editor Edit and Viewer
    /// View; a folder or dashboard inside a folder only its creator, the rest is inherited.
    @Test func defaultGrants() async throws {
        try await withSandbox { client in
            #expect(try await client.post("/api/folders", #"{"uid":"top","title":"top"}"#).status == .ok)
            #expect(
                try await client.post("/api/folders", #"{"uid":"inner","title":"inner","parentUid":"top"}"#).status
                    == .ok
            )
            #expect(
                try await client.post(
                    "/api/dashboards/db",
                    #"{"dashboard":{"uid":"dash","title":"Dash"},"folderUid":"top"}"#
                ).status == .ok
            )
            func summary(_ path: String) async throws -> [String] {
                try #require(try await client.get(path).json?.arrayValue).map { entry in
                    let who = entry["role"]?.stringValue ?? "user \(entry["userLogin"]?.stringValue ?? "")"
                    return "\(who) \(entry["permissionName"]?.stringValue ?? "")"
                }
            }
            #expect(
                try await summary("/api/folders/top/permissions") == ["user admin Admin", "Editor Edit", "Viewer View"]
            )
            #expect(try await summary("/api/folders/inner/permissions") == ["user admin Admin"])
            #expect(try await summary("/api/dashboards/uid/dash/permissions") == ["user admin Admin"])
            let id = try #require(try await client.get("/api/dashboards/uid/dash")["dashboard"]?["id"]?.integerValue)
            #expect(try await summary("/api/dashboards/id/\(id)/permissions") == ["user admin Admin"])
            let badID = try await client.get("/api/dashboards/id/x/permissions")
            #expect(badID.status == .badRequest)
            #expect(badID["message"]?.stringValue == "dashboardId is invalid")
        }
    }
}
