import Foundation
import GFSLanguage
import GrafanaAPI

// user create|list|show|update|password|delete|orgs|admin|disable|enable: users across the
// server, through /api/users and /api/admin/users (server admins only).
extension GFSCommandCatalog {
    static let userReference = ArgumentSpec("user", completion: .userLogin, summary: "Login, email or id.")

    static let passwordSources: [OptionSpec] = [
        OptionSpec(
            "password-env",
            valueName: "VAR",
            isSecret: true,
            summary: "Read the password from this environment variable."
        ),
        OptionSpec(
            "password-file",
            valueName: "FILE",
            completion: .path,
            isSecret: true,
            summary: "Read the password from this file (its first line)."
        ),
    ]

    static let users: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["user", "create"],
                summary: "Create a user (server admins).",
                arguments: [ArgumentSpec("login", summary: "The new user's login.")],
                options: [
                    OptionSpec("email", valueName: "EMAIL", summary: "The e-mail address (default: the login)."),
                    OptionSpec("name", valueName: "NAME", summary: "The display name."),
                ] + passwordSources + [
                    OptionSpec(
                        "org",
                        valueName: "ORG",
                        completion: .orgName,
                        summary: "The org the user joins as Viewer (default: Grafana's, org 1)."
                    ),
                    OptionSpec("if-missing", summary: "Return the existing user of that login instead of failing."),
                ],
                binds: "user",
                example: "user create alice --email alice@example.com --password-env ALICE_PASSWORD --if-missing",
                discussion: """
                    The password comes from --password-env or --password-file, never from the
                    command line. With --if-missing an existing login is returned as it is
                    (marked existing: true) and its password is left alone.
                    """
            )
        ) { host, call in try await host.asServerAdmin { try await host.createUser(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "list"],
                summary: "List users, every page unless --page is given.",
                options: [
                    OptionSpec("query", valueName: "TEXT", summary: "Only users whose login, email or name holds it."),
                    OptionSpec("page", valueName: "N", summary: "Only this page (from 1)."),
                    OptionSpec("per-page", valueName: "N", summary: "Users per request (default 1000)."),
                    OptionSpec("all", summary: "Every page (the default)."),
                ],
                example: "user list --query ali"
            ),
            display: ResultDisplay(columns: ["id", "login", "email", "name", "isAdmin", "isDisabled"])
        ) { host, call in try await host.asServerAdmin { try await host.listUsers(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "show"],
                summary: "Show one user.",
                arguments: [userReference],
                binds: "user",
                example: "user show alice"
            )
        ) { host, call in try await host.asServerAdmin { try await host.showUser(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "update"],
                summary: "Change a user's login, e-mail or name.",
                arguments: [userReference],
                options: [
                    OptionSpec("login", valueName: "LOGIN", summary: "The new login."),
                    OptionSpec("email", valueName: "EMAIL", summary: "The new e-mail address."),
                    OptionSpec("name", valueName: "NAME", summary: "The new display name."),
                ],
                binds: "user",
                example: "user update alice --name 'Alice Smith'"
            )
        ) { host, call in try await host.asServerAdmin { try await host.updateUser(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "password"],
                summary: "Set a user's password (server admins).",
                arguments: [userReference],
                options: passwordSources,
                example: "user password alice --password-env ALICE_PASSWORD"
            )
        ) { host, call in try await host.asServerAdmin { try await host.setUserPassword(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "delete"],
                summary: "Delete a user from the server.",
                arguments: [userReference],
                options: [OptionSpec("if-exists", summary: "Succeed when there is no such user.")],
                example: "user delete alice --if-exists"
            )
        ) { host, call in try await host.asServerAdmin { try await host.deleteUser(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "orgs"],
                summary: "List the orgs a user belongs to.",
                arguments: [userReference],
                example: "user orgs alice"
            ),
            display: ResultDisplay(columns: ["orgId", "name", "role"])
        ) { host, call in try await host.asServerAdmin { try await host.listUserOrgs(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "admin"],
                summary: "Grant or revoke Grafana server admin.",
                arguments: [userReference, ArgumentSpec("state", summary: "on or off.")],
                example: "user admin alice on"
            )
        ) { host, call in try await host.asServerAdmin { try await host.setServerAdmin(call) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "disable"],
                summary: "Disable a user: they can no longer sign in.",
                arguments: [userReference],
                example: "user disable alice"
            )
        ) { host, call in try await host.asServerAdmin { try await host.setUserDisabled(call, true) } },
        CommandDefinition(
            CommandSpec(
                path: ["user", "enable"],
                summary: "Enable a disabled user.",
                arguments: [userReference],
                example: "user enable alice"
            )
        ) { host, call in try await host.asServerAdmin { try await host.setUserDisabled(call, false) } },
    ]
}

extension GrafanaShellHost {
    // MARK: Reading a password

