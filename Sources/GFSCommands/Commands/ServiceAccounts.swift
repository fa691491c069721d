import Foundation
import GFSLanguage
import GrafanaAPI

// sa create|list|show|delete|role|disable|enable, sa token add|list|delete.
extension GFSCommandCatalog {
    static let serviceAccounts: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["sa", "create"],
                summary: "Create a service account in the current org.",
                arguments: [
                    ArgumentSpec("name", summary: "The account's name."),
                    ArgumentSpec("role", completion: .role, summary: "Viewer, Editor or Admin."),
                ],
                options: [
                    OptionSpec(
                        "if-missing",
                        summary: "Return the account of that name if it exists (its role is set to ROLE)."
                    )
                ],
                binds: "sa",
                example: "sa create deployer Editor --if-missing"
            )
        ) { try await $0.createServiceAccount($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "list"],
                summary: "List the org's service accounts (every page).",
                example: "sa list"
            ),
            display: ResultDisplay(columns: ["id", "name", "role", "isDisabled", "tokens"])
        ) { try await $0.listServiceAccounts($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "show"],
                summary: "Show a service account.",
                arguments: [accountArgument],
                binds: "sa",
                example: "sa show deployer"
            )
        ) { try await $0.showServiceAccount($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "delete"],
                summary: "Delete a service account and its tokens.",
                arguments: [accountArgument],
                options: [OptionSpec("if-exists", summary: "Succeed without change when there is no such account.")],
                example: "sa delete deployer"
            )
        ) { try await $0.deleteServiceAccount($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "role"],
                summary: "Set a service account's role (unchanged when it already has it).",
                arguments: [
                    accountArgument, ArgumentSpec("role", completion: .role, summary: "Viewer, Editor or Admin."),
                ],
                example: "sa role deployer Admin"
            )
        ) { try await $0.setServiceAccountRole($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "disable"],
                summary: "Disable a service account: its tokens stop working.",
                arguments: [accountArgument],
                example: "sa disable deployer"
            )
        ) { try await $0.setServiceAccountDisabled($1, true) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "enable"],
                summary: "Enable a disabled service account.",
                arguments: [accountArgument],
                example: "sa enable deployer"
            )
        ) { try await $0.setServiceAccountDisabled($1, false) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "token", "add"],
                summary: "Add a token to a service account; its secret is shown once.",
                arguments: [accountArgument, ArgumentSpec("name", summary: "The token's name.")],
                options: [
                    OptionSpec("ttl", valueName: "DURATION", summary: "Expire after this long (30d, 12h)."),
                    OptionSpec(
                        "save",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "Write the secret to FILE with mode 0600."
                    ),
                    OptionSpec(
                        "if-missing",
                        summary: "Return the token of that name, without its secret, if it exists."
                    ),
                ],
                binds: "token",
                example: "sa token add deployer ci --ttl 30d --save ci.token",
                discussion: """
                    Grafana shows a token's secret once: gfs prints it only when standard output is
                    a terminal or with --show-secrets, and never in logs, errors or --output json
                    without that flag. --save writes it to a file only you can read; the file is
                    opened before the token is made, so a path that cannot be written creates nothing.
                    """
            ),
            display: ResultDisplay(secretFields: ["key"])
        ) { try await $0.addServiceAccountToken($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "token", "list"],
                summary: "List a service account's tokens (no secrets).",
                arguments: [accountArgument],
                example: "sa token list deployer"
            ),
            display: ResultDisplay(columns: ["id", "name", "expiration", "hasExpired", "lastUsedAt"])
        ) { try await $0.listServiceAccountTokens($1) },
        CommandDefinition(
            CommandSpec(
                path: ["sa", "token", "delete"],
                summary: "Delete a service account's token.",
                arguments: [accountArgument, ArgumentSpec("name", summary: "The token's name or id.")],
                options: [OptionSpec("if-exists", summary: "Succeed without change when there is no such token.")],
                example: "sa token delete deployer ci"
            )
        ) { try await $0.deleteServiceAccountToken($1) },
    ]

    private static let accountArgument = ArgumentSpec(
        "sa",
        completion: .serviceAccount,
        summary: "The service account's name or id."
    )
}

