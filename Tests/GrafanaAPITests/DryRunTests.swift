import Foundation
import Testing

@testable import GrafanaAPI

/// Writes captured by the dry-run policy, and their `curl` rendering.
@Suite struct DryRunTests {
    func captureClient(
        _ transport: RecordingTransport,
        credentials: GrafanaClient.Credentials = .basic(user: "admin", password: "s3cret-pw"),
        orgID: Int64? = nil
    ) -> (GrafanaClient, DryRunRecorder) {
        let recorder = DryRunRecorder()
        return (
            makeClient(transport, credentials: credentials, orgID: orgID).with(writePolicy: .capture(recorder)),
            recorder
        )
    }

    @Test func writesAreCapturedReadsAreSent() async throws {
        let transport = RecordingTransport(status: 200, body: "[]")
        let (client, recorder) = captureClient(transport)
        _ = try await client.orgs()
        // A planned write is a value, not an error.
        let outcome = try await client.createOrg(name: "apiorg")
        #expect(outcome.answer == nil)
        #expect(outcome.plannedWrite?.operation == "create organization")
        #expect(outcome.plannedWrite == recorder.writes.first)
        // A caller that needs the answer gets the dry run's error.
        let error = #expect(throws: GrafanaError.self) { try outcome.get() }
        #expect(error?.kind == .notSent)
        #expect(error?.description == "Dry run: not sent: create organization (POST /api/orgs)")
        #expect(transport.requests.map(\.method) == [.get])
        #expect(recorder.writes.count == 1)
        #expect(
            recorder.writes.first?.curlCommand
                == #"curl -X POST 'http://localhost:3000/api/orgs' -u admin:*** -H 'Content-Type: application/json' --data-raw '{"name":"apiorg"}'"#
        )
    }

    @Test func basicAuthWithOrgHeader() async throws {
        let (client, recorder) = captureClient(RecordingTransport(), orgID: 2)
        _ = try? await client.deleteDashboard(uid: "u1")
        #expect(
            recorder.writes.map(\.curlCommand) == [
                "curl -X DELETE 'http://localhost:3000/api/dashboards/uid/u1' -u admin:*** -H 'X-Grafana-Org-Id: 2'"
            ]
        )
    }

    @Test func bearerTokenIsRedacted() async throws {
        let (client, recorder) = captureClient(RecordingTransport(), credentials: .bearer("glsa_topsecret_0011aabb"))
        _ = try? await client.saveDashboard(Data(#"{"title":"It's here"}"#.utf8), overwrite: true)
        let curl = try #require(recorder.writes.first?.curlCommand)
        #expect(
            curl
                == #"curl -X POST 'http://localhost:3000/api/dashboards/db' -H 'Authorization: Bearer ***' -H 'Content-Type: application/json' --data-raw '{"dashboard":{"title":"It'\''s here"},"overwrite":true}'"#
        )
        #expect(!curl.contains("topsecret"))
    }

    @Test func userNamesThatNeedQuotingAreQuoted() async throws {
        let (client, recorder) = captureClient(
            RecordingTransport(),
            credentials: .basic(user: "o'brien x", password: "pw")
        )
        _ = try? await client.deleteOrg(id: 3)
        #expect(
            recorder.writes.first?.curlCommand
                == #"curl -X DELETE 'http://localhost:3000/api/orgs/3' -u 'o'\''brien x':***"#
        )
    }

    @Test func secretBodyFieldsAreBlanked() async throws {
        let (client, recorder) = captureClient(RecordingTransport())
        let body =
            #"{"name":"pg","type":"postgres","user":"grafana","basicAuthPassword":"bap","secureJsonData":{"password":"pgpass","tlsClientKey":"-----BEGIN"},"jsonData":{"sslmode":"disable"}}"#
        _ = try? await client.createDataSource(Data(body.utf8))
        let curl = try #require(recorder.writes.first?.curlCommand)
        #expect(
            curl.hasSuffix(
                #"--data-raw '{"name":"pg","type":"postgres","user":"grafana","basicAuthPassword":"***","secureJsonData":{"password":"***","tlsClientKey":"***"},"jsonData":{"sslmode":"disable"}}'"#
            )
        )
        for secret in ["bap", "pgpass", "BEGIN", "s3cret-pw"] {
            #expect(!curl.contains(secret))
        }
    }

    @Test func plannedWriteDescriptionIsTheCurlLine() async throws {
        let (client, recorder) = captureClient(RecordingTransport())
        _ = try? await client.switchOrg(to: 2)
        let write = try #require(recorder.writes.first)
        #expect(String(describing: write) == write.curlCommand)
        #expect(write.curlCommand == "curl -X POST 'http://localhost:3000/api/user/using/2' -u admin:***")
        var dumped = ""
        dump(write, to: &dumped)
        #expect(!dumped.contains("s3cret-pw"))
        #expect(!dumped.contains(Data("admin:s3cret-pw".utf8).base64EncodedString()))
    }

    @Test func getRequestsRenderWithoutMethodFlag() {
        let request = TransportRequest(
            method: .get,
            baseURL: URL(string: "http://localhost:3000")!,
            path: "/api/search",
            query: [QueryItem("query", "a b")]
        )
        #expect(request.curlCommand == "curl 'http://localhost:3000/api/search?query=a%20b'")
    }
}