    /// The password named by `--ENV-NAME` or `--FILE-NAME` (one of them), remembered as a
    /// secret; nil when neither is given. A file others can read is warned about, as
    /// `connect --password-file` does.
    func password(
        _ call: CommandArguments,
        env envOption: String = "password-env",
        file fileOption: String = "password-file",
        what: String = "password"
    ) throws -> String? {
        let variable = try call.option(envOption)
        let path = try call.option(fileOption)
        if variable != nil, path != nil {
            throw CommandFailure(message: "Give --\(envOption) or --\(fileOption), not both")
        }
        let resolver = ContextResolver(environment: options.environment) { [weak self] message, hint in
            self?.note("gfs: warning: \(message)\nhint: \(hint)")
        }
        let secret: String
        if let variable {
            secret = try resolver.read(.environment(variable), what: what)
        } else if let path {
            secret = try resolver.read(.file(path), what: what)
        } else {
            return nil
        }
        rememberPassword(secret)
        return secret
    }

    /// Masks a password from now on, unless it equals the signed-in login (`admin`/`admin`),
    /// which is shown as the user anyway (the rule of ``GrafanaContext`` for its own password).
    func rememberPassword(_ secret: String) {
        if secret != context.principal { remember(secret: secret) }
    }

    /// Like ``password(_:env:file:what:)``, but one of the two options must be given.
    func requiredPassword(
        _ call: CommandArguments,
        env: String = "password-env",
        file: String = "password-file",
        what: String = "password"
    ) throws -> String {
        guard let secret = try password(call, env: env, file: file, what: what) else {
            throw CommandFailure(
                message: "'\(call.spec.name)' needs a \(what)",
                hint: "Pass --\(env) VAR or --\(file) FILE; a password is never taken from the command line."
            )
        }
        return secret
    }

    // MARK: Finding users

    /// A user by login, email or id (all digits: an id first, then a login of digits).
    ///
    /// A login is looked up, then read by id: Grafana's lookup answer (`GetUserByLoginOrEmail`)
    /// leaves `isDisabled` false whatever the user is, the by-id answer does not.
    func user(_ reference: String) async throws -> UserProfile {
        if let id = Int64(reference), let byID = try await client.nilIfMissing({ try await $0.user(id: id) }) {
            return byID
        }
        let found = try await client.user(loginOrEmail: reference)
        guard let id = found.id else { return found }
        return try await client.user(id: id)
    }

    /// The user, or nil when Grafana answers 404.
    func userIfExists(_ reference: String) async throws -> UserProfile? {
        try await client.nilIfMissing { [self] _ in try await user(reference) }
    }

    /// The id of a user; every user Grafana returns from `/api/users` has one.
    func userID(_ profile: UserProfile) throws -> Int64 {
        guard let id = profile.id else {
            throw CommandFailure(
                message: "User '\(profile.login)' has no id",
                hint: "Only users, not tokens, have ids."
            )
        }
        return id
    }

    func userRecord(_ user: UserProfile) -> Record {
        Record(dropping: [
            ("id", user.id.map(Value.int64)), ("login", .string(user.login)), ("email", user.email.map(Value.string)),
            ("name", user.name.map(Value.string)), ("isGrafanaAdmin", user.isGrafanaAdmin.map(Value.bool)),
            ("isDisabled", user.isDisabled.map(Value.bool)),
        ])
    }

    // MARK: Commands

    /// Runs a `user` command, whose routes only Grafana server admins may call: Grafana's 403
    /// keeps its message and gets a hint saying so.
    func asServerAdmin(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as GrafanaError where error.status == 403 {
            var failure = CommandFailure(error)
            failure.hint =
                "'user' commands act on the whole server and need a Grafana server admin signed in with a password; "
                + "tokens are never server admins."
            throw failure
        }
    }

    /// `user create LOGIN [--email E] [--name N] --password-env V|--password-file F [--org O] [--if-missing]`.
    func createUser(_ call: CommandArguments) async throws -> Value {
        let login = try call.required("login")
        let email = try call.option("email")
        let name = try call.option("name")
        let ifMissing = try call.flag("if-missing")
        let password = try requiredPassword(call)
        let orgID = try await call.option("org").asyncMap { try await org($0).id }
        if ifMissing, let existing = try await userIfExists(login) {
            var record = userRecord(existing)
            record["existing"] = .bool(true)
            return .record(record)
        }
        do {
            return result(
                of: try await client.createUser(
                    login: login,
                    email: email,
                    name: name,
                    password: password,
                    orgID: orgID
                ),
                planned: Record([("login", .string(login))])
            ) { created in
                .record(
                    Record(dropping: [
                        ("id", created.id.value), ("login", .string(login)), ("email", .string(email ?? login)),
                        ("name", .string(name ?? "")),
                    ])
                )
            }
        } catch let error as GrafanaError where error.status == 412 || error.status == 409 {
            // AdminCreateUser: 412 "User with email '…' or username '…' already exists".
            var failure = CommandFailure(error)
            failure.hint = "Use 'user create LOGIN --if-missing' to reuse it, or 'try' to carry on."
            throw failure
        }
    }

