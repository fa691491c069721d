import HTTPTypes

extension ConformanceTests {
    /// The conformance walk through library panels, annotations, snapshots and playlists; runs after ``coreWalk``.
    static let libraryWalk: [Step] = [
        step(
            .post,
            "/api/library-elements",
            #"{"uid":"lp1","name":"Library CPU","kind":1,"model":{"type":"timeseries","title":"CPU"}}"#,
            capture: ["lpUID": ["result", "uid"]]
        ),
        step(.get, "/api/library-elements?perPage=10&page=1"),
        step(.get, "/api/library-elements/{lpUID}"),
        step(.get, "/api/library-elements/name/Library%20CPU"),
        step(.patch, "/api/library-elements/{lpUID}", #"{"kind":1,"version":1,"name":"Library CPU 2"}"#),
        step(
            .post,
            "/api/dashboards/db",
            #"{"dashboard":{"uid":"lpd","title":"Uses library","panels":[{"id":1,"libraryPanel":{"uid":"lp1"}}]}}"#
        ),
        step(.get, "/api/library-elements/{lpUID}/connections/"),
        step(.delete, "/api/library-elements/{lpUID}"),
        step(
            .post,
            "/api/annotations",
            #"{"dashboardUID":"lpd","panelId":1,"time":1000,"timeEnd":2000,"text":"deploy","tags":["deploy"]}"#,
            capture: ["annotation": ["id"]]
        ),
        step(.post, "/api/annotations/graphite", #"{"what":"release","tags":"a b","when":1}"#),
        step(.get, "/api/annotations?dashboardUID=lpd&tags=deploy&from=0&to=5000&limit=10&type=annotation"),
        step(.get, "/api/annotations/{annotation}"),
        step(.get, "/api/annotations/tags"),
        step(.put, "/api/annotations/{annotation}", #"{"text":"deploy 2","time":1000,"tags":["deploy"]}"#),
        step(.patch, "/api/annotations/{annotation}", #"{"text":"deploy 3"}"#),
        step(.delete, "/api/annotations/{annotation}"),
        step(.post, "/api/annotations/mass-delete", #"{"dashboardUID":"lpd","panelId":1}"#),
        step(
            .post,
            "/api/snapshots",
            #"{"dashboard":{"uid":"lpd","title":"Uses library"},"name":"snap","expires":3600}"#,
            capture: ["snapKey": ["key"], "snapDeleteKey": ["deleteKey"]]
        ),
        step(.get, "/api/dashboard/snapshots"),
        step(.get, "/api/snapshots/{snapKey}"),
        step(.get, "/api/snapshots-delete/{snapDeleteKey}"),
        step(
            .post,
            "/api/snapshots",
            #"{"dashboard":{"uid":"lpd","title":"Uses library"}}"#,
            capture: ["snapKey2": ["key"]]
        ),
        step(.delete, "/api/snapshots/{snapKey2}"),
        step(
            .post,
            "/api/playlists",
            #"{"name":"wall","interval":"5m","items":[{"type":"dashboard_by_uid","value":"lpd"}]}"#,
            capture: ["playlist": ["uid"]]
        ),
        step(.get, "/api/playlists"),
        step(.get, "/api/playlists/{playlist}"),
        step(.get, "/api/playlists/{playlist}/items"),
        step(.put, "/api/playlists/{playlist}", #"{"name":"wall2","interval":"1m","items":[]}"#),
        step(.delete, "/api/playlists/{playlist}"),
    ]
}
