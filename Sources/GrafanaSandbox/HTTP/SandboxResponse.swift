import GFSValue
import Hummingbird
import NIOCore

/// Builds the sandbox's responses with Grafana's headers.
enum SandboxResponse {
    /// `response.JSON` / `json.Marshal`: `Content-Type: application/json`, no trailing newline;
    /// middleware-written bodies (`web.Context.JSON`) carry `; charset=UTF-8` and a newline.
    static func json(_ status: HTTPResponse.Status, _ body: Value, trailingNewline: Bool = false) -> Response {
        let text = body.encoded() + (trailingNewline ? "\n" : "")
        let contentType = trailingNewline ? "application/json; charset=UTF-8" : "application/json"
        return raw(status, text, contentType: contentType)
    }

    /// A `response.JSON` body already written as JSON (`application/json`, no newline).
    static func json(_ status: HTTPResponse.Status, bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func raw(_ status: HTTPResponse.Status, _ text: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `response.Success(message)`: 200 `{"message": message}`.
    static func success(_ message: String) -> Response {
        json(.ok, .map([("message", .string(message))]))
    }
}