extension GrafanaShellHost {
    /// A service account as a result record.
    static func record(_ account: ServiceAccount) -> Record {
        Record(dropping: [
            ("id", account.id.value), ("name", .string(account.name)), ("login", account.login.value),
            ("role", .string(account.role)), ("isDisabled", .bool(account.isDisabled ?? false)),
            ("tokens", account.tokens.value), ("orgId", account.orgId.value),
        ])
    }

    /// The service account named (or numbered) `reference` in the current org; `nil` when none.
    func findServiceAccount(_ reference: String) async throws -> ServiceAccount? {
        let accounts = try await client.allServiceAccounts()
        if let exact = accounts.first(where: { $0.name == reference }) { return exact }
        if let id = Int64(reference) { return accounts.first { $0.id == id } }
        return nil
    }

    /// As ``findServiceAccount(_:)``, failing with a suggestion when there is none.
    func serviceAccount(_ reference: String) async throws -> ServiceAccount {
        if let account = try await findServiceAccount(reference) { return account }
        let names = try await client.allServiceAccounts().map(\.name)
        throw CommandFailure(
            message: "No service account '\(reference)' in this org",
            hint: reference.bestMatch(in: names).map { "Did you mean '\($0)'?" }
                ?? "'sa create \(reference) Viewer' makes it; 'sa list' shows the accounts."
        )
    }

    /// `sa create NAME ROLE [--if-missing]`: binds `$sa`.
    func createServiceAccount(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let role = try call.role(try call.required("role"))
        if try call.flag("if-missing"), let existing = try await findServiceAccount(name), existing.name == name {
            var result = Self.record(existing)
            if existing.role != role.rawValue {
                let outcome = try await client.updateServiceAccount(id: existing.id, role: role)
                if case .sent = outcome { result = Self.record(try await client.serviceAccount(id: existing.id)) }
                result["status"] = .string(outcome.plannedOnly ? "planned" : "updated")
            } else {
                result["status"] = "unchanged"
            }
            return .record(result)
        }
        return self.result(
            of: try await client.createServiceAccount(name: name, role: role),
            planned: Record([("name", .string(name)), ("role", .string(role.rawValue)), ("id", 0)])
        ) { account in
            var result = Self.record(account)
            result["status"] = "created"
            return .record(result)
        }
    }

    /// `sa list`: every page of the search.
    func listServiceAccounts(_ call: CommandArguments) async throws -> Value {
        .list(try await client.allServiceAccounts().map { .record(Self.record($0)) })
    }

    /// `sa show SA`.
    func showServiceAccount(_ call: CommandArguments) async throws -> Value {
        .record(Self.record(try await serviceAccount(try call.required("sa"))))
    }

    /// `sa delete SA [--if-exists]`.
    func deleteServiceAccount(_ call: CommandArguments) async throws -> Value {
        let reference = try call.required("sa")
        if try call.flag("if-exists"), try await findServiceAccount(reference) == nil {
            return .record(Record([("name", .string(reference)), ("status", "absent")]))
        }
        let account = try await serviceAccount(reference)
        let outcome = try await client.deleteServiceAccount(id: account.id)
        return .record(
            Record([
                ("id", account.id.value), ("name", .string(account.name)),
                ("status", .string(outcome.plannedOnly ? "planned" : "deleted")),
            ])
        )
    }

    /// `sa role SA ROLE`: no write when the account already has the role.
    func setServiceAccountRole(_ call: CommandArguments) async throws -> Value {
        let account = try await serviceAccount(try call.required("sa"))
        let role = try call.role(try call.required("role"))
        guard account.role != role.rawValue else {
            var result = Self.record(account)
            result["status"] = "unchanged"
            return .record(result)
        }
        let outcome = try await client.updateServiceAccount(id: account.id, role: role)
        var updated = account
        updated.role = role.rawValue
        var result = Self.record(updated)
        result["status"] = .string(outcome.plannedOnly ? "planned" : "updated")
        return .record(result)
    }

    /// `sa disable SA` / `sa enable SA`: no write when it is already so.
    func setServiceAccountDisabled(_ call: CommandArguments, _ disabled: Bool) async throws -> Value {
        let account = try await serviceAccount(try call.required("sa"))
        var updated = account
        updated.isDisabled = disabled
        var result = Self.record(updated)
        guard (account.isDisabled ?? false) != disabled else {
            result["status"] = "unchanged"
            return .record(result)
        }
        let outcome = try await client.updateServiceAccount(id: account.id, isDisabled: disabled)
        result["status"] = .string(outcome.plannedOnly ? "planned" : "updated")
        return .record(result)
    }

