import Foundation
import GFSLanguage
import GrafanaAPI

// org export|import: the current org as a tree of files, and back.
extension GFSCommandCatalog {
    static let orgTransfer: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["org", "export"],
                summary: "Write every resource of the current org as files in DIR.",
                arguments: [
                    ArgumentSpec("dir", completion: .path, summary: "The directory to write (made if missing).")
                ],
                options: [
                    OptionSpec(
                        "include",
                        valueName: "KINDS",
                        isRepeatable: true,
                        summary: "Only these kinds (comma-separated: \(kindNames))."
                    ),
                    OptionSpec("exclude", valueName: "KINDS", isRepeatable: true, summary: "Leave these kinds out."),
                ],
                example: "org export backup/",
                discussion: """
                    The tree is documented under "Back up, restore and move an org" in the README: \
                    folders/ nested as directories, dashboards/<folder path>/<uid>.json, \
                    library-panels/, datasources/, preferences.json and manifest.json. Keys are \
                    sorted and ids and versions left out, so exporting an unchanged org again \
                    changes no byte. Secure fields of data sources are not exported: each is \
                    listed as a secret to supply at import.
                    """
            ),
            display: ResultDisplay(columns: ["kind", "count"])
        ) { try await $0.exportOrg($1) },
        CommandDefinition(
            CommandSpec(
                path: ["org", "import"],
                summary: "Make the current org match an export (create, update; --prune deletes).",
                arguments: [
                    ArgumentSpec(
                        "dir",
                        completion: .path,
                        readsFile: true,
                        summary: "A directory written by 'org export'."
                    )
                ],
                options: [
                    OptionSpec("prune", summary: "Delete what the export does not have."),
                    OptionSpec("dry-run", summary: "Read and plan; print the writes as curl and send none."),
                    OptionSpec("fail-fast", summary: "Stop at the first failed write."),
                    OptionSpec(
                        "secret",
                        valueName: "NAME=env:VAR|file:PATH",
                        isRepeatable: true,
                        isSecret: false,
                        summary: "A secret the export could not carry, from a variable or a file."
                    ),
                    OptionSpec("include", valueName: "KINDS", isRepeatable: true, summary: "Only these kinds."),
                    OptionSpec(
                        "exclude",
                        valueName: "KINDS",
                        isRepeatable: true,
                        summary: "Leave these kinds as they are."
                    ),
                    OptionSpec("jobs", valueName: "N", summary: "At most N writes at once (default 8)."),
                ],
                example: "org import backup/ --secret prometheus.basicAuthPassword=env:PROM_PASSWORD",
                discussion: """
                    Every file is read and the whole plan made before anything is sent. Work is \
                    ordered by dependency (folders, data sources, library panels, dashboards, \
                    preferences; deletes in the reverse order), references are resolved by uid \
                    or name, and a second import of the same tree sends no write. A failed write \
                    does not stop the others unless --fail-fast; the command then fails with \
                    partial-failure (exit status 4).
                    """
            ),
            display: ResultDisplay(columns: TransferReport.columns)
        ) { try await $0.importOrg($1) },
    ]

    /// The kinds an export holds, in dependency order.
    static let transferKinds: [any TransferKind] = [
        FolderKind(), DataSourceKind(), LibraryPanelKind(), DashboardKind(), PreferencesKind(),
    ]

    static var kindNames: String { transferKinds.map(\.name).joined(separator: ", ") }
}

extension GrafanaShellHost {
    /// `org export DIR [--include KINDS] [--exclude KINDS]`.
    func exportOrg(_ call: CommandArguments) async throws -> Value {
        let tree = TransferTree(root: URL(fileURLWithPath: try call.required("dir")))
        let runner = try TransferRunner(kinds: GFSCommandCatalog.transferKinds)
        let selected = try runner.select(include: try kinds(call, "include"), exclude: try kinds(call, "exclude"))
        let context = TransferContext(client: client, serverVersion: try await serverVersion())
        let export: TransferExport
        do {
            export = try await runner.export(selected: selected, to: tree, context: context)
        } catch let error as TransferTreeError {
            throw CommandFailure(message: error.message, hint: "Nothing else was written to '\(tree.root.path)'.")
        }
        for file in export.removed { note("removed \(file)") }
        if !export.manifest.secrets.isEmpty {
            note(
                "not exported: \(export.manifest.secrets.joined(separator: ", ")); "
                    + "supply each at import with --secret NAME=env:VAR or --secret NAME=file:PATH"
            )
        }
        return .list(
            selected.map { kind in
                .record(Record([("kind", .string(kind)), ("count", export.manifest.counts[kind] ?? .int(0))]))
            }
        )
    }

