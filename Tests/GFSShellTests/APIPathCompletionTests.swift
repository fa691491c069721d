import Foundation
import GFSCommands
import GFSLanguage
import GFSShell
import Testing

/// Tab after `api METHOD `: the method, then the path segment by segment from the OpenAPI
/// paths, kept to the method typed.
@Suite struct APIPathCompletionTests {
    /// Answers `.apiPath` with a few `METHOD PATH` entries, as `GrafanaLiveNames` does.
    struct Paths: LiveNameProvider {
        func names(for kind: CompletionKind) async throws -> [String] {
            guard kind == .apiPath else { return [] }
            return [
                "GET /api/dashboards/uid/{uid}", "DELETE /api/dashboards/uid/{uid}",
                "GET /api/dashboards/uid/{uid}/versions", "POST /api/dashboards/db", "GET /api/datasources",
                "POST /api/datasources", "GET /api/health", "GET /api/teams/search", "POST /api/teams",
                "GET /api/teams/{teamId}",
            ]
        }
    }

    /// `GrafanaLiveNames` as the executable hands it to the completer.
    struct Server: LiveNameProvider {
        let source: GrafanaLiveNames
        func names(for kind: CompletionKind) async throws -> [String] { try await source.names(for: kind) }
    }

    func complete(_ line: String, names: any LiveNameProvider = Paths()) async -> Completion {
        // A generous timeout: completion returns as soon as the names arrive.
        let completer = Completer(
            commandTable: GFSCommandCatalog.table,
            liveNameProvider: names,
            liveTimeout: .seconds(30)
        )
        return await completer.complete(line: line, cursor: line.utf8.count)
    }

    @Test func theMethodCompletesInAnyCase() async {
        #expect(await complete("api p").candidates == ["PATCH", "POST", "PUT"])
        #expect(await complete("api de").replacement == "DELETE ")
    }

    @Test func pathsCompleteOneSegmentAtATime() async {
        #expect(await complete("api GET ").candidates == ["/"])
        #expect(
            await complete("api GET /api/").candidates == [
                "/api/dashboards/", "/api/datasources", "/api/health", "/api/teams/",
            ]
        )
        let dashboards = await complete("api GET /api/da")
        #expect(dashboards.candidates == ["/api/dashboards/", "/api/datasources"])
        #expect(dashboards.displayNames == ["dashboards/", "datasources"])
        // Nothing longer in common than what is typed: Tab lists them.
        #expect(dashboards.replacement == nil)
        // A single leaf ends the word; a directory does not.
        #expect(await complete("api GET /api/he").replacement == "/api/health ")
        #expect(await complete("api GET /api/das").replacement == "/api/dashboards/")
    }

    @Test func onlyPathsOfTheTypedMethodAreOffered() async {
        #expect(await complete("api POST /api/").candidates == ["/api/dashboards/", "/api/datasources", "/api/teams"])
        #expect(await complete("api post /api/dashboards/").candidates == ["/api/dashboards/db"])
        #expect(await complete("api DELETE /api/dashboards/uid/").candidates == ["/api/dashboards/uid/{uid}"])
    }

    @Test func aTypedValueStandsForAParameter() async {
        // The spec's `{uid}` is shown as written, and a real uid in its place goes on.
        #expect(
            await complete("api GET /api/dashboards/uid/").candidates == [
                "/api/dashboards/uid/{uid}", "/api/dashboards/uid/{uid}/",
            ]
        )
        #expect(await complete("api GET /api/dashboards/uid/abc/v").replacement == "/api/dashboards/uid/abc/versions ")
        #expect(await complete("api GET /api/dashboards/uid/ab").candidates.isEmpty)
    }

    @Test func optionsAfterThePathStillComplete() async {
        #expect(await complete("api GET /api/health --q").replacement == "--query ")
    }

    @Test func theShippedListServesAServerThatCannotBeReached() async throws {
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: "http://127.0.0.1:1", user: "admin", password: "admin")
        )
        let host = GrafanaShellHost(context: context, options: GrafanaShellHost.Options(environment: [:]))
        let completion = await complete("api PUT /api/org/pref", names: Server(source: GrafanaLiveNames(host: host)))
        #expect(completion.replacement == "/api/org/preferences ")
    }
}
