import Foundation
import GFSLanguage
import GrafanaAPI

// alert rule|group|export|push|diff, contact-point, notification-policy, mute-timing and
// alert-template: alerting as code through Grafana's provisioning API (`/api/v1/provisioning`).
extension GFSCommandCatalog {
    static let alerting: [CommandDefinition] = alertRules + alertGroups + alertFiles + notifications

    static let editableOption = OptionSpec(
        "editable",
        summary: "Send X-Disable-Provenance, so the resources stay editable in Grafana's UI."
    )
    static let pathsArgument = ArgumentSpec(
        "path",
        completion: .path,
        isVariadic: true,
        summary: "Provisioning files (YAML or JSON) or directories of them."
    )

    static let alertRules: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "list"],
                summary: "List alert rules.",
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Only this folder (title or UID)."
                    ),
                    OptionSpec("group", valueName: "GROUP", summary: "Only this rule group."),
                ],
                example: "alert rule list --folder ops"
            ),
            display: ResultDisplay(columns: ["uid", "title", "folderUID", "ruleGroup", "isPaused"])
        ) { try await $0.listAlertRules($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "show"],
                summary: "Show an alert rule.",
                arguments: [ArgumentSpec("uid", summary: "The rule's UID.")],
                binds: "rule",
                example: "alert rule show high-cpu"
            )
        ) { try await $0.showAlertRule($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "pull"],
                summary: "Write alert rules to a provisioning file.",
                arguments: [ArgumentSpec("uid", isOptional: true, summary: "One rule's UID; all rules without it.")],
                options: [
                    OptionSpec("folder", valueName: "FOLDER", completion: .folder, summary: "Only this folder."),
                    OptionSpec("group", valueName: "GROUP", summary: "Only this rule group."),
                    OptionSpec(
                        "out",
                        valueName: "FILE",
                        completion: .path,
                        summary: "Write here (.yaml or .json; a directory gets rules.yaml)."
                    ),
                ],
                example: "alert rule pull --folder ops --group cpu --out rules/cpu.yaml"
            ),
            display: ResultDisplay(text: { value, _ in AlertingText.fileText(value) })
        ) { try await $0.pullAlertRules($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "push"],
                summary: "Create or update the rule groups of provisioning files.",
                arguments: [pathsArgument],
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Put every group in this folder."
                    ),
                    editableOption,
                ],
                example: "alert rule push rules/"
            ),
            display: ResultDisplay(columns: ["kind", "name", "status"])
        ) { try await $0.pushAlerting($1, kinds: [.group]) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "delete"],
                summary: "Delete an alert rule.",
                arguments: [ArgumentSpec("uid", summary: "The rule's UID.")],
                options: [editableOption],
                example: "alert rule delete high-cpu"
            )
        ) { try await $0.deleteAlertRule($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "pause"],
                summary: "Pause an alert rule's evaluation.",
                arguments: [ArgumentSpec("uid", summary: "The rule's UID.")],
                example: "alert rule pause high-cpu"
            )
        ) { try await $0.setAlertRulePaused($1, paused: true) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "rule", "resume"],
                summary: "Resume a paused alert rule.",
                arguments: [ArgumentSpec("uid", summary: "The rule's UID.")],
                example: "alert rule resume high-cpu"
            )
        ) { try await $0.setAlertRulePaused($1, paused: false) },
    ]

    static let alertGroups: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["alert", "group", "show"],
                summary: "Show a rule group with its rules.",
                arguments: [
                    ArgumentSpec("folder", completion: .folder, summary: "Title or UID."),
                    ArgumentSpec("group", summary: "The group's name."),
                ],
                binds: "group",
                example: "alert group show ops cpu"
            )
        ) { try await $0.showAlertGroup($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "group", "push"],
                summary: "Replace a rule group as one unit: its rules from a file, or a new interval.",
                arguments: [
                    ArgumentSpec("folder", completion: .folder, summary: "Title or UID."),
                    ArgumentSpec("group", summary: "The group's name."),
                ],
                options: [
                    OptionSpec("interval", valueName: "DURATION", summary: "Evaluate every DURATION (1m, 30s)."),
                    OptionSpec(
                        "file",
                        valueName: "FILE",
                        completion: .path,
                        summary: "Take the rules from this file's group of that name."
                    ),
                    editableOption,
                ],
                example: "alert group push ops cpu --interval 1m"
            )
        ) { try await $0.pushAlertGroup($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "group", "delete"],
                summary: "Delete a rule group and its rules.",
                arguments: [
                    ArgumentSpec("folder", completion: .folder, summary: "Title or UID."),
                    ArgumentSpec("group", summary: "The group's name."),
                ],
                options: [editableOption],
                example: "alert group delete ops cpu"
            )
        ) { try await $0.deleteAlertGroup($1) },
    ]

    static let alertFiles: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["alert", "export"],
                summary: "Write every alerting resource of the org as provisioning files.",
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Only this folder's rules."
                    ),
                    OptionSpec(
                        "out",
                        valueName: "DIR",
                        completion: .path,
                        summary: "A directory (one file per kind), or one .yaml or .json file."
                    ),
                    OptionSpec("format", valueName: "yaml|json", summary: "The files' format in a directory (yaml)."),
                ],
                example: "alert export --out alerting/"
            ),
            display: ResultDisplay(columns: ["file", "kind", "count", "changed"])
        ) { try await $0.exportAlerting($1) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "push"],
                summary: "Create or update every alerting resource of provisioning files.",
                arguments: [pathsArgument],
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Put every group in this folder."
                    ),
                    editableOption,
                    OptionSpec(
                        "prune",
                        summary:
                            "Also delete what the server has and the files do not (what 'alert diff' lists as delete)."
                    ),
                ],
                example: "alert push alerting/ --prune"
            ),
            display: ResultDisplay(columns: ["kind", "name", "status"])
        ) { try await $0.pushAlerting($1, kinds: AlertingKind.allCases) },
        CommandDefinition(
            CommandSpec(
                path: ["alert", "diff"],
                summary: "Show what pushing provisioning files would change, per resource.",
                arguments: [pathsArgument],
                options: [
                    OptionSpec(
                        "folder",
                        valueName: "FOLDER",
                        completion: .folder,
                        summary: "Put every group in this folder."
                    )
                ],
                example: "alert diff alerting/"
            ),
            display: ResultDisplay(text: { value, _ in AlertingText.diffText(value) })
        ) { try await $0.diffAlerting($1) },
    ]

    static let notifications: [CommandDefinition] =
        [
            CommandDefinition(
                CommandSpec(
                    path: ["contact-point", "list"],
                    summary: "List contact points.",
                    example: "contact-point list"
                ),
                display: ResultDisplay(columns: ["uid", "name", "type", "provenance"])
            ) { host, _ in try await host.alertingList(.contactPoint) },
            CommandDefinition(
                CommandSpec(
                    path: ["contact-point", "show"],
                    summary: "Show a contact point.",
                    arguments: [ArgumentSpec("contact-point", summary: "UID or name.")],
                    binds: "contactPoint",
                    example: "contact-point show ops-email"
                )
            ) { try await $0.showContactPoint($1) },
            CommandDefinition(
                CommandSpec(
                    path: ["contact-point", "push"],
                    summary: "Create or update the contact points of provisioning files.",
                    arguments: [pathsArgument],
                    options: [editableOption],
                    example: "contact-point push alerting/contact-points.yaml"
                ),
                display: ResultDisplay(columns: ["kind", "name", "status"])
            ) { try await $0.pushAlerting($1, kinds: [.contactPoint]) },
            CommandDefinition(
                CommandSpec(
                    path: ["contact-point", "delete"],
                    summary: "Delete a contact point.",
                    arguments: [
                        ArgumentSpec("contact-point", summary: "UID or name (every integration of that name).")
                    ],
                    example: "contact-point delete ops-email"
                )
            ) { try await $0.deleteContactPoint($1) },
            CommandDefinition(
                CommandSpec(
                    path: ["notification-policy", "show"],
                    summary: "Show the notification policy tree.",
                    binds: "policy",
                    example: "notification-policy show"
                )
            ) { host, _ in try await host.alertingRead(AlertingPaths.policies) },
            CommandDefinition(
                CommandSpec(
                    path: ["notification-policy", "push"],
                    summary: "Replace the notification policy tree, showing the diff first.",
                    arguments: [pathsArgument],
                    options: [editableOption],
                    example: "notification-policy push alerting/policies.yaml"
                ),
                display: ResultDisplay(columns: ["kind", "name", "status"])
            ) { try await $0.pushAlerting($1, kinds: [.policy]) },
            CommandDefinition(
                CommandSpec(
                    path: ["notification-policy", "reset"],
                    summary: "Reset the notification policy tree to Grafana's default.",
                    example: "notification-policy reset"
                )
            ) { host, _ in try await host.resetPolicy() },
        ]
        + namedResourceCommands(
            group: "mute-timing",
            kind: .muteTiming,
            base: AlertingPaths.muteTimings,
            plural: "mute timings",
            singular: "a mute timing",
            nameSummary: "The mute timing's name.",
            deletedKind: "mute timing",
            binds: "muteTiming",
            exampleName: "weekends",
            exampleFile: "alerting/mute-timings.yaml"
        )
        + namedResourceCommands(
            group: "alert-template",
            kind: .template,
            base: AlertingPaths.templates,
            plural: "notification templates",
            singular: "a notification template",
            nameSummary: "The template's name.",
            deletedKind: "template",
            binds: "template",
            exampleName: "ops.message",
            exampleFile: "alerting/templates.yaml"
        )

    /// `list`, `show`, `push` and `delete` of an alerting resource the provisioning API keeps
    /// by name under `base` (mute timings, notification templates).
    static func namedResourceCommands(
        group: String,
        kind: AlertingKind,
        base: String,
        plural: String,
        singular: String,
        nameSummary: String,
        deletedKind: String,
        binds: String,
        exampleName: String,
        exampleFile: String
    ) -> [CommandDefinition] {
        [
            CommandDefinition(
                CommandSpec(path: [group, "list"], summary: "List \(plural).", example: "\(group) list"),
                display: ResultDisplay(columns: ["name", "provenance"])
            ) { host, _ in try await host.alertingList(kind) },
            CommandDefinition(
                CommandSpec(
                    path: [group, "show"],
                    summary: "Show \(singular).",
                    arguments: [ArgumentSpec("name", summary: nameSummary)],
                    binds: binds,
                    example: "\(group) show \(exampleName)"
                )
            ) { host, call in
                try await host.alertingRead(base + "/" + AlertingPaths.escape(try call.required("name")))
            },
            CommandDefinition(
                CommandSpec(
                    path: [group, "push"],
                    summary: "Create or update the \(plural) of provisioning files.",
                    arguments: [pathsArgument],
                    options: [editableOption],
                    example: "\(group) push \(exampleFile)"
                ),
                display: ResultDisplay(columns: ["kind", "name", "status"])
            ) { try await $0.pushAlerting($1, kinds: [kind]) },
            CommandDefinition(
                CommandSpec(
                    path: [group, "delete"],
                    summary: "Delete \(singular).",
                    arguments: [ArgumentSpec("name", summary: nameSummary)],
                    options: [editableOption],
                    example: "\(group) delete \(exampleName)"
                )
            ) { try await $0.deleteNamed($1, base: base, kind: deletedKind) },
        ]
    }
}

