import GFSValue
import Hummingbird
import NIOCore

/// A JSON request body read the way Grafana's `web.Bind` reads one (`pkg/web/binding.go`):
/// an empty body is an empty form, malformed JSON or a value of the wrong JSON type is a bind
/// error, unknown fields are ignored, and keys match struct fields case-insensitively (Go's
/// `encoding/json`).
struct RequestForm: Sendable {
    /// A bind failure; the handler answers it with its own message (`bad request data`,
    /// `Bad request data`, …), as each Grafana handler does.
    struct Failure: Error {
        /// Set when the body was over the limit, which is answered 413 whatever the handler.
        var tooLarge: RequestBodyTooLarge?
    }

    let object: Record
    /// The whole document, for handlers that bind to `simplejson` / `map[string]any`.
    let document: Value

    /// Reads and parses the body. Bodies above the configured limit fail with ``Failure/tooLarge``.
    static func read(_ request: Request, limit: Int) async throws(Failure) -> RequestForm {
        let buffer: ByteBuffer
        do {
            buffer = try await RequestBodyTooLarge.collect(request.body, limit: limit)
        } catch let error as RequestBodyTooLarge {
            throw Failure(tooLarge: error)
        } catch {
            throw Failure()
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            // `json.Decoder.Decode` returns io.EOF, which `Bind` ignores.
            return RequestForm(object: Record(), document: .null)
        }
        guard let document = try? Value(jsonUTF8: bytes, options: .goDecoder) else { throw Failure() }
        switch document {
        case .record(let object): return RequestForm(object: object, document: document)
        // `null` decodes into a struct as a no-op.
        case .null: return RequestForm(object: Record(), document: document)
        default: throw Failure()
        }
    }

    /// The raw value of a field, matched as Go matches JSON keys to struct fields.
    func value(_ key: String) -> Value? {
        if let exact = object[key] { return exact }
        let lowered = key.lowercased()
        // The last matching key wins, as Go assigns each key of the object in turn.
        var found: Value?
        for entry in object where entry.key.lowercased() == lowered { found = entry.value }
        return found
    }

    /// A `string` field: absent or `null` is `nil`, anything but a string is a bind error.
    func string(_ key: String) throws(Failure) -> String? {
        switch value(key) {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw Failure()
        }
    }

    /// An `int64` field: only an integral JSON number without fraction or exponent binds.
    func int(_ key: String) throws(Failure) -> Int64? {
        switch value(key) {
        case nil, .null?: return nil
        case .int(let number)?: return Int64(number)
        default: throw Failure()
        }
    }

    /// A `float64` field.
    func number(_ key: String) throws(Failure) -> Double? {
        switch value(key) {
        case nil, .null?: return nil
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw Failure()
        }
    }

    func bool(_ key: String) throws(Failure) -> Bool? {
        switch value(key) {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw Failure()
        }
    }

    /// A `map[string]any` / `*simplejson.Json` field: any object, or `nil`.
    func objectValue(_ key: String) throws(Failure) -> Record? {
        switch value(key) {
        case nil, .null?: return nil
        case .record(let object)?: return object
        default: throw Failure()
        }
    }

    /// A `[]T` field whose elements are checked by `element`.
    func array<T>(_ key: String, _ element: (Value) throws(Failure) -> T) throws(Failure) -> [T]? {
        switch value(key) {
        case nil, .null?: return nil
        case .list(let items)?:
            var result: [T] = []
            for item in items { result.append(try element(item)) }
            return result
        default: throw Failure()
        }
    }

    /// `binding:"Required"`: the zero value (empty string, 0, false) fails validation.
    func required(_ key: String) throws(Failure) -> String {
        guard let text = try string(key), !text.isEmpty else { throw Failure() }
        return text
    }
}

extension SandboxRequestContext {
    /// Binds the body or answers the handler's own bind error.
    func form(_ request: Request, limit: Int, orAnswer failure: GrafanaError) async throws -> RequestForm {
        do {
            return try await RequestForm.read(request, limit: limit)
        } catch {
            if let tooLarge = error.tooLarge { throw tooLarge.grafanaError }
            throw failure
        }
    }
}

/// Runs a binding step, answering `failure` when the body has a wrong-typed or missing field.
func bind<T>(_ failure: GrafanaError, _ body: () throws(RequestForm.Failure) -> T) throws(GrafanaError) -> T {
    do {
        return try body()
    } catch {
        throw failure
    }
}
