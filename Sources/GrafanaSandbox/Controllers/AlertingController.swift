import Foundation
import GFSValue
import HTTPTypes
import Hummingbird

/// The alerting provisioning API, `/api/v1/provisioning/…` (`pkg/services/ngalert/api/
/// api_provisioning.go` `ProvisioningSrv`, routes in `generated_base_api_provisioning.go`,
/// bodies in `tooling/definitions/provisioning_*.go`, rules in `pkg/services/ngalert/
/// provisioning/*.go`).
///
/// Provenance: a write without `X-Disable-Provenance` marks the resource `api`; with it, none
/// (`determineProvenance`). A resource stored with a provenance can be changed only with the
/// same provenance (`cannot change provenance from 'api' to ''`).
struct AlertingController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    static let base = "/api/v1/provisioning"

    func addRoutes(to router: Router<SandboxRequestContext>) {
        let base = Self.base
        router.get("\(base)/alert-rules", use: listRules)
        router.post("\(base)/alert-rules", use: createRule)
        router.get("\(base)/alert-rules/:uid", use: getRule)
        router.put("\(base)/alert-rules/:uid", use: updateRule)
        router.delete("\(base)/alert-rules/:uid", use: deleteRule)
        router.get("\(base)/folder/:folderUid/rule-groups/:group", use: getGroup)
        router.put("\(base)/folder/:folderUid/rule-groups/:group", use: putGroup)
        if environment.version.provisioningDeletesRuleGroups {
            router.delete("\(base)/folder/:folderUid/rule-groups/:group", use: deleteGroup)
        }
        router.get("\(base)/contact-points", use: listContactPoints)
        router.post("\(base)/contact-points", use: createContactPoint)
        router.put("\(base)/contact-points/:uid", use: updateContactPoint)
        router.delete("\(base)/contact-points/:uid", use: deleteContactPoint)
        router.get("\(base)/policies", use: getPolicy)
        router.put("\(base)/policies", use: putPolicy)
        router.delete("\(base)/policies", use: resetPolicy)
        router.get("\(base)/mute-timings", use: listMuteTimings)
        router.post("\(base)/mute-timings", use: createMuteTiming)
        router.get("\(base)/mute-timings/:name", use: getMuteTiming)
        router.put("\(base)/mute-timings/:name", use: updateMuteTiming)
        router.delete("\(base)/mute-timings/:name", use: deleteMuteTiming)
        router.get("\(base)/templates", use: listTemplates)
        router.get("\(base)/templates/:name", use: getTemplate)
        router.put("\(base)/templates/:name", use: putTemplate)
        router.delete("\(base)/templates/:name", use: deleteTemplate)
        addExportRoutes(to: router)
    }

    // MARK: Errors

    /// `generated_base_api_provisioning.go`: a body `web.Bind` cannot read (malformed JSON,
    /// a `for` that is not a duration) is `response.Error(400, "bad request data", err)`.
    static let badRequestData = GrafanaError.error(.badRequest, "bad request data", cause: true)

    /// `ErrResp(400, err, "")` with `models.ErrAlertRuleFailedValidation` ("invalid alert rule").
    static func invalidRule(_ detail: String) -> GrafanaError {
        .error(.badRequest, "invalid alert rule: \(detail)", cause: false)
    }

    /// `provisioning/alert_rules.go` `UpdateAlertRule`, `contactpoints.go` `UpdateContactPoint`:
    /// a stored provenance other than none must match the request's.
    static func provenanceMismatch(from stored: String, to requested: String) -> GrafanaError {
        .error(.badRequest, "cannot change provenance from '\(stored)' to '\(requested)'", cause: false)
    }

    /// `models.ErrAlertRuleUniqueConstraintViolation`, answered 400 by `RoutePostAlertRule`.
    static let duplicateTitle = GrafanaError.error(
        .badRequest,
        "a conflicting alert rule is found: rule title under the same organisation and folder should be unique",
        cause: false
    )

    /// `provisioning.ErrValidation` ("invalid object specification"), answered 400.
    static func invalidObject(_ detail: String) -> GrafanaError {
        .error(.badRequest, "invalid object specification: \(detail)", cause: false)
    }

    /// `response.Empty(404)`: `RouteRouteGetAlertRule` and `RoutePutAlertRule` for an unknown uid.
    static func emptyNotFound() -> Response { Response(status: .notFound) }

    // MARK: Access

    /// Provisioning routes are authorised with `alert.provisioning:read` / `:write`
    /// (`pkg/services/ngalert/api/authorization.go`), which only the Admin role holds
    /// (`fixed:alerting.provisioning:writer`, `pkg/services/ngalert/accesscontrol.go`).
    func authorize(_ context: SandboxRequestContext, write: Bool) throws -> Identity {
        let identity = try context.caller()
        guard identity.orgRole.includes(.admin) else {
            throw GrafanaError.accessDenied(write ? "alert.provisioning:write" : "alert.provisioning:read")
        }
        return identity
    }

    /// `determineProvenance`: the header's presence, whatever its value.
    static func provenance(of request: Request) -> String {
        request.headers[HTTPField.Name("X-Disable-Provenance")!] == nil ? "api" : ""
    }

    func body(_ request: Request, context: SandboxRequestContext) async throws -> Record {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: Self.badRequestData)
        return form.object
    }
}

// MARK: Alert rules

extension AlertingController {
    @Sendable func listRules(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let rules = await environment.store.read { state in
            state.alerting.rules.filter { $0.orgID == identity.orgID }.sorted { $0.id < $1.id }
        }
        return SandboxResponse.json(.ok, .list(rules.map(Self.ruleJSON)))
    }

