import Foundation
import GFSValue
import Hummingbird
import Yams

// The export routes of the provisioning API: every resource in the file-provisioning format
// (`definitions.AlertingFileExport`), as YAML by default, JSON when asked (`exportResponse`
// and `extractExportRequest` in `pkg/services/ngalert/api/api_provisioning.go`). HCL is not
// emulated: `format=hcl` is answered as YAML.
extension AlertingController {
    func addExportRoutes(to router: Router<SandboxRequestContext>) {
        let base = Self.base
        router.get("\(base)/alert-rules/export", use: exportRules)
        router.get("\(base)/alert-rules/:uid/export", use: exportRule)
        router.get("\(base)/folder/:folderUid/rule-groups/:group/export", use: exportGroup)
        router.get("\(base)/contact-points/export", use: exportContactPoints)
        router.get("\(base)/policies/export", use: exportPolicy)
        router.get("\(base)/mute-timings/export", use: exportMuteTimings)
        router.get("\(base)/mute-timings/:name/export", use: exportMuteTiming)
    }

    /// `RouteGetAlertRulesExport`: every group (or `folderUid`s' groups); none is an empty 404.
    @Sendable func exportRules(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let folders = Set(request.queryAll("folderUid"))
        let document = await environment.store.read { state -> Value? in
            let groups = state.alerting.groups.filter {
                $0.orgID == identity.orgID && (folders.isEmpty || folders.contains($0.folderUID))
            }.sorted { ($0.folderUID, $0.title) < ($1.folderUID, $1.title) }
            guard !groups.isEmpty else { return nil }
            return Self.fileExport(groups: groups.map { Self.groupExport($0, state: state, only: nil) })
        }
        guard let document else { return Response(status: .notFound) }
        return Self.exportResponse(request, document)
    }

    /// `RouteGetAlertRuleExport`: one rule in its group; an unknown uid is 404.
    @Sendable func exportRule(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let uid = context.stringParameter("uid")
        let document = await environment.store.read { state -> Value? in
            guard let rule = state.alerting.rules.first(where: { $0.orgID == identity.orgID && $0.uid == uid }),
                let group = state.alerting.group(
                    orgID: identity.orgID,
                    folderUID: rule.folderUID,
                    title: rule.ruleGroup
                )
            else { return nil }
            return Self.fileExport(groups: [Self.groupExport(group, state: state, only: uid)])
        }
        guard let document else { throw Self.ruleNotFound }
        return Self.exportResponse(request, document)
    }

    /// `ErrAlertRuleNotFound` through `ErrResp(404, err, "")`.
    static let ruleNotFound = GrafanaError.error(.notFound, "could not find alert rule", cause: false)

    @Sendable func exportGroup(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let folderUID = context.stringParameter("folderUid")
        let title = context.stringParameter("group")
        let document = await environment.store.read { state -> Value? in
            guard let group = state.alerting.group(orgID: identity.orgID, folderUID: folderUID, title: title) else {
                return nil
            }
            return Self.fileExport(groups: [Self.groupExport(group, state: state, only: nil)])
        }
        guard let document else { throw groupNotFound }
        return Self.exportResponse(request, document)
    }

    /// `RouteGetContactPointsExport`: receivers grouped by name (`AlertingFileExportFromEmbeddedContactPoints`).
    @Sendable func exportContactPoints(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let name = request.query("name")
        // `decrypt=true` answers the secret settings; otherwise they read `[REDACTED]`
        // (`decryptValueOrRedacted`).
        let decrypt = ["true", "1"].contains(request.query("decrypt"))
        let points = await environment.store.read { state in
            state.alerting.contactPoints(orgID: identity.orgID).filter { name.isEmpty || $0.name == name }
        }.map { decrypt ? $0 : Self.redactingSecrets($0) }
        var names: [String] = []
        for point in points where !names.contains(point.name) { names.append(point.name) }
        let exported: [Value] = names.map { name in
            .record(
                Record([
                    ("orgId", .int(Int(identity.orgID))), ("name", .string(name)),
                    (
                        "receivers",
                        .list(
                            points.filter { $0.name == name }.map { point in
                                .record(
                                    Record([
                                        ("uid", .string(point.uid)), ("type", .string(point.type)),
                                        ("settings", point.settings),
                                        ("disableResolveMessage", .bool(point.disableResolveMessage)),
                                    ])
                                )
                            }
                        )
                    ),
                ])
            )
        }
        return Self.exportResponse(request, Self.fileExport(contactPoints: exported))
    }

    @Sendable func exportPolicy(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let policy = await environment.store.read { $0.alerting.policy(orgID: identity.orgID) }
        var tree = Record([("orgId", .int(Int(identity.orgID)))])
        if case .record(let route) = policy.tree {
            for (key, value) in route { tree[key] = value }
        }
        return Self.exportResponse(request, Self.fileExport(policies: [.record(tree)]))
    }

