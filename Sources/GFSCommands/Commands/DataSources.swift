import Foundation
import GFSLanguage
import GrafanaAPI

// datasource create|list|show|delete.
extension GFSCommandCatalog {
    static let datasources: [CommandDefinition] = [
        CommandDefinition(
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
                    OptionSpec(
                        "if-missing",
                        summary: "Return the existing data source of that name instead of failing."
                    ),
                ],
                binds: "datasource",
                example: "datasource create prom --type prometheus --url http://prometheus:9090"
            )
        ) { try await $0.createDataSource($1) },
        CommandDefinition(
            CommandSpec(path: ["datasource", "list"], summary: "List data sources.", example: "datasource list"),
            display: ResultDisplay(columns: ["uid", "name", "type", "url", "isDefault"])
        ) { try await $0.listDataSources($1) },
        CommandDefinition(
            CommandSpec(
                path: ["datasource", "show"],
                summary: "Show one data source.",
                arguments: [ArgumentSpec("name", completion: .datasourceName, summary: "Name or UID.")],
                binds: "datasource",
                example: "datasource show prom"
            )
        ) { try await $0.showDataSource($1) },
        CommandDefinition(
            CommandSpec(
                path: ["datasource", "delete"],
                summary: "Delete a data source.",
                arguments: [ArgumentSpec("name", completion: .datasourceName, summary: "Name or UID.")],
                example: "datasource delete prom"
            )
        ) { try await $0.deleteDataSource($1) },
    ]
}

extension GrafanaShellHost {
    /// `datasource create [NAME] [--type T] [--url U] [--file F] [--secure-env FIELD=VAR]...
    /// [--secure-file FIELD=FILE]... [--default] [--if-missing]`: binds `$datasource`.
    ///
    /// Secure fields (`secureJsonData`) come only from the environment or files, so a secret
    /// never sits in a script or its history; a `--file` that holds `secureJsonData` is refused.
    func createDataSource(_ call: CommandArguments) async throws -> Value {
        var body = Record()
        if let path = try call.option("file") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "No such file '\(path)'")
            }
            do {
                guard case .record(let record) = try Value(json: String(decoding: data, as: UTF8.self)) else {
                    throw CommandFailure(message: "\(path): expected a JSON object")
                }
                body = record
            } catch let error as JSONSyntaxError {
                throw CommandFailure(
                    message: "\(path):\(error.line):\(error.column): \(error.message)",
                    hint: "Nothing was sent."
                )
            }
            if body["secureJsonData"] != nil {
                throw CommandFailure(
                    message: "\(path) holds secureJsonData",
                    hint:
                        "Keep secrets out of the file; pass them with --secure-env FIELD=VAR or --secure-file FIELD=FILE."
                )
            }
        }
        if let name = try call.string("name") { body["name"] = .string(name) }
        if let type = try call.option("type") { body["type"] = .string(type) }
        if let url = try call.option("url") { body["url"] = .string(url) }
        if try call.flag("default") { body["isDefault"] = .bool(true) }
        if body["access"] == nil { body["access"] = .string("proxy") }
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            throw CommandFailure(
                message: "The data source needs a name",
                hint: "Give it as the first argument or in the file."
            )
        }
        guard body["type"]?.stringValue != nil else {
            throw CommandFailure(
                message: "The data source needs a type",
                hint: "Pass --type, such as --type prometheus."
            )
        }
        var secure = Record()
        for (field, variable) in try Self.assignments(call.options("secure-env"), option: "secure-env") {
            guard let value = options.environment[variable], !value.isEmpty else {
                throw CommandFailure(
                    message: "The environment variable \(variable) is not set",
                    hint: "Export it with the value for \(field)."
                )
            }
            remember(secret: value)
            secure[field] = .string(value)
        }
        for (field, path) in try Self.assignments(call.options("secure-file"), option: "secure-file") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "Cannot read \(path) for \(field)")
            }
            let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
            remember(secret: value)
            secure[field] = .string(value)
        }
        if !secure.isEmpty { body["secureJsonData"] = .record(secure) }

        if try call.flag("if-missing"), let existing = try await dataSource(named: name) {
            var record = dataSourceRecord(existing)
            record["existing"] = .bool(true)
            return .record(record)
        }
        return result(
            of: try await client.createDataSource(Data(Value.record(body).compactJSON.utf8)),
            planned: Record([
                ("uid", .string("DRY-RUN-DATASOURCE")), ("name", .string(name)), ("type", body["type"] ?? .null),
            ])
        ) { saved in
            if let source = saved.datasource { return .record(dataSourceRecord(source)) }
            return .record(Record(dropping: [("id", saved.id.value), ("name", .string(name)), ("type", body["type"])]))
        }
    }

    static func assignments(_ values: [String], option: String) throws -> [(String, String)] {
        try values.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex,
                text.index(after: equals) != text.endIndex
            else {
                throw CommandFailure(
                    message: "Invalid --\(option) '\(text)'",
                    hint: "Write --\(option) FIELD=\(option == "secure-env" ? "VAR" : "FILE")."
                )
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
    }

    func dataSourceRecord(_ source: DataSource) -> Record {
        Record(dropping: [
            ("id", source.id.value), ("uid", .string(source.uid)), ("name", .string(source.name)),
            ("type", .string(source.type)),
            ("url", source.url.value), ("access", source.access.value), ("isDefault", source.isDefault.map(Value.bool)),
            ("orgId", source.orgId.value),
            (
                "secureJsonFields",
                source.secureJsonFields.flatMap { fields in
                    fields.isEmpty ? nil : .list(fields.keys.sorted().map(Value.string))
                }
            ),
        ])
    }

    /// The data source of that name, or nil when there is none.
    func dataSource(named name: String) async throws -> DataSource? {
        do {
            return try await client.dataSource(named: name)
        } catch let error as GrafanaError where error.status == 404 {
            return nil
        }
    }

    /// A data source by name or uid.
    func dataSource(_ reference: String) async throws -> DataSource {
        if let source = try await dataSource(named: reference) { return source }
        do {
            return try await client.dataSource(uid: reference)
        } catch let error as GrafanaError where error.status == 404 {
            let names = (try? await client.dataSources().map(\.name)) ?? []
            // Grafana's 404 with our wording: its code and details (status, request) stay.
            var failure = CommandFailure(error)
            failure.message = "No data source '\(reference)'"
            failure.hint =
                reference.bestMatch(in: names).map { "Did you mean '\($0)'?" } ?? "'datasource list' shows them."
            throw failure
        }
    }

    /// `datasource list`.
    func listDataSources(_ call: CommandArguments) async throws -> Value {
        .list(
            try await client.dataSources().map { source in
                .record(
                    Record(dropping: [
                        ("id", source.id.value), ("uid", .string(source.uid)), ("name", .string(source.name)),
                        ("type", .string(source.type)),
                        ("url", source.url.value), ("isDefault", source.isDefault.map(Value.bool)),
                    ])
                )
            }
        )
    }

    /// `datasource show NAME|UID`.
    func showDataSource(_ call: CommandArguments) async throws -> Value {
        .record(dataSourceRecord(try await dataSource(try call.required("name"))))
    }

    /// `datasource delete NAME|UID`.
    func deleteDataSource(_ call: CommandArguments) async throws -> Value {
        let source = try await dataSource(try call.required("name"))
        try await client.deleteDataSource(uid: source.uid)
        return .record(
            Record([("uid", .string(source.uid)), ("name", .string(source.name)), ("deleted", .bool(true))])
        )
    }
}