    @Sendable func getRule(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let uid = context.stringParameter("uid")
        let rule = await environment.store.read { state in
            state.alerting.rules.first { $0.orgID == identity.orgID && $0.uid == uid }
        }
        guard let rule else { return Self.emptyNotFound() }
        return SandboxResponse.json(.ok, Self.ruleJSON(rule))
    }

    /// `RoutePostAlertRule`: 201 with the stored rule. The group's interval is kept when the
    /// group exists, else 60 s (the default `BaseInterval` times six is Grafana's default).
    @Sendable func createRule(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let json = try await environment.store.write { state in
            var rule = try Self.bindRule(object, orgID: identity.orgID, provenance: provenance)
            try Self.ensureNamespace(rule.folderUID, orgID: identity.orgID, in: state)
            if rule.uid.isEmpty { rule.uid = KeyGenerator.shortUID() }
            if state.alerting.rules.contains(where: { $0.orgID == identity.orgID && $0.uid == rule.uid }) {
                throw Self.duplicateTitle
            }
            try Self.checkTitle(rule, in: state.alerting)
            rule.id = state.alerting.nextRuleID
            state.alerting.nextRuleID += 1
            state.alerting.rules.append(rule)
            state.alerting.ensureGroup(orgID: identity.orgID, folderUID: rule.folderUID, title: rule.ruleGroup)
            return Self.ruleJSON(rule)
        }
        return SandboxResponse.json(.created, json)
    }

    @Sendable func updateRule(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let uid = context.stringParameter("uid")
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let json: Value? = try await environment.store.write { state in
            guard let index = state.alerting.rules.firstIndex(where: { $0.orgID == identity.orgID && $0.uid == uid })
            else { return nil }
            var rule = try Self.bindRule(object, orgID: identity.orgID, provenance: provenance)
            let stored = state.alerting.rules[index]
            if stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            try Self.ensureNamespace(rule.folderUID, orgID: identity.orgID, in: state)
            rule.uid = uid
            rule.id = stored.id
            try Self.checkTitle(rule, in: state.alerting)
            state.alerting.rules[index] = rule
            state.alerting.ensureGroup(orgID: identity.orgID, folderUID: rule.folderUID, title: rule.ruleGroup)
            state.alerting.dropEmptyGroups()
            return Self.ruleJSON(rule)
        }
        guard let json else { return Self.emptyNotFound() }
        return SandboxResponse.json(.ok, json)
    }

    /// `RouteDeleteAlertRule`: 204 whether or not the rule existed (the single delete is
    /// idempotent, `provisioning/alert_rules.go` `DeleteAlertRule`).
    @Sendable func deleteRule(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let uid = context.stringParameter("uid")
        let provenance = Self.provenance(of: request)
        try await environment.store.write { state in
            guard let stored = state.alerting.rules.first(where: { $0.orgID == identity.orgID && $0.uid == uid })
            else { return }
            if stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            state.alerting.rules.removeAll { $0.orgID == identity.orgID && $0.uid == uid }
            state.alerting.dropEmptyGroups()
        }
        return Response(status: .noContent)
    }

    /// `AlertRuleService.ensureNamespace`: a rule needs a folder UID, of a folder that exists.
    static func ensureNamespace(_ folderUID: String, orgID: Int64, in state: SandboxState) throws {
        guard !folderUID.isEmpty else { throw invalidRule("folderUID must be set") }
        guard state.folder(uid: folderUID, orgID: orgID) != nil else { throw invalidRule("folder does not exist") }
    }

    /// A rule title is unique within its folder (`alert_rule` unique index on org, namespace
    /// and title; `ErrAlertRuleUniqueConstraintViolation`).
    static func checkTitle(_ rule: StoredAlertRule, in alerting: AlertingState) throws {
        if alerting.rules.contains(where: {
            $0.orgID == rule.orgID && $0.folderUID == rule.folderUID && $0.title == rule.title && $0.uid != rule.uid
        }) {
            throw duplicateTitle
        }
    }

    /// `definitions.ProvisionedAlertRule` → `models.AlertRule`, then `ValidateAlertRule`
    /// (`pkg/services/ngalert/models/alert_rule.go`) in its order.
    static func bindRule(_ object: Record, orgID: Int64, provenance: String) throws -> StoredAlertRule {
        func string(_ key: String) throws -> String {
            switch object[key] {
            case nil, .null?: return ""
            case .string(let text)?: return text
            default: throw badRequestData
            }
        }
        var forSeconds: Int64 = 0
        switch object["for"] {
        case nil, .null?: break
        case .string(let text)?:
            guard let seconds = PromDuration.seconds(text) else { throw badRequestData }
            forSeconds = seconds
        case .int(let nanoseconds)?: forSeconds = Int64(nanoseconds / 1_000_000_000)
        default: throw badRequestData
        }
        let data: [Value]
        switch object["data"] {
        case nil, .null?: data = []
        case .list(let items)?: data = items
        default: throw badRequestData
        }
        let uid = try string("uid")
        if uid.count > 40 {
            throw invalidRule("cannot create rule with UID '\(uid)': uid too long, max 40 characters")
        }
        guard !data.isEmpty else { throw invalidRule("no queries or expressions are found") }
        let title = try string("title")
        guard !title.isEmpty else { throw invalidRule("title is empty") }
        // `ErrStateFromString`, `NoDataStateFromString`.
        let execErrState = try string("execErrState")
        guard ["Alerting", "Error", "OK", "KeepLast"].contains(execErrState) else {
            throw invalidRule("unknown Error state option \(execErrState)")
        }
        let noDataState = try string("noDataState")
        guard ["Alerting", "NoData", "OK", "KeepLast"].contains(noDataState) else {
            throw invalidRule("unknown NoData state option \(noDataState)")
        }
        let group = try string("ruleGroup")
        guard !group.isEmpty else { throw invalidRule("rule group name is empty") }
        return StoredAlertRule(
            id: 0,
            uid: uid,
            orgID: orgID,
            folderUID: try string("folderUID"),
            ruleGroup: group,
            title: title,
            condition: try string("condition"),
            data: .list(data),
            noDataState: noDataState,
            execErrState: execErrState,
            forSeconds: forSeconds,
            annotations: object["annotations"] ?? .null,
            labels: object["labels"] ?? .null,
            isPaused: object["isPaused"] == .bool(true),
            notificationSettings: object["notification_settings"] ?? .null,
            provenance: provenance,
            updated: Date()
        )
    }