/// The provisioning API's paths.
enum AlertingPaths {
    static let base = "/api/v1/provisioning"
    static let rules = base + "/alert-rules"
    static let contactPoints = base + "/contact-points"
    static let policies = base + "/policies"
    static let muteTimings = base + "/mute-timings"
    static let templates = base + "/templates"

    static func group(folderUID: String, name: String) -> String {
        base + "/folder/" + escape(folderUID) + "/rule-groups/" + escape(name)
    }

    /// One path segment, percent-escaped (names may hold spaces and slashes).
    static func escape(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }
}

/// The kinds of alerting resources, in the order a push applies them (what later kinds name
/// must exist first: policies name contact points and mute timings).
enum AlertingKind: String, CaseIterable, Sendable {
    case template = "template"
    case contactPoint = "contact-point"
    case muteTiming = "mute-timing"
    case policy = "notification-policy"
    case group = "rule-group"

    /// The key of the provisioning file format.
    var fileKey: String {
        switch self {
        case .template: "templates"
        case .contactPoint: "contactPoints"
        case .muteTiming: "muteTimes"
        case .policy: "policies"
        case .group: "groups"
        }
    }

    /// The file an export writes this kind to.
    var fileName: String {
        switch self {
        case .template: "templates"
        case .contactPoint: "contact-points"
        case .muteTiming: "mute-timings"
        case .policy: "policies"
        case .group: "rules"
        }
    }
}

