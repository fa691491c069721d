import Foundation
import GFSValue

// The sandbox's alerting storage: Grafana keeps rules in the `alert_rule` table (one row per
// rule, keyed by org and uid, grouped by folder and group) and the notification side (contact
// points, the policy tree, mute timings, templates) in one Alertmanager configuration per org;
// provenance lives beside them in `provenance_type`. Each stored value here carries its own
// provenance instead.

/// An alert rule (`pkg/services/ngalert/models/alert_rule.go` `AlertRule`).
struct StoredAlertRule: Codable, Sendable, Equatable {
    var id: Int64
    var uid: String
    var orgID: Int64
    var folderUID: String
    var ruleGroup: String
    var title: String
    var condition: String
    /// The `data` list of queries and expressions, as sent.
    var data: Value
    var noDataState: String
    var execErrState: String
    /// `for`, in seconds.
    var forSeconds: Int64
    var annotations: Value
    var labels: Value
    var isPaused: Bool
    var notificationSettings: Value
    /// `api`, or `""` (none) when written with `X-Disable-Provenance`.
    var provenance: String
    var updated: Date
}

/// A rule group's own settings (`alert_rule.interval_seconds`, shared by its rules).
struct StoredRuleGroup: Codable, Sendable, Equatable {
    var orgID: Int64
    var folderUID: String
    var title: String
    var intervalSeconds: Int64
}

/// One integration of a contact point (`definitions.EmbeddedContactPoint`).
struct StoredContactPoint: Codable, Sendable, Equatable {
    var orgID: Int64
    var uid: String
    var name: String
    var type: String
    var settings: Value
    var disableResolveMessage: Bool
    var provenance: String
}

/// An org's notification policy tree (`definitions.Route`), without its provenance.
struct StoredPolicyTree: Codable, Sendable, Equatable {
    var orgID: Int64
    var tree: Value
    var provenance: String
}

/// A mute timing (`definitions.MuteTimeInterval`).
struct StoredMuteTiming: Codable, Sendable, Equatable {
    var orgID: Int64
    var name: String
    var timeIntervals: Value
    var provenance: String
}

/// A notification template (`definitions.NotificationTemplate`).
struct StoredTemplate: Codable, Sendable, Equatable {
    var orgID: Int64
    var name: String
    var template: String
    var provenance: String
}

/// Every alerting resource of every org. Orgs whose notification settings were never written
/// have Grafana's default configuration (``AlertingState/defaultContactPoint(orgID:)``).
struct AlertingState: Codable, Sendable, Equatable {
    var nextRuleID: Int64 = 1
    var rules: [StoredAlertRule] = []
    var groups: [StoredRuleGroup] = []
    var contactPoints: [StoredContactPoint] = []
    var policies: [StoredPolicyTree] = []
    var muteTimings: [StoredMuteTiming] = []
    var templates: [StoredTemplate] = []
    /// Orgs whose default contact point and policy were copied into the tables above.
    var configuredOrgs: Set<Int64> = []
}

extension AlertingState {
    /// The receiver of a fresh org's Alertmanager configuration
    /// (`pkg/setting/setting_unified_alerting.go` `alertmanagerDefaultConfiguration`).
    static let defaultReceiver = "grafana-default-email"

    /// The default email contact point; its uid is derived from the org so that reads of a
    /// never-written org agree with each other without a write.
    static func defaultContactPoint(orgID: Int64) -> StoredContactPoint {
        let seed = "default-email-\(orgID)".unicodeScalars.reduce(UInt64(1469598103934665603)) {
            ($0 ^ UInt64($1.value)) &* 1099511628211
        }
        return StoredContactPoint(
            orgID: orgID,
            uid: "d" + String(String(seed, radix: 36).prefix(13)),
            name: defaultReceiver,
            type: "email",
            settings: ["addresses": "<example@email.com>"],
            disableResolveMessage: false,
            provenance: ""
        )
    }

    /// The default policy tree of the same configuration: the default receiver, grouped by
    /// folder and alert name.
    static func defaultPolicy(orgID: Int64) -> StoredPolicyTree {
        StoredPolicyTree(
            orgID: orgID,
            tree: ["receiver": .string(defaultReceiver), "group_by": ["grafana_folder", "alertname"]],
            provenance: ""
        )
    }

    func contactPoints(orgID: Int64) -> [StoredContactPoint] {
        configuredOrgs.contains(orgID)
            ? contactPoints.filter { $0.orgID == orgID } : [Self.defaultContactPoint(orgID: orgID)]
    }

    func policy(orgID: Int64) -> StoredPolicyTree {
        policies.first { $0.orgID == orgID } ?? Self.defaultPolicy(orgID: orgID)
    }

    /// Copies the default configuration into the tables before the first change of an org's
    /// notification settings.
    mutating func configure(orgID: Int64) {
        guard !configuredOrgs.contains(orgID) else { return }
        configuredOrgs.insert(orgID)
        contactPoints.append(Self.defaultContactPoint(orgID: orgID))
        policies.append(Self.defaultPolicy(orgID: orgID))
    }

    /// Removes the rules of the given folders and the groups they formed (folder deletion).
    mutating func removeRules(orgID: Int64, folderUIDs: Set<String>) {
        rules.removeAll { $0.orgID == orgID && folderUIDs.contains($0.folderUID) }
        groups.removeAll { $0.orgID == orgID && folderUIDs.contains($0.folderUID) }
    }

    func hasRules(orgID: Int64, folderUIDs: Set<String>) -> Bool {
        rules.contains { $0.orgID == orgID && folderUIDs.contains($0.folderUID) }
    }
}