    /// `ProvisionedAlertRuleFromAlertRule`: the fields of `definitions.ProvisionedAlertRule`;
    /// `annotations`, `labels` and `notification_settings` are `omitempty`.
    static func ruleJSON(_ rule: StoredAlertRule) -> Value {
        var pairs: [(String, Value)] = [
            ("id", .int(Int(rule.id))), ("uid", .string(rule.uid)), ("orgID", .int(Int(rule.orgID))),
            ("folderUID", .string(rule.folderUID)), ("ruleGroup", .string(rule.ruleGroup)),
            ("title", .string(rule.title)), ("condition", .string(rule.condition)), ("data", rule.data),
            ("updated", .string(RFC3339.string(from: rule.updated))), ("noDataState", .string(rule.noDataState)),
            ("execErrState", .string(rule.execErrState)), ("for", .string(PromDuration.string(rule.forSeconds))),
        ]
        if case .record(let record) = rule.annotations, !record.isEmpty {
            pairs.append(("annotations", rule.annotations))
        }
        if case .record(let record) = rule.labels, !record.isEmpty { pairs.append(("labels", rule.labels)) }
        pairs.append(("provenance", .string(rule.provenance)))
        pairs.append(("isPaused", .bool(rule.isPaused)))
        if rule.notificationSettings != .null { pairs.append(("notification_settings", rule.notificationSettings)) }
        return .record(Record(pairs))
    }
}

// MARK: Rule groups

extension AlertingController {
    /// `RouteGetAlertRuleGroup`: `definitions.AlertRuleGroup{title, folderUid, interval, rules}`;
    /// an unknown group is `models.ErrAlertRuleGroupNotFound`, 404.
    @Sendable func getGroup(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let folderUID = context.stringParameter("folderUid")
        let title = context.stringParameter("group")
        let notFound = groupNotFound
        let json = try await environment.store.read { state in
            guard let group = state.alerting.group(orgID: identity.orgID, folderUID: folderUID, title: title) else {
                throw notFound
            }
            return Self.groupJSON(group, rules: state.alerting.rules(of: group))
        }
        return SandboxResponse.json(.ok, json)
    }

    /// `models.ErrAlertRuleGroupNotFound = errutil.NotFound("alerting.alert-rule.notFound")`,
    /// returned by `GetRuleGroup` as `.Errorf("")`: no public message, so errutil's `Public()`
    /// answers the status text `Not found`. Before, `store.ErrAlertRuleGroupNotFound`
    /// (`errors.New("rulegroup not found")`) through `ErrResp(404, err, "")`.
    var groupNotFound: GrafanaError {
        environment.version.ruleGroupNotFoundIsErrutil
            ? .errutil(.notFound, messageID: "alerting.alert-rule.notFound", message: "Not found")
            : .error(.notFound, "rulegroup not found", cause: false)
    }

    /// `RoutePutAlertRuleGroup` → `ReplaceRuleGroup`: the group becomes exactly the rules
    /// sent (by uid: updated, new, or deleted when missing), all with the group's interval;
    /// the answer is the body as bound, with the path's folder and title.
    @Sendable func putGroup(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let folderUID = context.stringParameter("folderUid")
        let title = context.stringParameter("group")
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let interval: Int64
        switch object["interval"] {
        case nil, .null?: interval = 0
        case .int(let seconds)?: interval = Int64(seconds)
        default: throw Self.badRequestData
        }
        let ruleObjects: [Record]
        switch object["rules"] {
        case nil, .null?: ruleObjects = []
        case .list(let items)?:
            ruleObjects = try items.map {
                guard case .record(let record) = $0 else { throw Self.badRequestData }
                return record
            }
        default: throw Self.badRequestData
        }
        // `ValidateRuleGroupInterval` with the default 10 s base interval.
        guard interval > 0 && interval % 10 == 0 else {
            throw Self.invalidRule(
                "interval (\(PromDuration.goString(interval))) should be non-zero and divided exactly by scheduler interval: 10"
            )
        }
        let json = try await environment.store.write { state in
            try Self.ensureNamespace(folderUID, orgID: identity.orgID, in: state)
            var incoming: [StoredAlertRule] = []
            for object in ruleObjects {
                var fields = object
                fields["folderUID"] = .string(folderUID)
                fields["ruleGroup"] = .string(title)
                incoming.append(try Self.bindRule(fields, orgID: identity.orgID, provenance: provenance))
            }
            var titles = Set<String>()
            for rule in incoming where !titles.insert(rule.title).inserted { throw Self.duplicateTitle }
            let existing = state.alerting.rules.filter {
                $0.orgID == identity.orgID && $0.folderUID == folderUID && $0.ruleGroup == title
            }
            for stored in existing where stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            let keep = Set(incoming.map(\.uid).filter { !$0.isEmpty })
            state.alerting.rules.removeAll {
                $0.orgID == identity.orgID && $0.folderUID == folderUID && $0.ruleGroup == title
                    && !keep.contains($0.uid)
            }
            for var rule in incoming {
                if let index = state.alerting.rules.firstIndex(where: {
                    $0.orgID == identity.orgID && $0.uid == rule.uid && !rule.uid.isEmpty
                }) {
                    rule.id = state.alerting.rules[index].id
                    try Self.checkTitle(rule, in: state.alerting)
                    state.alerting.rules[index] = rule
                } else {
                    if rule.uid.isEmpty { rule.uid = KeyGenerator.shortUID() }
                    try Self.checkTitle(rule, in: state.alerting)
                    rule.id = state.alerting.nextRuleID
                    state.alerting.nextRuleID += 1
                    state.alerting.rules.append(rule)
                }
            }
            state.alerting.ensureGroup(orgID: identity.orgID, folderUID: folderUID, title: title)
            state.alerting.setInterval(interval, orgID: identity.orgID, folderUID: folderUID, title: title)
            state.alerting.dropEmptyGroups()
            // The answer is the bound body marshalled again: each rule is a
            // `definitions.ProvisionedAlertRule` holding what was sent, zero values elsewhere.
            let answer: Record = [
                "title": .string(title), "folderUid": .string(folderUID), "interval": .int(Int(interval)),
                "rules": .list(ruleObjects.map { Self.boundRuleJSON($0) }),
            ]
            return Value.record(answer)
        }
        return SandboxResponse.json(.ok, json)
    }

