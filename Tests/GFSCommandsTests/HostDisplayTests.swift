import GFSLanguage
import Testing

@testable import GFSCommands

/// How the host puts successive results on standard output: a blank line between them in
/// text, none in JSON, and none when the shell turns separation off.
@Suite struct HostDisplayTests {
    let org: Value = ["id": 2, "name": "apiorg"]
    let orgs: Value = [["id": 1, "name": "main"], ["id": 2, "name": "apiorg"]]

    func host(_ options: GrafanaShellHost.Options) throws -> (GrafanaShellHost, CapturingSink) {
        let context = try ContextResolver(environment: [:], configPath: "/nonexistent").resolve(
            ConnectionOptions(url: "http://127.0.0.1:1")
        )
        let sink = CapturingSink()
        return (GrafanaShellHost(context: context, options: options, sink: sink), sink)
    }

    @Test func textResultsAreSeparatedByOneBlankLine() async throws {
        let (host, sink) = try host(.init(environment: [:]))
        await host.display(org, of: nil)
        await host.display(orgs, of: nil)
        await host.display(org, of: nil)
        #expect(
            sink.standardOutput
                == "id    2\nname  apiorg\n\nID  NAME\n1   main\n2   apiorg\n\nid    2\nname  apiorg\n"
        )
        #expect(sink.standardError.isEmpty)
    }

    @Test func jsonResultsAreOnePerLine() async throws {
        let (host, sink) = try host(.init(output: .json, environment: [:]))
        await host.display(org, of: nil)
        await host.display(orgs, of: nil)
        #expect(
            sink.standardOutput
                == "{\"id\":2,\"name\":\"apiorg\"}\n[{\"id\":1,\"name\":\"main\"},{\"id\":2,\"name\":\"apiorg\"}]\n"
        )
    }

    @Test func separationCanBeTurnedOff() async throws {
        let (host, sink) = try host(.init(environment: [:], separatesResults: false))
        await host.display(org, of: nil)
        await host.display(org, of: nil)
        #expect(sink.standardOutput == "id    2\nname  apiorg\nid    2\nname  apiorg\n")
    }
}
