import Foundation
import Testing

@testable import GrafanaAPI

/// Passwords, tokens and `Authorization` values never show in descriptions, dumps or errors.
@Suite struct SecretRedactionTests {
    static let password = "pa55-WORD-xyz"
    static let token = "glsa_SECRETtokenVALUE0123456789abcd_0badf00d"

    static func leaks(_ text: String) -> Bool {
        text.contains(password) || text.contains(token)
            || text.contains(Data("admin:\(password)".utf8).base64EncodedString())
    }

    @Test func credentialsAndConfigurationDescriptions() {
        let basic = GrafanaClient.Credentials.basic(user: "admin", password: Self.password)
        let bearer = GrafanaClient.Credentials.bearer(Self.token)
        #expect(basic.description == "basic (admin)")
        #expect(bearer.description == "token")
        for value in [basic, bearer] {
            var dumped = ""
            dump(value, to: &dumped)
            #expect(!Self.leaks(dumped))
            #expect(!Self.leaks(String(reflecting: value)))
            let configuration = GrafanaClient.Configuration(credentials: value)
            #expect(!Self.leaks(String(describing: configuration)))
            var dumpedConfiguration = ""
            dump(configuration, to: &dumpedConfiguration)
            #expect(!Self.leaks(dumpedConfiguration))
        }
    }

    @Test func transportRequestDescriptionHasNoHeaders() async throws {
        let transport = RecordingTransport(status: 200, body: "[]")
        _ = try await makeClient(transport, credentials: .basic(user: "admin", password: Self.password)).orgs()
        let request = try #require(transport.last)
        #expect(request.header("Authorization") != nil)
        #expect(String(describing: request) == "GET http://localhost:3000/api/orgs")
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!Self.leaks(dumped))
    }

    @Test func createdKeysHideTheKey() {
        let key = CreatedKey(
            name: "ci",
            key: Self.token,
            role: "Admin",
            orgId: 2,
            expiration: nil,
            kind: .serviceAccountToken,
            id: 1
        )
        #expect(!Self.leaks(String(describing: key)))
        #expect(!Self.leaks(String(reflecting: key)))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!Self.leaks(dumped))
        let new = NewAPIKey(id: 1, name: "ci", key: Self.token)
        #expect(!Self.leaks(String(describing: new)))
        var dumpedNew = ""
        dump(new, to: &dumpedNew)
        #expect(!Self.leaks(dumpedNew))
    }

    /// Every error path, with secrets in the credentials, yields secret-free text.
    @Test(arguments: [
        TransportResponse(
            status: 401,
            body: Data(#"{"message":"Invalid username or password","messageId":"password-auth.failed"}"#.utf8)
        ),
        // Truncated JSON.
        TransportResponse(status: 500, body: Data("{\"id\":1,\"name\":\"k\",\"key\":\"\(token)\"".utf8)),
        TransportResponse(status: 200, body: Data("{\"id\":1,\"name\":\"k\",\"key\":\"\(token)\"".utf8)),
        TransportResponse(status: 502, body: Data("upstream said \(token) oops".utf8)),
        TransportResponse(status: 302, headers: [HTTPHeaderField("Location", "http://admin:\(password)@other/")]),
    ])
    func errorTextHasNoSecrets(response: TransportResponse) async throws {
        for credentials in [
            GrafanaClient.Credentials.basic(user: "admin", password: Self.password), .bearer(Self.token),
        ] {
            let transport = RecordingTransport { _ in response }
            let error = await #expect(throws: GrafanaError.self) {
                _ = try await makeClient(transport, credentials: credentials).createServiceAccountToken(
                    serviceAccountID: 1,
                    name: "k"
                )
            }
            let caught = try #require(error)
            for text in [caught.description, caught.message, caught.hint ?? "", String(reflecting: caught)] {
                #expect(!Self.leaks(text), "leaked in: \(text)")
            }
        }
    }

    @Test func connectionErrorsHaveNoSecrets() async throws {
        let transport = RecordingTransport { _ in
            throw ConnectionFailure(kind: .tlsFailure, cause: "TLS: handshake failed")
        }
        let error = await #expect(throws: GrafanaError.self) {
            _ = try await makeClient(transport, credentials: .bearer(Self.token)).orgs()
        }
        let caught = try #require(error)
        #expect(!Self.leaks(caught.description + (caught.hint ?? "") + String(reflecting: caught)))
        #expect(caught.hint == "Trust the server's CA with --cacert FILE, or skip verification with --insecure.")
    }

    @Test func scrubsTokenShapedWords() {
        #expect(GrafanaError.scrubTokens("bad glsa_abc_123 and eyJrIjoiYWJj") == "bad *** and ***")
    }
}
