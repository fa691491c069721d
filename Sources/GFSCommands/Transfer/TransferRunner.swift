import Foundation
public import GFSLanguage
import GrafanaAPI

// MARK: Public interface

/// Runs an export or an import over a set of ``TransferKind``s: lists, reads and plans them
/// in dependency order, applies the plan with bounded concurrency, and counts what happened.
public struct TransferRunner: Sendable {
    /// Every kind, in dependency order.
    public let kinds: [any TransferKind]
    /// At most this many writes in flight at once.
    public var jobs: Int
    /// Stop at the first failed write (the writes in flight finish).
    public var failFast: Bool
    /// Called after each write with the number done, the total and the resource's path.
    public var progress: (@Sendable (Int, Int, String) -> Void)?

    public init(kinds: [any TransferKind], jobs: Int = 8, failFast: Bool = false) throws {
        self.kinds = try Self.ordered(kinds)
        self.jobs = max(jobs, 1)
        self.failFast = failFast
    }

    /// The kinds `include` (all when empty) keeps and `exclude` drops; unknown names are an error.
    public func select(include: [String], exclude: [String]) throws -> [String] {
        let names = kinds.map(\.name)
        for name in include + exclude where !names.contains(name) {
            throw CommandFailure(
                code: .invalidOptionValue,
                message: "Unknown kind '\(name)'",
                hint: "The kinds are \(names.joined(separator: ", "))."
            )
        }
        return names.filter { (include.isEmpty || include.contains($0)) && !exclude.contains($0) }
    }

