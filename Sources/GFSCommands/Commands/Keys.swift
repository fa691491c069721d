import Foundation
import GFSLanguage
import GrafanaAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// key create|list|delete.
extension GFSCommandCatalog {
    static let keys: [CommandDefinition] = [
        // The new key's secret is shown once, in text on a terminal; masked everywhere else.
        CommandDefinition(
            CommandSpec(
                path: ["key", "create"],
                summary: "Create an API key (a service-account token where the server has them).",
                arguments: [
                    ArgumentSpec("name", summary: "The key's name."),
                    ArgumentSpec("role", completion: .role, summary: "Viewer, Editor or Admin."),
                ],
                options: [
                    OptionSpec("ttl", valueName: "DURATION", summary: "Expire after this long (30d, 12h)."),
                    OptionSpec(
                        "save",
                        valueName: "FILE",
                        completion: .path,
                        isSecret: true,
                        summary: "Write the secret to FILE with mode 0600."
                    ),
                ],
                binds: "key",
                example: "key create apikeycurl admin",
                discussion: """
                    Makes a service-account token on Grafana 9.1 and later (the service account of
                    that name, with that role, is created if missing), a legacy API key before. Grafana
                    shows the secret once: gfs prints it only when standard output is a terminal or
                    with --show-secrets, and never in logs, errors or --output json without that flag.
                    --save writes it to a file only you can read.
                    """
            ),
            display: ResultDisplay(secretFields: ["key"])
        ) { try await $0.createKey($1) },
        CommandDefinition(
            CommandSpec(
                path: ["key", "list"],
                summary: "List API keys and service-account tokens.",
                example: "key list"
            ),
            display: ResultDisplay(columns: ["name", "kind", "role", "serviceAccount", "expiration"])
        ) { try await $0.listKeys($1) },
        CommandDefinition(
            CommandSpec(
                path: ["key", "delete"],
                summary: "Delete an API key or service-account token.",
                arguments: [ArgumentSpec("name", completion: .keyName, summary: "The key's name.")],
                example: "key delete apikeycurl"
            )
        ) { try await $0.deleteKey($1) },
    ]
}

extension GrafanaShellHost {
    /// `key create NAME ROLE [--ttl DURATION] [--save FILE]`: binds `$key` to
    /// `{name, key, role, orgId, expiration, kind}`.
    ///
    /// The client picks the mechanism by server version (service-account token from 9.1,
    /// `/api/auth/keys` before). The secret is shown by `display` only on a terminal or with
    /// `--show-secrets`; it is written to `--save FILE` with mode 0600.
    func createKey(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let role = try call.role(try call.required("role"))
        let ttl = try call.option("ttl").map(Self.parseDuration)
        // Open the file before the key exists: Grafana shows the secret only once, so a path
        // that cannot be written must fail while nothing has been created.
        let saveFile = try call.option("save").map(SecretFile.prepare)
        defer { saveFile?.discard() }
        let version = try await serverVersion()
        let outcome = try await client.createKey(name: name, role: role, secondsToLive: ttl, serverVersion: version)
        guard case .sent(let created) = outcome else {
            return placeholder(
                Record([
                    ("name", .string(name)), ("key", .string("DRY-RUN-KEY")), ("role", .string(role.rawValue)),
                    ("orgId", context.org?.id.value ?? .null), ("expiration", .null),
                    ("kind", .string(version?.hasServiceAccounts ?? true ? "service-account-token" : "api-key")),
                ])
            )
        }
        remember(secret: created.key)
        if let saveFile {
            do {
                try saveFile.commit(created.key)
                note("Saved the key to \(saveFile.path) (mode 0600).")
            } catch {
                try await keepOrDelete(created, after: error, saving: saveFile.path)
            }
        } else if !options.showSecrets, !(options.isTerminal && options.output == .text) {
            note(
                "The key's secret is hidden; pass --save FILE or --show-secrets to keep it. Grafana shows it only once."
            )
        }
        return .record(
            Record(dropping: [
                ("name", .string(created.name)), ("key", .string(created.key)), ("role", .string(created.role)),
                ("orgId", created.orgId.value),
                ("expiration", created.expiration.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null),
                ("kind", .string(created.kind == .serviceAccountToken ? "service-account-token" : "api-key")),
                ("id", created.id.value), ("serviceAccountId", created.serviceAccountID.map { $0.value }),
            ])
        )
    }

    /// `30d`, `12h`, `90m`, `45s`, `2w`, or plain seconds.
    static func parseDuration(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        if let seconds = Int64(text), seconds >= 0 { return seconds }
        guard let unit = text.last, let scale = units[unit], let count = Int64(text.dropLast()), count > 0 else {
            throw CommandFailure(
                message: "Invalid duration '\(text)'",
                hint: "Write a number with s, m, h, d or w, such as 30d or 12h."
            )
        }
        return count * scale
    }

    /// The key exists but its secret could not be saved. Where the secret can be shown (text
    /// on a terminal, or `--show-secrets`) it is, once, with a warning; otherwise the key is
    /// deleted again, so no token whose secret nobody has stays behind. Either way it says which.
    func keepOrDelete(_ created: CreatedKey, after error: any Error, saving path: String) async throws {
        let reason = "Cannot save the key to \(path): \(error)"
        if options.showSecrets || (options.isTerminal && options.output == .text) {
            note("gfs: warning: \(reason); its secret is shown instead. Copy it now: Grafana shows it only once.")
            return
        }
        do {
            if let account = created.serviceAccountID {
                try await client.deleteServiceAccountToken(serviceAccountID: account, tokenID: created.id)
            } else {
                try await client.deleteAPIKey(id: created.id)
            }
        } catch {
            // The code and details of the failed delete (Grafana's status, or the connection).
            var failure = (error as? GrafanaError).map { CommandFailure($0) } ?? CommandFailure(message: "")
            failure.message = "\(reason); deleting the key '\(created.name)' again failed too"
            failure.hint = "Its secret is lost: delete it with 'key delete \(created.name)', then create it again."
            throw failure
        }
        throw CommandFailure(
            message: "\(reason); the key '\(created.name)' was deleted again",
            hint: "No secret was lost. Give a file that can be written and run 'key create' again."
        )
    }

