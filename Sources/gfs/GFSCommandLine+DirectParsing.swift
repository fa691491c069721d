import ArgumentParser
import Foundation
import GFSCommands

extension GFSCommandLine {
    /// Runs the common command lines (a script or `-c` with the connection and output options
    /// written out in full) without swift-argument-parser's parse, and returns `false` for
    /// any other, which `main` then hands to swift-argument-parser.
    ///
    /// Its parse builds the whole command's argument tree by reflection (`Mirror` over every
    /// property wrapper, and a protocol conformance lookup per wrapper type that scans every
    /// conformance record in the binary), which was a quarter of the CPU time of
    /// `gfs -c 'echo hi'`. Anything this reader does not know exactly as swift-argument-parser
    /// reads it (help, `-i`, the shell, short flags run together, `--`, a value starting with
    /// `-`, an option given twice, a failed validation) goes to swift-argument-parser, so
    /// every usage error keeps its wording.
    static func runParsedDirectly(_ arguments: [String]) async -> Bool {
        guard let line = parsedDirectly(arguments), (try? line.validate()) != nil else { return false }
        do {
            try await line.run()
        } catch let exitCode as ExitCode {
            Foundation.exit(exitCode.rawValue)
        } catch {
            Self.exit(withError: error)
        }
        return true
    }

    /// The command line read without swift-argument-parser, or `nil` when it is not one of
    /// the forms `runParsedDirectly` takes. Every stored option is set here: a wrapper left
    /// unset stops the program when read, and `DirectParsingTests` compares every property
    /// with swift-argument-parser's parse.
    static func parsedDirectly(_ arguments: [String]) -> GFSCommandLine? {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var variables: [String] = []
        var positionals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-"), argument != "-" else {
                positionals.append(argument)
                continue
            }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if directFlags.contains(name) {
                let key = name == "-v" ? "--verbose" : name
                guard inlineValue == nil, flags.insert(key).inserted else { return nil }
                continue
            }
            guard directOptions.contains(name) else { return nil }
            // `-c=...` is not how swift-argument-parser reads a short option's value.
            if name == "-c", inlineValue != nil { return nil }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            if name == "--var" {
                variables.append(value)
            } else {
                guard values.updateValue(value, forKey: name) == nil else { return nil }
            }
        }
        if positionals.isEmpty && values["-c"] == nil { return nil }
        var retries: Int?
        if let text = values["--retries"] {
            guard let number = Int(text) else { return nil }
            retries = number
        }

        var line = GFSCommandLine()
        line.commands = values["-c"]
        line.variables = variables
        line.output = values["--output"] ?? GrafanaShellHost.OutputFormat.text.rawValue
        line.sandbox = flags.contains("--sandbox")
        line.sandboxVersion = values["--sandbox-version"] ?? defaultSandboxVersion
        line.dryRun = flags.contains("--dry-run")
        line.checkOnly = flags.contains("--check")
        line.showSecrets = flags.contains("--show-secrets")
        line.context = values["--context"]
        line.url = values["--url"]
        line.user = values["--user"]
        line.passwordEnv = values["--password-env"]
        line.passwordFile = values["--password-file"]
        line.tokenEnv = values["--token-env"]
        line.tokenFile = values["--token-file"]
        line.insecure = flags.contains("--insecure")
        line.cacert = values["--cacert"]
        line.timeout = values["--timeout"]
        line.retries = retries
        line.verbose = flags.contains("--verbose")
        line.log = values["--log"]
        line.script = positionals.first
        line.arguments = Array(positionals.dropFirst())
        var shell = InteractiveOptions()
        shell.interactiveScript = nil
        shell.skipsRCFile = false
        shell.sandboxDelays = []
        line.shell = shell
        return line
    }

    private static let directFlags: Set<String> = [
        "--sandbox", "--dry-run", "--check", "--show-secrets", "--insecure", "--verbose", "-v",
    ]

    private static let directOptions: Set<String> = [
        "-c", "--var", "--output", "--sandbox-version", "--context", "--url", "--user", "--password-env",
        "--password-file", "--token-env", "--token-file", "--cacert", "--timeout", "--retries", "--log",
    ]
}
