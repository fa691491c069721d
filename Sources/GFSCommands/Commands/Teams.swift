import Foundation
import GFSLanguage
import GrafanaAPI

// team create|list|show|delete|rename, team member add|remove|list, team admin add|remove:
// teams of the org requests act in, through /api/teams.
extension CompletionKind {
    /// Team names of the org requests act in (`GET /api/teams/search`, every page).
    static let teamName = CompletionKind(rawValue: "team")
}

extension GFSCommandCatalog {
    static let teamReference = ArgumentSpec("team", completion: .teamName, summary: "Team name or id.")
    static let memberLogins = ArgumentSpec(
        "logins",
        completion: .userLogin,
        isVariadic: true,
        summary: "Logins or emails of users in the org."
    )

    static let teams: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["team", "create"],
                summary: "Create a team in the current org.",
                arguments: [ArgumentSpec("name", summary: "The new team's name.")],
                options: [
                    OptionSpec("email", valueName: "EMAIL", summary: "The team's e-mail address."),
                    OptionSpec("if-missing", summary: "Return the existing team of that name instead of failing."),
                ],
                binds: "team",
                example: "team create platform --if-missing"
            )
        ) { try await $0.createTeam($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "list"],
                summary: "List the current org's teams, every page unless --page is given.",
                options: [
                    OptionSpec("query", valueName: "TEXT", summary: "Only teams whose name holds it."),
                    OptionSpec("page", valueName: "N", summary: "Only this page (from 1)."),
                    OptionSpec("per-page", valueName: "N", summary: "Teams per request (default 1000)."),
                    OptionSpec("all", summary: "Every page (the default)."),
                ],
                example: "team list"
            ),
            display: ResultDisplay(columns: ["id", "name", "email", "memberCount"])
        ) { try await $0.listTeams($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "show"],
                summary: "Show one team.",
                arguments: [teamReference],
                binds: "team",
                example: "team show platform"
            )
        ) { try await $0.showTeam($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "delete"],
                summary: "Delete a team.",
                arguments: [teamReference],
                options: [OptionSpec("if-exists", summary: "Succeed when there is no such team.")],
                example: "team delete platform --if-exists"
            )
        ) { try await $0.deleteTeam($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "rename"],
                summary: "Rename a team.",
                arguments: [teamReference, ArgumentSpec("new-name", summary: "The new name.")],
                binds: "team",
                example: "team rename platform infra"
            )
        ) { try await $0.renameTeam($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "member", "add"],
                summary: "Add users to a team; members already in it are left as they are.",
                arguments: [teamReference, memberLogins],
                example: "team member add platform alice bob"
            ),
            display: ResultDisplay(columns: ["team", "login", "status"])
        ) { try await $0.addTeamMembers($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "member", "remove"],
                summary: "Remove users from a team; users not in it are reported and skipped.",
                arguments: [teamReference, memberLogins],
                example: "team member remove platform bob"
            ),
            display: ResultDisplay(columns: ["team", "login", "status"])
        ) { try await $0.removeTeamMembers($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "member", "list"],
                summary: "List a team's members.",
                arguments: [teamReference],
                example: "team member list platform"
            ),
            display: ResultDisplay(columns: ["login", "email", "name", "admin"])
        ) { try await $0.listTeamMembers($1) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "admin", "add"],
                summary: "Make users team admins, adding them to the team first if needed.",
                arguments: [teamReference, memberLogins],
                example: "team admin add platform alice"
            ),
            display: ResultDisplay(columns: ["team", "login", "status"])
        ) { try await $0.setTeamAdmins($1, admin: true) },
        CommandDefinition(
            CommandSpec(
                path: ["team", "admin", "remove"],
                summary: "Make team admins plain members again.",
                arguments: [teamReference, memberLogins],
                example: "team admin remove platform alice"
            ),
            display: ResultDisplay(columns: ["team", "login", "status"])
        ) { try await $0.setTeamAdmins($1, admin: false) },
    ]
}

