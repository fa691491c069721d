import Foundation
import GFSLanguage
import GrafanaAPI

// connect, context, use.
extension GFSCommandCatalog {
    static let connection: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["connect"],
                summary: "Connect to a Grafana server.",
                arguments: [
                    ArgumentSpec(
                        "url",
                        completion: .url,
                        isOptional: true,
                        summary: "The server's address (default http://localhost:3000)."
                    )
                ],
                options: [
                    OptionSpec(
                        "user",
                        short: "u",
                        valueName: "LOGIN",
                        completion: .userLogin,
                        summary: "Log in with basic auth as this user."
                    ),
                    OptionSpec(
                        "password-env",
                        valueName: "VAR",
                        completion: .environmentVariable,
                        isSecret: true,
                        summary: "Read the password from this environment variable."
                    ),
                    OptionSpec(
                        "password-file",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "Read the password from this file."
                    ),
                    OptionSpec(
                        "token-env",
                        valueName: "VAR",
                        completion: .environmentVariable,
                        isSecret: true,
                        summary: "Read a token from this environment variable."
                    ),
                    OptionSpec(
                        "token-file",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "Read a token from this file."
                    ),
                    OptionSpec("insecure", summary: "Do not verify the server's TLS certificate."),
                    OptionSpec(
                        "cacert",
                        valueName: "FILE",
                        completion: .path,
                        summary: "Trust the certificate authority in this PEM file."
                    ),
                    OptionSpec(
                        "context",
                        valueName: "NAME",
                        completion: .contextName,
                        summary: "Use a named context from the config file."
                    ),
                ],
                binds: "server",
                example: "connect http://localhost:3000 --user admin --password-env GRAFANA_PASSWORD"
            )
        ) { try await $0.connect($1) },
        CommandDefinition(
            CommandSpec(
                path: ["context"],
                summary: "Show the server, authentication, user, org and server version in use.",
                example: "context"
            )
        ) { try await $0.showContext($1) },
        CommandDefinition(
            CommandSpec(
                path: ["use"],
                summary: "Act in an org, or authenticate with a key, for the commands that follow.",
                arguments: [ArgumentSpec("target", summary: "An org or key value made by gfs: $org, $key.")],
                options: [OptionSpec("switch", summary: "Also switch the user's current org (/api/user/using/:id).")],
                example: "use $org",
                discussion: """
                    With basic auth, 'use $org' sends X-Grafana-Org-Id on later requests, so they act in
                    that org (a 'key create' after it makes the key there) without changing the
                    user's stored org; --switch also calls POST /api/user/using/:id, as Grafana's
                    tutorial does. The user must be a member of the org. 'use $key' authenticates
                    later requests with the key, in the key's org; a token cannot act in another org.
                    """
            )
        ) { try await $0.use($1) },
        CommandDefinition(
            CommandSpec(
                path: ["use", "org"],
                summary: "Act in the org of this name or id for the commands that follow.",
                arguments: [ArgumentSpec("name", completion: .orgName, summary: "The org's name or id.")],
                options: [OptionSpec("switch", summary: "Also switch the user's current org (/api/user/using/:id).")],
                example: "use org apiorg"
            )
        ) { try await $0.useOrg($1) },
        CommandDefinition(
            CommandSpec(
                path: ["use", "token"],
                summary: "Authenticate the commands that follow with this token, in its org.",
                arguments: [ArgumentSpec("token", summary: "A service-account token or API key.")],
                example: "use token $key.key",
                discussion: """
                    The line is kept out of history as typed: the token is redacted. Prefer 'use $key'
                    after 'key create', or 'connect --token-env VAR'.
                    """
            )
        ) { try await $0.useToken($1) },
    ]
}

