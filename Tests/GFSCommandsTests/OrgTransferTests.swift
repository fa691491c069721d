import Foundation
import GFSLanguage
import GrafanaAPI
import GrafanaSandbox
import Synchronization
import Testing

@testable import GFSCommands

/// Forwards to the shared transport and keeps every write it sends (method, URL, body).
final class WriteRecordingTransport: HTTPTransport {
    struct Write: Hashable, Comparable, CustomStringConvertible {
        var method: String
        var url: String
        var body: String

        static func < (lhs: Write, rhs: Write) -> Bool { lhs.description < rhs.description }
        var description: String { "\(method) \(url) \(body)" }
    }

    private let writes = Mutex<[Write]>([])

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.method.isWrite {
            let write = Write(request)
            writes.withLock { $0.append(write) }
        }
        return try await AsyncHTTPClientTransport.shared.send(request)
    }

    var recorded: [Write] { writes.withLock { $0 } }
    func reset() { writes.withLock { $0.removeAll() } }
}

extension WriteRecordingTransport.Write {
    init(_ request: TransportRequest) {
        method = request.method.rawValue
        url = request.url
        body = request.body.flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}

/// `org export` and `org import` against the sandbox on a real port.
@Suite(.serialized) struct OrgTransferTests {
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "gfs-transfer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every file under `directory` by relative path, with its bytes.
    static func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
            }
        }
        return files
    }

    /// A host on the harness's sandbox whose requests go through `transport`, with `options`.
    static func host(
        _ harness: SandboxHarness,
        transport: any HTTPTransport,
        options: GrafanaShellHost.Options = GrafanaShellHost.Options(environment: [:])
    ) throws -> (Interpreter, CapturingSink) {
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: harness.url, user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(context: context, options: options, sink: sink, transport: transport)
        return (Interpreter(host: host), sink)
    }

    @Test func nestedFoldersExportStablyAndImportIntoAFreshOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = try Self.temporaryDirectory()
        expectSuccess(
            await harness.run(
                """
                folder create Teams --uid teams
                folder create "Team A" --uid team-a --parent teams
                folder create "a/b" --uid slashed
                org export \(directory)
                """
            ),
            harness
        )
        let first = try Self.snapshot(directory)
        #expect(first["folders/Teams/folder.json"] != nil, "\(first.keys.sorted())")
        #expect(first["folders/Teams/Team A/folder.json"] != nil)
        #expect(first["folders/a%2Fb/folder.json"] != nil)
        #expect(first["manifest.json"] != nil)
        expectSuccess(await harness.run("org export \(directory)"), harness)
        #expect(try Self.snapshot(directory) == first)

        let transport = WriteRecordingTransport()
        let (interpreter, sink) = try Self.host(harness, transport: transport)
        let imported = await interpreter.run(
            SourceFile(name: "import.gfs", text: "org create copy\nuse $org\norg import \(directory)")
        )
        #expect(imported.status == .success, "\(imported.diagnostics) \(sink.standardError)")
        let copy = try #require(try await harness.adminClient().orgs().first { $0.name == "copy" })
        let folders = try await harness.adminClient(org: copy.id).folders(parentUID: "teams")
        #expect(folders.map(\.uid) == ["team-a"])

        transport.reset()
        let again = await interpreter.run(SourceFile(name: "again.gfs", text: "org import \(directory)"))
        #expect(again.status == .success, "\(again.diagnostics) \(sink.standardError)")
        #expect(transport.recorded.isEmpty, "\(transport.recorded)")
    }
}