/// One resource read from a file, in the file format.
struct AlertingItem: Sendable {
    var kind: AlertingKind
    var name: String
    var body: Record
    var source: String
}

/// What pushing one resource would do.
struct AlertingChange: Sendable {
    enum Action: String, Sendable {
        /// `delete`: on the server and in none of the files (`alert push --prune` deletes it).
        case create, update, unchanged, delete
    }

    var kind: AlertingKind
    var name: String
    var action: Action
    var method: TransportRequest.Method
    var path: String
    var body: Value
    var diff: [String]
}

// MARK: Reads

extension GrafanaShellHost {
    /// A GET of the provisioning API as a value; nil for 404 when `allowMissing`.
    func alertingGet(_ path: String, allowMissing: Bool = false) async throws -> Value? {
        do {
            let response = try await client.send(RawRequest(method: .get, path: path)).get()
            return Self.value(of: response.body)
        } catch let error as GrafanaError where allowMissing && error.status == 404 {
            return nil
        }
    }

    func alertingRead(_ path: String) async throws -> Value {
        try await alertingGet(path) ?? .null
    }

    /// A write of the provisioning API; `editable` sends `X-Disable-Provenance`.
    func alertingWrite(
        _ method: TransportRequest.Method,
        _ path: String,
        body: Value?,
        editable: Bool
    ) async throws -> WriteOutcome<TransportResponse> {
        try await client.send(
            RawRequest(
                method: method,
                path: path,
                headers: editable ? [HTTPHeaderField("X-Disable-Provenance", "true")] : [],
                body: body.map { Data($0.compactJSON.utf8) }
            )
        )
    }

    func alertingList(_ kind: AlertingKind) async throws -> Value {
        switch kind {
        case .contactPoint: try await alertingRead(AlertingPaths.contactPoints)
        case .muteTiming: try await alertingRead(AlertingPaths.muteTimings)
        case .template: try await alertingRead(AlertingPaths.templates)
        case .policy: try await alertingRead(AlertingPaths.policies)
        case .group: try await alertingRead(AlertingPaths.rules)
        }
    }

    /// `alert rule list [--folder F] [--group G]`.
    func listAlertRules(_ call: CommandArguments) async throws -> Value {
        let folder = try await call.option("folder").asyncMap { try await folderUID(for: $0) }
        let group = try call.option("group")
        guard case .list(let rules) = try await alertingRead(AlertingPaths.rules) else { return .list([]) }
        return .list(
            rules.filter { rule in
                (folder == nil || rule["folderUID"] == .string(folder!))
                    && (group == nil || rule["ruleGroup"] == .string(group!))
            }
        )
    }

    func showAlertRule(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        guard
            let rule = try await alertingGet(AlertingPaths.rules + "/" + AlertingPaths.escape(uid), allowMissing: true)
        else { throw Self.noAlertRule(uid) }
        return rule
    }

    static func noAlertRule(_ uid: String) -> CommandFailure {
        CommandFailure(
            code: .grafanaNotFound,
            message: "No alert rule '\(uid)'",
            hint: "'alert rule list' shows the rules and their UIDs."
        )
    }

    func showAlertGroup(_ call: CommandArguments) async throws -> Value {
        let folder = try await folderUID(for: try call.required("folder"))
        let name = try call.required("group")
        return try await alertingRead(AlertingPaths.group(folderUID: folder, name: name))
    }

    func showContactPoint(_ call: CommandArguments) async throws -> Value {
        let reference = try call.required("contact-point")
        guard case .list(let points) = try await alertingRead(AlertingPaths.contactPoints) else { return .null }
        let matches = points.filter { $0["uid"] == .string(reference) || $0["name"] == .string(reference) }
        guard let first = matches.first else {
            throw CommandFailure(
                code: .grafanaNotFound,
                message: "No contact point '\(reference)'",
                hint: "'contact-point list' shows the contact points."
            )
        }
        return matches.count == 1 ? first : .list(matches)
    }
}

// MARK: Deletes and small writes

extension GrafanaShellHost {
    func deleteAlertRule(_ call: CommandArguments) async throws -> Value {
        let uid = try call.required("uid")
        let outcome = try await alertingWrite(
            .delete,
            AlertingPaths.rules + "/" + AlertingPaths.escape(uid),
            body: nil,
            editable: try call.flag("editable")
        )
        return result(of: outcome, planned: ["uid": .string(uid)]) { _ in ["uid": .string(uid), "deleted": true] }
    }

    /// `alert rule pause|resume UID`: the rule is read and written back with `isPaused`, under
    /// the provenance it has (so an editable rule stays editable).
    func setAlertRulePaused(_ call: CommandArguments, paused: Bool) async throws -> Value {
        let uid = try call.required("uid")
        let path = AlertingPaths.rules + "/" + AlertingPaths.escape(uid)
        guard case .record(var rule)? = try await alertingGet(path, allowMissing: true) else {
            throw Self.noAlertRule(uid)
        }
        if rule["isPaused"] == .bool(paused) {
            return ["uid": .string(uid), "isPaused": .bool(paused), "status": "unchanged"]
        }
        let editable = rule["provenance"] == .string("") || rule["provenance"] == nil
        rule["isPaused"] = .bool(paused)
        rule["provenance"] = nil
        let outcome = try await alertingWrite(.put, path, body: .record(rule), editable: editable)
        return result(of: outcome, planned: ["uid": .string(uid), "isPaused": .bool(paused)]) { _ in
            ["uid": .string(uid), "isPaused": .bool(paused), "status": "updated"]
        }
    }

    /// `alert group delete FOLDER GROUP`: its rules one by one, which every version with the
    /// provisioning API serves (the group route's DELETE is newer).
    func deleteAlertGroup(_ call: CommandArguments) async throws -> Value {
        let folder = try await folderUID(for: try call.required("folder"))
        let name = try call.required("group")
        let editable = try call.flag("editable")
        guard
            case .record(let group)? = try await alertingGet(
                AlertingPaths.group(folderUID: folder, name: name),
                allowMissing: true
            ), case .list(let rules)? = group["rules"]
        else {
            throw CommandFailure(
                code: .grafanaNotFound,
                message: "No rule group '\(name)' in folder '\(folder)'",
                hint: "'alert rule list --folder \(folder)' shows the groups there."
            )
        }
        var deleted: [Value] = []
        for rule in rules {
            guard case .string(let uid)? = rule["uid"] else { continue }
            _ = try await alertingWrite(
                .delete,
                AlertingPaths.rules + "/" + AlertingPaths.escape(uid),
                body: nil,
                editable: editable
            )
            deleted.append(.string(uid))
        }
        return ["folderUid": .string(folder), "group": .string(name), "deletedRules": .list(deleted)]
    }

