import Foundation

/// The state file (`--state FILE`): an append-only journal of changes.
///
/// Why a journal rather than rewriting the file or SQLite: rewriting the whole state after each
/// change made a write cost O(size of the state) (150 writes/s fell to 50 as the file grew to
/// 200 KB). A journal appends only what a change touched, so a save costs the same with 5,000
/// dashboards as with 10; it needs no new dependency and keeps the file plain text. SQLite
/// would also give O(1) writes but would need the whole state mapped to tables for the same
/// result.
///
/// The file is a sequence of lines, `CRC32-IN-HEX SP JSON LF`. The first record holds a whole
/// snapshot of the state; each later one holds what one write changed (see ``JournalRecord``).
/// A change is acknowledged only after its record is written and `fsync`ed, so a crash or
/// power loss cannot lose it. A crash in the middle of an append leaves a torn last line
/// (short, or failing its checksum): loading ignores it and everything after it, which were
/// never acknowledged, and keeps every earlier record.
///
/// On start, and whenever the journal outgrows its last snapshot several times over, it is
/// compacted: a new file holding one snapshot is written beside it, `fsync`ed, renamed over it,
/// and the directory is `fsync`ed so the rename itself survives a power loss. The file is
/// created with mode 0600: it holds password and token hashes, which nobody else on the machine
/// should be able to read and attack offline.
///
/// A file written by earlier versions (one JSON document of the whole state) is read too, and
/// turned into a journal on the spot.
final class StatePersistence {
    let path: String
    private var descriptor: Int32 = -1
    /// Bytes in the journal now, and in its snapshot record.
    private var size = 0
    private var snapshotSize = 0
    /// What the last record left on disk, to tell which small tables a write changed
    /// (``JournalRecord/changes(from:to:)``). Holds no dashboards.
    private var persisted = SandboxState()

    /// Why the state file could not be used.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String) {
        self.path = path
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Reads the state, or `nil` when there is no file yet. Call ``start(with:)`` afterwards.
    func load() throws -> SandboxState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(description: "Cannot read the sandbox state file \(path): \(error)")
        }
        if data.first == UInt8(ascii: "{") { return try Self.loadWholeDocument(data, path: path) }
        let decoder = JSONDecoder()
        var state: SandboxState?
        for record in Self.records(in: data) {
            guard let decoded = try? decoder.decode(JournalRecord.self, from: record) else { break }
            if let snapshot = decoded.snapshot {
                state = snapshot
            } else if state != nil {
                decoded.apply(to: &state!)
            }
        }
        guard let state else {
            throw Failure(description: "Cannot read the sandbox state file \(path): it holds no snapshot of the state")
        }
        return state
    }

    /// Compacts the file to one snapshot of `state` and opens it for appending.
    func start(with state: SandboxState) throws {
        try compact(state)
    }

    /// Appends what changed between the last persisted write and `state`, and waits until it
    /// is on disk. `state` must be the value about to be committed; its dashboard changes are
    /// taken from it. On failure the file is left as it was.
    func append(_ state: inout SandboxState) throws {
        let record = JournalRecord.changes(from: persisted, to: &state)
        let line = try Self.line(for: record)
        try appendDurably(line)
        remember(state)
        if size > max(4 * snapshotSize, 1 << 20) { try compact(state) }
    }

    // MARK: Writing

    private func compact(_ state: SandboxState) throws {
        let line = try Self.line(for: JournalRecord(snapshot: state))
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent().path
        let temporary = directory + "/.\(target.lastPathComponent).\(UUID().uuidString).tmp"
        do {
            let fresh = try Self.createPrivately(temporary)
            do {
                try Self.writeAll(line, to: fresh, path: temporary)
                try Self.sync(fresh, path: temporary)
            } catch {
                close(fresh)
                throw error
            }
            close(fresh)
            if rename(temporary, path) != 0 {
                throw Failure(description: "Cannot replace the sandbox state file \(path) (errno \(errno))")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try Self.syncDirectory(directory)
        if descriptor >= 0 { close(descriptor) }
        descriptor = open(path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else {
            throw Failure(description: "Cannot open the sandbox state file \(path) (errno \(errno))")
        }
        size = line.count
        snapshotSize = line.count
        remember(state)
    }

    private func appendDurably(_ line: [UInt8]) throws {
        do {
            try Self.writeAll(line, to: descriptor, path: path)
            try Self.sync(descriptor, path: path)
            size += line.count
        } catch {
            // Cut off what part of the record got out, so the next append does not follow a
            // torn line (loading stops at the first one).
            _ = ftruncate(descriptor, off_t(size))
            throw error
        }
    }

    private func remember(_ state: SandboxState) {
        var tables = state
        tables.dashboards = DashboardTable()
        persisted = tables
    }

    // MARK: Format

    private static func line(for record: JournalRecord) throws -> [UInt8] {
        let json = Array(try JSONEncoder().encode(record))
        var line = Array(hex(CRC32.checksum(json)).utf8)
        line.append(UInt8(ascii: " "))
        line += json
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// The JSON of each whole, intact record, up to the first torn one.
    static func records(in data: Data) -> [Data] {
        var result: [Data] = []
        var start = data.startIndex
        while start < data.endIndex {
            guard let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            let line = data[start..<end]
            start = data.index(after: end)
            guard line.count > 9, line[line.startIndex + 8] == UInt8(ascii: " "),
                let expected = UInt32(String(decoding: line.prefix(8), as: UTF8.self), radix: 16)
            else { break }
            let json = line.dropFirst(9)
            guard CRC32.checksum(Array(json)) == expected else { break }
            result.append(Data(json))
        }
        return result
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func loadWholeDocument(_ data: Data, path: String) throws -> SandboxState {
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(SandboxState.self, from: data)
        } catch {
            throw Failure(description: "Cannot read the sandbox state file \(path): \(error)")
        }
    }

    // MARK: Files

    /// A new file created with mode 0600, so there is no moment when another user could open
    /// it (a write followed by chmod would leave one).
    private static func createPrivately(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "Cannot create the sandbox state file \(path) (errno \(errno))")
        }
        // The umask can only remove bits, but fchmod makes the mode exact whatever it is.
        _ = fchmod(descriptor, 0o600)
        return descriptor
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure(description: "Cannot write the sandbox state file \(path) (errno \(errno))")
                }
                offset += written
            }
        }
    }

    private static func sync(_ descriptor: Int32, path: String) throws {
        guard fsync(descriptor) == 0 else {
            throw Failure(description: "Cannot flush the sandbox state file \(path) to disk (errno \(errno))")
        }
    }

    /// A new or renamed file survives a power loss only once its directory entry is on disk.
    private static func syncDirectory(_ path: String) throws {
        let directory = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY)
        guard directory >= 0 else {
            throw Failure(description: "Cannot open the directory \(path) of the sandbox state file (errno \(errno))")
        }
        defer { close(directory) }
        guard fsync(directory) == 0 else {
            throw Failure(description: "Cannot flush the directory \(path) of the sandbox state file (errno \(errno))")
        }
    }
}
