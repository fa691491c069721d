// The libFuzzer entry for the sandbox's request handling, built by `scripts/fuzz` (not part
// of the package, so `swift build` never sees it).
//
// An input is a request as text: `METHOD PATH` on the first line, `Name: value` header
// lines, an empty line, then the body. Whatever an HTTP parser would accept goes through the
// sandbox's whole router (middleware and controllers) in process, and the response body is
// read to the end. The router is built once per process (building its routes cost far more
// than handling a request); after each input the store is put back to the freshly seeded
// state, so an input that crashes crashes again on its own, and nothing an input stored is
// alive when LeakSanitizer looks (it cannot follow a pointer Swift keeps with tag bits in an
// enum's spare bits, so a dashboard kept in the store read as a leak). The sandbox must
// answer every request: a thrown error that is not an HTTP response, a JSON response that is
// not JSON, a crash, a trap or a hang is a bug.

import Foundation
import GFSValue
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOEmbedded

@testable import GrafanaSandbox

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSandbox(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let request = FuzzRequest(UnsafeBufferPointer(start: data, count: size)) else { return -1 }
    let done = DispatchSemaphore(value: 0)
    Task {
        await request.send()
        done.signal()
    }
    done.wait()
    return 0
}

/// The connection every request claims to come on: only faults use it, and none is set. One
/// for all, since a channel that is never closed keeps itself alive.
let connection = NIOAsyncTestingChannel()

/// The one router of the process, its store and the state every input starts from. The
/// store's state is a value, so putting the seed back is one assignment.
struct Fixture: Sendable {
    let store: SandboxStore
    let responder: RouterResponder<SandboxRequestContext>
    let seed: SandboxState

    init() {
        let configuration = SandboxConfiguration(port: 0, logLevel: .critical)
        do {
            store = try SandboxStore(configuration: configuration)
        } catch {
            preconditionFailure("The sandbox's store could not be made: \(error)")
        }
        responder = buildRouter(store: store, configuration: configuration).buildResponder()
        seed = SandboxStore.seed(adminUser: configuration.adminUser, adminPassword: configuration.adminPassword)
    }

    func reset() async {
        let seed = seed
        do {
            try await store.write(persist: false) { $0 = seed }
        } catch {
            preconditionFailure("The store could not be reset: \(error)")
        }
    }
}

let fixture = Fixture()

/// A request an HTTP/1.1 parser would have accepted, read from the fuzzer's bytes.
struct FuzzRequest: Sendable {
    var head: HTTPRequest
    var body: [UInt8]

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var bodyStart = bytes.count
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                var line = bytes[start..<index]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                if line.isEmpty, !lines.isEmpty {
                    bodyStart = index + 1
                    break
                }
                lines.append(ArraySlice(line))
                start = index + 1
            }
            index += 1
        }
        if bodyStart == bytes.count, start < bytes.count, index == bytes.count {
            lines.append(ArraySlice(bytes[start...]))
        }
        guard let first = lines.first else { return nil }
        let words = first.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard words.count == 2, let method = HTTPRequest.Method(String(decoding: words[0], as: UTF8.self)),
            let path = words.last, path.first == UInt8(ascii: "/"), path.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        var fields = HTTPFields()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")),
                let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self))
            else { return nil }
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") }
            // A parser refuses control characters other than tab in a field value.
            guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { return nil }
            fields.append(HTTPField(name: name, value: String(decoding: value, as: UTF8.self)))
        }
        head = HTTPRequest(
            method: method,
            scheme: "http",
            authority: "127.0.0.1",
            path: String(decoding: path, as: UTF8.self),
            headerFields: fields
        )
        body = Array(bytes[min(bodyStart, bytes.count)...])
    }

    func send() async {
        let responder = fixture.responder
        // The error middleware logs an error it has no Grafana answer for (and answers 500):
        // that is a bug, so the log handler traps on it.
        let logger = Logger(label: "fuzz") { _ in TrappingLogHandler() }
        let context = SandboxRequestContext(
            source: ApplicationRequestContextSource(channel: connection, logger: logger)
        )
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            do {
                response = try error.response(from: request, context: context)
            } catch {
                preconditionFailure("An HTTP error that cannot answer: \(error)")
            }
        } catch {
            preconditionFailure("The sandbox threw instead of answering: \(String(reflecting: error))")
        }
        let collected = Collected()
        do {
            try await response.body.write(CollectingWriter(collected: collected))
        } catch {
            preconditionFailure("The response body could not be written: \(error)")
        }
        if response.headers[.contentType]?.contains("json") == true, !collected.bytes.isEmpty {
            do {
                _ = try Value(jsonUTF8: collected.bytes)
            } catch {
                preconditionFailure("A JSON answer that is not JSON: \(error)")
            }
        }
        await fixture.reset()
    }
}

/// Traps on a message logged at error level or above.
struct TrappingLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .error
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        preconditionFailure("The sandbox logged an error: \(event.message)")
    }
}

/// A response body, kept to check it.
final class Collected {
    var bytes: [UInt8] = []
}

/// Writes a response body into a ``Collected`` (the writer itself is consumed).
struct CollectingWriter: ResponseBodyWriter {
    let collected: Collected
    mutating func write(_ buffer: ByteBuffer) async throws { collected.bytes += buffer.readableBytesView }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