    @Sendable func exportMuteTimings(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let timings = await environment.store.read { state in
            state.alerting.muteTimings.filter { $0.orgID == identity.orgID }
        }
        return Self.exportResponse(request, Self.fileExport(muteTimes: timings.map(Self.muteTimingExport)))
    }

    /// `RouteGetMuteTimingExport`: an unknown name is an empty 404.
    @Sendable func exportMuteTiming(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let name = context.stringParameter("name")
        let timing = await environment.store.read { state in
            state.alerting.muteTimings.first { $0.orgID == identity.orgID && $0.name == name }
        }
        guard let timing else { return Response(status: .notFound) }
        return Self.exportResponse(request, Self.fileExport(muteTimes: [Self.muteTimingExport(timing)]))
    }

    // MARK: The file format

    /// `definitions.AlertingFileExport`: `apiVersion: 1` and the non-empty lists (`omitempty`).
    static func fileExport(
        groups: [Value] = [],
        contactPoints: [Value] = [],
        policies: [Value] = [],
        muteTimes: [Value] = []
    ) -> Value {
        var pairs: [(String, Value)] = [("apiVersion", 1)]
        if !groups.isEmpty { pairs.append(("groups", .list(groups))) }
        if !contactPoints.isEmpty { pairs.append(("contactPoints", .list(contactPoints))) }
        if !policies.isEmpty { pairs.append(("policies", .list(policies))) }
        if !muteTimes.isEmpty { pairs.append(("muteTimes", .list(muteTimes))) }
        return .record(Record(pairs))
    }

    static func muteTimingExport(_ timing: StoredMuteTiming) -> Value {
        .record(
            Record([
                ("orgId", .int(Int(timing.orgID))), ("name", .string(timing.name)),
                ("time_intervals", timing.timeIntervals),
            ])
        )
    }

    /// `AlertRuleGroupExport{orgId, name, folder (the title), interval, rules}`; the interval
    /// and `for` are `model.Duration`s, written as `1m`.
    static func groupExport(_ group: StoredRuleGroup, state: SandboxState, only uid: String?) -> Value {
        let folder = state.folder(uid: group.folderUID, orgID: group.orgID)?.title ?? ""
        let rules = state.alerting.rules(of: group).filter { uid == nil || $0.uid == uid }
        return .record(
            Record([
                ("orgId", .int(Int(group.orgID))), ("name", .string(group.title)), ("folder", .string(folder)),
                ("interval", .string(PromDuration.string(group.intervalSeconds))),
                ("rules", .list(rules.map(ruleExport))),
            ])
        )
    }

    /// `AlertRuleExport`: the rule without ids, org, folder and provenance; empty maps and a
    /// false `isPaused` are left out (`omitempty`).
    static func ruleExport(_ rule: StoredAlertRule) -> Value {
        var pairs: [(String, Value)] = [
            ("uid", .string(rule.uid)), ("title", .string(rule.title)), ("condition", .string(rule.condition)),
            ("data", rule.data), ("noDataState", .string(rule.noDataState)),
            ("execErrState", .string(rule.execErrState)), ("for", .string(PromDuration.string(rule.forSeconds))),
        ]
        if case .record(let record) = rule.annotations, !record.isEmpty {
            pairs.append(("annotations", rule.annotations))
        }
        if case .record(let record) = rule.labels, !record.isEmpty { pairs.append(("labels", rule.labels)) }
        if rule.isPaused { pairs.append(("isPaused", true)) }
        if rule.notificationSettings != .null { pairs.append(("notification_settings", rule.notificationSettings)) }
        return .record(Record(pairs))
    }

    /// `exportResponse`: `format=json|yaml` wins, then an `Accept` naming json or yaml; YAML
    /// by default.
    static func exportResponse(_ request: Request, _ document: Value) -> Response {
        let accept = request.headers[.accept] ?? ""
        var format = "yaml"
        if accept.contains("json") { format = "json" }
        let query = request.query("format")
        if query == "json" || query == "yaml" { format = query }
        if format == "json" { return SandboxResponse.json(.ok, document) }
        let text = (try? Yams.serialize(node: yamlNode(document), allowUnicode: true)) ?? ""
        return SandboxResponse.raw(.ok, text, contentType: "text/yaml")
    }

    static func yamlNode(_ value: Value) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .int(let number): return Node(String(number), Tag(.int))
        case .double(let number): return Node(String(number), Tag(.float))
        case .bigNumber(let text): return Node(text, Tag(.float))
        case .string(let text):
            let plain = Resolver.default.resolveTag(of: Node(text)) == .str
            return Node(text, Tag(.str), plain ? .any : .doubleQuoted)
        case .list(let items): return Node(items.map(yamlNode))
        case .record(let record): return Node(record.map { (Node($0.key, Tag(.str)), yamlNode($0.value)) })
        }
    }
}