    /// `key list`: service-account tokens (9.1+) and legacy API keys where the server still
    /// lists them.
    func listKeys(_ call: CommandArguments) async throws -> Value {
        let version = try await serverVersion()
        var rows: [Value] = []
        if version?.hasServiceAccounts ?? true {
            for account in try await client.searchServiceAccounts().serviceAccounts {
                for token in try await client.serviceAccountTokens(serviceAccountID: account.id) {
                    rows.append(
                        .record(
                            Record([
                                ("name", .string(token.name)), ("kind", .string("service-account-token")),
                                ("role", .string(account.role)),
                                ("serviceAccount", .string(account.name)), ("expiration", token.expiration.value),
                                ("id", token.id.value),
                            ])
                        )
                    )
                }
            }
        }
        if !(version?.legacyKeyRoutesGone ?? false) {
            do {
                for key in try await client.apiKeys() {
                    rows.append(
                        .record(
                            Record([
                                ("name", .string(key.name)), ("kind", .string("api-key")), ("role", key.role.value),
                                ("serviceAccount", .null), ("expiration", key.expiration.value), ("id", key.id.value),
                            ])
                        )
                    )
                }
            } catch let error as GrafanaError where error.status == 404 || error.status == 410 {
                // Servers that dropped the legacy routes; the service-account tokens are all there is.
            }
        }
        return .list(rows)
    }

    /// `key delete NAME`: the service-account token of that name (preferring the service
    /// account of the same name, which `key create` makes), else the legacy key.
    func deleteKey(_ call: CommandArguments) async throws -> Value {
        let name = try call.required("name")
        let version = try await serverVersion()
        var candidates: [String] = []
        if version?.hasServiceAccounts ?? true {
            let accounts = try await client.searchServiceAccounts().serviceAccounts
                .sorted { ($0.name == name ? 0 : 1) < ($1.name == name ? 0 : 1) }
            for account in accounts {
                let tokens = try await client.serviceAccountTokens(serviceAccountID: account.id)
                candidates += tokens.map(\.name)
                if let token = tokens.first(where: { $0.name == name }) {
                    try await client.deleteServiceAccountToken(serviceAccountID: account.id, tokenID: token.id)
                    return .record(
                        Record([
                            ("name", .string(name)), ("kind", .string("service-account-token")),
                            ("serviceAccount", .string(account.name)), ("deleted", .bool(true)),
                        ])
                    )
                }
            }
        }
        if !(version?.legacyKeyRoutesGone ?? false) {
            let keys: [APIKey]
            do {
                keys = try await client.apiKeys()
            } catch let error as GrafanaError where error.status == 404 || error.status == 410 {
                keys = []
            }
            candidates += keys.map(\.name)
            if let key = keys.first(where: { $0.name == name }) {
                try await client.deleteAPIKey(id: key.id)
                return .record(
                    Record([("name", .string(name)), ("kind", .string("api-key")), ("deleted", .bool(true))])
                )
            }
        }
        throw CommandFailure(
            message: "No key named '\(name)' in this org",
            hint: name.bestMatch(in: candidates).map { "Did you mean '\($0)'?" } ?? "'key list' shows the keys."
        )
    }
}

/// The file a new key's secret goes to, opened before the key is created: a temporary file
/// (mode 0600 from the start, so no other user can open it in between) beside the target,
/// renamed over it once the secret is written, so an earlier file at that path survives a
/// failed `key create`.
final class SecretFile: Sendable {
    let path: String
    private let temporaryPath: String
    private let descriptor: Int32

    private init(path: String, temporaryPath: String, descriptor: Int32) {
        self.path = path
        self.temporaryPath = temporaryPath
        self.descriptor = descriptor
    }

    /// Creates the temporary file, or fails naming the path and the system's reason.
    static func prepare(_ path: String) throws -> SecretFile {
        let directory = (path as NSString).deletingLastPathComponent
        var template = Array(((directory.isEmpty ? "." : directory) + "/.gfs-key-XXXXXX").utf8CString)
        // mkstemp creates the file with mode 0600.
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw CommandFailure(
                message: "Cannot write \(path): \(String(cString: strerror(errno)))",
                hint: "Nothing was created. Give a file in a directory that exists and can be written."
            )
        }
        let temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return SecretFile(path: path, temporaryPath: temporaryPath, descriptor: descriptor)
    }

    /// Writes the secret, flushes it to disk and puts the file in place.
    func commit(_ secret: String) throws {
        let bytes = Array((secret + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { throw SystemError(errno: errno) }
        guard rename(temporaryPath, path) == 0 else { throw SystemError(errno: errno) }
    }

    /// Closes the file and removes the temporary one if it was not put in place.
    func discard() {
        close(descriptor)
        unlink(temporaryPath)
    }

    /// An errno in words.
    struct SystemError: Error, CustomStringConvertible {
        var errno: Int32
        var description: String { String(cString: strerror(errno)) }
    }
}