    func deleteContactPoint(_ call: CommandArguments) async throws -> Value {
        let reference = try call.required("contact-point")
        guard case .list(let points) = try await alertingRead(AlertingPaths.contactPoints) else { return .null }
        let uids = points.filter { $0["uid"] == .string(reference) || $0["name"] == .string(reference) }
            .compactMap { $0["uid"]?.stringValue }
        guard !uids.isEmpty else {
            throw CommandFailure(
                code: .grafanaNotFound,
                message: "No contact point '\(reference)'",
                hint: "'contact-point list' shows the contact points."
            )
        }
        for uid in uids {
            _ = try await alertingWrite(
                .delete,
                AlertingPaths.contactPoints + "/" + AlertingPaths.escape(uid),
                body: nil,
                editable: false
            )
        }
        return ["name": .string(reference), "deleted": .list(uids.map(Value.string))]
    }

    func deleteNamed(_ call: CommandArguments, base: String, kind: String) async throws -> Value {
        let name = try call.required("name")
        let path = base + "/" + AlertingPaths.escape(name)
        guard try await alertingGet(path, allowMissing: true) != nil else {
            throw CommandFailure(code: .grafanaNotFound, message: "No \(kind) '\(name)'", hint: "Nothing was deleted.")
        }
        _ = try await alertingWrite(.delete, path, body: nil, editable: try call.flag("editable"))
        return ["name": .string(name), "deleted": true]
    }

    func resetPolicy() async throws -> Value {
        let outcome = try await alertingWrite(.delete, AlertingPaths.policies, body: nil, editable: false)
        return result(of: outcome, planned: ["reset": true]) { Self.value(of: $0.body) }
    }

    /// `alert group push FOLDER GROUP [--interval D] [--file F]`.
    func pushAlertGroup(_ call: CommandArguments) async throws -> Value {
        let folder = try await folderUID(for: try call.required("folder"))
        let name = try call.required("group")
        let path = AlertingPaths.group(folderUID: folder, name: name)
        let current = try await alertingGet(path, allowMissing: true)
        var interval = current?["interval"]?.integerValue.map(Int64.init) ?? 60
        if let text = try call.option("interval") {
            guard let seconds = AlertingModel.seconds(.string(text)) else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "Invalid interval '\(text)'",
                    hint: "Give a duration such as 1m or 30s."
                )
            }
            interval = seconds
        }
        var rules: [Value]
        if let file = try call.option("file") {
            let items = try AlertingModel.items(in: [file]).filter { $0.kind == .group && $0.name == name }
            guard let item = items.first, case .list(let fileRules)? = item.body["rules"] else {
                throw CommandFailure(message: "No group '\(name)' in '\(file)'", hint: "Nothing was sent.")
            }
            rules = fileRules.compactMap { rule in
                guard case .record(let record) = rule else { return nil }
                return .record(AlertingModel.apiRule(record, folderUID: folder, group: name))
            }
        } else if case .list(let existing)? = current?["rules"] {
            rules = existing.map { rule in
                guard case .record(var record) = rule else { return rule }
                record["provenance"] = nil
                return .record(record)
            }
        } else {
            throw CommandFailure(
                code: .grafanaNotFound,
                message: "No rule group '\(name)' in folder '\(folder)'",
                hint: "Give --file FILE with the group's rules to create it."
            )
        }
        let body: Value = [
            "title": .string(name), "folderUid": .string(folder), "interval": .int(Int(interval)),
            "rules": .list(rules),
        ]
        let outcome = try await alertingWrite(.put, path, body: body, editable: try call.flag("editable"))
        return result(of: outcome, planned: ["title": .string(name), "folderUid": .string(folder)]) {
            Self.value(of: $0.body)
        }
    }
}

// MARK: Export, pull, push, diff

extension GrafanaShellHost {
    /// The org's id, for the files' `orgId`.
    func currentOrgID() async throws -> Int {
        (try await alertingRead("/api/org"))["id"]?.integerValue ?? 1
    }

    /// Every resource of the org (or one folder's rules), in the file format, in stable order.
    func exportedFile(folder: String?, kinds: [AlertingKind], ruleFilter: (Value) -> Bool = { _ in true }) async throws
        -> [AlertingKind: [Value]]
    {
        let orgID = try await currentOrgID()
        var file: [AlertingKind: [Value]] = [:]
        for kind in kinds {
            switch kind {
            case .template:
                guard case .list(let templates) = try await alertingRead(AlertingPaths.templates) else { continue }
                let exported: [Value] = templates.map { (template: Value) -> Value in
                    ["orgId": .int(orgID), "name": template["name"] ?? "", "template": template["template"] ?? ""]
                }
                file[kind] = exported.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
            case .contactPoint:
                guard case .list(let points) = try await alertingRead(AlertingPaths.contactPoints) else { continue }
                file[kind] = AlertingModel.exportContactPoints(points, orgID: orgID)
            case .muteTiming:
                guard case .list(let timings) = try await alertingRead(AlertingPaths.muteTimings) else { continue }
                let exported: [Value] = timings.map { (timing: Value) -> Value in
                    [
                        "orgId": .int(orgID), "name": timing["name"] ?? "",
                        "time_intervals": timing["time_intervals"] ?? .list([]),
                    ]
                }
                file[kind] = exported.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
            case .policy:
                guard case .record(var tree) = try await alertingRead(AlertingPaths.policies) else { continue }
                tree["provenance"] = nil
                tree["orgId"] = .int(orgID)
                file[kind] = [.record(tree)]
            case .group:
                guard case .list(let rules) = try await alertingRead(AlertingPaths.rules) else { continue }
                var keys: [String] = []
                var seen = Set<String>()
                for rule in rules where ruleFilter(rule) {
                    guard let folderUID = rule["folderUID"]?.stringValue, let group = rule["ruleGroup"]?.stringValue
                    else { continue }
                    if let folder, folder != folderUID { continue }
                    let key = folderUID + "\u{0}" + group
                    if seen.insert(key).inserted { keys.append(key) }
                }
                var groups: [Value] = []
                var titles: [String: String] = [:]
                for key in keys.sorted() {
                    let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                    guard
                        case .record(let group)? = try await alertingGet(
                            AlertingPaths.group(folderUID: parts[0], name: parts[1]),
                            allowMissing: true
                        )
                    else { continue }
                    if titles[parts[0]] == nil {
                        titles[parts[0]] =
                            (try await alertingGet("/api/folders/" + AlertingPaths.escape(parts[0]), allowMissing: true))?[
                                "title"
                            ]?.stringValue ?? parts[0]
                    }
                    var exported = AlertingModel.exportGroup(group, orgID: orgID, folderTitle: titles[parts[0]]!)
                    if case .list(let allRules)? = exported["rules"] {
                        exported["rules"] = .list(
                            allRules.filter { rule in
                                rules.contains { $0["uid"] == rule["uid"] && ruleFilter($0) }
                            }
                        )
                    }
                    groups.append(.record(exported))
                }
                file[kind] = groups
            }
        }
        return file
    }

