public import Foundation
public import GFSLanguage

/// The directory an org export lives in: canonical JSON files at paths relative to its root.
///
/// Every file is written with its keys in byte order, two-space indentation and a final line
/// break, and only when its bytes change, so an export of an unchanged org leaves the tree
/// (and its timestamps) as they were and it can live in git.
public struct TransferTree: Sendable {
    /// The tree's root directory.
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The manifest's file name at the root.
    public static let manifestPath = "manifest.json"

    /// The bytes a value is written as.
    public static func canonicalJSON(_ value: Value) -> [UInt8] {
        value.jsonBytes(options: JSONWritingOptions(pretty: true, sortsKeys: true)) + [UInt8(ascii: "\n")]
    }

    /// The URL of a path relative to the root.
    public func url(_ path: String) -> URL {
        root.appendingPathComponent(path)
    }

    /// Whether a file or directory exists at `path`.
    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: url(path).path)
    }

    /// The JSON at `path`; a file that does not parse is reported as `path:line:col: message`.
    public func read(_ path: String) throws -> Value {
        let data: Data
        do {
            data = try Data(contentsOf: url(path))
        } catch {
            throw TransferTreeError(path: path, "Cannot read '\(path)'")
        }
        do {
            return try Value(jsonUTF8: data)
        } catch {
            throw TransferTreeError(path: path, "\(path):\(error.line):\(error.column): \(error.message)")
        }
    }

    /// Writes `value` at `path` (creating directories), unless the file already holds exactly
    /// those bytes.
    public func write(_ value: Value, to path: String) throws {
        let bytes = Data(Self.canonicalJSON(value))
        let target = url(path)
        if let existing = try? Data(contentsOf: target), existing == bytes { return }
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try bytes.write(to: target, options: .atomic)
    }

    /// The `.json` files under `directory` (relative paths, sorted), at any depth; none when
    /// it does not exist. A file at `directory` itself is listed alone.
    public func jsonFiles(under directory: String) -> [String] {
        let base = url(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return directory.hasSuffix(".json") ? [directory] : [] }
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".json") { files.append(directory + "/" + relative) }
        }
        return files.sorted()
    }

    /// Removes the `.json` files under `directories` that are not in `kept`, then the
    /// directories left empty; returns the removed files.
    @discardableResult
    public func removeFiles(under directories: [String], keeping kept: Set<String>) throws -> [String] {
        var removed: [String] = []
        for directory in directories {
            for file in jsonFiles(under: directory) where !kept.contains(file) {
                try FileManager.default.removeItem(at: url(file))
                removed.append(file)
            }
            removeEmptyDirectories(url(directory))
        }
        return removed
    }

    /// Removes `directory` and the directories below it that hold nothing; true if it went.
    @discardableResult
    func removeEmptyDirectories(_ directory: URL) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else { return false }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var empty = true
        for child in children where !removeEmptyDirectories(directory.appendingPathComponent(child)) {
            empty = false
        }
        if empty { try? FileManager.default.removeItem(at: directory) }
        return empty
    }

    // MARK: Names in paths

    /// A title as one path segment: `/` and `%` escaped as `%2F` and `%25`, and a leading `.`
    /// as `%2E`, so every title gives one visible, reversible segment.
    public static func segment(_ title: String) -> String {
        var text = title.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        if text.hasPrefix(".") { text = "%2E" + text.dropFirst() }
        if text.isEmpty { text = "%20" }
        return text
    }

    /// The title a segment made by ``segment(_:)`` stands for.
    public static func title(_ segment: String) -> String {
        if segment == "%20" { return "" }
        return segment.removingPercentEncoding ?? segment
    }
}
