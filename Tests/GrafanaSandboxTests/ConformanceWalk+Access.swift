import HTTPTypes

extension ConformanceTests {
    /// The conformance walk through service accounts, permissions, stars and preferences; runs after ``coreWalk``.
    static let accessWalk: [Step] = [
        step(.post, "/api/folders", #"{"uid":"acf","title":"Access"}"#),
        step(
            .post,
            "/api/dashboards/db",
            #"{"dashboard":{"uid":"acd","title":"Access dash"},"folderUid":"acf"}"#,
            capture: ["accessDashboard": ["id"]]
        ),
        step(.get, "/api/dashboards/id/{accessDashboard}/permissions"),
        step(
            .post,
            "/api/dashboards/id/{accessDashboard}/permissions",
            #"{"items":[{"role":"Viewer","permission":1},{"userId":1,"permission":4}]}"#
        ),
        step(.get, "/api/dashboards/id/999999/permissions"),
        step(.delete, "/api/folders/acf"),
    ]
}
