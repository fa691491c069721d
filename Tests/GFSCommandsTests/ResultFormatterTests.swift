import GFSLanguage
import GFSTestSupport
import Testing

@testable import GFSCommands

/// What the user reads: key/value blocks, tables, JSON lines, with secrets masked.
@Suite struct ResultFormatterTests {
    /// How the command at `path` shows its result.
    func display(_ path: String) throws -> ResultDisplay {
        try #require(GFSCommandCatalog.definition(path.split(separator: " ").map(String.init))).display
    }

    let key: Value = [
        "name": "apikeycurl", "key": "glsa_0123456789abcdef", "role": "Admin", "orgId": 2, "expiration": nil,
        "kind": "service-account-token",
    ]

    @Test func aRecordIsAnAlignedKeyValueBlock() throws {
        let text = ResultFormatter(secrets: ["glsa_0123456789abcdef"]).text(key, display: try display("key create"))
        assertGolden(text, named: "key-create-block")
    }

    @Test func aListOfRecordsIsATableWithTheCommandsColumns() throws {
        let rows = try Value(
            json: """
                [{"uid": "prod", "title": "Production Overview", "folder": "General", "folderUid": null, "tags": ["prod", "web"], "url": "/d/prod"},
                 {"uid": "db", "title": "Databases", "folder": "Ops", "folderUid": "ops", "tags": [], "url": "/d/db"}]
                """
        )
        assertGolden(
            ResultFormatter(secrets: []).text(rows, display: try display("dashboard list")),
            named: "dashboard-list-table"
        )
    }

    /// Columns are padded by characters, so text beyond ASCII lines up as ASCII does, and a
    /// line ends without trailing spaces; columns wider than a run of padding still line up.
    @Test func tableColumnsArePaddedByCharacters() throws {
        let wide = String(repeating: "w", count: 70)
        let rows = try Value(
            json: #"[{"a": "café", "b": "☕", "c": ""}, {"a": "x", "b": "\#(wide)", "c": "end"}]"#
        )
        guard case .list(let list) = rows else {
            Issue.record("not a list")
            return
        }
        let lines = ResultFormatter(secrets: []).table(list, columns: nil).split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "A     B" + String(repeating: " ", count: 71) + "C",
                "café  ☕",
                "x     " + wide + "  end",
            ]
        )
    }

    @Test func aNestedNameAndIDReadsAsANameWithItsID() throws {
        let context = try Value(
            json: """
                {"url": "http://127.0.0.1:3000", "auth": "basic", "user": "admin",
                 "org": {"id": 2, "name": "apiorg"}, "version": "11.4.0",
                 "other": {"id": 3, "name": "x", "extra": true}}
                """
        )
        let text = ResultFormatter(secrets: []).text(context, display: try display("context"))
        assertGolden(text, named: "context-block")
        // JSON output keeps the record for scripts and jq.
        #expect(ResultFormatter(secrets: []).json(context).contains(#""org":{"id":2,"name":"apiorg"}"#))
    }

    @Test func anEmptyListSaysSo() throws {
        #expect(ResultFormatter(secrets: []).text(.list([]), display: try display("org list")) == "(none)\n")
    }

    @Test func jsonIsOneLineWithSecretsMasked() throws {
        let line = ResultFormatter(secrets: ["glsa_0123456789abcdef"]).json(key)
        #expect(!line.contains("\n"))
        #expect(!line.contains("glsa_0123456789abcdef"))
        #expect(line.contains(#""key":"***""#))
    }

    @Test func aPulledDashboardPrintsAsJSON() throws {
        let model = try Value(json: #"{"uid": "prod", "title": "Prod"}"#)
        #expect(
            ResultFormatter(secrets: []).text(model, display: try display("dashboard pull"))
                == "{\n  \"uid\": \"prod\",\n  \"title\": \"Prod\"\n}\n"
        )
    }

    @Test func redactionMasksSecretsInsideText() throws {
        let redactor = Redactor(secrets: ["s3cr3t-token", "abc"])
        #expect(redactor.redact("Bearer s3cr3t-token failed") == "Bearer *** failed")
        // Too short to mask safely: masking "abc" would garble ordinary words.
        #expect(redactor.redact("abc") == "abc")
    }
}