    /// `sa token add SA NAME [--ttl D] [--save FILE] [--if-missing]`: binds `$token` to
    /// `{id, name, key, serviceAccount, serviceAccountId, expiration}`; the secret is handled as
    /// `key create` handles it.
    func addServiceAccountToken(_ call: CommandArguments) async throws -> Value {
        let account = try await serviceAccount(try call.required("sa"))
        let name = try call.required("name")
        let ttl = try call.option("ttl").map(Self.parseDuration)
        if try call.flag("if-missing"),
            let existing = try await client.serviceAccountTokens(serviceAccountID: account.id).first(where: {
                $0.name == name
            })
        {
            note("The token '\(name)' exists; Grafana showed its secret only when it was made.")
            return .record(
                Record([
                    ("id", existing.id.value), ("name", .string(name)), ("serviceAccount", .string(account.name)),
                    ("serviceAccountId", account.id.value), ("expiration", existing.expiration.value),
                    ("status", "unchanged"),
                ])
            )
        }
        let saveFile = try call.option("save").map(SecretFile.prepare)
        defer { saveFile?.discard() }
        let outcome = try await client.createServiceAccountToken(
            serviceAccountID: account.id,
            name: name,
            secondsToLive: ttl
        )
        guard case .sent(let created) = outcome else {
            return placeholder(
                Record([
                    ("name", .string(name)), ("key", .string("DRY-RUN-KEY")), ("serviceAccount", .string(account.name)),
                    ("serviceAccountId", account.id.value),
                ])
            )
        }
        let expiration = ttl.flatMap { $0 > 0 ? Date().addingTimeInterval(TimeInterval($0)) : nil }
        let key = CreatedKey(
            name: created.name,
            key: created.key,
            role: account.role,
            orgId: account.orgId,
            expiration: expiration,
            kind: .serviceAccountToken,
            id: created.id,
            serviceAccountID: account.id
        )
        try await keepSecret(of: key, in: saveFile, noun: "token")
        return .record(
            Record(dropping: [
                ("id", created.id.value), ("name", .string(created.name)), ("key", .string(created.key)),
                ("serviceAccount", .string(account.name)), ("serviceAccountId", account.id.value),
                ("expiration", expiration.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null),
                ("status", "created"),
            ])
        )
    }

    /// `sa token list SA`.
    func listServiceAccountTokens(_ call: CommandArguments) async throws -> Value {
        let account = try await serviceAccount(try call.required("sa"))
        return .list(
            try await client.serviceAccountTokens(serviceAccountID: account.id).map { token in
                .record(
                    Record([
                        ("id", token.id.value), ("name", .string(token.name)), ("expiration", token.expiration.value),
                        ("hasExpired", .bool(token.hasExpired ?? false)), ("lastUsedAt", token.lastUsedAt.value),
                        ("created", token.created.value),
                    ])
                )
            }
        )
    }

    /// `sa token delete SA NAME [--if-exists]`.
    func deleteServiceAccountToken(_ call: CommandArguments) async throws -> Value {
        let account = try await serviceAccount(try call.required("sa"))
        let name = try call.required("name")
        let tokens = try await client.serviceAccountTokens(serviceAccountID: account.id)
        guard let token = tokens.first(where: { $0.name == name }) ?? tokens.first(where: { String($0.id) == name })
        else {
            if try call.flag("if-exists") {
                return .record(Record([("name", .string(name)), ("status", "absent")]))
            }
            throw CommandFailure(
                message: "No token '\(name)' on the service account '\(account.name)'",
                hint: name.bestMatch(in: tokens.map(\.name)).map { "Did you mean '\($0)'?" }
                    ?? "'sa token list \(account.name)' shows its tokens."
            )
        }
        let outcome = try await client.deleteServiceAccountToken(serviceAccountID: account.id, tokenID: token.id)
        return .record(
            Record([
                ("id", token.id.value), ("name", .string(token.name)), ("serviceAccount", .string(account.name)),
                ("status", .string(outcome.plannedOnly ? "planned" : "deleted")),
            ])
        )
    }
}

extension WriteOutcome {
    /// Whether a dry run only planned the write.
    var plannedOnly: Bool {
        if case .planned = self { return true }
        return false
    }
}