    /// Lists the `selected` kinds (and those they depend on, which are read but not written)
    /// and writes them into `tree` with the manifest; files of a selected kind that the
    /// server no longer has are removed.
    public func export(selected: [String], to tree: TransferTree, context: TransferContext) async throws
        -> TransferExport
    {
        // An export rewrites and removes files under the kinds' paths: a directory that holds
        // other things and no manifest is not one, and is left alone.
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: tree.root.path)) ?? []
        if !existing.isEmpty, !tree.exists(TransferTree.manifestPath) {
            throw CommandFailure(
                message: "'\(tree.root.path)' is not empty and holds no \(TransferTree.manifestPath)",
                hint: "Export into an empty or new directory, or into an earlier export."
            )
        }
        var context = context
        let needed = closure(of: selected)
        for kind in kinds where needed.contains(kind.name) {
            context.current[kind.name] = try await kind.list(in: context)
        }
        var written: Set<String> = []
        var counts = Record()
        var secrets: [String] = []
        for kind in kinds where selected.contains(kind.name) {
            let resources = context.current[kind.name] ?? []
            for resource in resources {
                guard written.insert(resource.path).inserted else {
                    throw TransferTreeError(
                        path: resource.path,
                        "Two \(kind.name) would be written to '\(resource.path)'"
                    )
                }
                try tree.write(resource.document, to: resource.path)
                secrets += resource.secrets
            }
            counts[kind.name] = .int(resources.count)
        }
        let removed = try tree.removeFiles(
            under: kinds.filter { selected.contains($0.name) }.flatMap(\.treePaths),
            keeping: written
        )
        let manifest = TransferManifest(
            grafanaVersion: context.serverVersion?.description,
            counts: counts,
            secrets: secrets.sorted()
        )
        try tree.write(manifest.value, to: TransferTree.manifestPath)
        return TransferExport(manifest: manifest, removed: removed)
    }

    /// Reads `tree` and plans every selected kind the manifest lists against the server.
    public func plan(selected: [String], from tree: TransferTree, prune: Bool, context: TransferContext) async throws
        -> TransferPlan
    {
        let manifest = try TransferManifest(tree: tree)
        var notes: [String] = []
        let planned = selected.filter { name in
            if manifest.counts[name] != nil { return true }
            notes.append("\(name): not in this export; left as it is")
            return false
        }
        var context = context
        let needed = closure(of: planned)
        if planned.contains("permissions") {
            context.creator = TransferCreator(
                profile: try await context.get("/api/user"),
                serverVersion: context.serverVersion
            )
        }
        var changes: [String: [TransferChange]] = [:]
        for kind in kinds where needed.contains(kind.name) {
            let current = try await kind.list(in: context)
            context.current[kind.name] = current
            guard manifest.counts[kind.name] != nil else { continue }
            let desired = try kind.read(from: tree, in: context)
            try Self.checkUnique(desired, kind: kind.name)
            context.exported[kind.name] = desired
            guard planned.contains(kind.name) else { continue }
            context.desired[kind.name] = desired
            notes += kind.notes(desired: desired, context: context).map { "\(kind.name): \($0)" }
            changes[kind.name] = kind.plan(desired: desired, current: current, prune: prune, context: context)
        }
        let missing = manifest.secrets.filter { context.secrets[$0] == nil }
        if !missing.isEmpty {
            notes.append(
                "not carried: \(missing.joined(separator: ", ")); supply each with --secret NAME=env:VAR or --secret NAME=file:PATH"
            )
        }
        return TransferPlan(
            kinds: kinds.map(\.name).filter { planned.contains($0) },
            changes: changes,
            context: context,
            notes: notes
        )
    }

    /// Applies a plan: creates and updates kind after kind in dependency order, stage after
    /// stage, then deletes in the reverse order; the writes of one stage run concurrently.
    /// A failed write is counted and the others go on, unless ``failFast``.
    public func apply(_ plan: TransferPlan) async -> TransferReport {
        var report = TransferReport(kinds: plan.kinds, notes: plan.notes)
        for name in plan.kinds {
            for change in plan.changes[name] ?? [] where !change.writes {
                report.count(name, .unchanged)
            }
        }
        let byName = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var batches: [(any TransferKind, [TransferChange])] = []
        for name in plan.kinds {
            guard let kind = byName[name] else { continue }
            let writes = (plan.changes[name] ?? []).filter { $0.writes && $0.action != .delete }
            for stage in Set(writes.map(\.resource.stage)).sorted() {
                batches.append((kind, writes.filter { $0.resource.stage == stage }))
            }
        }
        for name in plan.kinds.reversed() {
            guard let kind = byName[name] else { continue }
            let deletes = (plan.changes[name] ?? []).filter { $0.action == .delete }
            for stage in Set(deletes.map(\.resource.stage)).sorted(by: >) {
                batches.append((kind, deletes.filter { $0.resource.stage == stage }))
            }
        }
        let total = batches.reduce(0) { $0 + $1.1.count }
        var done = 0
        for (kind, changes) in batches {
            if failFast, !report.failures.isEmpty {
                for change in changes { report.skipped.append(change.resource.path) }
                continue
            }
            let outcomes = await run(changes, kind: kind, context: plan.context) { path in
                done += 1
                progress?(done, total, path)
            }
            for (index, change) in changes.enumerated() {
                if index >= outcomes.started {
                    report.skipped.append(change.resource.path)
                } else if let failure = outcomes.failures[index] {
                    report.count(kind.name, nil)
                    report.failures.append(
                        TransferFailure(path: change.resource.path, action: change.action, error: failure)
                    )
                } else {
                    report.count(kind.name, change.action)
                }
            }
        }
        return report
    }

    // MARK: Implementation

    /// Runs one batch at most ``jobs`` at a time: the failure of each change, in order, and
    /// how many were started (under ``failFast`` the rest are never sent).
    private func run(
        _ changes: [TransferChange],
        kind: any TransferKind,
        context: TransferContext,
        finished: (String) -> Void
    ) async -> (failures: [CommandFailure?], started: Int) {
        var failures = [CommandFailure?](repeating: nil, count: changes.count)
        var stop = false
        var started = 0
        await withTaskGroup(of: (Int, CommandFailure?).self) { group in
            var next = 0
            func startNext() {
                guard next < changes.count, !stop else { return }
                let index = next
                next += 1
                started = next
                group.addTask {
                    do {
                        try await kind.apply(changes[index], in: context)
                        return (index, nil)
                    } catch {
                        return (index, Self.failure(error))
                    }
                }
            }
            for _ in 0..<min(jobs, changes.count) { startNext() }
            while let (index, failure) = await group.next() {
                failures[index] = failure
                finished(changes[index].resource.path)
                if failure != nil, failFast { stop = true }
                startNext()
            }
        }
        return (failures, started)
    }

    /// An error of a write as a failure with Grafana's message.
    static func failure(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure: failure
        case let error as GrafanaError: CommandFailure(error)
        case let error as TransferTreeError: CommandFailure(message: error.message)
        default: CommandFailure(message: "\(error)")
        }
    }

    /// Two files of one kind naming the same resource would be written one over the other.
    static func checkUnique(_ resources: [TransferResource], kind: String) throws {
        var seen: [String: String] = [:]
        for resource in resources {
            if let other = seen.updateValue(resource.path, forKey: resource.identity) {
                throw TransferTreeError(
                    path: resource.path,
                    "\(other) and \(resource.path) both hold the \(kind) '\(resource.identity)'"
                )
            }
        }
    }

    /// `names` and every kind they depend on, transitively.
    func closure(of names: [String]) -> Set<String> {
        let byName = Dictionary(kinds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: Set<String> = []
        var pending = names
        while let name = pending.popLast() {
            guard result.insert(name).inserted, let kind = byName[name] else { continue }
            pending += kind.dependencies
        }
        return result
    }

    /// The kinds with each after those it depends on, otherwise in the order given.
    static func ordered(_ kinds: [any TransferKind]) throws -> [any TransferKind] {
        var ordered: [any TransferKind] = []
        var placed: Set<String> = []
        var pending = kinds
        while !pending.isEmpty {
            guard
                let index = pending.firstIndex(where: { kind in
                    kind.dependencies.allSatisfy { dependency in
                        placed.contains(dependency) || !kinds.contains { $0.name == dependency }
                    }
                })
            else {
                throw CommandFailure(
                    message: "The kinds \(pending.map(\.name).joined(separator: ", ")) depend on each other"
                )
            }
            let kind = pending.remove(at: index)
            ordered.append(kind)
            placed.insert(kind.name)
        }
        return ordered
    }
}

