import Foundation
import GFSAllocator
import GFSLanguage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A dashboard JSON file, read and classified before any request is sent.
///
/// A file holds one of three shapes:
/// - a bare dashboard model (`{"title": …, "panels": […]}`), as `dashboard pull` writes it;
/// - the save body the HTTP API takes and Grafana's tutorial writes
///   (`{"dashboard": {…}, "folderUid": …, "overwrite": false}`);
/// - an export "for sharing", whose `__inputs` name the data sources and constants to fill in
///   (it goes through `POST /api/dashboards/import`).
///
/// The model's `id` is dropped so a dashboard moves between instances (an id is per server).
struct DashboardFile: Sendable {
    enum Shape: String, Sendable {
        case dashboard
        case saveBody = "save body"
        case export
    }

    var path: String
    var shape: Shape
    /// The dashboard model without `id`, as compact JSON (what `Value.jsonBytes()` writes for
    /// it). Kept as text, not as a tree: a tree of a large dashboard is several times its size.
    var modelJSON: [UInt8]
    /// The model's `uid`, when it is a non-empty string.
    var uid: String?
    /// The model's `title`, when it is a string.
    var title: String?
    /// The digests of the model's members (without `id`), taken while it was copied; nil
    /// when the model was copied otherwise (a save body, a repeated key).
    var modelDigest: JSONObjectDigest?
    /// The save body's `overwrite`.
    var overwrite: Bool = false
    /// The save body's `folderUid`.
    var folderUID: String?
    /// The save body's `message`.
    var message: String?
    /// The export's `__inputs` entries.
    var inputs: [Record] = []
    /// The uids of the library panels the model uses (not looked for in an export, which
    /// brings its own in `__elements`). Found while the file is read, on the core that read it.
    var libraryPanelUIDs: [String] = []

    /// The dashboard model, without `id`, built from `modelJSON`.
    var model: Record {
        (try? Value(jsonUTF8: modelJSON))?.recordValue ?? Record()
    }

