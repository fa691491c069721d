import Foundation

/// Loads and saves the state file (`--state FILE`).
///
/// Saving writes a temporary file beside the target and renames it over the target, so a
/// reader (or a crash) sees the old file or the new one, never half of either. The file is
/// created with mode 0600: it holds hashed passwords and token hashes, which nobody else on
/// the machine should be able to read and attack offline.
struct StatePersistence: Sendable {
    let path: String

    /// Why the state file could not be used.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func load() throws -> SandboxState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(SandboxState.self, from: data)
        } catch {
            throw Failure(description: "Cannot read the sandbox state file \(path): \(error)")
        }
    }

    func save(_ state: SandboxState) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(state)
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Self.writePrivately(data, to: temporary.path)
            if rename(temporary.path, target.path) != 0 {
                throw Failure(description: "Cannot replace the sandbox state file \(path) (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Writes `data` to a new file that is created with mode 0600, so there is no moment when
    /// another user could open it (a write followed by chmod would leave one).
    static func writePrivately(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "Cannot create the sandbox state file \(path) (errno \(errno))")
        }
        defer { close(descriptor) }
        // The umask can only remove bits, but fchmod makes the mode exact whatever it is.
        _ = fchmod(descriptor, 0o600)
        try data.withUnsafeBytes { buffer in
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
}