extension GrafanaShellHost {
    func teamRecord(_ team: Team) -> Record {
        Record(dropping: [
            ("id", team.id.value), ("uid", team.uid.map(Value.string)), ("name", .string(team.name)),
            ("email", team.email.map(Value.string)), ("memberCount", team.memberCount.map(Value.int64)),
            ("orgId", team.orgId.value),
        ])
    }

    /// A team of the current org by name, or by id (all digits) when no team has that name.
    func team(_ reference: String) async throws -> Team {
        if let team = try await client.findTeam(named: reference) { return team }
        if let id = Int64(reference), let team = try await client.nilIfMissing({ try await $0.team(id: id) }) {
            return team
        }
        let names = try await client.allTeams().map(\.name)
        throw CommandFailure(
            message: "No team '\(reference)' in this org",
            hint: reference.bestMatch(in: names).map { "Did you mean '\($0)'?" } ?? "'team list' shows the teams."
        )
    }

    /// `team create NAME [--email E] [--if-missing]`.
    func createTeam(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let email = try call.option("email")
        if try call.flag("if-missing"), let existing = try await client.findTeam(named: name) {
            var record = teamRecord(existing)
            record["existing"] = .bool(true)
            return .record(record)
        }
        do {
            return result(
                of: try await client.createTeam(name: name, email: email),
                planned: Record([("id", .int(0)), ("name", .string(name))])
            ) { created in
                .record(
                    Record(dropping: [
                        ("id", created.teamId.value), ("uid", created.uid.map(Value.string)), ("name", .string(name)),
                        ("email", .string(email ?? "")),
                    ])
                )
            }
        } catch let error as GrafanaError where error.status == 409 {
            // createTeam: 409 "Team name taken".
            var failure = CommandFailure(error)
            failure.hint = "Use 'team create NAME --if-missing' to reuse it, or 'try' to carry on."
            throw failure
        }
    }

    /// `team list [--query Q] [--page N] [--per-page N] [--all]`.
    func listTeams(_ call: CommandArguments) async throws -> Value {
        let query = try call.option("query")
        let (page, perPage) = try pageOptions(call)
        let teams: [Team]
        if let page {
            teams = try await client.searchTeams(query: query, page: page, perPage: perPage ?? 1000).teams
        } else {
            teams = try await client.allTeams(query: query, perPage: perPage ?? 1000)
        }
        return .list(teams.map { .record(teamRecord($0)) })
    }

    /// `team show TEAM`.
    func showTeam(_ call: CommandArguments) async throws -> Value {
        .record(teamRecord(try await team(try call.required("team"))))
    }

    /// `team delete TEAM [--if-exists]`.
    func deleteTeam(_ call: CommandArguments) async throws -> Value {
        let reference = try call.required("team")
        let ifExists = try call.flag("if-exists")
        let target: Team
        do {
            target = try await team(reference)
        } catch is CommandFailure where ifExists {
            return .record(Record([("name", .string(reference)), ("deleted", .bool(false))]))
        }
        try await client.deleteTeam(id: target.id)
        return .record(Record([("id", target.id.value), ("name", .string(target.name)), ("deleted", .bool(true))]))
    }

    /// `team rename TEAM NEW-NAME`: the email stays.
    func renameTeam(_ call: CommandArguments) async throws -> Value {
        var target = try await team(try call.required("team"))
        let newName = try call.required("new-name")
        try await client.updateTeam(id: target.id, name: newName, email: target.email ?? "")
        target.name = newName
        return .record(teamRecord(target))
    }

    /// The users named by `logins`, each looked up before anything changes, so a typo stops
    /// the command with nothing done.
    func users(_ call: CommandArguments) async throws -> [UserProfile] {
        let logins = try call.strings("logins")
        guard !logins.isEmpty else {
            throw CommandFailure(
                message: "Missing logins",
                hint: "Name at least one user: 'team member add TEAM alice'."
            )
        }
        var profiles: [UserProfile] = []
        for login in logins {
            do {
                profiles.append(try await client.user(loginOrEmail: login))
            } catch let error as GrafanaError where error.status == 404 {
                throw CommandFailure(message: "No user '\(login)'", hint: "'org user list' shows the org's users.")
            }
        }
        return profiles
    }