    /// Reads and classifies a file. Malformed JSON is reported with the file's line and column.
    ///
    /// The file is read with `open` and `read` into one buffer, which the reader walks as it
    /// is: no `Data`, no `String` and no second copy of the bytes.
    static func load(_ path: String) throws(DashboardFileError) -> DashboardFile {
        let bytes = try contents(of: path)
        // A leading byte order mark is skipped, as Foundation's UTF-8 decoding skips it.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(DashboardFileError) in
                let text = UnsafeBufferPointer(rebasing: buffer[start...])
                guard isUTF8(text) else {
                    throw DashboardFileError(path: path, message: "The file is not UTF-8 text")
                }
                return try parse(text, path: path)
            }
        }.get()
    }

    /// The whole file, or the error `load` reports: "No such file" when there is nothing at
    /// the path (or a dangling link), "Cannot read the file" for anything else.
    static func contents(of path: String) throws(DashboardFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let missing = errno == ENOENT || errno == ENOTDIR
            throw DashboardFileError(path: path, message: missing ? "No such file" : "Cannot read the file")
        }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 && status.st_size > 0 ? Int(status.st_size) : 0
        // One byte more than the size, so a regular file is read whole in one `read` and its
        // end seen at the next; a file that grew meanwhile, or has no size, doubles the buffer.
        var capacity = max(size + 1, 4096)
        var bytes: [UInt8] = []
        while true {
            var outcome = ReadOutcome.full
            let previous = bytes
            bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
                count = buffer.initialize(fromContentsOf: previous)
                while count < capacity {
                    let got = read(descriptor, buffer.baseAddress! + count, capacity - count)
                    if got > 0 {
                        count += got
                    } else if got == 0 {
                        outcome = .end
                        return
                    } else if errno != EINTR {
                        outcome = .failed
                        return
                    }
                }
            }
            switch outcome {
            case .end: return bytes
            case .failed: throw DashboardFileError(path: path, message: "Cannot read the file")
            case .full: capacity *= 2
            }
        }
    }

    private enum ReadOutcome { case full, end, failed }

    /// Whether the bytes are UTF-8; plain ASCII, the usual dashboard, is tested eight bytes
    /// at a time.
    static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        let raw = UnsafeRawPointer(base)
        while index + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        guard index < bytes.count else { return true }
        return String(validating: UnsafeBufferPointer(rebasing: bytes[index...]), as: UTF8.self) != nil
    }

    /// Classifies a file's text.
    ///
    /// The text is read once to check it and find the members that matter, without building
    /// the model; the model is then copied out as compact JSON with no tree in between.
    static func parse(_ text: String, path: String) throws(DashboardFileError) -> DashboardFile {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(DashboardFileError) in try parse(bytes, path: path) }
        }.get()
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(DashboardFileError)
        -> DashboardFile
    {
        // A bare model, the usual file, is checked, copied and digested in this one pass.
        var whole: JSONCompactObject
        do {
            guard let read = try JSONReader.compactObject(bytes, dropping: ["id"]) else {
                let value = try Value(jsonUTF8: bytes)
                throw DashboardFileError(path: path, message: "Expected a JSON object, found \(value.typeDescription)")
            }
            whole = read
        } catch let error as JSONSyntaxError {
            throw DashboardFileError(path: path, line: error.line, column: error.column, message: error.message)
        } catch let error as DashboardFileError {
            throw error
        } catch {
            throw DashboardFileError(path: path, message: "\(error)")
        }
        func value(_ range: Range<Int>?) -> Value? {
            range.flatMap { JSONReader.value(bytes, at: $0) }
        }
        let document = whole.members
        var shape = Shape.dashboard
        var modelRange = document.range
        var model = document
        var overwrite = false
        var folderUID: String?
        var message: String?
        if let inner = document.last("dashboard"), let members = JSONReader.objectMembers(bytes, at: inner) {
            shape = .saveBody
            modelRange = inner
            model = members
            overwrite = value(document.last("overwrite")) == .bool(true)
            folderUID = value(document.last("folderUid"))?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            message = value(document.last("message"))?.stringValue
        }
        var inputs: [Record] = []
        if case .list(let entries)? = value(model.last("__inputs")), !entries.isEmpty {
            shape = .export
            inputs = entries.compactMap(\.recordValue)
        }
        let title = value(model.last("title"))?.stringValue
        guard title != nil else {
            throw DashboardFileError(
                path: path,
                message: shape == .saveBody
                    ? "The dashboard has no title" : "Not a dashboard: no 'title' and no 'dashboard' member"
            )
        }
        let modelJSON: [UInt8]
        var modelDigest: JSONObjectDigest?
        if shape != .saveBody, let copy = whole.compactJSON {
            modelJSON = copy
            modelDigest = whole.digest
        } else {
            // The model is a member (or repeats a key): the whole document's copy is of no
            // use, and is let go before the model's is made.
            whole.compactJSON = nil
            if let copy = try? JSONReader.compactJSON(bytes, at: modelRange, dropping: ["id"]) {
                modelJSON = copy
            } else {
                // A key written twice: the record decides which value stays.
                var record = value(modelRange)?.recordValue ?? Record()
                record["id"] = nil
                modelJSON = Value.record(record).jsonBytes()
            }
        }
        var file = DashboardFile(path: path, shape: shape, modelJSON: modelJSON)
        file.modelDigest = modelDigest
        file.uid = value(model.last("uid"))?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        file.title = title
        file.overwrite = overwrite
        file.folderUID = folderUID
        file.message = message
        file.inputs = inputs
        if shape != .export { file.libraryPanelUIDs = Self.libraryPanelUIDs(inModelJSON: modelJSON) }
        return file
    }

    /// The library panels a model (compact JSON) uses. Compact JSON writes the key as
    /// `"libraryPanel":`, so the text is searched first and the model built only when it
    /// may use one.
    static func libraryPanelUIDs(inModelJSON json: [UInt8]) -> [String] {
        // The capital P is rare in JSON text: the search looks for it first.
        let mayUse = json.containsBytes(Array(#""libraryPanel":"#.utf8), anchor: 8)
        guard mayUse else { return [] }
        return GrafanaShellHost.libraryPanelUIDs(in: (try? Value(jsonUTF8: json))?["panels"] ?? .null)
    }

    /// The input values for an export, from `--input NAME=VALUE`; throws naming every input
    /// that has no value.
    func importInputs(_ given: [String: String]) throws(DashboardFileError) -> [(
        name: String, type: String, pluginId: String?, value: String
    )] {
        var result: [(name: String, type: String, pluginId: String?, value: String)] = []
        var missing: [String] = []
        for input in inputs {
            guard let name = input["name"]?.stringValue else { continue }
            let type = input["type"]?.stringValue ?? "constant"
            let plugin = input["pluginId"]?.stringValue
            if let value = given[name] ?? input["value"]?.stringValue.flatMap({ $0.isEmpty ? nil : $0 }) {
                result.append((name, type, plugin, value))
            } else {
                missing.append(plugin.map { "\(name) (\(type) \($0))" } ?? "\(name) (\(type))")
            }
        }
        guard missing.isEmpty else {
            throw DashboardFileError(
                path: path,
                message: "Exported dashboard needs values for \(missing.joined(separator: ", "))",
                hint: "Pass them with --input NAME=VALUE (a data source uid or name for a datasource input)."
            )
        }
        return result
    }

    /// The model as the server should hold it after an import: `${NAME}` replaced by the
    /// input values and the export's own members gone. Used only to spot an unchanged rerun.
    func importedModel(_ inputs: [(name: String, type: String, pluginId: String?, value: String)]) -> Record {
        var model = model
        for key in ["__inputs", "__requires", "__elements"] { model[key] = nil }
        func substitute(_ value: Value) -> Value {
            switch value {
            case .string(var text):
                for input in inputs { text = text.replacingOccurrences(of: "${\(input.name)}", with: input.value) }
                return .string(text)
            case .list(let values): return .list(values.map(substitute))
            case .record(let record):
                var result = Record()
                for (key, value) in record { result[key] = substitute(value) }
                return .record(result)
            default: return value
            }
        }
        return substitute(.record(model)).recordValue ?? model
    }

    /// Reads and classifies every file, in runs spread over the processor's cores, and gives
    /// the outcomes in the order of `paths`. Loading is pure CPU over each file's bytes (the
    /// JSON check, compact copy and digest), and nothing is sent until every file is read, so
    /// the server is idle meanwhile: one core alone would leave the other unused.
    static func loadAll(
        _ paths: [String],
        cores: Int = ProcessInfo.processInfo.activeProcessorCount
    ) async -> [Result<DashboardFile, DashboardFileError>] {
        // Runs of at least 32 files: for a handful, a task costs more than it saves.
        let runs = max(1, min(cores, paths.count / 32))
        guard runs > 1 else { return paths.map { path in Result { () throws(DashboardFileError) in try load(path) } } }
        let runLength = (paths.count + runs - 1) / runs
        return await withTaskGroup(of: (Int, [Result<DashboardFile, DashboardFileError>]).self) { group in
            for start in stride(from: 0, to: paths.count, by: runLength) {
                let run = Array(paths[start..<min(start + runLength, paths.count)])
                group.addTask {
                    (start, run.map { path in Result { () throws(DashboardFileError) in try load(path) } })
                }
            }
            var outcomes = [Result<DashboardFile, DashboardFileError>?](repeating: nil, count: paths.count)
            for await (start, results) in group {
                for (offset, result) in results.enumerated() { outcomes[start + offset] = result }
            }
            return outcomes.map { $0! }
        }
    }

    // MARK: Paths

    /// Expands files, directories (their `*.json`, recursively, sorted) and globs, in the
    /// order given, without duplicates. A missing file or a glob that matches nothing fails.
    static func expand(_ patterns: [String]) throws(DashboardFileError) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        func add(_ path: String) {
            if seen.insert(path).inserted { result.append(path) }
        }
        for pattern in patterns {
            if pattern.contains(where: { "*?[".contains($0) }) {
                let matches = glob(pattern)
                guard !matches.isEmpty else { throw DashboardFileError(path: pattern, message: "No files match") }
                for match in matches { try expandPath(match).forEach(add) }
            } else {
                try expandPath(pattern).forEach(add)
            }
        }
        return result
    }

    /// A file as it is, or a directory's `*.json` entries at every depth, sorted by their
    /// path below it. As Foundation's directory enumerator lists them: hidden entries too,
    /// links to files but not into linked directories, and an entry named `*.json` whatever
    /// it is. Read with `opendir`/`readdir`, names compared as bytes before any `String` is
    /// made: the enumerator built each path through `NSString`, 50,000 instructions a file.
    static func expandPath(_ path: String) throws(DashboardFileError) -> [String] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw DashboardFileError(path: path, message: "No such file")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { return [path] }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        var entries: [String] = []
        collectJSON(in: path, below: "", into: &entries)
        guard !entries.isEmpty else {
            throw DashboardFileError(path: path, message: "The directory holds no .json files")
        }
        return entries.sorted().map { base + "/" + $0 }
    }

    /// Adds the `*.json` entries of `directory` (and of its directories, not following
    /// links) to `entries`, as paths below the directory the walk started in. A directory
    /// that cannot be read is skipped, as the enumerator skips it.
    private static func collectJSON(in directory: String, below prefix: String, into entries: inout [String]) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        let suffix: [UInt8] = Array(".json".utf8)
        while let entry = readdir(stream) {
            let found = withUnsafeBytes(of: &entry.pointee.d_name) {
                raw -> (name: String, isJSON: Bool, isDirectory: Bool)? in
                let name = raw.bindMemory(to: UInt8.self)
                let length = strnlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
                let bytes = UnsafeBufferPointer(rebasing: name[..<length])
                if bytes.elementsEqual(".".utf8) || bytes.elementsEqual("..".utf8) { return nil }
                let isJSON = bytes.count >= suffix.count && bytes.suffix(suffix.count).elementsEqual(suffix)
                var isDirectory = false
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR):
                    isDirectory = true
                case Int32(DT_UNKNOWN):
                    // Some file systems leave the type out: ask without following a link.
                    var status = stat()
                    let full = directory + "/" + String(decoding: bytes, as: UTF8.self)
                    isDirectory = lstat(full, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
                default:
                    break
                }
                guard isJSON || isDirectory else { return nil }
                return (String(decoding: bytes, as: UTF8.self), isJSON, isDirectory)
            }
            guard let found else { continue }
            let relative = prefix.isEmpty ? found.name : prefix + "/" + found.name
            if found.isJSON { entries.append(relative) }
            if found.isDirectory { collectJSON(in: directory + "/" + found.name, below: relative, into: &entries) }
        }
    }

    static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard Glibc.glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { index in
            matches.gl_pathv[index].map { String(cString: $0) }
        }.sorted()
    }
}

