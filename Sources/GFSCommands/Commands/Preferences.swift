import Foundation
import GFSLanguage
import GrafanaAPI

// preferences show|set for the org, a team or the signed-in user.
extension GFSCommandCatalog {
    static let preferences: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["preferences", "show"],
                summary: "Show the preferences of the signed-in user, the org or a team.",
                options: ownerOptions,
                binds: "preferences",
                example: "preferences show --org"
            )
        ) { try await $0.showPreferences($1) },
        CommandDefinition(
            CommandSpec(
                path: ["preferences", "set"],
                summary: "Change the theme, home dashboard, timezone or week start.",
                options: ownerOptions + [
                    OptionSpec("theme", valueName: "THEME", summary: "light, dark or system."),
                    OptionSpec(
                        "home",
                        valueName: "DASHBOARD",
                        completion: .dashboardUID,
                        summary: "The home dashboard, by UID or title."
                    ),
                    OptionSpec("timezone", valueName: "ZONE", summary: "browser, utc or an IANA zone."),
                    OptionSpec("week-start", valueName: "DAY", summary: "monday, saturday or sunday."),
                ],
                binds: "preferences",
                example: "preferences set --org --theme dark --home production-overview",
                discussion: """
                    Only the preferences given change; the others are kept. When nothing would
                    change, nothing is sent and the result says unchanged.
                    """
            )
        ) { try await $0.setPreferences($1) },
    ]

    private static let ownerOptions = [
        OptionSpec("org", summary: "The current org's preferences."),
        OptionSpec("team", valueName: "TEAM", completion: .teamName, summary: "A team's preferences (name or id)."),
        OptionSpec("user", summary: "The signed-in user's preferences (the default)."),
    ]
}

extension GrafanaShellHost {
    /// `--org`, `--team T` or `--user` (the default); at most one.
    func preferencesOwner(_ call: CommandArguments) async throws -> PreferencesOwner {
        let org = try call.flag("org")
        let team = try call.option("team")
        let user = try call.flag("user")
        guard [org, team != nil, user].filter({ $0 }).count <= 1 else {
            throw CommandFailure(
                message: "Name one of --org, --team or --user",
                hint: "Preferences belong to the org, one team or the signed-in user."
            )
        }
        if org { return .org }
        guard let team else { return .user }
        return .team(try await self.team(team).id)
    }

    static func record(_ preferences: Preferences) -> Record {
        Record([
            ("theme", preferences.theme.value), ("homeDashboardUID", preferences.homeDashboardUID.value),
            ("timezone", preferences.timezone.value), ("weekStart", preferences.weekStart.value),
        ])
    }

    /// `preferences show [--org | --team T | --user]`.
    func showPreferences(_ call: CommandArguments) async throws -> Value {
        .record(Self.record(try await client.preferences(of: try await preferencesOwner(call))))
    }

    /// `preferences set [--org | --team T | --user] [--theme] [--home] [--timezone] [--week-start]`:
    /// reads the preferences, changes what is given, and writes them back only if that changed
    /// anything.
    func setPreferences(_ call: CommandArguments) async throws -> Value {
        let owner = try await preferencesOwner(call)
        let theme = try call.option("theme")
        let home = try call.option("home")
        let timezone = try call.option("timezone")
        let weekStart = try call.option("week-start")
        guard theme != nil || home != nil || timezone != nil || weekStart != nil else {
            throw CommandFailure(
                message: "Nothing to set",
                hint: "Give --theme, --home, --timezone or --week-start."
            )
        }
        let current = try await client.preferences(of: owner)
        var wanted = current
        if let theme { wanted.theme = theme }
        if let home { wanted.homeDashboardUID = try await dashboardUID(for: home) }
        if let timezone { wanted.timezone = timezone }
        if let weekStart { wanted.weekStart = weekStart }
        var result = Self.record(wanted)
        guard wanted != current else {
            result["status"] = "unchanged"
            return .record(result)
        }
        let outcome = try await client.replacePreferences(of: owner, with: wanted)
        result["status"] = .string(outcome.plannedOnly ? "planned" : "updated")
        return .record(result)
    }
}