    /// `org import DIR [--prune] [--dry-run] [--fail-fast] [--secret NAME=SOURCE]... [--jobs N]`.
    func importOrg(_ call: CommandArguments) async throws -> Value {
        let tree = TransferTree(root: URL(fileURLWithPath: try call.required("dir")))
        var runner = try TransferRunner(kinds: GFSCommandCatalog.transferKinds)
        runner.failFast = try call.flag("fail-fast")
        if let text = try call.option("jobs") {
            guard let jobs = Int(text), jobs > 0 else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "--jobs must be a positive number, not '\(text)'"
                )
            }
            runner.jobs = jobs
        }
        let selected = try runner.select(include: try kinds(call, "include"), exclude: try kinds(call, "exclude"))
        let secrets = try transferSecrets(try call.options("secret"))
        var client = client
        let dryRun = try call.flag("dry-run") || options.dryRun
        if dryRun { client = client.with(writePolicy: .capture(recorder)) }
        let context = TransferContext(client: client, serverVersion: try await serverVersion(), secrets: secrets)

        let plan: TransferPlan
        do {
            plan = try await runner.plan(
                selected: selected,
                from: tree,
                prune: try call.flag("prune"),
                context: context
            )
        } catch let error as TransferTreeError {
            throw CommandFailure(message: error.message, hint: "Nothing was sent: fix the file and import again.")
        }
        for note in plan.notes { self.note("gfs: \(note)") }
        if dryRun {
            for change in plan.writes { note("plan: \(change.action.rawValue) \(change.resource.path)") }
        }
        if options.showsProgress, !plan.writes.isEmpty {
            let width = ProgressBar.terminalWidth(environment: options.environment)
            let sink = sink
            runner.progress = { done, total, path in
                sink.write(ProgressBar.redraw(done: done, total: total, label: path, width: width), to: .standardError)
            }
        }
        let recordedBefore = recorder.writes.count
        let report = await runner.apply(plan)
        if dryRun, !options.dryRun {
            // Under gfs's own --dry-run the host prints the planned writes after the command;
            // the command's flag prints them here, credentials and secret fields masked.
            for write in recorder.writes.dropFirst(recordedBefore) { note("dry run: \(write.curlCommand)") }
        }
        if runner.progress != nil { sink.write(ProgressBar.clear, to: .standardError) }
        let rows = report.rows
        guard report.failures.isEmpty else {
            for row in rows { note(Self.summaryLine(row)) }
            for failure in report.failures {
                note("  failed  \(failure.action.rawValue) \(failure.path): \(failure.error.message)")
            }
            if !report.skipped.isEmpty {
                note("gfs: \(report.skipped.count) writes not sent after the first failure (--fail-fast)")
            }
            let written = plan.writes.count - report.failures.count - report.skipped.count
            throw CommandFailure(
                code: written > 0 ? .partialFailure : .commandFailed,
                message: "\(report.failures.count) of \(plan.writes.count) writes failed: "
                    + report.failures.prefix(5).map(\.path).joined(separator: ", ")
                    + (report.failures.count > 5 ? ", ..." : ""),
                hint: report.failures.count == 1
                    ? report.failures[0].error.hint
                    : "The others were applied; fix the cause and import again, which sends only what still differs.",
                details: Record([
                    ("failed", .list(report.failures.map { .string($0.path) })),
                    ("summary", .list(rows.map(Value.record))),
                ])
            )
        }
        return .list(rows.map(Value.record))
    }

    /// `folders: 2 created, 1 updated, 3 unchanged, 0 deleted, 1 failed`.
    static func summaryLine(_ row: Record) -> String {
        let kind = row["kind"]?.stringValue ?? "?"
        let counts = TransferReport.columns.dropFirst().map { "\(row[$0]?.description ?? "0") \($0)" }
        return "\(kind): " + counts.joined(separator: ", ")
    }

    /// The kinds of `--include` or `--exclude`, each comma-separated and repeatable.
    func kinds(_ call: CommandArguments, _ option: String) throws -> [String] {
        try call.options(option).flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `--secret NAME=env:VAR` and `--secret NAME=file:PATH`, read before anything is sent; each
    /// value joins the masked secrets.
    func transferSecrets(_ specs: [String]) throws -> [String: String] {
        var secrets: [String: String] = [:]
        for spec in specs {
            guard let equals = spec.firstIndex(of: "=") else {
                throw Self.badSecret(spec)
            }
            let name = String(spec[..<equals])
            let source = spec[spec.index(after: equals)...]
            let value: String
            if source.hasPrefix("env:") {
                let variable = String(source.dropFirst(4))
                guard let text = options.environment[variable] else {
                    throw CommandFailure(
                        code: .invalidOptionValue,
                        message: "The environment variable '\(variable)' for secret '\(name)' is not set",
                        hint: "Export it before running gfs, or use --secret \(name)=file:PATH."
                    )
                }
                value = text
            } else if source.hasPrefix("file:") {
                let path = String(source.dropFirst(5))
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw CommandFailure(
                        code: .invalidOptionValue,
                        message: "Cannot read the file '\(path)' for secret '\(name)'",
                        hint: "Check that the file exists and is readable."
                    )
                }
                // A file written by `echo` ends with a line break that is not part of the secret.
                value = text.hasSuffix("\n") ? String(text.dropLast()) : text
            } else {
                throw Self.badSecret(spec)
            }
            guard !name.isEmpty else { throw Self.badSecret(spec) }
            if !value.isEmpty { remember(secret: value) }
            secrets[name] = value
        }
        return secrets
    }

    static func badSecret(_ spec: String) -> CommandFailure {
        // Only the part before '=' is shown: the rest may be a secret typed by mistake.
        let name = spec.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        return CommandFailure(
            code: .invalidOptionValue,
            message: "Expected --secret NAME=env:VAR or NAME=file:PATH for '\(name)'",
            hint: "A secret is never written on the command line: name a variable or a file that holds it."
        )
    }
}
