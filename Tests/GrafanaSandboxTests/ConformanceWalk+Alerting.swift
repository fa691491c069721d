import HTTPTypes

extension ConformanceTests {
    /// A rule of the provisioning API in folder `alertf`, group `g1`.
    static func alertRuleBody(uid: String, title: String) -> String {
        #"{"uid":"\#(uid)","title":"\#(title)","folderUID":"alertf","ruleGroup":"g1","condition":"A","#
            + #""data":[{"refId":"A","relativeTimeRange":{"from":600,"to":0},"datasourceUid":"__expr__","#
            + #""model":{"type":"math","expression":"1"}}],"noDataState":"NoData","execErrState":"Error","#
            + #""for":"5m","labels":{"team":"ops"}}"#
    }

    /// The conformance walk through the alerting provisioning API; runs after ``coreWalk``.
    static let alertingWalk: [Step] = [
        step(.post, "/api/folders", #"{"uid":"alertf","title":"Alert folder"}"#),
        step(.post, "/api/v1/provisioning/alert-rules", alertRuleBody(uid: "ar1", title: "Rule one")),
        step(.get, "/api/v1/provisioning/alert-rules"),
        step(.get, "/api/v1/provisioning/alert-rules/ar1"),
        step(.put, "/api/v1/provisioning/alert-rules/ar1", alertRuleBody(uid: "ar1", title: "Rule one b")),
        step(.get, "/api/v1/provisioning/folder/alertf/rule-groups/g1"),
        step(
            .put,
            "/api/v1/provisioning/folder/alertf/rule-groups/g1",
            #"{"interval":60,"rules":[\#(alertRuleBody(uid: "ar1", title: "Rule one")),"#
                + #"\#(alertRuleBody(uid: "ar2", title: "Rule two"))]}"#
        ),
        step(
            .post,
            "/api/v1/provisioning/contact-points",
            #"{"name":"ops","type":"webhook","settings":{"url":"http://example.com"}}"#,
            capture: ["cp": ["uid"]]
        ),
        step(.get, "/api/v1/provisioning/contact-points"),
        step(
            .put,
            "/api/v1/provisioning/contact-points/{cp}",
            #"{"name":"ops","type":"webhook","settings":{"url":"http://example.com/2"}}"#
        ),
        step(
            .post,
            "/api/v1/provisioning/mute-timings",
            #"{"name":"wk","time_intervals":[{"weekdays":["saturday"]}]}"#
        ),
        step(.get, "/api/v1/provisioning/mute-timings"),
        step(.get, "/api/v1/provisioning/mute-timings/wk"),
        step(
            .put,
            "/api/v1/provisioning/mute-timings/wk",
            #"{"name":"wk","time_intervals":[{"weekdays":["saturday","sunday"]}]}"#
        ),
        step(.get, "/api/v1/provisioning/policies"),
        step(
            .put,
            "/api/v1/provisioning/policies",
            #"{"receiver":"grafana-default-email","routes":[{"receiver":"ops","mute_time_intervals":["wk"]}]}"#
        ),
        step(.put, "/api/v1/provisioning/templates/t1", #"{"template":"{{ define \"t1\" }}hi{{ end }}"}"#),
        step(.get, "/api/v1/provisioning/templates"),
        step(.get, "/api/v1/provisioning/templates/t1"),
        step(.get, "/api/v1/provisioning/alert-rules/export?format=json"),
        step(.get, "/api/v1/provisioning/alert-rules/ar1/export?format=json"),
        step(.get, "/api/v1/provisioning/folder/alertf/rule-groups/g1/export?format=json"),
        step(.get, "/api/v1/provisioning/contact-points/export?format=json"),
        step(.get, "/api/v1/provisioning/policies/export?format=json"),
        step(.get, "/api/v1/provisioning/mute-timings/export?format=json"),
        step(.get, "/api/v1/provisioning/mute-timings/wk/export?format=json"),
        step(.delete, "/api/v1/provisioning/policies"),
        step(.delete, "/api/v1/provisioning/mute-timings/wk"),
        step(.delete, "/api/v1/provisioning/templates/t1"),
        step(.delete, "/api/v1/provisioning/contact-points/{cp}"),
        step(.delete, "/api/v1/provisioning/alert-rules/ar2"),
        step(.delete, "/api/v1/provisioning/folder/alertf/rule-groups/g1"),
    ]
}
