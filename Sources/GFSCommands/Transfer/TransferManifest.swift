import Foundation
public import GFSLanguage

/// `manifest.json` at the root of an export: the format, the server's version, how many
/// resources of each kind it holds (the kinds an import handles) and the secrets it could
/// not carry.
public struct TransferManifest: Sendable, Hashable {
    /// The layout's version; a later layout changes it.
    public static let format = 1

    public var grafanaVersion: String?
    /// Resources per kind name.
    public var counts: Record
    /// Names of the secrets to supply at import (`UID.password`), sorted.
    public var secrets: [String]

    public init(grafanaVersion: String?, counts: Record, secrets: [String]) {
        self.grafanaVersion = grafanaVersion
        self.counts = counts
        self.secrets = secrets
    }

    /// The manifest of `tree`; a directory without one is not an export.
    public init(tree: TransferTree) throws {
        guard tree.exists(TransferTree.manifestPath) else {
            throw CommandFailure(
                message: "'\(tree.root.path)' holds no \(TransferTree.manifestPath)",
                hint: "Give a directory written by 'org export'."
            )
        }
        let value = try tree.read(TransferTree.manifestPath)
        guard case .record(let record) = value, case .record(let counts)? = record["kinds"] else {
            throw TransferTreeError(path: TransferTree.manifestPath, "\(TransferTree.manifestPath) has no 'kinds'")
        }
        if case .int(let format)? = record["format"], format > Self.format {
            throw CommandFailure(
                message: "\(TransferTree.manifestPath) has format \(format); this gfs reads format \(Self.format)",
                hint: "Import it with the gfs release that exported it, or a later one."
            )
        }
        self.grafanaVersion = record["grafanaVersion"]?.stringValue
        self.counts = counts
        if case .list(let names)? = record["secrets"] {
            self.secrets = names.compactMap(\.stringValue)
        } else {
            self.secrets = []
        }
    }

    /// The manifest as written.
    public var value: Value {
        var record = Record([("format", .int(Self.format)), ("kinds", .record(counts))])
        if let grafanaVersion { record["grafanaVersion"] = .string(grafanaVersion) }
        record["secrets"] = .list(secrets.map(Value.string))
        return .record(record)
    }
}