    func memberRow(_ team: Team, _ login: String, _ status: String) -> Value {
        .record(Record([("team", .string(team.name)), ("login", .string(login)), ("status", .string(status))]))
    }

    /// `team member add TEAM LOGIN...`: each user is `added`, or `unchanged` when already in.
    func addTeamMembers(_ call: CommandArguments) async throws -> Value {
        let target = try await team(try call.required("team"))
        let profiles = try await users(call)
        let members = Set(try await client.teamMembers(teamID: target.id).map(\.userId))
        var rows: [Value] = []
        for profile in profiles {
            let id = try userID(profile)
            if members.contains(id) {
                rows.append(memberRow(target, profile.login, "unchanged"))
                continue
            }
            let outcome = try await addMember(target, profile)
            rows.append(memberRow(target, profile.login, outcome.plannedWrite == nil ? "added" : "planned"))
        }
        return .list(rows)
    }

    /// Adds one user; Grafana's 500 for a user outside the team's org gets a hint naming the cure.
    @discardableResult
    func addMember(_ team: Team, _ profile: UserProfile) async throws -> WriteOutcome<Void> {
        do {
            return try await client.addTeamMember(teamID: team.id, userID: try userID(profile))
        } catch let error as GrafanaError where error.status == 500 {
            var failure = CommandFailure(error)
            failure.hint =
                "A team takes only members of its org; add the user first with 'org user add \(profile.login)'."
            throw failure
        }
    }

    /// `team member remove TEAM LOGIN...`: a user not in the team is reported `absent` and the
    /// command still succeeds, so a rerun of a runbook changes nothing and stops nowhere.
    func removeTeamMembers(_ call: CommandArguments) async throws -> Value {
        let target = try await team(try call.required("team"))
        let profiles = try await users(call)
        let members = Set(try await client.teamMembers(teamID: target.id).map(\.userId))
        var rows: [Value] = []
        for profile in profiles {
            let id = try userID(profile)
            guard members.contains(id) else {
                rows.append(memberRow(target, profile.login, "absent"))
                continue
            }
            let outcome = try await client.removeTeamMember(teamID: target.id, userID: id)
            rows.append(memberRow(target, profile.login, outcome.plannedWrite == nil ? "removed" : "planned"))
        }
        return .list(rows)
    }

    /// `team member list TEAM`.
    func listTeamMembers(_ call: CommandArguments) async throws -> Value {
        let target = try await team(try call.required("team"))
        return .list(
            try await client.teamMembers(teamID: target.id).map { member in
                .record(
                    Record(dropping: [
                        ("userId", member.userId.value), ("login", .string(member.login)),
                        ("email", member.email.map(Value.string)), ("name", member.name.map(Value.string)),
                        ("admin", .bool(member.isAdmin)),
                    ])
                )
            }
        )
    }

    /// `team admin add|remove TEAM LOGIN...`: the member's team permission (`PUT
    /// /api/teams/:id/members/:userId`, 4 for admin, 0 for member). `add` adds non-members first;
    /// `remove` leaves non-members alone (`absent`).
    func setTeamAdmins(_ call: CommandArguments, admin: Bool) async throws -> Value {
        let target = try await team(try call.required("team"))
        let profiles = try await users(call)
        let members = Dictionary(
            try await client.teamMembers(teamID: target.id).map { ($0.userId, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var rows: [Value] = []
        for profile in profiles {
            let id = try userID(profile)
            let member = members[id]
            if member == nil {
                guard admin else {
                    rows.append(memberRow(target, profile.login, "absent"))
                    continue
                }
                try await addMember(target, profile)
            } else if member?.isAdmin == admin {
                rows.append(memberRow(target, profile.login, "unchanged"))
                continue
            }
            let outcome = try await client.setTeamMemberPermission(
                teamID: target.id,
                userID: id,
                permission: admin ? TeamMember.adminPermission : 0
            )
            let status = outcome.plannedWrite != nil ? "planned" : admin ? "admin" : "member"
            rows.append(memberRow(target, profile.login, status))
        }
        return .list(rows)
    }
}
