import Foundation
import GFSLanguage
import GFSShell

/// A command table shaped like gfs's, small enough to reason about in tests.
let testTable = CommandTable(commands: [
    CommandSpec(path: ["org", "create"], summary: "Create an org", arguments: [ArgumentSpec("NAME")], binds: "org"),
    CommandSpec(path: ["org", "list"], summary: "List orgs"),
    CommandSpec(path: ["org", "use"], summary: "Switch org", arguments: [ArgumentSpec("NAME", completion: .orgName)]),
    CommandSpec(
        path: ["org", "user", "add"],
        summary: "Add a user to the org",
        arguments: [ArgumentSpec("LOGIN", completion: .userLogin)],
        options: [OptionSpec("role", valueName: "ROLE", completion: .role)]
    ),
    CommandSpec(
        path: ["dashboard", "push"],
        summary: "Push dashboards",
        arguments: [ArgumentSpec("PATH", completion: .path, isVariadic: true)],
        options: [
            OptionSpec("folder", valueName: "FOLDER", completion: .folder),
            OptionSpec("overwrite"),
            OptionSpec("tag", valueName: "TAG", isRepeatable: true),
        ]
    ),
    CommandSpec(
        path: ["dashboard", "get"],
        summary: "Get a dashboard",
        arguments: [ArgumentSpec("UID", completion: .dashboardUID)]
    ),
    CommandSpec(
        path: ["connect"],
        summary: "Connect to a server",
        arguments: [ArgumentSpec("URL", completion: .url)],
        options: [
            OptionSpec("user", short: "u", valueName: "LOGIN"),
            OptionSpec("password", short: "p", valueName: "PASSWORD", isSecret: true),
            OptionSpec("password-env", valueName: "NAME", completion: .environmentVariable, isSecret: true),
            OptionSpec("token", valueName: "TOKEN", isSecret: true),
            OptionSpec("token-file", valueName: "PATH", completion: .path, isSecret: true),
        ]
    ),
    CommandSpec(
        path: ["user", "create"],
        summary: "Create a user",
        arguments: [ArgumentSpec("LOGIN"), ArgumentSpec("password", isOptional: true)]
    ),
    CommandSpec(
        path: ["key", "create"],
        summary: "Create an API key",
        arguments: [ArgumentSpec("NAME"), ArgumentSpec("ROLE", completion: .role)],
        binds: "key"
    ),
])

/// A fresh, empty directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "gfs-shell-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The permission bits of a file.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