    /// `user list [--query Q] [--page N] [--per-page N] [--all]`.
    func listUsers(_ call: CommandArguments) async throws -> Value {
        let query = try call.option("query")
        let (page, perPage) = try pageOptions(call)
        let users: [UserSearchHit]
        if let page {
            users = try await client.searchUsers(query: query, page: page, perPage: perPage ?? 1000).users
        } else {
            users = try await client.allUsers(query: query, perPage: perPage ?? 1000)
        }
        return .list(
            users.map { user in
                .record(
                    Record(dropping: [
                        ("id", user.id.value), ("login", .string(user.login)),
                        ("email", user.email.map(Value.string)), ("name", user.name.map(Value.string)),
                        ("isAdmin", user.isAdmin.map(Value.bool)), ("isDisabled", user.isDisabled.map(Value.bool)),
                    ])
                )
            }
        )
    }

    /// `--page N`, `--per-page N` and `--all` of a list command: a page of nil means every page.
    func pageOptions(_ call: CommandArguments) throws -> (page: Int?, perPage: Int?) {
        func positive(_ option: String) throws -> Int? {
            guard let text = try call.option(option) else { return nil }
            guard let number = Int(text), number > 0 else {
                throw CommandFailure(message: "Invalid --\(option) '\(text)'", hint: "Give a whole number from 1.")
            }
            return number
        }
        let page = try positive("page")
        if page != nil, try call.flag("all") {
            throw CommandFailure(
                message: "Give --page or --all, not both",
                hint: "--all (the default) reads every page."
            )
        }
        return (page, try positive("per-page"))
    }

    /// `user show LOGIN|EMAIL|ID`.
    func showUser(_ call: CommandArguments) async throws -> Value {
        .record(userRecord(try await user(try call.required("user"))))
    }

    /// `user update X [--login L] [--email E] [--name N]`: the fields not given keep their values.
    func updateUser(_ call: CommandArguments) async throws -> Value {
        let login = try call.option("login")
        let email = try call.option("email")
        let name = try call.option("name")
        guard login != nil || email != nil || name != nil else {
            throw CommandFailure(
                message: "Nothing to update",
                hint: "Pass --login, --email or --name with the new value."
            )
        }
        var profile = try await user(try call.required("user"))
        let id = try userID(profile)
        profile.login = login ?? profile.login
        profile.email = email ?? profile.email
        profile.name = name ?? profile.name
        try await client.updateUser(id: id, login: profile.login, email: profile.email ?? "", name: profile.name ?? "")
        return .record(userRecord(profile))
    }

    /// `user password X --password-env V|--password-file F`.
    func setUserPassword(_ call: CommandArguments) async throws -> Value {
        let password = try requiredPassword(call)
        let profile = try await user(try call.required("user"))
        try await client.setUserPassword(id: try userID(profile), password: password)
        return .record(Record([("login", .string(profile.login)), ("passwordChanged", .bool(true))]))
    }

    /// `user delete X [--if-exists]`.
    func deleteUser(_ call: CommandArguments) async throws -> Value {
        let reference = try call.required("user")
        guard try call.flag("if-exists") else {
            let profile = try await user(reference)
            try await client.deleteUser(id: try userID(profile))
            return .record(Record([("login", .string(profile.login)), ("deleted", .bool(true))]))
        }
        guard let profile = try await userIfExists(reference) else {
            return .record(Record([("login", .string(reference)), ("deleted", .bool(false))]))
        }
        try await client.deleteUser(id: try userID(profile))
        return .record(Record([("login", .string(profile.login)), ("deleted", .bool(true))]))
    }

    /// `user orgs X`.
    func listUserOrgs(_ call: CommandArguments) async throws -> Value {
        let profile = try await user(try call.required("user"))
        return .list(try await client.userOrgs(id: try userID(profile)).map { Value(encoding: $0) })
    }

    /// `user admin X on|off`: setting the flag it already has changes nothing.
    func setServerAdmin(_ call: CommandArguments) async throws -> Value {
        let state = try call.required("state")
        let isAdmin: Bool
        switch state.lowercased() {
        case "on", "true", "yes": isAdmin = true
        case "off", "false", "no": isAdmin = false
        default: throw CommandFailure(message: "Invalid state '\(state)'", hint: "Write on or off.")
        }
        let profile = try await user(try call.required("user"))
        try await client.setServerAdmin(id: try userID(profile), isAdmin)
        return .record(Record([("login", .string(profile.login)), ("isGrafanaAdmin", .bool(isAdmin))]))
    }

    /// `user disable X` / `user enable X`.
    func setUserDisabled(_ call: CommandArguments, _ disabled: Bool) async throws -> Value {
        let profile = try await user(try call.required("user"))
        try await client.setUserDisabled(id: try userID(profile), disabled)
        return .record(Record([("login", .string(profile.login)), ("isDisabled", .bool(disabled))]))
    }
}

extension GrafanaClient {
    /// `body(self)`, or nil when Grafana answers 404.
    func nilIfMissing<Result>(_ body: (GrafanaClient) async throws -> Result) async throws -> Result? {
        do {
            return try await body(self)
        } catch let error as GrafanaError where error.status == 404 {
            return nil
        }
    }
}

extension Optional {
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Value {
    static func int64(_ number: Int64) -> Value { .int(Int(number)) }
}