    /// `alert export [--folder F] --out DIR|FILE [--format yaml|json]`.
    func exportAlerting(_ call: CommandArguments) async throws -> Value {
        guard let out = try call.option("out") else {
            throw CommandFailure(
                code: .missingArgument,
                message: "Missing --out",
                hint: "Give --out DIR or --out FILE.yaml."
            )
        }
        let folder = try await call.option("folder").asyncMap { try await folderUID(for: $0) }
        let kinds: [AlertingKind] = folder == nil ? AlertingKind.allCases : [.group]
        let file = try await exportedFile(folder: folder, kinds: kinds)
        let format = try call.option("format") ?? "yaml"
        guard ["yaml", "json"].contains(format) else {
            throw CommandFailure(
                code: .invalidOptionValue,
                message: "Unknown format '\(format)'",
                hint: "Use yaml or json."
            )
        }
        var rows: [Value] = []
        let single = AlertingFiles.extensions.contains((out as NSString).pathExtension.lowercased())
        if single {
            var document: Record = ["apiVersion": 1]
            for kind in kinds { document[kind.fileKey] = .list(file[kind] ?? []) }
            let changed = try AlertingFiles.write(.record(document), to: out)
            for kind in kinds {
                rows.append([
                    "file": .string(out), "kind": .string(kind.rawValue), "count": .int(file[kind]?.count ?? 0),
                    "changed": .bool(changed),
                ])
            }
        } else {
            for kind in kinds {
                let path = (out as NSString).appendingPathComponent(kind.fileName + "." + format)
                var document: Record = ["apiVersion": 1]
                document[kind.fileKey] = .list(file[kind] ?? [])
                let changed = try AlertingFiles.write(.record(document), to: path)
                rows.append([
                    "file": .string(path), "kind": .string(kind.rawValue), "count": .int(file[kind]?.count ?? 0),
                    "changed": .bool(changed),
                ])
            }
        }
        return .list(rows)
    }

    /// `alert rule pull [UID | --folder F --group G] [--out FILE|DIR]`.
    func pullAlertRules(_ call: CommandArguments) async throws -> Value {
        let uid = try call.string("uid")
        let folder = try await call.option("folder").asyncMap { try await folderUID(for: $0) }
        let group = try call.option("group")
        if let uid,
            try await alertingGet(AlertingPaths.rules + "/" + AlertingPaths.escape(uid), allowMissing: true) == nil
        {
            throw Self.noAlertRule(uid)
        }
        let file = try await exportedFile(folder: folder, kinds: [.group]) { rule in
            (uid == nil || rule["uid"] == .string(uid!)) && (group == nil || rule["ruleGroup"] == .string(group!))
        }
        let document: Value = ["apiVersion": 1, "groups": .list(file[.group] ?? [])]
        guard var out = try call.option("out") else { return document }
        if !AlertingFiles.extensions.contains((out as NSString).pathExtension.lowercased()) {
            out = (out as NSString).appendingPathComponent("rules.yaml")
        }
        let changed = try AlertingFiles.write(document, to: out)
        return ["file": .string(out), "groups": .int(file[.group]?.count ?? 0), "changed": .bool(changed)]
    }