    /// `RouteDeleteAlertRuleGroup`: 204, or 404 for an unknown group.
    @Sendable func deleteGroup(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let folderUID = context.stringParameter("folderUid")
        let title = context.stringParameter("group")
        let provenance = Self.provenance(of: request)
        let notFound = groupNotFound
        try await environment.store.write { state in
            guard let group = state.alerting.group(orgID: identity.orgID, folderUID: folderUID, title: title) else {
                throw notFound
            }
            for stored in state.alerting.rules(of: group)
            where stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            state.alerting.rules.removeAll {
                $0.orgID == identity.orgID && $0.folderUID == folderUID && $0.ruleGroup == title
            }
            state.alerting.dropEmptyGroups()
        }
        return Response(status: .noContent)
    }

    /// A rule of a request body as Go marshals the bound struct: absent fields as zero values
    /// (`orgID: 0`, `updated: 0001-01-01T00:00:00Z`), `for` in Prometheus form.
    static func boundRuleJSON(_ object: Record) -> Value {
        func field(_ key: String, _ zero: Value) -> Value {
            guard let value = object[key], value != .null else { return zero }
            return value
        }
        let forSeconds: Int64 =
            if case .string(let text)? = object["for"] { PromDuration.seconds(text) ?? 0 } else { 0 }
        var pairs: [(String, Value)] = [
            ("id", field("id", 0)), ("uid", field("uid", "")), ("orgID", field("orgID", 0)),
            ("folderUID", field("folderUID", "")), ("ruleGroup", field("ruleGroup", "")), ("title", field("title", "")),
            ("condition", field("condition", "")), ("data", field("data", .null)),
            ("updated", field("updated", "0001-01-01T00:00:00Z")), ("noDataState", field("noDataState", "")),
            ("execErrState", field("execErrState", "")), ("for", .string(PromDuration.string(forSeconds))),
        ]
        for key in ["annotations", "labels"] {
            if case .record(let record)? = object[key], !record.isEmpty { pairs.append((key, .record(record))) }
        }
        pairs.append(("provenance", field("provenance", "")))
        pairs.append(("isPaused", field("isPaused", false)))
        if let settings = object["notification_settings"], settings != .null {
            pairs.append(("notification_settings", settings))
        }
        return .record(Record(pairs))
    }

    static func groupJSON(_ group: StoredRuleGroup, rules: [StoredAlertRule]) -> Value {
        [
            "title": .string(group.title), "folderUid": .string(group.folderUID),
            "interval": .int(Int(group.intervalSeconds)), "rules": .list(rules.map(ruleJSON)),
        ]
    }
}

// MARK: Contact points

extension AlertingController {
    /// Integration types Grafana knows (`definitions.EmbeddedContactPoint.Type` enum).
    static let contactPointTypes: Set<String> = [
        "alertmanager", "dingding", "discord", "email", "googlechat", "kafka", "line", "opsgenie", "pagerduty",
        "pushover", "sensugo", "slack", "teams", "telegram", "threema", "victorops", "webhook", "wecom",
        "oncall", "sns", "webex", "mqtt", "jira",
    ]

    @Sendable func listContactPoints(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let name = request.query("name")
        let points = await environment.store.read { state in
            state.alerting.contactPoints(orgID: identity.orgID).filter { name.isEmpty || $0.name == name }
        }
        return SandboxResponse.json(.ok, .list(points.map { Self.contactPointJSON(Self.redactingSecrets($0)) }))
    }

    static func contactPointJSON(_ point: StoredContactPoint) -> Value {
        [
            "uid": .string(point.uid), "name": .string(point.name), "type": .string(point.type),
            "settings": point.settings, "disableResolveMessage": .bool(point.disableResolveMessage),
            "provenance": .string(point.provenance),
        ]
    }

