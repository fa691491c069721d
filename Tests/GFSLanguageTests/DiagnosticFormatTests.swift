import GFSLanguage
import Testing

/// The machine formats of `gfs check`: GitHub Actions annotations and JSON objects.
@Suite struct DiagnosticFormatTests {
    static let diagnostic = Diagnostic(
        .warning,
        code: .missingFile,
        message: "No such file '50%\r\n.json'",
        hint: "Check it.",
        range: SourceRange(
            start: SourcePosition(offset: 4, line: 2, column: 3),
            end: SourcePosition(offset: 9, line: 2, column: 8)
        ),
        sourceName: "dir:a,b%.gfs"
    )

    @Test func githubEscapesTheMessageAndEveryProperty() {
        #expect(
            DiagnosticRenderer.githubAnnotation(Self.diagnostic)
                == "::warning file=dir%3Aa%2Cb%25.gfs,line=2,col=3,endLine=2,endColumn=8,title=warning.missing-file"
                + "::No such file '50%25%0D%0A.json'%0AHint: Check it."
        )
    }

    @Test func githubUsesErrorForErrorsAndLeavesOutAMissingHint() {
        var error = Self.diagnostic
        error.severity = .error
        error.hint = nil
        error.message = "a: b, c"
        #expect(DiagnosticRenderer.githubAnnotation(error).hasPrefix("::error file="))
        #expect(DiagnosticRenderer.githubAnnotation(error).hasSuffix("::a: b, c"))
    }

    @Test func jsonHasEveryFieldInOrder() {
        #expect(
            DiagnosticRenderer.json(Self.diagnostic)
                == #"{"file":"dir:a,b%.gfs","line":2,"column":3,"endLine":2,"endColumn":8,"severity":"warning","#
                + #""code":"warning.missing-file","message":"No such file '50%\r\n.json'","hint":"Check it."}"#
        )
    }
}