extension DashboardFile {
    /// Files of one push that would overwrite each other: the same uid, or the same title in
    /// the same folder (`folderUID` nil for the General folder). Grafana keeps one dashboard
    /// per uid (`ErrDashboardWithSameUIDExists`, pkg/services/dashboards/errors.go) and, before
    /// 12, one per title in a folder (`ErrDashboardWithSameNameInFolderExists`, 412
    /// `name-exists`); and gfs finds a file without uid on the server by its title. Sent
    /// together, one would win at random and the rest fail or overwrite it. Each clash is
    /// described once, naming its files in the order given.
    static func clashes(_ files: [(file: DashboardFile, folderUID: String?)]) -> [String] {
        // Nearly every push has no clash: two sets say so, and the lists that name the files
        // are built only when one is found.
        var uids = Set<String>(minimumCapacity: files.count)
        var titles = Set<TitleKey>(minimumCapacity: files.count)
        var unique = true
        for (file, folderUID) in files {
            if let uid = file.uid, !uids.insert(uid).inserted { unique = false }
            if let title = file.title, !titles.insert(TitleKey(folder: folderUID ?? "", title: title)).inserted {
                unique = false
            }
            if !unique { break }
        }
        if unique { return [] }
        var problems: [String] = []
        var byUID: [String: [String]] = [:]
        var uidOrder: [String] = []
        var byTitle: [String: [(path: String, uid: String?)]] = [:]
        var titleOrder: [String] = []
        for (file, folderUID) in files {
            if let uid = file.uid {
                if byUID[uid] == nil { uidOrder.append(uid) }
                byUID[uid, default: []].append(file.path)
            }
            if let title = file.title {
                let key = (folderUID ?? "") + "\u{0}" + title
                if byTitle[key] == nil { titleOrder.append(key) }
                byTitle[key, default: []].append((file.path, file.uid))
            }
        }
        for uid in uidOrder where byUID[uid]!.count > 1 {
            problems.append("\(byUID[uid]!.joined(separator: ", ")) have the same uid '\(uid)'")
        }
        for key in titleOrder {
            let entries = byTitle[key]!
            // Files that share a uid are one dashboard, already reported above.
            guard Set(entries.map { $0.uid ?? "\u{0}\($0.path)" }).count > 1 else { continue }
            let title = key[key.index(after: key.firstIndex(of: "\u{0}")!)...]
            problems.append(
                "\(entries.map(\.path).joined(separator: ", ")) have the same title '\(title)' in one folder"
            )
        }
        return problems
    }
}

/// A title in a folder, for `DashboardFile.clashes` (`""` for the General folder).
private struct TitleKey: Hashable {
    var folder: String
    var title: String
}

/// A problem with a dashboard file, found before any request: `path:line:col: message`.
struct DashboardFileError: Error, Sendable, CustomStringConvertible {
    var path: String
    var line: Int?
    var column: Int?
    var message: String
    var hint: String?

    var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text + ": " + message
    }
}

/// A push's large buffers are mapped apart from the heap and returned as soon as they are
/// freed (``MallocTuning/fixMmapThreshold()`` says why).
enum LargeBufferMapping {
    /// Sets the threshold once per process; later uses do nothing.
    static var fixed: Void { MallocTuning.fixMmapThreshold() }
}