    /// The body as `definitions.EmbeddedContactPoint`, then `ValidateContactPoint`
    /// (`provisioning/contactpoints.go`): a type, settings, and what the type's integration
    /// requires of them (``validateSettings(name:uid:type:settings:)``). `stored` is the
    /// contact point an update replaces, whose secrets a `[REDACTED]` setting keeps.
    func bindContactPoint(
        _ object: Record,
        orgID: Int64,
        provenance: String,
        replacing stored: StoredContactPoint? = nil
    ) throws -> StoredContactPoint {
        func string(_ key: String) throws -> String {
            switch object[key] {
            case nil, .null?: return ""
            case .string(let text)?: return text
            default: throw Self.badRequestData
            }
        }
        let name = try string("name")
        guard !name.isEmpty else { throw Self.invalidObject("name is missing") }
        let type = try string("type")
        guard !type.isEmpty else { throw Self.invalidObject("type should not be an empty string") }
        guard case .record(let sent) = object["settings"] ?? .null else {
            throw Self.invalidObject("settings should not be empty")
        }
        let settings = Self.restoringSecrets(sent, type: type, from: stored)
        let uid = try string("uid")
        try validateSettings(name: name, uid: uid, type: type, settings: settings)
        return StoredContactPoint(
            orgID: orgID,
            uid: uid,
            name: name,
            type: type,
            settings: .record(settings),
            disableResolveMessage: object["disableResolveMessage"] == .bool(true),
            provenance: provenance
        )
    }

    /// `RoutePostContactPoint`: 202 with the stored contact point.
    @Sendable func createContactPoint(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let json = try await environment.store.write { state in
            var point = try bindContactPoint(object, orgID: identity.orgID, provenance: provenance)
            state.alerting.configure(orgID: identity.orgID)
            if point.uid.isEmpty { point.uid = KeyGenerator.shortUID() }
            if state.alerting.contactPoints.contains(where: { $0.orgID == identity.orgID && $0.uid == point.uid }) {
                throw Self.invalidObject("receiver UID '\(point.uid)' already exists")
            }
            state.alerting.contactPoints.append(point)
            return Self.contactPointJSON(Self.redactingSecrets(point))
        }
        return SandboxResponse.json(.accepted, json)
    }

    /// `RoutePutContactPoint`: 202 `{"message":"contactpoint updated"}`; unknown uid 404.
    @Sendable func updateContactPoint(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let uid = context.stringParameter("uid")
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        try await environment.store.write { state in
            state.alerting.configure(orgID: identity.orgID)
            // `RoutePutContactPoint` takes the path's uid before anything is checked.
            var fields = object
            fields["uid"] = .string(uid)
            let existing = state.alerting.contactPoints.first { $0.orgID == identity.orgID && $0.uid == uid }
            var point = try bindContactPoint(fields, orgID: identity.orgID, provenance: provenance, replacing: existing)
            guard
                let index = state.alerting.contactPoints.firstIndex(where: {
                    $0.orgID == identity.orgID && $0.uid == uid
                })
            else {
                throw GrafanaError.error(.notFound, "contact point not found", cause: false)
            }
            let stored = state.alerting.contactPoints[index]
            if stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            point.uid = uid
            state.alerting.contactPoints[index] = point
            // A renamed receiver is renamed in the policy tree too (`contactpoints.go`
            // `UpdateContactPoint` → `ReplaceReceiver`).
            if stored.name != point.name,
                let policyIndex = state.alerting.policies.firstIndex(where: { $0.orgID == identity.orgID })
            {
                state.alerting.policies[policyIndex].tree = Self.renamingReceiver(
                    in: state.alerting.policies[policyIndex].tree,
                    from: stored.name,
                    to: point.name
                )
            }
        }
        return SandboxResponse.json(.accepted, ["message": "contactpoint updated"])
    }

    /// `RouteDeleteContactPoint`: 202 `{"message":"contactpoint deleted"}`. The last
    /// integration of a receiver cannot go while the policy tree routes to it
    /// (`contactpoints.go` `DeleteContactPoint`: `ErrContactPointReferenced`, 409) or a rule's
    /// notification settings name it (`ErrContactPointUsedInRule`, 409); before the errutil
    /// errors, a plain error answered 500 by `ErrResp`.
    @Sendable func deleteContactPoint(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let uid = context.stringParameter("uid")
        let errutil = environment.version.notificationErrorsAreErrutil
        try await environment.store.write { state in
            state.alerting.configure(orgID: identity.orgID)
            guard let point = state.alerting.contactPoints.first(where: { $0.orgID == identity.orgID && $0.uid == uid })
            else { return }
            let others = state.alerting.contactPoints.filter {
                $0.orgID == identity.orgID && $0.name == point.name && $0.uid != uid
            }
            guard others.isEmpty else {
                state.alerting.contactPoints.removeAll { $0.orgID == identity.orgID && $0.uid == uid }
                return
            }
            if Self.receivers(in: state.alerting.policy(orgID: identity.orgID).tree).contains(point.name) {
                throw errutil
                    ? GrafanaError.errutil(
                        .conflict,
                        messageID: "alerting.notifications.contact-points.referenced",
                        message: "Contact point is currently referenced by a notification policy."
                    )
                    : GrafanaError.error(
                        .internalServerError,
                        "contact point '\(point.name)' is currently used by a notification policy",
                        cause: false
                    )
            }
            let usedByRule = state.alerting.rules.contains {
                guard $0.orgID == identity.orgID, case .record(let settings) = $0.notificationSettings else {
                    return false
                }
                return settings["receiver"] == .string(point.name)
            }
            if usedByRule && errutil {
                throw GrafanaError.errutil(
                    .conflict,
                    messageID: "alerting.notifications.contact-points.used-by-rule",
                    message: "Contact point is currently used in the notification settings of one or many alert rules."
                )
            }
            state.alerting.contactPoints.removeAll { $0.orgID == identity.orgID && $0.uid == uid }
        }
        return SandboxResponse.json(.accepted, ["message": "contactpoint deleted"])
    }
}

