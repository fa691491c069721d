import Foundation
public import GFSLanguage
public import GrafanaAPI

// MARK: Public interface

/// One kind of resource an org export holds (folders, dashboards, data sources, ...): how the
/// server's resources are listed, how they are written as files, how files are read back as
/// desired state, how that state is planned against the server and how a plan is applied.
///
/// `org export` lists every selected kind in dependency order and writes each resource's
/// ``TransferResource/document`` at its ``TransferResource/path``; `org import` lists and reads
/// every kind, plans each with ``plan(desired:current:prune:context:)`` and applies the
/// changes, kind after kind in dependency order (deletes in the reverse order). A kind sees
/// the resources of the kinds before it in ``TransferContext/current`` and
/// ``TransferContext/desired``, which is how references (the folder of a dashboard) are
/// resolved by uid or name, never by id.
public protocol TransferKind: Sendable {
    /// The kind's name in `--include`, `--exclude`, the manifest and the summary: `folders`.
    var name: String { get }
    /// The kinds whose resources must exist before this kind's are written.
    var dependencies: [String] { get }
    /// The paths of the tree this kind owns (`dashboards`, `preferences.json`): an export
    /// removes the files under them that it did not write, so a deleted resource leaves the tree.
    var treePaths: [String] { get }
    /// The server's resources of this kind in the current org, in their canonical form.
    func list(in context: TransferContext) async throws -> [TransferResource]
    /// The tree's resources of this kind: the state the import converges to. Throws (before
    /// anything is sent) for a file that cannot be read or makes no sense.
    func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource]
    /// The changes that take the server's `current` resources to `desired`. The default
    /// matches resources by ``TransferResource/identity`` and compares their
    /// ``TransferResource/state``.
    func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    /// Sends the writes of one change (create, update or delete) through ``TransferContext/write(_:_:body:)``.
    func apply(_ change: TransferChange, in context: TransferContext) async throws
    /// What the import cannot carry of the tree's resources on this server, said before
    /// anything is sent. The default says nothing.
    func notes(desired: [TransferResource], context: TransferContext) -> [String]
}

/// One resource as the transfer sees it: the file it is written to and the state compared.
public struct TransferResource: Sendable, Hashable {
    /// The kind's name.
    public var kind: String
    /// What identifies it across orgs and servers: its uid, or its name where it has none.
    public var identity: String
    /// Its file, relative to the tree's root: `dashboards/Team A/prod-overview.json`.
    public var path: String
    /// The file's content, canonical: no ids or versions, so an unchanged export is
    /// byte-identical.
    public var document: Value
    /// What is compared between the tree and the server; the document and the references
    /// the path carries (a dashboard's folder uid). Defaults to the document.
    public var state: Value
    /// Server bookkeeping a write needs but nothing compares (a library panel's version).
    public var server: Record
    /// Changes of one kind run stage after stage (a folder's depth: parents first); the
    /// changes of one stage run concurrently. Deletes run the stages backwards.
    public var stage: Int
    /// Names of secrets the resource needs and the export cannot carry (`UID.password`),
    /// supplied at import with `--secret NAME=env:VAR`.
    public var secrets: [String]

    public init(
        kind: String,
        identity: String,
        path: String,
        document: Value,
        state: Value? = nil,
        server: Record = Record(),
        stage: Int = 0,
        secrets: [String] = []
    ) {
        self.kind = kind
        self.identity = identity
        self.path = path
        self.document = document
        self.state = state ?? document
        self.server = server
        self.stage = stage
        self.secrets = secrets
    }
}

/// What an import does to one resource.
public struct TransferChange: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case create, update, unchanged, delete
    }

    public var action: Action
    /// The tree's resource; nil for a delete.
    public var desired: TransferResource?
    /// The server's resource; nil for a create.
    public var current: TransferResource?

    public init(_ action: Action, desired: TransferResource?, current: TransferResource?) {
        self.action = action
        self.desired = desired
        self.current = current
    }

    /// The resource the change is about: the tree's, or the server's for a delete.
    public var resource: TransferResource {
        guard let resource = desired ?? current else { preconditionFailure("A change without a resource") }
        return resource
    }

    /// Whether it sends anything.
    public var writes: Bool { action != .unchanged }
}

extension TransferKind {
    public func notes(desired: [TransferResource], context: TransferContext) -> [String] { [] }

    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        TransferChange.matching(desired: desired, current: current, prune: prune)
    }
}

