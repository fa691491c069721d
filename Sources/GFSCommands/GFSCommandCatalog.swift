public import GFSLanguage

/// The commands gfs offers, as data: names, arguments, options, what each binds, examples.
///
/// The checker rejects anything not in this table before a script runs, `help` prints it and
/// the shell completes from it. This is the first command set of issue 4; the Grafana calls
/// behind each command live in `GrafanaShellHost`.
public enum GFSCommandCatalog {
    /// The full table.
    public static let table = CommandTable(commands: commands, groupSummaries: groupSummaries)

    static let groupSummaries: [String: String] = [
        "org": "Organizations and their users",
        "org user": "Users of the current organization",
        "key": "API keys and service-account tokens",
        "dashboard": "Dashboards from and to JSON files",
        "folder": "Dashboard folders",
        "datasource": "Data sources",
    ]

    static let commands: [CommandSpec] =
        connection + organizations + keys + dashboards + folders + datasources + api

    static let connection: [CommandSpec] = [
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
            path: ["use", "token"],
            summary: "Authenticate the commands that follow with this token, in its org.",
            arguments: [ArgumentSpec("token", summary: "A service-account token or API key.")],
            example: "use token $key.key",
            discussion: """
                The line is kept out of history as typed: the token is redacted. Prefer 'use $key'
                after 'key create', or 'connect --token-env VAR'.
                """
        ),
    ]

    static let organizations: [CommandSpec] = [
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
            path: ["org", "delete"],
            summary: "Delete an organization.",
            arguments: [ArgumentSpec("org", completion: .orgName, summary: "Name or id.")],
            example: "org delete apiorg"
        ),
        CommandSpec(
            path: ["org", "rename"],
            summary: "Rename an organization.",
            arguments: [
                ArgumentSpec("org", completion: .orgName, summary: "Name or id."),
                ArgumentSpec("new-name", summary: "The new name."),
            ],
            binds: "org",
            example: "org rename apiorg platform"
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
            path: ["org", "user", "list"],
            summary: "List the current organization's users.",
            options: [
                OptionSpec(
                    "org",
                    valueName: "ORG",
                    completion: .orgName,
                    summary: "Act in this org (name or id) instead of the current one."
                )
            ],
            example: "org user list"
        ),
        CommandSpec(
            path: ["org", "user", "role"],
            summary: "Change a user's role in the current organization.",
            arguments: [
                ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email."),
                ArgumentSpec("role", completion: .role, summary: "Viewer, Editor or Admin."),
            ],
            options: [
                OptionSpec(
                    "org",
                    valueName: "ORG",
                    completion: .orgName,
                    summary: "Act in this org (name or id) instead of the current one."
                )
            ],
            example: "org user role alice Editor"
        ),
        CommandSpec(
            path: ["org", "user", "remove"],
            summary: "Remove a user from the current organization.",
            arguments: [ArgumentSpec("login", completion: .userLogin, summary: "The user's login or email.")],
            options: [
                OptionSpec(
                    "org",
                    valueName: "ORG",
                    completion: .orgName,
                    summary: "Act in this org (name or id) instead of the current one."
                )
            ],
            example: "org user remove alice"
        ),
    ]

    static let keys: [CommandSpec] = [
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
    ]

    static let dashboards: [CommandSpec] = [
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
            path: ["dashboard", "pull"],
            summary: "Fetch a dashboard's JSON.",
            arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
            options: [OptionSpec("out", valueName: "FILE", completion: .path, summary: "Write the JSON to FILE.")],
            binds: "dashboard",
            example: "dashboard pull prod-overview --out prod.json"
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
            path: ["dashboard", "delete"],
            summary: "Delete a dashboard.",
            arguments: [ArgumentSpec("uid", completion: .dashboardUID, summary: "The dashboard's UID.")],
            example: "dashboard delete prod-overview"
        ),
        CommandSpec(
            path: ["dashboard", "diff"],
            summary: "Show what pushing a file would change on the server.",
            arguments: [ArgumentSpec("file", completion: .path, summary: "A dashboard JSON file.")],
            example: "dashboard diff examples/production-overview.json"
        ),
    ]

    static let folders: [CommandSpec] = [
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
            path: ["folder", "delete"],
            summary: "Delete a folder and the dashboards in it.",
            arguments: [ArgumentSpec("folder", completion: .folder, summary: "Title or UID.")],
            example: "folder delete ops"
        ),
    ]

    static let datasources: [CommandSpec] = [
        CommandSpec(
            path: ["datasource", "create"],
            summary: "Create a data source from options or a JSON file.",
            arguments: [ArgumentSpec("name", isOptional: true, summary: "The data source's name.")],
            options: [
                OptionSpec("type", valueName: "TYPE", summary: "The plugin type (prometheus, loki, ...)."),
                OptionSpec("url", valueName: "URL", completion: .url, summary: "The data source's URL."),
                OptionSpec(
                    "file",
                    valueName: "FILE",
                    completion: .path,
                    summary: "Read the definition from a JSON file."
                ),
                OptionSpec(
                    "secure-env",
                    valueName: "FIELD=VAR",
                    completion: .environmentVariable,
                    isRepeatable: true,
                    isSecret: true,
                    summary: "A secure field from an environment variable."
                ),
                OptionSpec(
                    "secure-file",
                    valueName: "FIELD=FILE",
                    completion: .path,
                    isRepeatable: true,
                    isSecret: true,
                    summary: "A secure field from a file."
                ),
                OptionSpec("default", summary: "Make it the org's default data source."),
                OptionSpec("if-missing", summary: "Return the existing data source of that name instead of failing."),
            ],
            binds: "datasource",
            example: "datasource create prom --type prometheus --url http://prometheus:9090"
        ),
        CommandSpec(path: ["datasource", "list"], summary: "List data sources.", example: "datasource list"),
        CommandSpec(
            path: ["datasource", "show"],
            summary: "Show one data source.",
            arguments: [ArgumentSpec("name", completion: .datasourceName, summary: "Name or UID.")],
            binds: "datasource",
            example: "datasource show prom"
        ),
        CommandSpec(
            path: ["datasource", "delete"],
            summary: "Delete a data source.",
            arguments: [ArgumentSpec("name", completion: .datasourceName, summary: "Name or UID.")],
            example: "datasource delete prom"
        ),
    ]

    static let api: [CommandSpec] = [
        CommandSpec(
            path: ["api"],
            summary: "Send any request to the Grafana HTTP API and return its answer.",
            arguments: [
                ArgumentSpec(
                    "method",
                    completion: .httpMethod,
                    summary: "GET, POST, PUT, PATCH, DELETE or HEAD, in any case."
                ),
                ArgumentSpec(
                    "path",
                    completion: .apiPath,
                    summary: "The path below the server's URL, such as /api/health."
                ),
            ],
            options: [
                OptionSpec(
                    "body",
                    valueName: "BODY",
                    summary: "JSON text, @FILE for a file's contents, or a value sent as JSON."
                ),
                OptionSpec(
                    "query",
                    valueName: "KEY=VALUE",
                    isRepeatable: true,
                    summary: "A query parameter."
                ),
                OptionSpec(
                    "header",
                    valueName: "'NAME: VALUE'",
                    isRepeatable: true,
                    summary: "A header line."
                ),
            ],
            example: "api POST /api/teams --body '{\"name\": \"ops\"}'",
            discussion: """
                The request carries the session's server, credentials and org, like every other
                command. Its answer is the result: the JSON body as a value (so
                '(api GET /api/teams/search).teams' works), other text as a string, and null for
                an empty body. A status outside 2xx fails with Grafana's message, and
                '$error.status' holds the status under 'try'. A text or @FILE body must be JSON
                unless a Content-Type header names another type; it is checked before anything
                is sent. With --dry-run every method but GET and HEAD is printed as curl and not
                sent. The Authorization header cannot be set: use 'use token' or 'connect'.
                Paths complete from Grafana 11.4.0's OpenAPI spec, the only one shipped, whatever
                the server's version.
                """
        )
    ]
}