// MARK: Notification policies

extension AlertingController {
    @Sendable func getPolicy(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let policy = await environment.store.read { $0.alerting.policy(orgID: identity.orgID) }
        return SandboxResponse.json(.ok, Self.policyJSON(policy))
    }

    static func policyJSON(_ policy: StoredPolicyTree) -> Value {
        guard case .record(var tree) = policy.tree else { return policy.tree }
        tree["provenance"] = .string(policy.provenance)
        return .record(tree)
    }

    /// `RoutePutPolicyTree` → `UpdatePolicyTree`: every receiver and mute timing the tree names
    /// must exist (`provisioning.ErrValidation`); 202 `{"message":"policies updated"}`.
    @Sendable func putPolicy(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        var object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        object["provenance"] = nil
        let fields = object
        let tree = Value.record(object)
        try await environment.store.write { state in
            state.alerting.configure(orgID: identity.orgID)
            guard case .string(let root)? = fields["receiver"], !root.isEmpty else {
                throw Self.invalidObject("root route must specify a default receiver")
            }
            let names = Set(state.alerting.contactPoints(orgID: identity.orgID).map(\.name))
            for receiver in Self.receivers(in: tree) where !names.contains(receiver) {
                throw Self.invalidObject("receiver '\(receiver)' does not exist")
            }
            let timings = Set(state.alerting.muteTimings.filter { $0.orgID == identity.orgID }.map(\.name))
            for timing in Self.timeIntervals(in: tree) where !timings.contains(timing) {
                throw Self.invalidObject("mute time interval '\(timing)' does not exist")
            }
            let index = state.alerting.policies.firstIndex { $0.orgID == identity.orgID }!
            let stored = state.alerting.policies[index]
            if stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            state.alerting.policies[index] = StoredPolicyTree(orgID: identity.orgID, tree: tree, provenance: provenance)
        }
        return SandboxResponse.json(.accepted, ["message": "policies updated"])
    }

    /// `RouteResetPolicyTree`: back to the default tree; 202 with it.
    @Sendable func resetPolicy(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let policy = try await environment.store.write { state in
            state.alerting.configure(orgID: identity.orgID)
            let index = state.alerting.policies.firstIndex { $0.orgID == identity.orgID }!
            state.alerting.policies[index] = AlertingState.defaultPolicy(orgID: identity.orgID)
            return state.alerting.policies[index]
        }
        return SandboxResponse.json(.accepted, Self.policyJSON(policy))
    }

    /// Every `receiver` named in a route tree.
    static func receivers(in tree: Value) -> Set<String> {
        guard case .record(let route) = tree else { return [] }
        var names = Set<String>()
        if case .string(let receiver)? = route["receiver"], !receiver.isEmpty { names.insert(receiver) }
        if case .list(let children)? = route["routes"] {
            for child in children { names.formUnion(receivers(in: child)) }
        }
        return names
    }

    /// Every mute and active time interval named in a route tree.
    static func timeIntervals(in tree: Value) -> Set<String> {
        guard case .record(let route) = tree else { return [] }
        var names = Set<String>()
        for key in ["mute_time_intervals", "active_time_intervals"] {
            if case .list(let items)? = route[key] {
                for case .string(let name) in items { names.insert(name) }
            }
        }
        if case .list(let children)? = route["routes"] {
            for child in children { names.formUnion(timeIntervals(in: child)) }
        }
        return names
    }

    static func renamingReceiver(in tree: Value, from old: String, to new: String) -> Value {
        guard case .record(var route) = tree else { return tree }
        if route["receiver"] == .string(old) { route["receiver"] = .string(new) }
        if case .list(let children)? = route["routes"] {
            route["routes"] = .list(children.map { renamingReceiver(in: $0, from: old, to: new) })
        }
        return .record(route)
    }
}

// MARK: Mute timings

extension AlertingController {
    @Sendable func listMuteTimings(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let timings = await environment.store.read { state in
            state.alerting.muteTimings.filter { $0.orgID == identity.orgID }
        }
        return SandboxResponse.json(.ok, .list(timings.map(Self.muteTimingJSON)))
    }

    /// `definitions.MuteTimeInterval`: name, time intervals, version (a hash of the
    /// content, as `calculateMuteTimeIntervalFingerprint`) and provenance.
    static func muteTimingJSON(_ timing: StoredMuteTiming) -> Value {
        [
            "name": .string(timing.name), "time_intervals": timing.timeIntervals,
            "version": .string(fingerprint(timing.name + timing.timeIntervals.compactJSON)),
            "provenance": .string(timing.provenance),
        ]
    }

    /// `ErrTimeIntervalNotFound = errutil.NotFound("alerting.notifications.time-intervals.notFound")`
    /// (`pkg/services/ngalert/provisioning/errors.go`): no public message, so errutil answers
    /// the status text.
    static let muteTimingNotFound = GrafanaError.errutil(
        .notFound,
        messageID: "alerting.notifications.time-intervals.notFound",
        message: "Not found"
    )

