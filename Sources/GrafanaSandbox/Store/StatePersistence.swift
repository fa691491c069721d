import Foundation

/// Loads and saves the state file (`--state FILE`).
///
/// Saving writes a temporary file beside the target and renames it over the target, so a
/// reader (or a crash) sees the old file or the new one, never half of either.
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
            try data.write(to: temporary)
            if rename(temporary.path, target.path) != 0 {
                throw Failure(description: "Cannot replace the sandbox state file \(path) (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
