import ArgumentParser
import Foundation
import GFSCommands
import GFSLanguage
import GFSLanguageServer

/// `gfs lsp`: a Language Server Protocol server on standard input and output, for editors.
///
/// Diagnostics are those of `gfs check` (the same check and linter); completion and hover
/// come from the command catalog. No Grafana server is contacted.
struct LSPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gfs lsp",
        abstract: "Serve the Language Server Protocol on standard input and output.",
        discussion: """
            Editors start 'gfs lsp' and speak JSON-RPC to it on standard input and
            output. It checks open documents as 'gfs check' does and publishes the
            diagnostics, completes commands, options and variables, and shows a
            command's help on hover. It contacts no Grafana server.

            Exit status: 0 after the editor's shutdown and exit; 1 when the input
            ends or exit comes without shutdown.
            """
    )

    @Option(
        name: .customLong("print-grammar"),
        help: ArgumentHelp(
            "Print the editor file at this path under editors/ (for scripts/generate-editors).",
            visibility: .hidden
        )
    )
    var grammarPath: String?

    func run() async throws {
        if let grammarPath {
            guard
                let file = EditorGrammars.files(table: GFSCommandCatalog.table).first(where: { $0.path == grammarPath })
            else {
                throw ValidationError("No generated editor file '\(grammarPath)'.")
            }
            Console.standard.write(file.text, to: .standardOutput)
            return
        }
        let server = LanguageServer(table: GFSCommandCatalog.table) { source in
            // As `gfs check FILE` with no --var and no arguments: only $args is bound.
            await CheckCommand.check(source, knownVariables: ["args"]).diagnostics
        }
        let status = await server.serve(input: .standardInput, output: .standardOutput)
        if status != 0 { throw ExitCode(status) }
    }
}