    /// What pushing the files would change, resource by resource, in push order.
    func alertingPlan(_ paths: [String], kinds: [AlertingKind], folder: String?, editable: Bool) async throws
        -> [AlertingChange]
    {
        // Every file is read and parsed before anything is sent.
        let items = try AlertingModel.items(in: paths).filter { kinds.contains($0.kind) }
        var changes: [AlertingChange] = []
        let orgID = try await currentOrgID()
        for kind in AlertingKind.allCases where kinds.contains(kind) {
            let mine = items.filter { $0.kind == kind }
            guard !mine.isEmpty else { continue }
            switch kind {
            case .template:
                let server = try await alertingRead(AlertingPaths.templates).listValue ?? []
                for item in mine {
                    let text = item.body["template"] ?? ""
                    let existing = server.first { $0["name"] == .string(item.name) }
                    let action: AlertingChange.Action =
                        existing == nil ? .create : (existing?["template"] == text ? .unchanged : .update)
                    changes.append(
                        AlertingChange(
                            kind: kind,
                            name: item.name,
                            action: action,
                            method: .put,
                            path: AlertingPaths.templates + "/" + AlertingPaths.escape(item.name),
                            body: ["template": text],
                            diff: AlertingModel.diff(existing?["template"], text)
                        )
                    )
                }
            case .contactPoint:
                let server = try await alertingRead(AlertingPaths.contactPoints).listValue ?? []
                for item in mine {
                    let wanted = AlertingModel.comparableContactPoint(.record(item.body))
                    let uid = item.body["uid"]?.stringValue ?? ""
                    let existing = server.first { point in
                        uid.isEmpty
                            ? point["name"] == item.body["name"] && point["type"] == item.body["type"]
                            : point["uid"] == .string(uid)
                    }
                    let have = existing.map { AlertingModel.comparableContactPoint($0, secretsFrom: wanted) }
                    let action: AlertingChange.Action = have == nil ? .create : (have == wanted ? .unchanged : .update)
                    let existingUID = existing?["uid"]?.stringValue ?? uid
                    changes.append(
                        AlertingChange(
                            kind: kind,
                            name: item.name + (uid.isEmpty ? "" : " (\(uid))"),
                            action: action,
                            method: action == .create ? .post : .put,
                            path: action == .create
                                ? AlertingPaths.contactPoints
                                : AlertingPaths.contactPoints + "/" + AlertingPaths.escape(existingUID),
                            body: wanted,
                            diff: AlertingModel.diff(have, wanted)
                        )
                    )
                }
            case .muteTiming:
                let server = try await alertingRead(AlertingPaths.muteTimings).listValue ?? []
                for item in mine {
                    let wanted: Value = [
                        "name": .string(item.name), "time_intervals": item.body["time_intervals"] ?? .list([]),
                    ]
                    let existing = server.first { $0["name"] == .string(item.name) }
                    let have: Value? = existing.map {
                        ["name": .string(item.name), "time_intervals": $0["time_intervals"] ?? .list([])]
                    }
                    let action: AlertingChange.Action = have == nil ? .create : (have == wanted ? .unchanged : .update)
                    changes.append(
                        AlertingChange(
                            kind: kind,
                            name: item.name,
                            action: action,
                            method: action == .create ? .post : .put,
                            path: action == .create
                                ? AlertingPaths.muteTimings
                                : AlertingPaths.muteTimings + "/" + AlertingPaths.escape(item.name),
                            body: wanted,
                            diff: AlertingModel.diff(have, wanted)
                        )
                    )
                }
            case .policy:
                guard let item = mine.last else { continue }
                var wanted = item.body
                wanted["orgId"] = nil
                var have = try await alertingRead(AlertingPaths.policies).recordValue ?? Record()
                have["provenance"] = nil
                let action: AlertingChange.Action = have == wanted ? .unchanged : .update
                changes.append(
                    AlertingChange(
                        kind: kind,
                        name: "policy tree",
                        action: action,
                        method: .put,
                        path: AlertingPaths.policies,
                        body: .record(wanted),
                        diff: AlertingModel.diff(.record(have), .record(wanted))
                    )
                )
            case .group:
                for item in mine {
                    let folderUID: String
                    if let folder {
                        folderUID = folder
                    } else if let uid = item.body["folderUid"]?.stringValue, !uid.isEmpty {
                        folderUID = uid
                    } else if let title = item.body["folder"]?.stringValue {
                        folderUID = try await self.folderUID(for: title)
                    } else {
                        throw CommandFailure(
                            message: "\(item.source): group '\(item.name)' names no folder",
                            hint: "Give the group a folderUid or folder, or push with --folder FOLDER."
                        )
                    }
                    let path = AlertingPaths.group(folderUID: folderUID, name: item.name)
                    let existing = try await alertingGet(path, allowMissing: true)
                    guard let interval = AlertingModel.seconds(item.body["interval"] ?? "1m") else {
                        throw CommandFailure(
                            message: "\(item.source): group '\(item.name)' has an invalid interval",
                            hint: "Write the interval as a duration such as 1m."
                        )
                    }
                    let rules = (item.body["rules"]?.listValue ?? []).compactMap { $0.recordValue }
                    let wanted = AlertingModel.comparableGroup(interval: interval, rules: rules.map(Value.record))
                    let have = existing.map {
                        AlertingModel.comparableGroup(
                            interval: Int64($0["interval"]?.integerValue ?? 0),
                            rules: $0["rules"]?.listValue ?? []
                        )
                    }
                    let action: AlertingChange.Action = have == nil ? .create : (have == wanted ? .unchanged : .update)
                    let body: Value = [
                        "title": .string(item.name), "folderUid": .string(folderUID), "interval": .int(Int(interval)),
                        "rules": .list(
                            rules.map { .record(AlertingModel.apiRule($0, folderUID: folderUID, group: item.name)) }
                        ),
                    ]
                    changes.append(
                        AlertingChange(
                            kind: kind,
                            name: folderUID + "/" + item.name,
                            action: action,
                            method: .put,
                            path: path,
                            body: body,
                            diff: AlertingModel.diff(have, wanted)
                        )
                    )
                }
            }
        }
        _ = orgID
        _ = editable
        return changes
    }

