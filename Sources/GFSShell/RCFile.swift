import Foundation
public import GFSLanguage

/// The rc file: gfs statements run when the interactive shell starts, before the first
/// prompt (never in batch mode, and not with `-X`), like psql's `~/.psqlrc`.
public enum RCFile {
    /// `$XDG_CONFIG_HOME/gfs/rc`, or `~/.config/gfs/rc` when that is unset or relative (the
    /// XDG spec ignores relative paths). `environment` is the process's when `nil`.
    public static func path(environment: [String: String]? = nil) -> String {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/gfs/rc"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/gfs/rc"
    }

    /// The rc file as a source named by its path, or `nil` when there is none. A file that
    /// exists but cannot be read is an error worth showing, not a silent skip.
    public static func load(environment: [String: String]? = nil) throws(RCFileError) -> SourceFile? {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RCFileError(message: "Cannot read the rc file \(path)")
        }
        return SourceFile(name: path, text: String(decoding: data, as: UTF8.self))
    }
}

/// An rc file that exists but cannot be read.
public struct RCFileError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