/// What an export wrote.
public struct TransferExport: Sendable {
    public var manifest: TransferManifest
    /// Files of an earlier export that the server no longer has, removed.
    public var removed: [String]
}

/// The changes an import will make, with the context they are applied in.
public struct TransferPlan: Sendable {
    /// The kinds planned, in dependency order.
    public var kinds: [String]
    /// The changes of each kind.
    public var changes: [String: [TransferChange]]
    /// The context after listing and reading every kind.
    public var context: TransferContext
    /// What the import cannot do (secrets not supplied, kinds not in the export).
    public var notes: [String]

    /// Every change that sends something, in the order the import sends them.
    public var writes: [TransferChange] {
        let forward = kinds.flatMap { kind in
            (changes[kind] ?? []).filter { $0.writes && $0.action != .delete }
                .sorted { $0.resource.stage < $1.resource.stage }
        }
        let deletes = kinds.reversed().flatMap { kind in
            (changes[kind] ?? []).filter { $0.action == .delete }.sorted { $0.resource.stage > $1.resource.stage }
        }
        return forward + deletes
    }
}

/// One write that failed.
public struct TransferFailure: Sendable {
    public var path: String
    public var action: TransferChange.Action
    public var error: CommandFailure
}

/// What an import did, per kind.
public struct TransferReport: Sendable {
    /// The kinds, in dependency order.
    public var kinds: [String]
    /// Counts per kind: `created`, `updated`, `unchanged`, `deleted`, `failed`.
    public var counts: [String: [String: Int]] = [:]
    public var failures: [TransferFailure] = []
    /// Resources not sent because an earlier write failed under `--fail-fast`.
    public var skipped: [String] = []
    public var notes: [String]

    public init(kinds: [String], notes: [String] = []) {
        self.kinds = kinds
        self.notes = notes
    }

    /// The summary columns, in order.
    public static let columns = ["kind", "created", "updated", "unchanged", "deleted", "failed"]

    mutating func count(_ kind: String, _ action: TransferChange.Action?) {
        let column =
            switch action {
            case .create: "created"
            case .update: "updated"
            case .unchanged: "unchanged"
            case .delete: "deleted"
            case nil: "failed"
            }
        counts[kind, default: [:]][column, default: 0] += 1
    }

    /// One row per kind with every count.
    public var rows: [Record] {
        kinds.map { kind in
            var row = Record([("kind", .string(kind))])
            for column in Self.columns.dropFirst() { row[column] = .int(counts[kind]?[column] ?? 0) }
            return row
        }
    }
}
