import HTTPTypes

extension ConformanceTests {
    /// The conformance walk through users, the signed-in user, admin routes and teams; runs after ``coreWalk``.
    static let peopleWalk: [Step] = [
        step(
            .post,
            "/api/admin/users",
            #"{"login":"p1","password":"pw123456","email":"p1@example.com","name":"P One"}"#,
            capture: ["p1": ["id"]]
        ),
        step(.get, "/api/users/search?perpage=1&page=1&query=p1"),
        step(.get, "/api/users/lookup?loginOrEmail=p1@example.com"),
        step(.put, "/api/users/{p1}", #"{"login":"p1","email":"p1@example.com","name":"Person One"}"#),
        step(.get, "/api/users/{p1}/orgs"),
        step(.get, "/api/users/{p1}/teams"),
        step(
            .put,
            "/api/user/password",
            #"{"oldPassword":"pw123456","newPassword":"pw654321"}"#,
            as: .basic("p1", "pw123456")
        ),
        step(.get, "/api/user", as: .basic("p1", "pw654321")),
        step(.put, "/api/user", #"{"login":"p1","email":"p1@example.com","name":"P"}"#, as: .basic("p1", "pw654321")),
        step(.get, "/api/user/orgs", as: .basic("p1", "pw654321")),
        step(.put, "/api/user/helpflags/1", as: .basic("p1", "pw654321")),
        step(.get, "/api/user/helpflags/clear", as: .basic("p1", "pw654321")),
        step(.put, "/api/admin/users/{p1}/password", #"{"password":"pw111111"}"#),
        step(.put, "/api/admin/users/{p1}/permissions", #"{"isGrafanaAdmin":true}"#),
        step(.put, "/api/admin/users/{p1}/permissions", #"{"isGrafanaAdmin":false}"#),
        step(.post, "/api/admin/users/{p1}/logout"),
        step(.post, "/api/admin/users/{p1}/disable"),
        step(.post, "/api/admin/users/{p1}/enable"),
        step(.get, "/api/admin/settings"),
        step(.get, "/api/admin/stats"),
        step(.post, "/api/teams", #"{"name":"people","email":"people@example.com"}"#, capture: ["pteam": ["teamId"]]),
        step(.get, "/api/teams/search?name=people&perpage=1&page=1"),
        step(.post, "/api/teams/{pteam}/members", #"{"userId":{p1}}"#),
        step(.put, "/api/teams/{pteam}/members/{p1}", #"{"permission":4}"#),
        step(.get, "/api/teams/{pteam}/members"),
        step(.put, "/api/teams/{pteam}/members/{p1}", #"{"permission":0}"#),
        step(.delete, "/api/teams/{pteam}/members/{p1}"),
        step(.put, "/api/teams/{pteam}", #"{"name":"people2","email":"people@example.com"}"#),
        step(.delete, "/api/teams/{pteam}"),
        step(.delete, "/api/admin/users/{p1}"),
    ]
}