extension GrafanaShellHost {
    /// `connect [URL] [--user U] [--password-env VAR | --password-file F] [--token-env VAR |
    /// --token-file F] [--insecure] [--cacert F] [--context NAME]`: replaces the context, then
    /// asks the server for its version so a wrong URL fails here rather than later.
    func connect(_ call: CommandArguments) async throws -> Value {
        if try call.option("password-env") != nil, try call.option("password-file") != nil {
            throw CommandFailure(message: "Give --password-env or --password-file, not both")
        }
        if try call.option("token-env") != nil, try call.option("token-file") != nil {
            throw CommandFailure(message: "Give --token-env or --token-file, not both")
        }
        let flags = try ConnectionOptions(
            url: call.string("url"),
            user: call.option("user"),
            passwordEnv: call.option("password-env"),
            passwordFile: call.option("password-file"),
            tokenEnv: call.option("token-env"),
            tokenFile: call.option("token-file"),
            insecure: call.flag("insecure"),
            cacert: call.option("cacert"),
            contextName: call.option("context")
        )
        let resolver = ContextResolver(environment: options.environment, configPath: options.configPath)
        let newContext = try resolver.resolve(flags)
        if newContext.tls.insecure {
            note("warning: TLS certificate verification is off for \(newContext.url.absoluteString) (--insecure)")
        }
        withState { state in
            state.context = newContext
            state.serverVersion = nil
            if let secret = newContext.maskableSecret { state.secrets.insert(secret) }
        }
        try await resolvePendingOrg()
        let version = try await serverVersion()
        return .record(contextRecord(context, version: version))
    }

    /// `context`: the server, auth kind, user or token name, org and server version. Never
    /// the secret.
    func showContext(_ call: CommandArguments) async throws -> Value {
        var version: GrafanaVersion?
        var unreachable: String?
        do {
            version = try await serverVersion()
        } catch let error as GrafanaError where error.kind.isConnectionFailure {
            unreachable = error.message
        }
        var record = contextRecord(context, version: version)
        if let unreachable { record["version"] = .string("unknown (\(unreachable))") }
        if unreachable == nil, context.authentication != .none {
            // Name the org the server will act in; a failure here is not worth failing `context`.
            if let org = try? await client.currentOrg() {
                record["org"] = .record(Record([("id", org.id.value), ("name", .string(org.name))]))
            }
        }
        return .record(record)
    }

    func contextRecord(_ context: GrafanaContext, version: GrafanaVersion?) -> Record {
        var record = Record()
        record["url"] = .string(context.url.absoluteString)
        record["auth"] = .string(context.authentication.kind)
        switch context.authentication {
        case .none: break
        case .basic(let user, _): record["user"] = .string(user)
        case .token(_, let name, _): record["token"] = name.value
        }
        if let org = context.org {
            record["org"] = .record(Record(dropping: [("id", org.id.value), ("name", org.name.map(Value.string))]))
        } else {
            record["org"] = .null
        }
        record["version"] = version.map { .string($0.description) } ?? .null
        if let name = context.contextName { record["context"] = .string(name) }
        if context.tls.insecure { record["insecure"] = .bool(true) }
        return record
    }

    /// `use $org`, `use $key`, `use org NAME|ID`, `use token TOKEN`.
    ///
    /// With basic auth, `use $org` makes later requests send `X-Grafana-Org-Id` and leaves the
    /// user's stored current org alone; Grafana resolves the user in that org for each request
    /// (`orgIDFromRequest`, API-NOTES §1.3), so `key create` after `use $org` creates the key
    /// in that org without the tutorial's `POST /api/user/using/:id`. `--switch` makes that
    /// call as well, for scripts that want the tutorial's lasting effect on the user.
    func use(_ call: CommandArguments) async throws -> Value {
        guard let target = try call.value("target") else { throw CommandFailure(message: "Missing target") }
        switch target {
        case .record(let record) where record["key"] != nil:
            try await useKey(record)
        case .record(let record) where record["id"] != nil:
            guard let id = record["id"]?.intValue else {
                throw CommandFailure(message: "The org's id is not a number")
            }
            try await useOrg(
                id: id,
                name: record["name"]?.stringValue,
                placeholder: record["dryRun"] == .bool(true),
                switching: try call.flag("switch")
            )
        case .record:
            throw CommandFailure(
                message: "Cannot use this record",
                hint: "Give an org ($org) or a key ($key) made by 'org create' or 'key create'."
            )
        default:
            throw CommandFailure(
                message: "Cannot use '\(target.description)'",
                hint: "Write 'use $org', 'use $key', 'use org NAME' or 'use token TOKEN'."
            )
        }
        return .null
    }