    @Sendable func getMuteTiming(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let name = context.stringParameter("name")
        let timing = await environment.store.read { state in
            state.alerting.muteTimings.first { $0.orgID == identity.orgID && $0.name == name }
        }
        guard let timing else { throw Self.muteTimingNotFound }
        return SandboxResponse.json(.ok, Self.muteTimingJSON(timing))
    }

    static func bindMuteTiming(_ object: Record, orgID: Int64, provenance: String) throws -> StoredMuteTiming {
        guard case .string(let name)? = object["name"], !name.isEmpty else {
            throw GrafanaError.errutil(
                .badRequest,
                messageID: "alerting.notifications.time-intervals.invalidFormat",
                message: "invalid format of the submitted time interval: missing name"
            )
        }
        let intervals = object["time_intervals"] ?? .list([])
        guard case .list = intervals else { throw badRequestData }
        return StoredMuteTiming(orgID: orgID, name: name, timeIntervals: intervals, provenance: provenance)
    }

    /// `RoutePostMuteTiming`: 201; an existing name is `ErrTimeIntervalExists` (400).
    @Sendable func createMuteTiming(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let json = try await environment.store.write { state in
            let timing = try Self.bindMuteTiming(object, orgID: identity.orgID, provenance: provenance)
            if state.alerting.muteTimings.contains(where: { $0.orgID == identity.orgID && $0.name == timing.name }) {
                // `ErrTimeIntervalExists`: `errutil.BadRequest`, with its public message.
                throw GrafanaError.errutil(
                    .badRequest,
                    messageID: "alerting.notifications.time-intervals.nameExists",
                    message: "Time interval with this name already exists. Use a different name or update existing one."
                )
            }
            state.alerting.muteTimings.append(timing)
            return Self.muteTimingJSON(timing)
        }
        return SandboxResponse.json(.created, json)
    }

    /// `RoutePutMuteTiming`: 202 with the stored timing; unknown name 404.
    @Sendable func updateMuteTiming(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let name = context.stringParameter("name")
        var object = try await body(request, context: context)
        if object["name"] == nil || object["name"] == .string("") { object["name"] = .string(name) }
        let fields = object
        let provenance = Self.provenance(of: request)
        let json = try await environment.store.write { state in
            let timing = try Self.bindMuteTiming(fields, orgID: identity.orgID, provenance: provenance)
            guard
                let index = state.alerting.muteTimings.firstIndex(where: {
                    $0.orgID == identity.orgID && $0.name == name
                })
            else { throw Self.muteTimingNotFound }
            let stored = state.alerting.muteTimings[index]
            if stored.provenance != provenance && !stored.provenance.isEmpty {
                throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
            }
            state.alerting.muteTimings[index] = timing
            return Self.muteTimingJSON(timing)
        }
        return SandboxResponse.json(.accepted, json)
    }

    /// `RouteDeleteMuteTiming`: 204; one a policy uses is `ErrTimeIntervalInUse` (409).
    @Sendable func deleteMuteTiming(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let name = context.stringParameter("name")
        let errutil = environment.version.notificationErrorsAreErrutil
        try await environment.store.write { state in
            guard state.alerting.muteTimings.contains(where: { $0.orgID == identity.orgID && $0.name == name }) else {
                return
            }
            if Self.timeIntervals(in: state.alerting.policy(orgID: identity.orgID).tree).contains(name) {
                // Before the errutil errors: `DeleteMuteTiming`'s plain error through `ErrResp(500, …)`.
                guard errutil else {
                    throw GrafanaError.error(
                        .internalServerError,
                        "mute time '\(name)' is currently used by a notification policy",
                        cause: false
                    )
                }
                throw GrafanaError.errutil(
                    .conflict,
                    messageID: "alerting.notifications.time-intervals.used",
                    message: "Time interval is used by one or many notification policies"
                )
            }
            state.alerting.muteTimings.removeAll { $0.orgID == identity.orgID && $0.name == name }
        }
        return Response(status: .noContent)
    }
}

// MARK: Templates

extension AlertingController {
    @Sendable func listTemplates(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let templates = await environment.store.read { state in
            state.alerting.templates.filter { $0.orgID == identity.orgID }.sorted { $0.name < $1.name }
        }
        return SandboxResponse.json(.ok, .list(templates.map(Self.templateJSON)))
    }

    static func templateJSON(_ template: StoredTemplate) -> Value {
        [
            "name": .string(template.name), "template": .string(template.template),
            "provenance": .string(template.provenance),
            "version": .string(fingerprint(template.name + template.template)),
        ]
    }

    /// `ErrTemplateNotFound = errutil.NotFound("alerting.notifications.templates.notFound")`:
    /// no public message, so errutil answers the status text.
    static let templateNotFound = GrafanaError.errutil(
        .notFound,
        messageID: "alerting.notifications.templates.notFound",
        message: "Not found"
    )