extension TransferChange {
    /// Matches `desired` to `current` by identity: missing is a create, a different state an
    /// update, the same state unchanged, and with `prune` what the tree lacks a delete.
    public static func matching(desired: [TransferResource], current: [TransferResource], prune: Bool)
        -> [TransferChange]
    {
        var remaining = Dictionary(current.map { ($0.identity, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [TransferChange] = []
        for resource in desired {
            if let existing = remaining.removeValue(forKey: resource.identity) {
                let action: Action = existing.state == resource.state ? .unchanged : .update
                changes.append(TransferChange(action, desired: resource, current: existing))
            } else {
                changes.append(TransferChange(.create, desired: resource, current: nil))
            }
        }
        if prune {
            for resource in current where remaining[resource.identity] != nil {
                changes.append(TransferChange(.delete, desired: nil, current: resource))
            }
        }
        return changes
    }
}

/// What a kind may use while listing, reading and applying: the client of the current org
/// (its writes captured under `--dry-run`), the server version, the secrets supplied, and
/// the resources of the kinds handled before it.
public struct TransferContext: Sendable {
    public let client: GrafanaClient
    /// The server's version; nil when it hides it.
    public let serverVersion: GrafanaVersion?
    /// Secrets by name (`UID.password`), from `--secret`.
    public var secrets: [String: String]
    /// The server's resources of the kinds listed so far, by kind name.
    public var current: [String: [TransferResource]] = [:]
    /// The tree's resources of the kinds read so far, by kind name (import only).
    public var desired: [String: [TransferResource]] = [:]
    /// The tree's resources of every kind it holds that was read so far, those left out by
    /// `--include` or `--exclude` too: what a reference in the tree meant where it was
    /// exported (the name of a data source a panel names by uid).
    public var exported: [String: [TransferResource]] = [:]
    /// Who the import writes as, read before planning when grants are imported: what Grafana
    /// makes Admin of each folder and dashboard it creates.
    public var creator: TransferCreator?

    public init(client: GrafanaClient, serverVersion: GrafanaVersion?, secrets: [String: String] = [:]) {
        self.client = client
        self.serverVersion = serverVersion
        self.secrets = secrets
    }

    /// Whether the server nests folders (Grafana 11 and later; before, `parentUid` is ignored).
    public var hasNestedFolders: Bool { serverVersion.map { $0.isAtLeast(11, 0) } ?? true }

    /// `GET path` as a value; `path` is built with ``path(_:)``.
    public func get(_ path: String, query: [QueryItem] = []) async throws -> Value {
        switch try await client.send(RawRequest(method: .get, path: path, query: query)) {
        case .sent(let response): return try Self.parse(response.body)
        case .planned: return .null
        }
    }

    /// Sends a write; its answer, or nil when a dry run only planned it.
    @discardableResult
    public func write(_ method: TransportRequest.Method, _ path: String, body: Value? = nil) async throws -> Value? {
        let data = body.map { Data($0.jsonBytes()) }
        let headers = body == nil ? [] : [HTTPHeaderField("Content-Type", "application/json")]
        switch try await client.send(RawRequest(method: method, path: path, headers: headers, body: data)) {
        case .sent(let response): return try Self.parse(response.body)
        case .planned: return nil
        }
    }

    /// A path from segments, each percent-escaped: `path("api", "folders", uid)`.
    public func path(_ segments: String...) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/%?#")
        return "/"
            + segments.map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: "/")
    }

    static func parse(_ body: Data) throws -> Value {
        if body.isEmpty { return .null }
        return try Value(jsonUTF8: body)
    }

    /// The resources of `kind` the tree holds if it was read, else the server's.
    public func resources(of kind: String) -> [TransferResource] {
        desired[kind] ?? current[kind] ?? []
    }
}

/// The caller of an import as `GET /api/user` answers it.
public struct TransferCreator: Sendable, Hashable {
    /// The login Grafana makes Admin of what the caller creates, or nil when it makes none:
    /// a user always, a service account from 11 (`setDefaultPermissions` tests
    /// `IsIdentityType(TypeUser, TypeServiceAccount)`; before, only users), an API key never.
    public var adminLogin: String?

    /// From `/api/user`: a user has its id; a service account or API key answers id 0 and a
    /// `uid` of `service-account:N` or `api-key:N` (`user.UserProfileDTO` of a non-user caller).
    public init(profile: Value, serverVersion: GrafanaVersion?) {
        let login = profile["login"]?.stringValue ?? ""
        let isUser = (profile["id"]?.intValue ?? 0) != 0
        let isServiceAccount = profile["uid"]?.stringValue?.hasPrefix("service-account:") == true
        let serviceAccountsAreAdmins = serverVersion.map { $0.isAtLeast(11, 0) } ?? true
        adminLogin = !login.isEmpty && (isUser || (isServiceAccount && serviceAccountsAreAdmins)) ? login : nil
    }
}

/// A file of the tree that cannot be used.
public struct TransferTreeError: Error, Sendable {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
}
