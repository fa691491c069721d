import Foundation
import GFSAllocator

/// The sandbox's state, behind an actor so requests see one consistent history.
///
/// Handlers change the state through ``write(_:)``: the closure works on a copy, and the copy
/// replaces the state (and is saved, when a state file is configured) only if the closure
/// returns normally. A request that fails half-way therefore changes nothing.
actor SandboxStore {
    private(set) var state: SandboxState
    private let persistence: StatePersistence?
    /// The configured clock (``SandboxConfiguration/now``), for code that has the store but
    /// not the configuration, such as authentication.
    nonisolated let now: @Sendable () -> Date
    /// ``SandboxConfiguration/versionsToKeep``.
    private let versionsToKeep: Int
    /// When the cleanup of old dashboard versions next runs.
    private var nextVersionCleanup: Date

    /// A store seeded as a fresh Grafana: org 1 "Main Org." and the server admin (user 1),
    /// Admin of org 1 (Grafana's first-start migration, `pkg/services/sqlstore/sqlstore.go`
    /// `ensureMainOrgAndAdminUser`). With a state file that exists, its contents are loaded.
    init(configuration: SandboxConfiguration) throws {
        // An empty password is refused rather than seeded: it is a mistake (an unset variable,
        // an empty file), not a choice.
        guard !configuration.adminPassword.isEmpty else { throw EmptyAdminPassword() }
        now = configuration.now
        versionsToKeep = configuration.versionsToKeep
        nextVersionCleanup = configuration.now().addingTimeInterval(Self.cleanupInterval)
        guard let path = configuration.stateFile else {
            persistence = nil
            state = Self.seed(adminUser: configuration.adminUser, adminPassword: configuration.adminPassword)
            return
        }
        let persistence = StatePersistence(path: path)
        self.persistence = persistence
        state =
            try persistence.load()
            ?? Self.seed(adminUser: configuration.adminUser, adminPassword: configuration.adminPassword)
        try persistence.start(with: state)
    }

    static func seed(adminUser: String, adminPassword: String) -> SandboxState {
        var state = SandboxState()
        let now = Date()
        let orgID = state.insertOrg(name: "Main Org.", now: now)
        let salt = KeyGenerator.randomString(10)
        let admin = StoredUser(
            id: state.allocateUserID(),
            uid: KeyGenerator.shortUID(),
            login: adminUser,
            email: "admin@localhost",
            name: "",
            passwordHash: KeyGenerator.hash(adminPassword, salt: salt),
            salt: salt,
            isServerAdmin: true,
            isDisabled: false,
            isServiceAccount: false,
            currentOrgID: orgID,
            created: now,
            updated: now
        )
        state.users.append(admin)
        state.memberships.append(
            StoredMembership(orgID: orgID, userID: admin.id, role: .admin, created: now, updated: now)
        )
        return state
    }

    /// `CleanUpService.Run` ticks every ten minutes (`pkg/services/cleanup/cleanup.go`), the
    /// first tick ten minutes after start.
    static let cleanupInterval: TimeInterval = 600

    /// Reads the state.
    func read<T: Sendable>(_ body: @Sendable (SandboxState) throws -> T) rethrows -> T {
        cleanUpIfDue()
        return try body(state)
    }

    /// Runs the cleanup of old dashboard versions when a tick of its ticker has passed on the
    /// configured clock. The sandbox has no timer of its own: the next request after the tick
    /// sees the cleanup done, and ticks missed while nobody asked run once (a Go ticker drops
    /// the ticks its reader was too slow for). A failure to persist leaves it for the next tick,
    /// as Grafana logs and goes on.
    private func cleanUpIfDue() {
        let current = now()
        guard current >= nextVersionCleanup else { return }
        while nextVersionCleanup <= current { nextVersionCleanup.addTimeInterval(Self.cleanupInterval) }
        let keep = versionsToKeep
        _ = try? commit { state in state.dashboards.pruneVersions(keeping: keep) }
    }

    /// Changes the state all-or-nothing and, when a state file is configured, returns only once
    /// the change is on disk. Bookkeeping writes (last-seen times) pass `persist: false` and
    /// ride along with the next persisted write.
    ///
    /// The closure works on a copy, which costs little: the large table (dashboards) is a
    /// persistent trie that shares all but the changed path with the committed state.
    func write<T: Sendable>(persist: Bool = true, _ body: @Sendable (inout SandboxState) throws -> T) throws -> T {
        cleanUpIfDue()
        return try commit(persist: persist, body)
    }

    private func commit<T>(persist: Bool = true, _ body: (inout SandboxState) throws -> T) throws -> T {
        var copy = state
        let result = try body(&copy)
        if let persistence {
            if persist { try persistence.append(&copy) }
        } else {
            _ = copy.dashboards.takeChanges()
        }
        let released = copy.dashboards.takeReleasedBytes()
        state = copy
        if released >= Self.trimThreshold { MallocTuning.returnFreedMemory() }
        return result
    }

    /// A replaced model of this many JSON bytes or more (a large dashboard) frees enough that
    /// handing it back to the system is worth a walk of the allocator's free lists: glibc keeps
    /// a value tree freed in the middle of its heap resident otherwise.
    static let trimThreshold = 1 << 20
}

/// ``SandboxConfiguration/adminPassword`` is empty.
public struct EmptyAdminPassword: Error, CustomStringConvertible {
    public var description: String { "The sandbox administrator's password is empty." }
}

extension SandboxState {
    mutating func allocateUserID() -> Int64 {
        defer { nextUserID += 1 }
        return nextUserID
    }

    mutating func allocateAPIKeyID() -> Int64 {
        defer { nextAPIKeyID += 1 }
        return nextAPIKeyID
    }

    /// Dashboards and folders share one id sequence: folders are rows of Grafana's
    /// `dashboard` table (`is_folder = 1`).
    mutating func allocateDashboardID() -> Int64 {
        defer { nextDashboardID += 1 }
        return nextDashboardID
    }

    @discardableResult
    mutating func insertOrg(name: String, now: Date) -> Int64 {
        let id = nextOrgID
        nextOrgID += 1
        orgs.append(StoredOrg(id: id, name: name, created: now, updated: now))
        return id
    }

    func org(_ id: Int64) -> StoredOrg? { orgs.first { $0.id == id } }
    func user(_ id: Int64) -> StoredUser? { users.first { $0.id == id } }
    func userIndex(_ id: Int64) -> Int? { users.firstIndex { $0.id == id } }

    /// A person (not a service account) by login or email, case-insensitively as Grafana's
    /// user store compares them.
    func user(loginOrEmail: String) -> StoredUser? {
        let wanted = loginOrEmail.lowercased()
        return users.first {
            !$0.isServiceAccount && ($0.login.lowercased() == wanted || $0.email.lowercased() == wanted)
        }
    }

    func membership(orgID: Int64, userID: Int64) -> StoredMembership? {
        memberships.first { $0.orgID == orgID && $0.userID == userID }
    }

    func role(of userID: Int64, in orgID: Int64) -> OrgRole? { membership(orgID: orgID, userID: userID)?.role }
}
