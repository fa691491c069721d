import GFSValue
import Hummingbird

/// An error answer, rendered with the exact envelope of the Grafana helper that produces it.
///
/// Grafana has four error shapes (see `shared/grafana/API-NOTES.md` §1.1); each static
/// constructor below is named after the Go helper it emulates, so a handler reads like the
/// Grafana code it follows.
struct GrafanaError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let body: Value
    /// Middleware answers go through `web.Context.JSON`, a `json.Encoder` that appends `\n`.
    let trailingNewline: Bool

    init(status: HTTPResponse.Status, body: Value, trailingNewline: Bool = false) {
        self.status = status
        self.body = body
        self.trailingNewline = trailingNewline
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        // A 304 never carries a body on the wire (Go's `net/http` refuses the write).
        if status == .notModified { return Response(status: status) }
        return SandboxResponse.json(status, body, trailingNewline: trailingNewline)
    }
}

extension GrafanaError {
    /// `response.Error(status, message, err)` (`pkg/api/response/response.go`): `{"message"}`,
    /// plus `"traceID":""` with sorted keys when the Go code passes a non-nil `err`.
    static func error(_ status: HTTPResponse.Status, _ message: String, cause: Bool) -> GrafanaError {
        var pairs: [(String, Value)] = [("message", .string(message))]
        if cause { pairs.append(("traceID", "")) }
        return GrafanaError(status: status, body: .map(pairs))
    }

    /// `response.Err(errutil)`: `{"message","messageId","statusCode","traceID"}`
    /// (`pkg/apimachinery/errutil/errors.go` `PublicError` + `writeLogLine`).
    static func errutil(_ status: HTTPResponse.Status, messageID: String, message: String) -> GrafanaError {
        GrafanaError(
            status: status,
            body: .map([
                ("message", .string(message)), ("messageId", .string(messageID)),
                ("statusCode", .int(status.code)), ("traceID", ""),
            ])
        )
    }

    /// `ReqContext.writeErrOrFallback` with an errutil error (authentication failures):
    /// adds `"extra":null` and a trailing newline (fixtures `unauthenticated.401.json` etc.).
    static func middleware(_ status: HTTPResponse.Status, messageID: String, message: String) -> GrafanaError {
        GrafanaError(
            status: status,
            body: .map([
                ("extra", .null), ("message", .string(message)), ("messageId", .string(messageID)),
                ("statusCode", .int(status.code)), ("traceID", ""),
            ]),
            trailingNewline: true
        )
    }

    /// `c.JsonApiErr(status, message, nil)` from middleware: `{"message"}` plus newline.
    static func jsonAPIError(_ status: HTTPResponse.Status, _ message: String) -> GrafanaError {
        GrafanaError(status: status, body: .map([("message", .string(message))]), trailingNewline: true)
    }

    /// A body with a `status` word, as `DashboardErr.Body()` and `ToFolderErrorResponse` write
    /// (`pkg/api/apierrors/dashboard.go`, `folder.go`): sorted keys, no traceID.
    static func withStatus(_ status: HTTPResponse.Status, _ message: String, status word: String) -> GrafanaError {
        GrafanaError(status: status, body: .map([("message", .string(message)), ("status", .string(word))]))
    }

    // MARK: Authentication (pkg/services/authn/clients/*.go), fixtures/*.401.json

    static let unauthenticated = middleware(.unauthorized, messageID: "auth.unauthorized", message: "Unauthorized")
    static let badPassword = middleware(
        .unauthorized,
        messageID: "password-auth.failed",
        message: "Invalid username or password"
    )
    static let invalidAPIKey = middleware(.unauthorized, messageID: "api-key.invalid", message: "Invalid API key")
    static let expiredAPIKey = middleware(.unauthorized, messageID: "api-key.expired", message: "Expired API key")
    static let revokedAPIKey = middleware(.unauthorized, messageID: "api-key.revoked", message: "Revoked API key")
    static let organizationMismatch = middleware(
        .unauthorized,
        messageID: "api-key.organization-mismatch",
        message: "API key does not belong to the requested organization"
    )

    /// `pkg/api/index.go` `NotFoundHandler`: `c.JsonApiErr(404, "Not found", nil)`.
    static let routeNotFound = jsonAPIError(.notFound, "Not found")

    /// `pkg/middleware/auth.go` `accessForbidden`: the legacy role check.
    static let permissionDenied = jsonAPIError(.forbidden, "Permission denied")

    /// `pkg/services/accesscontrol/middleware.go` `deny()`: the RBAC answer naming the
    /// evaluator; `accessErrorId` is `ACE` plus 10 random digits (fixture `rbac-denied.403.json`).
    static func accessDenied(_ evaluator: String) -> GrafanaError {
        let digits = (0..<10).map { _ in String(Int.random(in: 0...9)) }.joined()
        return GrafanaError(
            status: .forbidden,
            body: .map([
                ("accessErrorId", .string("ACE" + digits)),
                (
                    "message",
                    .string(
                        "You'll need additional permissions to perform this action. Permissions needed: \(evaluator)"
                    )
                ),
                ("title", "Access denied"),
            ]),
            trailingNewline: true
        )
    }

    /// The bind failure most `pkg/api` handlers answer: `response.Error(400, "bad request data", err)`.
    static let badRequestData = error(.badRequest, "bad request data", cause: true)
}
