import CLibEdit
import CLibEditShim
import Foundation

/// The shell's history: libedit's in-memory list, loaded from and saved to one file.
///
/// The file is `$GFS_HISTFILE` (`/dev/null` disables it) or `$XDG_STATE_HOME/gfs/history`
/// (`~/.local/state/gfs/history`), in libedit's own format. Each recorded line passes through
/// the `HistoryPolicy` first, and is saved at once: there is no exit path on which an unsaved
/// line could be lost (`exit()` runs no deinitialisers). A save merges: it rereads the file,
/// which other sessions may have appended to, adds this session's new lines, writes a
/// temporary file (mode 0600) in the same directory and renames it over the old one.
///
/// Sessions sharing the file take an exclusive `flock` on a lock file beside it
/// (`history.lock`) for the whole read-merge-rename, so that two saves at the same moment
/// cannot both read the old file and the later rename drop the other's lines. The lock is on
/// a file of its own because the history file is replaced by each save: a lock on it would
/// be held on an inode that is no longer the file.
public final class HistoryStore: @unchecked Sendable {
    /// How many entries are kept, in memory and in the file.
    public static let defaultCapacity = 1000

    /// The history file, or `nil` when history is not saved.
    public let path: String?
    public let policy: HistoryPolicy
    public let capacity: Int

    /// libedit's `History *`, for `EL_HIST`.
    let handle: OpaquePointer
    private let lock = NSLock()
    /// Entries recorded since the last save.
    private var unsaved: [String] = []

    /// The history file named by `environment` (the process's when `nil`), or `nil` when
    /// `GFS_HISTFILE` is `/dev/null`.
    public static func path(environment: [String: String]? = nil) -> String? {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let file = environment["GFS_HISTFILE"], !file.isEmpty {
            return file == "/dev/null" ? nil : file
        }
        // The XDG spec ignores relative paths in its variables.
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/gfs/history"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/gfs/history"
    }

    /// Creates an empty history; call `load()` to read the file.
    public init(path: String?, policy: HistoryPolicy = HistoryPolicy(), capacity: Int = defaultCapacity) {
        self.path = path
        self.policy = policy
        self.capacity = capacity
        self.handle = history_init()
        _ = gfs_history_set_size(handle, Int32(capacity))
        _ = gfs_history_set_unique(handle, 1)
    }

    deinit {
        history_end(handle)
    }

    /// The entries, oldest first.
    public var entries: [String] {
        lock.withLock { Self.entries(of: handle) }
    }

    /// Reads the history file into memory. A missing file is an empty history.
    public func load() throws(HistoryError) {
        guard let path else { return }
        lock.lock()
        defer { lock.unlock() }
        guard try Self.fileHasEntries(at: path) else { return }
        if gfs_history_load(handle, path) < 0 {
            throw HistoryError("Cannot read the history file \(path)")
        }
    }

    /// Records one typed line as the policy decides, then saves the file.
    ///
    /// - Parameter secrets: values the session knows to be secret (an API key the server
    ///   returned), which must not be stored.
    /// - Returns: what the policy decided, so the caller can tell the user nothing was kept.
    @discardableResult
    public func record(_ line: String, secrets: Set<String> = []) throws(HistoryError) -> HistoryDecision {
        let decision = policy.decide(line, secrets: secrets)
        guard let entry = decision.entry else { return decision }
        lock.withLock {
            _ = gfs_history_enter(handle, entry)
            unsaved.append(entry)
        }
        try save()
        return decision
    }

    /// Writes the file: what it holds now plus this session's unsaved entries, atomically.
    public func save() throws(HistoryError) {
        guard let path else { return }
        lock.lock()
        defer { lock.unlock() }
        guard !unsaved.isEmpty else { return }
        try Self.makeDirectory(for: path)
        let lockDescriptor = try Self.lockExclusively(path + ".lock")
        // Closing the descriptor releases the lock, after the rename.
        defer { close(lockDescriptor) }
        let merged = history_init()!
        defer { history_end(merged) }
        _ = gfs_history_set_size(merged, Int32(capacity))
        _ = gfs_history_set_unique(merged, 1)
        if try Self.fileHasEntries(at: path), gfs_history_load(merged, path) < 0 {
            // Never replace a file we cannot read with only this session's lines.
            throw HistoryError("Cannot read the history file \(path)")
        }
        for entry in unsaved { _ = gfs_history_enter(merged, entry) }
        try Self.writeAtomically(merged, to: path)
        unsaved.removeAll()
    }

    // MARK: Files

    private static func entries(of history: OpaquePointer) -> [String] {
        var result: [String] = []
        var entry = gfs_history_oldest(history)
        while let current = entry {
            result.append(String(cString: current))
            entry = gfs_history_newer(history)
        }
        return result
    }

    /// Opens (creating, mode 0600) the lock file and waits for an exclusive `flock` on it.
    ///
    /// `flock` locks belong to the open file description, so each save opens the file anew:
    /// two stores in one process exclude each other as two processes do.
    private static func lockExclusively(_ lockPath: String) throws(HistoryError) -> Int32 {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw HistoryError("Cannot lock the history file \(lockPath)", errno: errno)
        }
        while flock(descriptor, LOCK_EX) != 0 {
            // A signal (a resize) interrupted the wait: wait again.
            if errno == EINTR { continue }
            let code = errno
            close(descriptor)
            throw HistoryError("Cannot lock the history file \(lockPath)", errno: code)
        }
        return descriptor
    }

    private static func fileHasEntries(at path: String) throws(HistoryError) -> Bool {
        var status = stat()
        if stat(path, &status) != 0 {
            if errno == ENOENT { return false }
            throw HistoryError("Cannot read the history file \(path)", errno: errno)
        }
        return status.st_size > 0
    }

    /// Creates the history file's directory with mode 0700 when it is missing; its parents,
    /// if also missing, get the usual 0755 (XDG base directory spec).
    private static func makeDirectory(for path: String) throws(HistoryError) {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) { return }
        let parent = (directory as NSString).deletingLastPathComponent
        do {
            if !parent.isEmpty {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
        } catch {
            throw HistoryError("Cannot create the directory \(parent)")
        }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw HistoryError("Cannot create the directory \(directory)", errno: errno)
        }
    }

    private static func writeAtomically(_ history: OpaquePointer, to path: String) throws(HistoryError) {
        let directory = (path as NSString).deletingLastPathComponent
        var template = Array(((directory.isEmpty ? "." : directory) + "/.history.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw HistoryError("Cannot write the history file \(path)", errno: errno)
        }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        fchmod(descriptor, 0o600)
        guard let file = fdopen(descriptor, "w") else {
            close(descriptor)
            unlink(temporary)
            throw HistoryError("Cannot write the history file \(path)", errno: errno)
        }
        let written = gfs_history_save_fp(history, file) >= 0
        let flushed = fflush(file) == 0 && fsync(descriptor) == 0
        let closed = fclose(file) == 0
        guard written, flushed, closed, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw HistoryError("Cannot write the history file \(path)", errno: code)
        }
    }
}

/// A history file could not be read or written.
public struct HistoryError: Error, Equatable, CustomStringConvertible {
    public var message: String

    init(_ message: String, errno code: Int32? = nil) {
        if let code, let reason = strerror(code) {
            self.message = "\(message): \(String(cString: reason))"
        } else {
            self.message = message
        }
    }

    public var description: String { message }
}