    @Sendable func getTemplate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: false)
        let name = context.stringParameter("name")
        let template = await environment.store.read { state in
            state.alerting.templates.first { $0.orgID == identity.orgID && $0.name == name }
        }
        guard let template else { throw Self.templateNotFound }
        return SandboxResponse.json(.ok, Self.templateJSON(template))
    }

    /// `RoutePutTemplate` → `UpsertTemplate`: creates or replaces; 202 with the stored template.
    /// A template that is empty or does not parse (`NotificationTemplate.Validate`) is
    /// `MakeErrTemplateInvalid` (400, the public message only: the parse error goes to the
    /// log); before the errutil errors, `SetTemplate` wrapped it in `ErrValidation` (400
    /// `invalid object specification: template must have content`, or Go's parse error).
    @Sendable func putTemplate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let name = context.stringParameter("name")
        let object = try await body(request, context: context)
        let provenance = Self.provenance(of: request)
        let text: String
        switch object["template"] {
        case nil, .null?: text = ""
        case .string(let sent)?: text = sent
        default: throw Self.badRequestData
        }
        let problem: String? =
            text.isEmpty ? "template must have content" : GoTemplateSyntax.validationError(template: text, name: name)
        if let problem {
            throw environment.version.notificationErrorsAreErrutil
                ? GrafanaError.errutil(
                    .badRequest,
                    messageID: "alerting.notifications.templates.invalidFormat",
                    message: "Template is in invalid format. Correct the payload and try again."
                )
                : Self.invalidObject(problem)
        }
        let json = try await environment.store.write { state in
            let template = StoredTemplate(orgID: identity.orgID, name: name, template: text, provenance: provenance)
            if let index = state.alerting.templates.firstIndex(where: { $0.orgID == identity.orgID && $0.name == name })
            {
                let stored = state.alerting.templates[index]
                if stored.provenance != provenance && !stored.provenance.isEmpty {
                    throw Self.provenanceMismatch(from: stored.provenance, to: provenance)
                }
                state.alerting.templates[index] = template
            } else {
                state.alerting.templates.append(template)
            }
            return Self.templateJSON(template)
        }
        return SandboxResponse.json(.accepted, json)
    }

    @Sendable func deleteTemplate(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try authorize(context, write: true)
        let name = context.stringParameter("name")
        try await environment.store.write { state in
            state.alerting.templates.removeAll { $0.orgID == identity.orgID && $0.name == name }
        }
        return Response(status: .noContent)
    }

    /// A short stable hash for `version` fields (Grafana's are FNV fingerprints of the content).
    static func fingerprint(_ text: String) -> String {
        let hash = text.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        return String(hash, radix: 16)
    }
}

// MARK: State helpers

extension SandboxState {
    /// The alerting tables, empty until the first alerting write.
    var alerting: AlertingState {
        get { alertingStore ?? AlertingState() }
        set { alertingStore = newValue }
    }

    /// Folder deletion and alert rules (`pkg/services/folder/folderimpl/folder.go` `Delete`):
    /// a folder tree holding rules is deleted only with `forceDeleteRules=true`, which deletes
    /// the rules too; otherwise 400 `{"message":"folder cannot be deleted: folder contains alert
    /// rules"}`, the exact body Grafana's alerting integration tests (`pkg/tests/api/alerting`)
    /// expect.
    mutating func deleteAlertRules(inFolders folderUIDs: Set<String>, orgID: Int64, force: Bool) throws {
        guard alerting.hasRules(orgID: orgID, folderUIDs: folderUIDs) else { return }
        guard force else {
            throw GrafanaError.error(.badRequest, "folder cannot be deleted: folder contains alert rules", cause: false)
        }
        alerting.removeRules(orgID: orgID, folderUIDs: folderUIDs)
    }
}

extension AlertingState {
    func group(orgID: Int64, folderUID: String, title: String) -> StoredRuleGroup? {
        groups.first { $0.orgID == orgID && $0.folderUID == folderUID && $0.title == title }
    }

    func rules(of group: StoredRuleGroup) -> [StoredAlertRule] {
        rules.filter { $0.orgID == group.orgID && $0.folderUID == group.folderUID && $0.ruleGroup == group.title }
    }

    /// A rule joins its group, which is made with the default 60 s interval when new.
    mutating func ensureGroup(orgID: Int64, folderUID: String, title: String) {
        if group(orgID: orgID, folderUID: folderUID, title: title) == nil {
            groups.append(StoredRuleGroup(orgID: orgID, folderUID: folderUID, title: title, intervalSeconds: 60))
        }
    }

    mutating func setInterval(_ seconds: Int64, orgID: Int64, folderUID: String, title: String) {
        if let index = groups.firstIndex(where: { $0.orgID == orgID && $0.folderUID == folderUID && $0.title == title })
        {
            groups[index].intervalSeconds = seconds
        }
    }

    /// A group exists while it has rules (`alert_rule` rows carry the group).
    mutating func dropEmptyGroups() {
        let used = Set(rules.map { "\($0.orgID)/\($0.folderUID)/\($0.ruleGroup)" })
        groups.removeAll { !used.contains("\($0.orgID)/\($0.folderUID)/\($0.title)") }
    }
}

/// Prometheus durations (`github.com/prometheus/common/model.Duration`), which rule `for`
/// fields use: `1h30m`, `5m`, `0s`; units y, w, d, h, m, s, ms.
enum PromDuration {
    static let units: [(String, Int64)] = [
        ("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1),
    ]

    /// Whole seconds, or nil when the text is not a duration (milliseconds are dropped).
    static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        var rest = Substring(text)
        var total: Int64 = 0
        var matched = false
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            if rest.hasPrefix("ms") {
                rest = rest.dropFirst(2)
                total += number / 1000
            } else if let unit = units.first(where: { rest.hasPrefix($0.0) }) {
                rest = rest.dropFirst(unit.0.count)
                total += number * unit.1
            } else {
                return nil
            }
            matched = true
        }
        return matched ? total : nil
    }

    /// `model.Duration.String()`: the largest units first, `0s` for zero.
    static func string(_ seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in units where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// Go's `time.Duration.String()` for whole seconds: `1m0s`, `10s`, `0s`.
    static func goString(_ seconds: Int64) -> String {
        guard seconds != 0 else { return "0s" }
        let hours = seconds / 3600
        let minutes = (seconds % 3600) / 60
        let rest = seconds % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(rest)s" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }
}
