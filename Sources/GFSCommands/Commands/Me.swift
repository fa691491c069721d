import Foundation
import GFSLanguage
import GrafanaAPI

// me, me orgs, me password, me switch: the signed-in user, through /api/user.
extension GFSCommandCatalog {
    static let me: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(path: ["me"], summary: "Show the signed-in user.", binds: "me", example: "me")
        ) { try await $0.showMe($1) },
        CommandDefinition(
            CommandSpec(path: ["me", "orgs"], summary: "List the signed-in user's orgs.", example: "me orgs"),
            display: ResultDisplay(columns: ["orgId", "name", "role"])
        ) { try await $0.listMyOrgs($1) },
        CommandDefinition(
            CommandSpec(
                path: ["me", "password"],
                summary: "Change the signed-in user's password.",
                options: [
                    OptionSpec("old-env", valueName: "VAR", isSecret: true, summary: "The old password's variable."),
                    OptionSpec(
                        "old-file",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "A file holding the old password."
                    ),
                    OptionSpec("new-env", valueName: "VAR", isSecret: true, summary: "The new password's variable."),
                    OptionSpec(
                        "new-file",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "A file holding the new password."
                    ),
                    OptionSpec(
                        "old",
                        valueName: "PASSWORD",
                        isSecret: true,
                        summary: "The old password itself (warned about: prefer --old-env)."
                    ),
                    OptionSpec(
                        "new",
                        valueName: "PASSWORD",
                        isSecret: true,
                        summary: "The new password itself (warned about: prefer --new-env)."
                    ),
                ],
                example: "me password --old-env OLD_PASSWORD --new-env NEW_PASSWORD",
                discussion: """
                    Both passwords come from the environment or files. A password written on the
                    command line works but is warned about: it stays in the script and the
                    process list. When the session signed in with the old password, it uses
                    the new one from then on.
                    """
            )
        ) { try await $0.changeMyPassword($1) },
        CommandDefinition(
            CommandSpec(
                path: ["me", "switch"],
                summary: "Make an org the signed-in user's current org, and act in it.",
                arguments: [ArgumentSpec("org", completion: .orgName, summary: "Name or id of an org the user is in.")],
                example: "me switch apiorg"
            )
        ) { try await $0.switchMyOrg($1) },
    ]
}

extension GrafanaShellHost {
    /// `me`.
    func showMe(_ call: CommandArguments) async throws -> Value {
        let profile = try await client.currentUser()
        var record = userRecord(profile)
        record["orgId"] = profile.orgId.value
        return .record(record)
    }

    /// `me orgs`.
    func listMyOrgs(_ call: CommandArguments) async throws -> Value {
        .list(try await client.currentUserOrgs().map { Value(encoding: $0) })
    }

    /// `me password`: old and new from `--old-env`/`--old-file` and `--new-env`/`--new-file`,
    /// or (with a warning) `--old`/`--new`.
    func changeMyPassword(_ call: CommandArguments) async throws -> Value {
        let old = try passwordOrLiteral(call, literal: "old", env: "old-env", file: "old-file", what: "old password")
        let new = try passwordOrLiteral(call, literal: "new", env: "new-env", file: "new-file", what: "new password")
        try await client.changeCurrentUserPassword(old: old, new: new)
        // The session keeps working when it signed in with the password just changed.
        if case .basic(let user, let password) = context.authentication, password == old, !options.dryRun {
            update { $0.authentication = .basic(user: user, password: new) }
        }
        return .record(Record([("login", context.principal.value), ("passwordChanged", .bool(true))]))
    }

    func passwordOrLiteral(_ call: CommandArguments, literal: String, env: String, file: String, what: String)
        throws -> String
    {
        if let text = try call.option(literal) {
            guard try call.option(env) == nil, try call.option(file) == nil else {
                throw CommandFailure(
                    message: "Give the \(what) once",
                    hint: "Use one of --\(literal), --\(env), --\(file)."
                )
            }
            rememberPassword(text)
            note(
                "gfs: warning: the \(what) was given on the command line\n"
                    + "hint: Pass it with --\(env) VAR or --\(file) FILE, so it stays out of scripts and the process list."
            )
            return text
        }
        return try requiredPassword(call, env: env, file: file, what: what)
    }

    /// `me switch ORG`: `POST /api/user/using/:id` and later requests act in that org.
    func switchMyOrg(_ call: CommandArguments) async throws -> Value {
        if case .token = context.authentication {
            throw CommandFailure(
                message: "A token has no current org to switch",
                hint: "A token acts in its own org; sign in as a user ('connect --user') to switch."
            )
        }
        let reference = try call.required("org")
        try await useOrg(reference: reference, switching: true)
        let org = context.org
        return .record(Record([("orgId", org?.id.value ?? .null), ("name", org?.name.value ?? .null)]))
    }
}