    /// What the server has and the files do not, for each kind the files hold: templates,
    /// contact points (by UID, or by name and type for an integration without one) and mute
    /// timings of the org, and the rule groups of the folders the files' groups are in.
    /// A kind counts when a file has its key, even with an empty list (`templates: []` means
    /// the org should have none).
    func alertingServerOnly(paths: [String], planned: [AlertingChange]) async throws -> [AlertingChange] {
        var changes: [AlertingChange] = []
        let items = try AlertingModel.items(in: paths)
        let kinds = try AlertingModel.kinds(in: paths)
        func missing(_ kind: AlertingKind, _ name: String, _ path: String, body: Value = .null, old: Value) {
            changes.append(
                AlertingChange(
                    kind: kind,
                    name: name,
                    action: .delete,
                    method: .delete,
                    path: path,
                    body: body,
                    diff: AlertingModel.diff(old, .null).filter { !$0.hasPrefix("+") }
                )
            )
        }
        if kinds.contains(.template) {
            let names = Set(items.filter { $0.kind == .template }.map(\.name))
            for template in try await alertingRead(AlertingPaths.templates).listValue ?? [] {
                guard let name = template["name"]?.stringValue, !names.contains(name) else { continue }
                missing(
                    .template,
                    name,
                    AlertingPaths.templates + "/" + AlertingPaths.escape(name),
                    old: template["template"] ?? ""
                )
            }
        }
        if kinds.contains(.contactPoint) {
            let mine = items.filter { $0.kind == .contactPoint }
            let uids = Set(mine.compactMap { $0.body["uid"]?.stringValue }.filter { !$0.isEmpty })
            let untyped = mine.filter { ($0.body["uid"]?.stringValue ?? "").isEmpty }
            for point in try await alertingRead(AlertingPaths.contactPoints).listValue ?? [] {
                guard let uid = point["uid"]?.stringValue, !uids.contains(uid) else { continue }
                if untyped.contains(where: { $0.body["name"] == point["name"] && $0.body["type"] == point["type"] }) {
                    continue
                }
                let name = (point["name"]?.stringValue ?? "") + " (\(uid))"
                missing(
                    .contactPoint,
                    name,
                    AlertingPaths.contactPoints + "/" + AlertingPaths.escape(uid),
                    old: AlertingModel.comparableContactPoint(point)
                )
            }
        }
        if kinds.contains(.muteTiming) {
            let names = Set(items.filter { $0.kind == .muteTiming }.map(\.name))
            for timing in try await alertingRead(AlertingPaths.muteTimings).listValue ?? [] {
                guard let name = timing["name"]?.stringValue, !names.contains(name) else { continue }
                missing(
                    .muteTiming,
                    name,
                    AlertingPaths.muteTimings + "/" + AlertingPaths.escape(name),
                    old: ["name": .string(name), "time_intervals": timing["time_intervals"] ?? .list([])]
                )
            }
        }
        if kinds.contains(.group) {
            let groups = Set(planned.filter { $0.kind == .group }.map(\.name))
            let folders = Set(groups.compactMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) })
            var serverGroups: [String: [Value]] = [:]
            for rule in try await alertingRead(AlertingPaths.rules).listValue ?? [] {
                guard let folder = rule["folderUID"]?.stringValue, folders.contains(folder),
                    let group = rule["ruleGroup"]?.stringValue, !groups.contains(folder + "/" + group)
                else { continue }
                serverGroups[folder + "/" + group, default: []].append(rule)
            }
            for key in serverGroups.keys.sorted() {
                let rules = serverGroups[key]!
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                missing(
                    .group,
                    key,
                    AlertingPaths.group(folderUID: parts[0], name: parts.count > 1 ? parts[1] : ""),
                    body: .list(rules.compactMap { $0["uid"] }),
                    old: .list(rules.map { $0["title"] ?? .null })
                )
            }
        }
        return changes
    }

    /// `alert push`, `alert rule push`, `contact-point push`, … : unchanged resources are
    /// reported and not sent; the policy tree's diff goes to standard error first.
    func pushAlerting(_ call: CommandArguments, kinds: [AlertingKind]) async throws -> Value {
        let paths = try call.strings("path")
        // Only the commands that push rule groups take --folder.
        let folderOption = call.spec.option(named: "folder") == nil ? nil : try call.option("folder")
        let folder = try await folderOption.asyncMap { try await folderUID(for: $0) }
        let editable = try call.flag("editable")
        let prune = call.spec.option(named: "prune") == nil ? false : try call.flag("prune")
        var changes = try await alertingPlan(paths, kinds: kinds, folder: folder, editable: editable)
        if prune {
            // After every create and update (the policy tree no longer names what goes), in the
            // reverse order: rules before the contact points and mute timings they use.
            changes += try await alertingServerOnly(paths: paths, planned: changes).reversed()
        }
        var rows: [Value] = []
        for change in changes {
            var status = change.action == .create ? "created" : "updated"
            if change.action == .unchanged {
                status = "unchanged"
            } else if change.action == .delete {
                status = "deleted"
                // A rule group goes rule by rule: every release serves the rule `DELETE`.
                let paths =
                    change.kind == .group
                    ? (change.body.listValue ?? []).compactMap { $0.stringValue }.map {
                        AlertingPaths.rules + "/" + AlertingPaths.escape($0)
                    }
                    : [change.path]
                for path in paths {
                    let outcome = try await alertingWrite(.delete, path, body: nil, editable: editable)
                    if outcome.plannedWrite != nil { status = "planned" }
                }
            } else {
                if change.kind == .policy { note(change.diff.joined(separator: "\n")) }
                let outcome = try await alertingWrite(change.method, change.path, body: change.body, editable: editable)
                if outcome.plannedWrite != nil { status = "planned" }
            }
            rows.append([
                "kind": .string(change.kind.rawValue), "name": .string(change.name), "status": .string(status),
            ])
        }
        return .list(rows)
    }

    /// `alert diff PATH...`: sends no write, whatever `--dry-run` says.
    func diffAlerting(_ call: CommandArguments) async throws -> Value {
        let folder = try await call.option("folder").asyncMap { try await folderUID(for: $0) }
        let paths = try call.strings("path")
        var changes = try await alertingPlan(paths, kinds: AlertingKind.allCases, folder: folder, editable: false)
        changes += try await alertingServerOnly(paths: paths, planned: changes)
        return .list(
            changes.map { change in
                [
                    "kind": .string(change.kind.rawValue), "name": .string(change.name),
                    "change": .string(change.action.rawValue), "diff": .list(change.diff.map(Value.string)),
                ]
            }
        )
    }
}

/// Conversions between the provisioning API's shapes and the file format, and the forms
/// compared to decide whether a push changes anything.
enum AlertingModel {
    /// The kinds whose key some file has.
    static func kinds(in paths: [String]) throws -> Set<AlertingKind> {
        var kinds = Set<AlertingKind>()
        for file in try AlertingFiles.expand(paths) {
            guard case .record(let document) = try AlertingFiles.read(file) else { continue }
            for kind in AlertingKind.allCases where document[kind.fileKey] != nil { kinds.insert(kind) }
        }
        return kinds
    }

    /// Every resource of the files, read and checked before anything is sent.
    static func items(in paths: [String]) throws -> [AlertingItem] {
        var items: [AlertingItem] = []
        for file in try AlertingFiles.expand(paths) {
            let text = try AlertingFiles.readText(file)
            guard case .record(let document) = try AlertingFiles.parse(text, path: file) else {
                throw CommandFailure(
                    message: "\(file): Expected a provisioning file (a mapping with groups, contactPoints, …)",
                    hint: "'alert export --out DIR' writes files in this format."
                )
            }
            for kind in AlertingKind.allCases {
                guard let entries = document[kind.fileKey] else { continue }
                guard case .list(let list) = entries else {
                    throw CommandFailure(message: "\(file): '\(kind.fileKey)' is not a list", hint: "Nothing was sent.")
                }
                for (index, entry) in list.enumerated() {
                    guard case .record(let body) = entry else {
                        throw CommandFailure(
                            message: "\(file): an entry of '\(kind.fileKey)' is not a mapping",
                            hint: "Nothing was sent."
                        )
                    }
                    if kind == .contactPoint {
                        // A contact point of the file holds its integrations (`receivers`); the
                        // API takes one integration at a time, named after the contact point.
                        let name = body["name"]?.stringValue ?? ""
                        for (number, receiver) in (body["receivers"]?.listValue ?? []).enumerated() {
                            guard case .record(var integration) = receiver else { continue }
                            try AlertingChecks.checkIntegration(
                                integration,
                                name: name,
                                file: file,
                                at: AlertingChecks.position(
                                    in: text,
                                    of: [.key(kind.fileKey), .index(index), .key("receivers"), .index(number)]
                                )
                            )
                            integration["name"] = .string(name)
                            items.append(AlertingItem(kind: kind, name: name, body: integration, source: file))
                        }
                        continue
                    }
                    let name = kind == .policy ? "policy tree" : (body["name"]?.stringValue ?? "")
                    if kind != .policy && name.isEmpty {
                        throw CommandFailure(
                            message: "\(file): an entry of '\(kind.fileKey)' has no name",
                            hint: "Nothing was sent."
                        )
                    }
                    if kind == .template, case .string(let template)? = body["template"] {
                        try AlertingChecks.checkTemplate(
                            template,
                            name: name,
                            file: file,
                            at: AlertingChecks.position(
                                in: text,
                                of: [.key(kind.fileKey), .index(index), .key("template")]
                            )
                        )
                    }
                    items.append(AlertingItem(kind: kind, name: name, body: body, source: file))
                }
            }
        }
        return items
    }