    /// `use org NAME|ID`.
    func useOrg(_ call: CommandArguments) async throws -> Value {
        try await useOrg(reference: call.required("name"), switching: call.flag("switch"))
        return .null
    }

    /// `use token TOKEN`.
    func useToken(_ call: CommandArguments) async throws -> Value {
        try await useKey(Record([("key", .string(try call.required("token")))]))
        return .null
    }

    func useOrg(reference: String, switching: Bool) async throws {
        if case .token = context.authentication {
            // A token has one org; name it and compare.
            let current = try await client.currentOrg()
            if String(current.id) == reference || current.name == reference { return }
            throw tokenOrgMismatch(tokenOrg: current.id, requested: reference)
        }
        let memberships = try await client.currentUserOrgs()
        if let org = memberships.first(where: { String($0.orgId) == reference || $0.name == reference }) {
            try await selectOrg(id: org.orgId, name: org.name, switching: switching)
            return
        }
        throw notMember(reference)
    }

    func useOrg(id: Int64, name: String?, placeholder: Bool, switching: Bool) async throws {
        if placeholder {
            note("dry run: later requests would act in org '\(name ?? "?")'; they act in the current org instead")
            return
        }
        if case .token(_, _, let tokenOrg) = context.authentication {
            let orgID: Int64
            if let tokenOrg { orgID = tokenOrg } else { orgID = try await client.currentOrg().id }
            guard orgID == id else { throw tokenOrgMismatch(tokenOrg: orgID, requested: name ?? String(id)) }
            update { $0.org = GrafanaContext.OrgSelection(id: id, name: name) }
            return
        }
        if case .basic = context.authentication {
            let memberships = try await client.currentUserOrgs()
            guard memberships.contains(where: { $0.orgId == id }) else { throw notMember(name ?? String(id)) }
        }
        try await selectOrg(id: id, name: name, switching: switching)
    }

    func selectOrg(id: Int64, name: String?, switching: Bool) async throws {
        if switching { try await client.switchOrg(to: id) }
        update { $0.org = GrafanaContext.OrgSelection(id: id, name: name) }
    }

    func notMember(_ org: String) -> CommandFailure {
        let user = context.principal ?? "this user"
        return CommandFailure(
            message: "User '\(user)' is not a member of org '\(org)'",
            hint: "Add the user to it first, e.g. 'org user add \(user) --role Admin --org \(org)'."
        )
    }

    func tokenOrgMismatch(tokenOrg: Int64, requested: String) -> CommandFailure {
        CommandFailure(
            message: "The token in use belongs to org \(tokenOrg), not '\(requested)'",
            hint:
                "A token acts only in its own org. Use a key created in '\(requested)', or basic auth ('connect --user')."
        )
    }

    /// `use $key`: later requests authenticate with the key, in the key's org.
    func useKey(_ record: Record) async throws {
        guard let key = record["key"]?.stringValue, !key.isEmpty else {
            throw CommandFailure(
                message: "The key record has no secret",
                hint: "Use the value 'key create' returned ($key)."
            )
        }
        if record["dryRun"] == .bool(true) {
            note(
                "dry run: later requests would authenticate with key '\(record["name"]?.description ?? "?")'; they keep the current credentials instead"
            )
            return
        }
        let name = record["name"]?.stringValue
        var orgID = record["orgId"]?.intValue
        remember(secret: key)
        let previous = context
        update {
            $0.authentication = .token(key, name: name, orgID: orgID)
            $0.org = nil
        }
        if orgID == nil {
            // A bare token: ask the server which org it belongs to (and whether it works).
            do {
                orgID = try await client.currentOrg().id
            } catch {
                update { $0 = previous }
                throw error
            }
            update { $0.authentication = .token(key, name: name, orgID: orgID) }
        }
        if let orgID {
            let orgName = previous.org?.id == orgID ? previous.org?.name : nil
            update { $0.org = GrafanaContext.OrgSelection(id: orgID, name: orgName) }
        }
    }
}
