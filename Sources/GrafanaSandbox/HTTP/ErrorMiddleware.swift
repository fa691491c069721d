import HTTPTypes
import Hummingbird
import Logging

/// Turns every thrown error into a Grafana-shaped answer, outermost of all middleware so even
/// authentication failures and unknown routes are rendered by it.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GrafanaError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router found no route: `NotFoundHandler` (`pkg/api/index.go`) answers API
            // requests with JSON; other paths get Grafana's HTML 404 page (a minimal stand-in).
            if AuthMiddleware.isAPIRequest(request.uri.path) {
                return try GrafanaError.routeNotFound.response(from: request, context: context)
            }
            return SandboxResponse.raw(
                .notFound,
                "<!DOCTYPE html><title>Page not found</title>\n",
                contentType: "text/html; charset=UTF-8"
            )
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            // Grafana's router has no 405: a method without a handler falls to the not-found handler.
            return try GrafanaError.routeNotFound.response(from: request, context: context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.error("Unhandled sandbox error: \(String(describing: type(of: error)))")
            // `response.Error(500, "", err)` renders "Internal Server Error" (`response.go`).
            return try GrafanaError.error(.internalServerError, "Internal Server Error", cause: true)
                .response(from: request, context: context)
        }
    }
}

/// Headers Grafana adds to every response (`pkg/middleware/middleware.go`
/// `AddDefaultResponseHeaders`: no caching of API answers, and the hardening headers).
struct DefaultHeadersMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "deny"
        response.headers[HTTPField.Name("X-Xss-Protection")!] = "1; mode=block"
        return response
    }
}

/// Waits before answering the routes named in ``SandboxConfiguration/delays``, so clients can
/// test their timeouts and cancellation. The wait ends early if the request task is cancelled.
struct DelayMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    let delays: [String: Duration]
    /// ``SandboxConfiguration/pause``: how the wait is made, so tests observe it instead of
    /// timing it.
    let pause: @Sendable (Duration) async throws -> Void

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let method = request.method.rawValue
        let delay =
            delays["\(method) \(request.uri.path)"]
            ?? context.endpointPath.flatMap { delays["\(method) \(Self.colonStyle($0))"] }
        if let delay { try await pause(delay) }
        return try await next(request, context)
    }

    /// Hummingbird reports route patterns as `/api/orgs/{orgId}`; the configuration uses
    /// Grafana's `:orgId` style.
    static func colonStyle(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
    }
}