    static func exportContactPoints(_ points: [Value], orgID: Int) -> [Value] {
        var byName: [String: [Value]] = [:]
        for point in points {
            let name = point["name"]?.stringValue ?? ""
            byName[name, default: []].append(
                [
                    "uid": point["uid"] ?? "", "type": point["type"] ?? "", "settings": point["settings"] ?? [:],
                    "disableResolveMessage": point["disableResolveMessage"] ?? false,
                ]
            )
        }
        return byName.keys.sorted().map { name in
            [
                "orgId": .int(orgID), "name": .string(name),
                "receivers": .list(
                    byName[name]!.sorted { ($0["uid"]?.stringValue ?? "") < ($1["uid"]?.stringValue ?? "") }
                ),
            ]
        }
    }

    /// A contact point of the server as compared with a file's: Grafana answers each secret
    /// setting as `[REDACTED]`, which cannot be compared, so the file's value stands in for it
    /// (a changed secret alone is therefore not seen as a change; a file holding `[REDACTED]`,
    /// as exports do, keeps the stored secret when sent).
    static func comparableContactPoint(_ point: Value, secretsFrom file: Value) -> Value {
        guard case .record(var record) = comparableContactPoint(point),
            case .record(var settings)? = record["settings"], case .record(let wanted)? = file["settings"]
        else { return comparableContactPoint(point) }
        for entry in settings where entry.value == .string("[REDACTED]") {
            if let value = wanted[entry.key] { settings[entry.key] = value }
        }
        record["settings"] = .record(settings)
        return .record(record)
    }

    static func comparableContactPoint(_ point: Value) -> Value {
        var record: Record = [
            "name": point["name"] ?? "", "type": point["type"] ?? "", "settings": point["settings"] ?? [:],
            "disableResolveMessage": point["disableResolveMessage"] ?? false,
        ]
        if let uid = point["uid"]?.stringValue, !uid.isEmpty { record["uid"] = .string(uid) }
        return .record(record)
    }

    /// The rule fields of the file format (`AlertRuleExport`), from an API rule.
    static let ruleFields = [
        "uid", "title", "condition", "data", "noDataState", "execErrState", "for", "annotations", "labels", "isPaused",
        "notification_settings",
    ]

    static func exportRule(_ rule: Record) -> Record {
        var result = Record()
        for field in ruleFields {
            guard let value = rule[field], value != .null else { continue }
            if case .record(let inner) = value, inner.isEmpty, field != "data" { continue }
            if field == "isPaused" && value == .bool(false) { continue }
            result[field] = value
        }
        return result
    }

    static func exportGroup(_ group: Record, orgID: Int, folderTitle: String) -> Record {
        let interval = Int64(group["interval"]?.integerValue ?? 60)
        return [
            "orgId": .int(orgID), "name": group["title"] ?? "", "folder": .string(folderTitle),
            "folderUid": group["folderUid"] ?? "", "interval": .string(durationText(interval)),
            "rules": .list(
                (group["rules"]?.listValue ?? []).compactMap { $0.recordValue.map { .record(exportRule($0)) } }
            ),
        ]
    }

    /// A file rule as the API takes it.
    static func apiRule(_ rule: Record, folderUID: String, group: String) -> Record {
        var result = exportRule(rule)
        result["folderUID"] = .string(folderUID)
        result["ruleGroup"] = .string(group)
        if result["for"] == nil { result["for"] = "0s" }
        return result
    }

    /// A group as compared: the interval in seconds and each rule in the file form, `for` in
    /// seconds.
    static func comparableGroup(interval: Int64, rules: [Value]) -> Value {
        [
            "interval": .int(Int(interval)),
            "rules": .list(
                rules.compactMap { $0.recordValue }.map { rule in
                    var record = exportRule(rule)
                    record["for"] = .int(Int(seconds(record["for"] ?? "0s") ?? 0))
                    return .record(record)
                }
            ),
        ]
    }

    /// A duration (`1m`, `1h30m`, `90s`) or a number of seconds, in seconds.
    static func seconds(_ value: Value) -> Int64? {
        if let number = value.integerValue { return Int64(number) }
        guard case .string(let text) = value else { return nil }
        if text == "0" { return 0 }
        let units: [(String, Int64)] = [
            ("ms", 0), ("y", 31_536_000), ("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1),
        ]
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += unit.0 == "ms" ? number / 1000 : number * unit.1
        }
        return total
    }

    /// Seconds as Prometheus writes a duration: `1m`, `1h30m`, `0s`.
    static func durationText(_ seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    /// A readable line diff of two values as pretty JSON with sorted keys (`- ` server,
    /// `+ ` file); empty when they are equal.
    static func diff(_ old: Value?, _ new: Value) -> [String] {
        guard old != new else { return [] }
        let options = JSONWritingOptions(pretty: true, sortsKeys: true)
        let before = old.map { $0.jsonString(options: options).components(separatedBy: "\n") } ?? []
        let after = new.jsonString(options: options).components(separatedBy: "\n")
        return LineDiff.lines(from: before, to: after, context: 2)
    }
}

/// Text renderings of alerting results.
enum AlertingText {
    static func fileText(_ value: Value) -> String? {
        guard value["apiVersion"] != nil else { return nil }
        return try? AlertingFiles.text(of: value, path: "out.yaml")
    }

    static func diffText(_ value: Value) -> String? {
        guard case .list(let changes) = value else { return nil }
        var lines: [String] = []
        for change in changes {
            let kind = change["kind"]?.stringValue ?? ""
            let name = change["name"]?.stringValue ?? ""
            let action = change["change"]?.stringValue ?? ""
            lines.append("\(action): \(kind) \(name)")
            for line in change["diff"]?.listValue ?? [] { lines.append("    " + (line.stringValue ?? "")) }
        }
        if lines.isEmpty { return "no alerting resources in the files" }
        return lines.joined(separator: "\n")
    }
}

extension Value {
    fileprivate var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    fileprivate var integerValue: Int? {
        if case .int(let number) = self { return number }
        return nil
    }
}
