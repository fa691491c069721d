import HTTPTypes

extension ConformanceTests {
    /// The conformance walk through dashboard versions, tags, home, stars and nested folders;
    /// runs after ``coreWalk``.
    static let lifecycleWalk: [Step] = [
        step(.post, "/api/folders", #"{"uid":"lf","title":"Life"}"#),
        step(.post, "/api/folders", #"{"uid":"lf2","title":"Life 2","parentUid":"lf"}"#),
        step(
            .post,
            "/api/dashboards/db",
            #"{"dashboard":{"uid":"ld","title":"Life dash","tags":["a","b"]},"folderUid":"lf","message":"one"}"#,
            capture: ["lifeID": ["id"]]
        ),
        step(
            .post,
            "/api/dashboards/db",
            #"{"dashboard":{"uid":"ld","title":"Life dash","tags":["a"],"version":1},"folderUid":"lf","message":"two"}"#
        ),
        step(.get, "/api/dashboards/uid/ld/versions"),
        step(.get, "/api/dashboards/uid/ld/versions?limit=1&start=1"),
        step(.get, "/api/dashboards/uid/ld/versions/1"),
        step(.post, "/api/dashboards/uid/ld/restore", #"{"version":1}"#),
        step(.get, "/api/dashboards/id/{lifeID}/versions"),
        step(.get, "/api/dashboards/id/{lifeID}/versions/2"),
        step(.post, "/api/dashboards/id/{lifeID}/restore", #"{"version":2}"#),
        step(
            .post,
            "/api/dashboards/calculate-diff",
            #"{"base":{"dashboardId":{lifeID},"version":1},"new":{"dashboardId":{lifeID},"version":2},"diffType":"json"}"#
        ),
        step(
            .post,
            "/api/dashboards/calculate-diff",
            #"{"base":{"dashboardId":{lifeID},"version":1},"new":{"dashboardId":{lifeID},"version":2},"diffType":"basic"}"#
        ),
        step(.get, "/api/dashboards/tags"),
        step(.get, "/api/dashboards/home"),
        step(.post, "/api/user/stars/dashboard/uid/ld"),
        step(.get, "/api/user/stars"),
        step(.get, "/api/search?starred=true"),
        step(.delete, "/api/user/stars/dashboard/uid/ld"),
        step(.post, "/api/user/stars/dashboard/{lifeID}"),
        step(.delete, "/api/user/stars/dashboard/{lifeID}"),
        step(.put, "/api/user/preferences", #"{"homeDashboardUID":"ld"}"#),
        step(.get, "/api/dashboards/home"),
        step(.put, "/api/user/preferences", #"{"homeDashboardUID":""}"#),
        step(.delete, "/api/folders/lf"),
    ]
}
