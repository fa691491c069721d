public import GFSLanguage

/// A command table made for the language tests: the few gfs commands the scripts and checker
/// tests use, with their real paths, arities, options and binds, so those tests read like
/// runbooks without depending on the Grafana client.
///
/// It is not the catalog (that lives with the handlers in `GFSCommands`) and does not try to
/// follow it: a language test needs commands of every shape (optional, variadic, repeatable,
/// secret, binding), not every command.
public enum LanguageTestCommands {
    /// The table the recording host and the script runner check against by default.
    public static let table = CommandTable(commands: commands, groupSummaries: groupSummaries)

    static let groupSummaries: [String: String] = [
        "org": "Organizations and their users",
        "org user": "Users of the current organization",
        "key": "API keys and service-account tokens",
        "dashboard": "Dashboards from and to JSON files",
        "folder": "Dashboard folders",
        "datasource": "Data sources",
    ]

    static let commands: [CommandSpec] = [
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
        ),
        CommandSpec(
            path: ["context"],
            summary: "Show the server, authentication, user, org and server version in use.",
            example: "context"
        ),
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
        ),
        CommandSpec(
            path: ["use", "org"],
            summary: "Act in the org of this name or id for the commands that follow.",
            arguments: [ArgumentSpec("name", completion: .orgName, summary: "The org's name or id.")],
            options: [OptionSpec("switch", summary: "Also switch the user's current org (/api/user/using/:id).")],
            example: "use org apiorg"
        ),
        CommandSpec(
            path: ["org", "create"],
            summary: "Create an organization.",
            arguments: [ArgumentSpec("name", summary: "The new organization's name.")],
            options: [OptionSpec("if-missing", summary: "Return the existing org of that name instead of failing.")],
            binds: "org",
            example: "org create apiorg"
        ),
        CommandSpec(path: ["org", "list"], summary: "List organizations.", example: "org list"),
        CommandSpec(
            path: ["org", "show"],
            summary: "Show one organization.",
            arguments: [
                ArgumentSpec(
                    "org",
                    completion: .orgName,
                    isOptional: true,
                    summary: "Name or id (default: the current org)."
                )
            ],
            binds: "org",
            example: "org show apiorg"
        ),
        CommandSpec(
            path: ["org", "user", "add"],
            summary: "Add a user to the current organization.",
            arguments: [ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email.")],
            options: [
                OptionSpec(
                    "role",
                    valueName: "ROLE",
                    completion: .role,
                    summary: "Viewer, Editor or Admin (default Viewer)."
                ),
                OptionSpec(
                    "org",
                    valueName: "ORG",
                    completion: .orgName,
                    summary: "Act in this org (name or id) instead of the current one."
                ),
            ],
            example: "org user add admin --role Admin"
        ),
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
        CommandSpec(path: ["key", "list"], summary: "List API keys and service-account tokens.", example: "key list"),
        CommandSpec(
            path: ["key", "delete"],
            summary: "Delete an API key or service-account token.",
            arguments: [ArgumentSpec("name", completion: .keyName, summary: "The key's name.")],
            example: "key delete apikeycurl"
        ),
        CommandSpec(
            path: ["dashboard", "push"],
            summary: "Save dashboards from JSON files, directories or globs.",
            arguments: [
                ArgumentSpec("path", completion: .path, isVariadic: true, summary: "Files, directories or globs.")
            ],
            options: [
                OptionSpec(
                    "folder",
                    valueName: "FOLDER",
                    completion: .folder,
                    summary: "Save into this folder (title or UID)."
                ),
                OptionSpec("overwrite", summary: "Replace a dashboard that already exists."),
                OptionSpec("message", valueName: "TEXT", summary: "The version message."),
                OptionSpec(
                    "input",
                    valueName: "NAME=VALUE",
                    isRepeatable: true,
                    summary: "A value for an exported dashboard's __inputs."
                ),
                OptionSpec("jobs", valueName: "N", summary: "Push at most N files at once (default 8)."),
            ],
            binds: "dashboard",
            example: "dashboard push examples/production-overview.json --folder ops",
            discussion: """
                A file holds a dashboard, the API's save body ({"dashboard": ..., "overwrite": false})
                or an export with __inputs (sent to the import endpoint; give each input with
                --input). Every file is read first: malformed JSON stops the push before any
                request. The dashboard's id is dropped. One already identical on the server is
                reported unchanged; a different one is replaced only with --overwrite.
                """
        ),
        CommandSpec(
            path: ["dashboard", "list"],
            summary: "Search dashboards.",
            options: [
                OptionSpec("folder", valueName: "FOLDER", completion: .folder, summary: "Only in this folder."),
                OptionSpec("tag", valueName: "TAG", isRepeatable: true, summary: "Only with this tag."),
                OptionSpec("query", valueName: "TEXT", summary: "Only with titles matching TEXT."),
            ],
            example: "dashboard list --tag production"
        ),
        CommandSpec(
            path: ["folder", "create"],
            summary: "Create a dashboard folder.",
            arguments: [ArgumentSpec("title", summary: "The folder's title.")],
            options: [
                OptionSpec("uid", valueName: "UID", summary: "Give the folder this UID."),
                OptionSpec("if-missing", summary: "Return the existing folder of that title instead of failing."),
            ],
            binds: "folder",
            example: "folder create ops"
        ),
        CommandSpec(path: ["folder", "list"], summary: "List folders.", example: "folder list"),
        CommandSpec(
            path: ["datasource", "show"],
            summary: "Show one data source.",
            arguments: [ArgumentSpec("name", completion: .datasourceName, summary: "Name or UID.")],
            binds: "datasource",
            example: "datasource show prom"
        ),
    ]
}
