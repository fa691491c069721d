public import GFSLanguage

/// The commands gfs offers: every ``CommandDefinition``, one file per resource under
/// `Commands/`.
///
/// The checker rejects anything not in ``table`` before a script runs, `help` prints it and
/// the shell completes from it; ``GrafanaShellHost`` runs a call through ``definition(_:)``.
public enum GFSCommandCatalog {
    /// Every command, in the order `help` lists them.
    public static let definitions: [CommandDefinition] =
        connection + organizations + orgTransfer + keys + dashboards + folders + stars + datasources + users + me
        + teams
        + libraryPanels + annotations + snapshots + playlists + alerting + api
        + serviceAccounts + permissions + preferences

    /// The specs of ``definitions``, for the checker, `help` and completion.
    public static let table = CommandTable(commands: definitions.map(\.spec), groupSummaries: groupSummaries)

    /// The definition of the command whose path is exactly `path`.
    public static func definition(_ path: [String]) -> CommandDefinition? {
        byName[path.joined(separator: " ")]
    }

    static let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    static let groupSummaries: [String: String] = [
        "org": "Organizations and their users",
        "org user": "Users of the current organization",
        "key": "API keys and service-account tokens",
        "dashboard": "Dashboards from and to JSON files",
        "folder": "Dashboard folders",
        "datasource": "Data sources",
        "star": "Your starred dashboards",
        "user": "Users across the server (server admins)",
        "me": "The signed-in user",
        "team": "Teams of the current organization",
        "team member": "Members of a team",
        "team admin": "Team admins (members who manage the team)",
        "library-panel": "Library panels shared between dashboards",
        "annotation": "Annotations on dashboards and the org",
        "snapshot": "Dashboard snapshots",
        "playlist": "Playlists of dashboards",
        "alert": "Alerting as code: rules, groups, export, push and diff",
        "alert rule": "Alert rules",
        "alert group": "Rule groups, as one unit",
        "contact-point": "Alerting contact points",
        "notification-policy": "The alerting notification policy tree",
        "mute-timing": "Alerting mute timings",
        "alert-template": "Alerting notification templates",
        "sa": "Service accounts and their tokens",
        "sa token": "Tokens of a service account",
        "permission": "Who may view, edit or administer a dashboard or folder",
        "preferences": "Theme, home dashboard, timezone and week start",
    ]
}
