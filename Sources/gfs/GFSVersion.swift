import Foundation

/// What `gfs --version` prints: the release and the commit it was built from.
enum GFSVersion {
    /// The release number.
    static let number = "0.1.0"

    /// `0.1.0 (commit 1a2b3c4)`. The commit is the one `scripts/install` recorded in
    /// `PREFIX/share/gfs/commit` beside the installed binary (SwiftPM has no way to pass a
    /// build-time string into the program); a binary run from `.build` says `commit unknown`.
    static var description: String {
        "\(number) (commit \(installedCommit ?? "unknown"))"
    }

    /// The commit recorded beside the running binary, if any.
    static var installedCommit: String? {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        let file = executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/gfs/commit")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.isEmpty ? nil : commit
    }
}
