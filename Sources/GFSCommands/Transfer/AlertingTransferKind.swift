import Foundation
import GFSLanguage
import GrafanaAPI

/// Alerting under `alerting/`, one provisioning file per resource in the format `alert export`
/// writes and `alert push` reads (`AlertingFileExport`, as JSON): `templates/<name>.json`,
/// `contact-points/<name>.json`, `mute-timings/<name>.json`, `policies.json` and
/// `rules/<folder uid>/<group>.json`. The files leave `orgId` out, so one export fits any org.
///
/// Stages follow what each names: templates first, then contact points and mute timings,
/// then the policy tree and the rule groups.
public struct AlertingTransferKind: TransferKind {
    public let name = "alerting"
    public let dependencies = ["folders", "datasources"]
    public let treePaths = ["alerting"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        var resources: [TransferResource] = []
        for template in try await context.get(AlertingPaths.templates).listItems {
            guard let name = template["name"]?.stringValue else { continue }
            resources.append(Self.template(name: name, text: template["template"] ?? ""))
        }
        let points = try await context.get(AlertingPaths.contactPoints).listItems
        for point in AlertingModel.exportContactPoints(points, orgID: 0) {
            resources.append(Self.contactPoint(point))
        }
        for timing in try await context.get(AlertingPaths.muteTimings).listItems {
            guard let name = timing["name"]?.stringValue else { continue }
            resources.append(Self.muteTiming(name: name, intervals: timing["time_intervals"] ?? .list([])))
        }
        resources.append(Self.policies(try await context.get(AlertingPaths.policies)))
        var groups: Set<[String]> = []
        for rule in try await context.get(AlertingPaths.rules).listItems {
            if let folder = rule["folderUID"]?.stringValue, let group = rule["ruleGroup"]?.stringValue {
                groups.insert([folder, group])
            }
        }
        for key in groups.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard
                case .record(let group) = try await context.get(AlertingPaths.group(folderUID: key[0], name: key[1]))
            else { continue }
            let title = try await context.get(context.path("api", "folders", key[0]))["title"]?.stringValue ?? key[0]
            resources.append(Self.group(AlertingModel.exportGroup(group, orgID: 0, folderTitle: title)))
        }
        return resources.sorted { $0.path < $1.path }
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        try tree.jsonFiles(under: "alerting").flatMap { file -> [TransferResource] in
            let document = try tree.read(file)
            var found: [TransferResource] = []
            for template in document["templates"]?.listItems ?? [] {
                guard let name = template["name"]?.stringValue else { continue }
                found.append(Self.template(name: name, text: template["template"] ?? ""))
            }
            for point in document["contactPoints"]?.listItems ?? [] { found.append(Self.contactPoint(point)) }
            for timing in document["muteTimes"]?.listItems ?? [] {
                guard let name = timing["name"]?.stringValue else { continue }
                found.append(Self.muteTiming(name: name, intervals: timing["time_intervals"] ?? .list([])))
            }
            for policy in document["policies"]?.listItems ?? [] { found.append(Self.policies(policy)) }
            for group in document["groups"]?.listItems ?? [] {
                guard case .record(let record) = group, record["folderUid"]?.stringValue?.isEmpty == false,
                    record["name"]?.stringValue != nil
                else {
                    throw TransferTreeError(path: file, "\(file): a rule group needs a 'name' and a 'folderUid'")
                }
                found.append(Self.group(record))
            }
            return found.map { resource in
                var resource = resource
                resource.path = file
                return resource
            }
        }
    }

    /// The policy tree always exists: it is updated, never created or deleted.
    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        TransferChange.matching(desired: desired, current: current, prune: prune).compactMap { change in
            guard change.resource.identity == "policies" else { return change }
            switch change.action {
            case .create: return TransferChange(.update, desired: change.desired, current: nil)
            case .delete: return nil
            default: return change
            }
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        let resource = change.resource
        let state = resource.state
        let name = state["name"]?.stringValue ?? ""
        switch (state["kind"]?.stringValue ?? "", change.action) {
        case (_, .unchanged): return
        case ("template", .delete):
            try await context.write(.delete, AlertingPaths.templates + "/" + AlertingPaths.escape(name))
        case ("template", _):
            try await context.write(
                .put,
                AlertingPaths.templates + "/" + AlertingPaths.escape(name),
                body: ["template": state["template"] ?? ""]
            )
        case ("contact-point", _):
            // A contact point is a name over receivers, each a resource of the API with a
            // uid (`pkg/services/ngalert/api/api_provisioning.go`). A fresh org's default
            // contact point has a uid of its own, so receivers match by uid, else by type.
            let wanted = change.action == .delete ? [] : Self.receivers(change.desired)
            var present = Self.receivers(change.current)
            for receiver in wanted {
                let body = AlertingModel.comparableContactPoint(receiver.adding("name", .string(name)))
                let index =
                    present.firstIndex { $0["uid"] == receiver["uid"] }
                    ?? present.firstIndex { $0["type"] == receiver["type"] }
                guard let index else {
                    try await context.write(.post, AlertingPaths.contactPoints, body: body)
                    continue
                }
                let existing = present.remove(at: index)
                if Self.withoutUID(existing) != Self.withoutUID(receiver), let uid = existing["uid"]?.stringValue {
                    try await context.write(
                        .put,
                        AlertingPaths.contactPoints + "/" + AlertingPaths.escape(uid),
                        body: body.adding("uid", .string(uid))
                    )
                }
            }
            for receiver in present {
                if let uid = receiver["uid"]?.stringValue {
                    try await context.write(.delete, AlertingPaths.contactPoints + "/" + AlertingPaths.escape(uid))
                }
            }
        case ("mute-timing", .delete):
            try await context.write(.delete, AlertingPaths.muteTimings + "/" + AlertingPaths.escape(name))
        case ("mute-timing", let action):
            let body: Value = ["name": .string(name), "time_intervals": state["time_intervals"] ?? .list([])]
            if action == .create {
                try await context.write(.post, AlertingPaths.muteTimings, body: body)
            } else {
                try await context.write(.put, AlertingPaths.muteTimings + "/" + AlertingPaths.escape(name), body: body)
            }
        case ("policies", _):
            try await context.write(.put, AlertingPaths.policies, body: state["tree"] ?? [:])
        case ("group", let action):
            let folderUID = state["folderUid"]?.stringValue ?? ""
            let path = AlertingPaths.group(folderUID: folderUID, name: name)
            if action == .delete {
                try await context.write(.delete, path)
                return
            }
            let rules = (resource.document["groups"]?.listItems.first?["rules"]?.listItems ?? []).compactMap(
                \.recordValue
            )
            let body: Value = [
                "title": .string(name), "folderUid": .string(folderUID), "interval": state["interval"] ?? 60,
                "rules": .list(rules.map { .record(AlertingModel.apiRule($0, folderUID: folderUID, group: name)) }),
            ]
            try await context.write(.put, path, body: body)
        default:
            return
        }
    }

    // MARK: Resources

    static func template(name: String, text: Value) -> TransferResource {
        TransferResource(
            kind: "alerting",
            identity: "template/\(name)",
            path: "alerting/templates/\(TransferTree.segment(name)).json",
            document: ["apiVersion": 1, "templates": [["name": .string(name), "template": text]]],
            state: ["kind": "template", "name": .string(name), "template": text],
            stage: 0
        )
    }

    static func contactPoint(_ point: Value) -> TransferResource {
        let name = point["name"]?.stringValue ?? ""
        let receivers = (point["receivers"]?.listItems ?? []).map { receiver -> Value in
            guard case .record(var fields) = AlertingModel.comparableContactPoint(receiver) else { return receiver }
            fields["name"] = nil
            return .record(fields)
        }.sorted { ($0["uid"]?.stringValue ?? "") < ($1["uid"]?.stringValue ?? "") }
        // Without uids: a receiver made on another server (a fresh org's default contact
        // point) has its own, so files and states compare by content.
        let compared = receivers.map(withoutUID).sorted { $0.compactJSON < $1.compactJSON }
        return TransferResource(
            kind: "alerting",
            identity: "contact-point/\(name)",
            path: "alerting/contact-points/\(TransferTree.segment(name)).json",
            document: ["apiVersion": 1, "contactPoints": [["name": .string(name), "receivers": .list(compared)]]],
            state: ["kind": "contact-point", "name": .string(name), "receivers": .list(compared)],
            server: ["receivers": .list(receivers)],
            stage: 1
        )
    }

    /// The receivers of a contact point resource (with their uids when listed from a server).
    static func receivers(_ resource: TransferResource?) -> [Value] {
        resource?.server["receivers"]?.listItems ?? resource?.document["contactPoints"]?.listItems.first?[
            "receivers"
        ]?.listItems ?? []
    }

    static func withoutUID(_ receiver: Value) -> Value {
        guard case .record(var fields) = receiver else { return receiver }
        fields["uid"] = nil
        return .record(fields.sortedByKey())
    }

    static func muteTiming(name: String, intervals: Value) -> TransferResource {
        TransferResource(
            kind: "alerting",
            identity: "mute-timing/\(name)",
            path: "alerting/mute-timings/\(TransferTree.segment(name)).json",
            document: ["apiVersion": 1, "muteTimes": [["name": .string(name), "time_intervals": intervals]]],
            state: ["kind": "mute-timing", "name": .string(name), "time_intervals": intervals],
            stage: 1
        )
    }

    static func policies(_ tree: Value) -> TransferResource {
        var fields = tree.recordValue ?? Record()
        fields["provenance"] = nil
        fields["orgId"] = nil
        return TransferResource(
            kind: "alerting",
            identity: "policies",
            path: "alerting/policies.json",
            document: ["apiVersion": 1, "policies": [.record(fields)]],
            state: ["kind": "policies", "tree": .record(fields)],
            stage: 2
        )
    }

    static func group(_ exported: Record) -> TransferResource {
        var group = exported
        group["orgId"] = nil
        let folderUID = group["folderUid"]?.stringValue ?? ""
        let name = group["name"]?.stringValue ?? ""
        let interval = AlertingModel.seconds(group["interval"] ?? "1m") ?? 60
        let comparable = AlertingModel.comparableGroup(interval: interval, rules: group["rules"]?.listItems ?? [])
        return TransferResource(
            kind: "alerting",
            identity: "group/\(folderUID)/\(name)",
            path: "alerting/rules/\(TransferTree.segment(folderUID))/\(TransferTree.segment(name)).json",
            document: ["apiVersion": 1, "groups": [.record(group)]],
            state: [
                "kind": "group", "name": .string(name), "folderUid": .string(folderUID),
                "interval": comparable["interval"] ?? 60, "rules": comparable["rules"] ?? .list([]),
            ],
            stage: 2
        )
    }
}

extension Value {
    /// The record with one more field; other values unchanged.
    fileprivate func adding(_ key: String, _ value: Value) -> Value {
        guard case .record(var fields) = self else { return self }
        fields[key] = value
        return .record(fields)
    }
}
