import Foundation
import GFSLanguage
import GrafanaAPI

@testable import GFSCommands

/// An org read resource by resource through the HTTP API, with what a transfer cannot or need
/// not keep taken out: ids, versions, timestamps, authors, provenance, tokens and passwords
/// (never readable), and the values of secure fields (only their names, and those only when
/// asked for).
struct OrgSnapshot: Sendable {
    /// Kind (`dashboards`, `teams`, ...) to resource key (a uid, name or login) to its content.
    var kinds: [String: [String: Value]] = [:]

    /// What to read.
    struct Options: Sendable {
        /// Compare the names of data sources' set secure fields (when the secrets were supplied).
        var secureFieldNames = false
        /// Read the folder tree below the top level (servers with nested folders).
        var nestedFolders = true
    }

    /// Fields of a resource that only record where and when it was saved.
    static let bookkeeping: Set<String> = [
        "id", "orgId", "orgID", "version", "created", "updated", "createdBy", "updatedBy", "provenance",
        "folderId", "dashboardId", "meta", "url", "iteration", "avatarUrl", "lastSeenAt", "lastSeenAtAge",
        "accessControl", "tokens", "userId", "teamId", "homeDashboardId", "typeLogoUrl", "typeName",
        "readOnly", "connectedDashboards", "schemaVersion",
    ]

    /// Reads the org `client` acts in.
    static func read(_ client: GrafanaClient, options: Options = Options()) async throws -> OrgSnapshot {
        var snapshot = OrgSnapshot()
        // Folders, by uid with their title and parent (nested folders: every level).
        var folders: [String: Value] = [:]
        var pending: [String?] = [nil]
        while let parent = pending.popLast() {
            let path = parent.map { "/api/folders?parentUid=\($0)&limit=1000" } ?? "/api/folders?limit=1000"
            for folder in try await get(client, path).items {
                // A server without nested folders ignores `parentUid` and answers the top level
                // again: a folder seen before is not walked twice.
                guard let uid = folder["uid"]?.stringValue, folders[uid] == nil else { continue }
                folders[uid] = .record(Record([("title", folder["title"] ?? .null), ("parentUid", parent.value)]))
                if options.nestedFolders { pending.append(uid) }
            }
        }
        snapshot.kinds["folders"] = folders

        // Dashboards, their models and folders.
        var dashboards: [String: Value] = [:]
        for hit in try await get(client, "/api/search?type=dash-db&limit=5000").items {
            guard let uid = hit["uid"]?.stringValue else { continue }
            let document = try await get(client, "/api/dashboards/uid/\(uid)")
            dashboards[uid] = .record(
                Record([
                    ("folderUid", nonEmpty(document["meta"]?["folderUid"]) ?? .null),
                    ("model", strip(document["dashboard"] ?? .null)),
                ])
            )
        }
        snapshot.kinds["dashboards"] = dashboards

        var panels: [String: Value] = [:]
        let library = try await get(client, "/api/library-elements?perPage=1000")
        for element in library["result"]?["elements"]?.items ?? [] {
            guard let uid = element["uid"]?.stringValue else { continue }
            var record = strip(element)
            if case .record(var fields) = record {
                fields["model"] = strip(fields["model"] ?? .null)
                fields["folderName"] = nil
                fields["folderUid"] = nonEmpty(fields["folderUid"]) ?? .null
                record = .record(fields)
            }
            panels[uid] = record
        }
        snapshot.kinds["library-panels"] = panels

        var sources: [String: Value] = [:]
        for source in try await get(client, "/api/datasources").items {
            guard let uid = source["uid"]?.stringValue else { continue }
            let full = try await get(client, "/api/datasources/uid/\(uid)")
            guard case .record(var fields) = strip(full) else { continue }
            let secure = fields["secureJsonFields"]?.recordValue?.keys.sorted() ?? []
            fields["secureJsonFields"] = options.secureFieldNames ? .list(secure.map(Value.string)) : nil
            sources[source["name"]?.stringValue ?? uid] = .record(fields)
        }
        snapshot.kinds["datasources"] = sources

        var rules: [String: Value] = [:]
        for rule in try await get(client, "/api/v1/provisioning/alert-rules").items {
            guard let uid = rule["uid"]?.stringValue else { continue }
            rules[uid] = strip(rule)
        }
        snapshot.kinds["alert-rules"] = rules
        var contactPoints: [String: Value] = [:]
        for point in try await get(client, "/api/v1/provisioning/contact-points").items {
            guard case .record(var fields) = strip(point) else { continue }
            // A contact point's uid is made by the server that creates it.
            fields["uid"] = nil
            contactPoints["\(point["name"]?.stringValue ?? "")/\(point["type"]?.stringValue ?? "")"] = .record(fields)
        }
        snapshot.kinds["contact-points"] = contactPoints
        snapshot.kinds["notification-policies"] = [
            "tree": strip(try await get(client, "/api/v1/provisioning/policies"))
        ]

        // Teams by name, with members by login; users by login with their org role.
        var teams: [String: Value] = [:]
        var teamIDs: [String: Int64] = [:]
        for team in try await get(client, "/api/teams/search?perpage=1000").teamsItems {
            guard let name = team["name"]?.stringValue, let id = team["id"]?.intValue else { continue }
            teamIDs[name] = id
            let members = try await get(client, "/api/teams/\(id)/members").items
                .compactMap { $0["login"]?.stringValue }.sorted()
            let preferences = strip(try await get(client, "/api/teams/\(id)/preferences"))
            teams[name] = .record(
                Record([
                    ("email", team["email"] ?? .null), ("members", .list(members.map(Value.string))),
                    ("preferences", preferences),
                ])
            )
        }
        snapshot.kinds["teams"] = teams
        var users: [String: Value] = [:]
        for user in try await get(client, "/api/org/users").items {
            guard let login = user["login"]?.stringValue else { continue }
            users[login] = .record(
                Record([
                    ("email", user["email"] ?? .null), ("name", user["name"] ?? .null), ("role", user["role"] ?? .null),
                ])
            )
        }
        snapshot.kinds["users"] = users
        var accounts: [String: Value] = [:]
        for account in try await get(client, "/api/serviceaccounts/search?perpage=1000")["serviceAccounts"]?.items ?? []
        {
            guard let name = account["name"]?.stringValue else { continue }
            accounts[name] = .record(
                Record([("role", account["role"] ?? .null), ("isDisabled", account["isDisabled"] ?? .bool(false))])
            )
        }
        snapshot.kinds["service-accounts"] = accounts

        // The grants set on each folder and dashboard (inherited ones belong to the parent), by
        // login, team name or role.
        var grants: [String: Value] = [:]
        for uid in folders.keys {
            grants["folder \(uid)"] = grantList(try await get(client, "/api/folders/\(uid)/permissions"))
        }
        for uid in dashboards.keys {
            grants["dashboard \(uid)"] = grantList(try await get(client, "/api/dashboards/uid/\(uid)/permissions"))
        }
        snapshot.kinds["permissions"] = grants

        snapshot.kinds["preferences"] = ["org": strip(try await get(client, "/api/org/preferences"))]
        return snapshot
    }

