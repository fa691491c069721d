import Foundation
import Testing

@testable import GrafanaAPI

/// Grafana's error bodies (fixtures from /work/shared/grafana/fixtures) become `GrafanaError`s
/// that keep the status, `message`, `messageId` and the failed call.
@Suite struct ErrorDecodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var status: Int
        var message: String
        var messageID: String?
        var grafanaStatus: String?
        var testDescription: String { fixture }
    }

    static let cases: [Case] = [
        Case(fixture: "org-name-taken.409.json", status: 409, message: "Organization name taken"),
        Case(fixture: "unauthenticated.401.json", status: 401, message: "Unauthorized", messageID: "auth.unauthorized"),
        Case(
            fixture: "bad-basic-auth.401.json",
            status: 401,
            message: "Invalid username or password",
            messageID: "password-auth.failed"
        ),
        Case(fixture: "invalid-token.401.json", status: 401, message: "Invalid API key", messageID: "api-key.invalid"),
        Case(
            fixture: "token-org-mismatch.401.json",
            status: 401,
            message: "API key does not belong to the requested organization",
            messageID: "api-key.organization-mismatch"
        ),
        Case(
            fixture: "rbac-denied.403.json",
            status: 403,
            message: "You'll need additional permissions to perform this action. Permissions needed: orgs:create"
        ),
        Case(
            fixture: "auth-keys-post.410.json",
            status: 410,
            message:
                "this endpoint has been removed, please use POST /api/serviceaccounts and POST /api/serviceaccounts/{id}/tokens instead"
        ),
        Case(
            fixture: "dashboard-version-mismatch.412.json",
            status: 412,
            message: "The dashboard has been changed by someone else",
            grafanaStatus: "version-mismatch"
        ),
        Case(
            fixture: "dashboard-name-exists.412.json",
            status: 412,
            message: "A dashboard with the same name in the folder already exists",
            grafanaStatus: "name-exists"
        ),
        Case(
            fixture: "dashboard-plugin.412.json",
            status: 412,
            message: "The dashboard belongs to plugin Foo.",
            grafanaStatus: "plugin-dashboard"
        ),
        Case(
            fixture: "sa-already-exists.400.json",
            status: 400,
            message: "service account already exists",
            messageID: "serviceaccounts.ErrAlreadyExists"
        ),
        Case(
            fixture: "sa-token-duplicate.400.json",
            status: 400,
            message: "service account token with given name already exists in the organization",
            messageID: "serviceaccounts.ErrTokenAlreadyExists"
        ),
    ]

    @Test(arguments: cases)
    func decodesFixture(_ expected: Case) async throws {
        let body = try fixture(expected.fixture)
        let transport = RecordingTransport { _ in TransportResponse(status: expected.status, body: body) }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport).createOrg(name: "apiorg")
        }
        let caught = try #require(error)
        #expect(caught.kind == .httpStatus)
        #expect(caught.status == expected.status)
        #expect(caught.message == expected.message)
        #expect(caught.messageID == expected.messageID)
        #expect(caught.grafanaStatus == expected.grafanaStatus)
        #expect(caught.call == GrafanaError.Call(operation: "create organization", method: "POST", path: "/api/orgs"))
        #expect(caught.description.hasPrefix("Create organization failed: \(expected.message) (\(expected.status) "))
        #expect(caught.description.hasSuffix(", POST /api/orgs)"))
    }

    @Test func describesTheFailedCall() async throws {
        let transport = RecordingTransport { _ in
            TransportResponse(status: 409, body: try fixture("org-name-taken.409.json"))
        }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport).createOrg(name: "apiorg")
        }
        #expect(
            error?.description == "Create organization failed: Organization name taken (409 Conflict, POST /api/orgs)"
        )
    }

    @Test func hintsForKnownAnswers() async throws {
        func hint(_ name: String, status: Int, call: @Sendable (GrafanaClient) async throws -> Void) async throws
            -> String?
        {
            let body = try fixture(name)
            let transport = RecordingTransport { _ in TransportResponse(status: status, body: body) }
            do {
                try await call(makeClient(transport))
                return nil
            } catch let error as GrafanaError {
                return error.hint
            }
        }
        #expect(
            try await hint("auth-keys-post.410.json", status: 410) {
                _ = try await $0.createAPIKey(name: "k", role: .admin)
            }
                == "This Grafana creates keys through service accounts."
        )
        #expect(
            try await hint("token-org-mismatch.401.json", status: 401) { _ = try await $0.currentOrg() }
                == "A token acts only in its own organization; do not select another org with it."
        )
        #expect(
            try await hint("dashboard-version-mismatch.412.json", status: 412) {
                _ = try await $0.saveDashboard(Data(#"{"title":"x"}"#.utf8))
            } == "Save with overwrite to replace the dashboard on the server."
        )
        #expect(try await hint("org-name-taken.409.json", status: 409) { _ = try await $0.createOrg(name: "x") } == nil)
    }

    @Test func nonJSONErrorBodyIsQuotedBriefly() async throws {
        let transport = RecordingTransport(
            status: 502,
            body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        )
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.kind == .httpStatus)
        #expect(error?.status == 502)
        #expect(
            error?.message
                == "Grafana answered 502 Bad Gateway with a body that is not JSON: HTML page '502 Bad Gateway'"
        )
    }

    @Test func plainTextErrorBody() async throws {
        let transport = RecordingTransport(status: 404, body: "404 page not found\n")
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.message == "Grafana answered 404 Not Found with a body that is not JSON: '404 page not found'")
    }

    @Test func emptyErrorBody() async throws {
        let transport = RecordingTransport(status: 500, body: "")
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.message == "Grafana answered 500 Internal Server Error")
    }

    @Test func redirectIsReportedWithLocation() async throws {
        let transport = RecordingTransport { _ in
            TransportResponse(status: 302, headers: [HTTPHeaderField("Location", "https://grafana.example.com/login")])
        }
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.message == "Unexpected redirect to https://grafana.example.com/login")
        #expect(error?.hint == "Check the server URL: Grafana may be served under another scheme, host or sub-path.")
    }

    @Test func successWithNonJSONBodyIsAnInvalidResponse() async throws {
        let transport = RecordingTransport(status: 200, body: "<!DOCTYPE html><html><title>Grafana</title></html>")
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.status == 200)
        #expect(error?.message.hasPrefix("Unexpected response: the body is not JSON") == true)
        #expect(error?.call?.operation == "list organizations")
    }

    @Test func successMissingAFieldNamesIt() async throws {
        let transport = RecordingTransport(status: 200, body: #"{"message":"Organization created"}"#)
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport).createOrg(name: "x")
        }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.message == "Unexpected response: missing field 'orgId'")
    }

    @Test func connectionFailureNamesURLAndCause() async throws {
        let transport = RecordingTransport { _ in
            throw ConnectionFailure(kind: .connectionRefused, cause: "connection refused")
        }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, baseURL: "http://localhost:3999").createOrg(name: "apiorg")
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.kind.isConnectionFailure == true)
        #expect(error?.url == "http://localhost:3999")
        #expect(
            error?.description
                == "Create organization failed: Cannot connect to http://localhost:3999 (connection refused, POST /api/orgs)"
        )
        #expect(error?.hint == "Check that Grafana is running and listening at http://localhost:3999.")
    }

    @Test func otherTransportErrorsBecomeConnectionFailures() async throws {
        struct Weird: Error {}
        let transport = RecordingTransport { _ in throw Weird() }
        let error = await #expect(throws: GrafanaError.self) { _ = try await makeClient(transport).orgs() }
        #expect(error?.kind == .connectionFailed)
    }

    @Test func cancellationPassesThrough() async throws {
        let transport = RecordingTransport { _ in throw CancellationError() }
        await #expect(throws: CancellationError.self) { _ = try await makeClient(transport).orgs() }
    }

    @Test func errorKindsCompareAndDescribe() {
        #expect(GrafanaError.Kind.timeout == .timeout)
        #expect(GrafanaError.Kind.timeout != .connectionRefused)
        #expect(GrafanaError.Kind.tlsFailure.description == "TLS failure")
        #expect(!GrafanaError.Kind.httpStatus.isConnectionFailure)
    }
}
