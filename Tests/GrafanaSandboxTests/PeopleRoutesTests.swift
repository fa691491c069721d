import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// The user, admin and team routes added for `user`, `me` and `team`, with Grafana's answers
/// per version profile.
@Suite struct PeopleRoutesTests {
    @Test func helpFlagsAreABitmaskOfTheSignedInUser() async throws {
        try await withSandbox { client in
            let set = try await client.put("/api/user/helpflags/1")
            #expect(set.status == .ok && set.text == #"{"helpFlags1":1,"message":"Help flag set"}"#)
            #expect(try await client.put("/api/user/helpflags/4")["helpFlags1"] == 5)
            #expect(try await client.put("/api/user/helpflags/x").text.contains("id is invalid"))
            let cleared = try await client.get("/api/user/helpflags/clear")
            #expect(cleared.text == #"{"helpFlags1":0,"message":"Help flag set"}"#)
            #expect(try await client.put("/api/user/helpflags/2")["helpFlags1"] == 2)
        }
    }

    @Test func logoutRefusesYourselfAndUnknownUsers() async throws {
        try await withSandbox { client in
            let id = try await client.createUser("lou")
            let ok = try await client.post("/api/admin/users/\(id)/logout")
            #expect(ok.status == .ok && ok.text == #"{"message":"User logged out"}"#)
            let yourself = try await client.post("/api/admin/users/1/logout")
            #expect(yourself.status == .badRequest && yourself["message"] == "You cannot logout yourself")
            let unknown = try await client.post("/api/admin/users/999/logout")
            #expect(unknown.status == .notFound && unknown["message"] == "User not found")
            expectAccessDenied(
                try await client.post("/api/admin/users/1/logout", as: .basic("lou", "secret123")),
                "users.logout"
            )
        }
    }

    @Test func settingsAndStatsAreForServerAdmins() async throws {
        try await withSandbox { client in
            let settings = try await client.get("/api/admin/settings")
            #expect(settings.status == .ok)
            #expect(settings["security"]?["admin_user"] == "admin")
            #expect(settings["security"]?["admin_password"] == "*********")
            _ = try await client.createUser("sam")
            let stats = try await client.get("/api/admin/stats")
            #expect(stats["users"] == 2 && stats["orgs"] == 1)
            #expect(stats["admins"] == 1 && stats["viewers"] == 1 && stats["editors"] == 0)
            expectAccessDenied(
                try await client.get("/api/admin/settings", as: .basic("sam", "secret123")),
                "settings:read"
            )
            expectAccessDenied(
                try await client.get("/api/admin/stats", as: .basic("sam", "secret123")),
                "server.stats:read"
            )
        }
    }

    @Test func aTeamMemberBecomesTeamAdminAndBack() async throws {
        try await withSandbox { client in
            let team = try #require(try await client.post("/api/teams", #"{"name":"ops"}"#)["teamId"]?.integerValue)
            let user = try await client.createUser("tia")
            let outsider = try await client.put("/api/teams/\(team)/members/\(user)", #"{"permission":4}"#)
            #expect(outsider.status == .notFound && outsider["message"] == "Team member not found.")
            _ = try await client.post("/api/teams/\(team)/members", #"{"userId":\#(user)}"#)
            let promoted = try await client.put("/api/teams/\(team)/members/\(user)", #"{"permission":4}"#)
            #expect(promoted.text == #"{"message":"Team member updated"}"#)
            let members = try #require(try await client.get("/api/teams/\(team)/members").json?.arrayValue)
            #expect(members.first { $0["login"] == "tia" }?["permission"] == 4)
            _ = try await client.put("/api/teams/\(team)/members/\(user)", #"{"permission":0}"#)
            let after = try #require(try await client.get("/api/teams/\(team)/members").json?.arrayValue)
            #expect(after.first { $0["login"] == "tia" }?["permission"] == 0)
            #expect(try await client.put("/api/teams/\(team)/members/x", "{}").text.contains("userId is invalid"))
        }
    }

    @Test(arguments: [
        ("9.5.0", HTTPResponse.Status.unauthorized, #"{"message":"Invalid old password"}"#),
        ("11.4.0", HTTPResponse.Status.badRequest, nil),
    ])
    func aWrongOldPasswordFollowsTheVersion(version: String, status: HTTPResponse.Status, body: String?)
        async throws
    {
        try await withSandbox(profile(version)) { client in
            _ = try await client.createUser("pat", password: "patpass1")
            let reply = try await client.put(
                "/api/user/password",
                #"{"oldPassword":"nope","newPassword":"newpass1"}"#,
                as: .basic("pat", "patpass1")
            )
            #expect(reply.status == status)
            #expect(reply["message"] == "Invalid old password")
            if let body {
                #expect(reply.text == body)
            } else {
                #expect(reply["messageId"] == "user.password-missmatch")
            }
        }
    }

    @Test(arguments: [
        ("9.5.0", "Validation error, need to specify either username or email", false),
        ("11.4.0", "Need to specify either username or email", true),
    ])
    func anEmptyUpdateFollowsTheVersion(version: String, message: String, isErrutil: Bool) async throws {
        try await withSandbox(profile(version)) { client in
            let id = try await client.createUser("quin")
            for reply in [
                try await client.put("/api/users/\(id)", #"{"name":"x"}"#),
                try await client.put("/api/user", #"{"name":"x"}"#, as: .basic("quin", "secret123")),
            ] {
                #expect(reply.status == .badRequest)
                #expect(reply["message"] == .string(message))
                #expect((reply["messageId"] == "user.empty-username-and-email") == isErrutil)
            }
        }
    }

    @Test func shortPasswordsAreRefusedByTheAdminRoutes() async throws {
        try await withSandbox { client in
            let create = try await client.post("/api/admin/users", #"{"login":"rae","password":"abc"}"#)
            #expect(create.status == .badRequest && create["message"] == "Password is missing or too short")
            let id = try await client.createUser("rae")
            let set = try await client.put("/api/admin/users/\(id)/password", #"{"password":"abc"}"#)
            #expect(set.status == .badRequest && set["message"] == "New password too short")
        }
    }

    @Test func removingATeamMemberSaysSoAsGrafanaSpellsIt() async throws {
        try await withSandbox { client in
            let team = try #require(try await client.post("/api/teams", #"{"name":"dev"}"#)["teamId"]?.integerValue)
            let user = try await client.createUser("uma")
            _ = try await client.post("/api/teams/\(team)/members", #"{"userId":\#(user)}"#)
            let removed = try await client.delete("/api/teams/\(team)/members/\(user)")
            #expect(removed.text == #"{"message":"Team Member removed"}"#)
        }
    }
}