    /// How `other` differs from this snapshot, one sentence per difference, in a stable order;
    /// empty when they agree.
    func differences(
        from other: OrgSnapshot,
        firstName: String = "the first org",
        secondName: String = "the second org"
    )
        -> [String]
    {
        var found: [String] = []
        for kind in Set(kinds.keys).union(other.kinds.keys).sorted() {
            let mine = kinds[kind] ?? [:]
            let theirs = other.kinds[kind] ?? [:]
            for key in Set(mine.keys).union(theirs.keys).sorted() {
                switch (mine[key], theirs[key]) {
                case (let left?, nil):
                    found.append("\(kind) '\(key)' is only in \(firstName): \(left.compactJSON.prefix(120))")
                case (nil, let right?):
                    found.append("\(kind) '\(key)' is only in \(secondName): \(right.compactJSON.prefix(120))")
                case (let left?, let right?):
                    if let difference = Self.firstDifference(left, right, path: "") {
                        found.append("\(kind) '\(key)' differs at \(difference)")
                    }
                default: break
                }
            }
        }
        return found
    }

    /// The first place two values differ, with both sides; a field one side lacks counts only
    /// when the other side holds something (a newer server adds empty fields).
    static func firstDifference(_ left: Value, _ right: Value, path: String) -> String? {
        switch (left, right) {
        case (.record(let a), .record(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                let here = path.isEmpty ? key : "\(path).\(key)"
                switch (a[key], b[key]) {
                case (let x?, let y?):
                    if let difference = firstDifference(x, y, path: here) { return difference }
                case (let x?, nil) where !x.isEmptyish: return "\(here): \(x.compactJSON.prefix(80)) against nothing"
                case (nil, let y?) where !y.isEmptyish: return "\(here): nothing against \(y.compactJSON.prefix(80))"
                default: continue
                }
            }
            return nil
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return "\(path): \(a.count) items against \(b.count)" }
            for (index, pair) in zip(a, b).enumerated() {
                if let difference = firstDifference(pair.0, pair.1, path: "\(path)[\(index)]") { return difference }
            }
            return nil
        case (.int(let a), .double(let b)) where Double(a) == b: return nil
        case (.double(let a), .int(let b)) where a == Double(b): return nil
        default:
            return left == right
                ? nil : "\(path): \(left.compactJSON.prefix(80)) against \(right.compactJSON.prefix(80))"
        }
    }

    static func get(_ client: GrafanaClient, _ path: String) async throws -> Value {
        let response = try await client.send(RawRequest(method: .get, path: path)).get()
        if response.body.isEmpty { return .null }
        return try Value(json: String(decoding: response.body, as: UTF8.self))
    }

    /// A resource without its bookkeeping fields (top level only: a panel's `id` is content).
    static func strip(_ value: Value) -> Value {
        guard case .record(var fields) = value else { return value }
        for key in bookkeeping { fields[key] = nil }
        return .record(fields)
    }

    /// A value unless it is absent, null or the empty string (how Grafana writes "none").
    static func nonEmpty(_ value: Value?) -> Value? {
        guard let value, value != .null, value != "" else { return nil }
        return value
    }

    static func grantList(_ value: Value) -> Value {
        let grants = value.items.filter { $0["inherited"] != .bool(true) }.map { grant in
            Value.record(
                Record(dropping: [
                    ("user", nonEmpty(grant["userLogin"])),
                    ("team", nonEmpty(grant["team"])),
                    ("role", nonEmpty(grant["role"])),
                    ("permission", grant["permission"]),
                ])
            )
        }
        return .list(grants.sorted { $0.compactJSON < $1.compactJSON })
    }
}

extension Value {
    /// A list's items, or a record's `result` list, or nothing.
    fileprivate var items: [Value] {
        if case .list(let items) = self { return items }
        return []
    }

    fileprivate var teamsItems: [Value] { self["teams"]?.items ?? [] }

    /// Null, false, zero, an empty string, list or record: what a server may add to a resource
    /// without saying anything.
    fileprivate var isEmptyish: Bool {
        switch self {
        case .null, .bool(false), .int(0): true
        case .string(let text): text.isEmpty
        case .list(let items): items.isEmpty
        case .record(let record): record.isEmpty
        default: false
        }
    }
}
