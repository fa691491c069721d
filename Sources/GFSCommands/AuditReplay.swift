public import Foundation
import GFSLanguage

/// Turns an audit log (`gfs --log`) back into a `.gfs` script that does what the logged
/// statements did: `gfs replay FILE --dry-run`.
///
/// Each statement that ran to the end (or ended the run with `exit`) is written as it was
/// typed. A statement that failed or was interrupted is kept as a comment saying so, as is
/// one whose secret was redacted (it cannot run as logged) and one the log could not show.
/// A run of records from another script or process starts with a comment naming it.
public enum AuditReplay {
    /// A log line that is not an audit record.
    public struct Failure: Error, Sendable {
        public var message: String
        public var hint: String
    }

    /// How the statements were treated.
    public struct Script: Sendable {
        /// The script text.
        public var text: String
        /// Statements written to run.
        public var kept: Int
        /// Statements written as comments.
        public var commented: Int
    }

    /// The script for the log `text`, read from `name` (named in its first comment).
    public static func script(fromLog text: String, name: String) throws(Failure) -> Script {
        var body: [String] = []
        var kept = 0
        var commented = 0
        var origin: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let record: Record
            do {
                guard case .record(let read) = try Array(line.utf8).withUnsafeBufferPointer({ try JSONReader.read($0) })
                else { throw Failure(message: "", hint: "") }
                record = read
            } catch {
                throw Failure(
                    message: "Line \(index + 1) of \(name) is not an audit record",
                    hint: "Give gfs replay a file written by gfs --log, one JSON record per line."
                )
            }
            guard case .string(let outcome)? = record["outcome"] else {
                throw Failure(
                    message: "Line \(index + 1) of \(name) has no outcome",
                    hint: "Give gfs replay a file written by gfs --log, one JSON record per line."
                )
            }
            let script = record["script"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "?"
            let pid = record["pid"].flatMap { if case .int(let n) = $0 { n } else { nil } }
            let here = "\(script)\(pid.map { " (process \($0))" } ?? "")"
            let place = script.hasPrefix("<line ") ? "at the prompt" : "from \(here)"
            let thisOrigin = script.hasPrefix("<line ") ? "prompt \(pid ?? 0)" : here
            if thisOrigin != origin {
                if origin != nil { body.append("") }
                body.append("# \(place)")
                origin = thisOrigin
            }
            guard case .string(let command)? = record["command"] else {
                body.append("# left out: a statement whose secret could not be hidden (line \(index + 1) of the log)")
                commented += 1
                continue
            }
            let isRedacted = record["redacted"] == .bool(true)
            let code = record["code"].flatMap { if case .string(let s) = $0 { s } else { nil } }
            let reason: String? =
                switch outcome {
                case "success": isRedacted ? "holds a redacted secret; fill it in to run it" : nil
                case "exited": nil
                case "interrupted": "interrupted"
                default: "failed\(code.map { " (\($0))" } ?? "")"
                }
            if let reason {
                body.append("# \(reason):")
                body += command.split(separator: "\n", omittingEmptySubsequences: false).map { "#   \($0)" }
                commented += 1
            } else {
                body.append(command)
                kept += 1
            }
        }
        let header = [
            "# Replayed from \(name) by gfs replay: \(kept) statement\(kept == 1 ? "" : "s") to run, "
                + "\(commented) left as comments (failed, interrupted or holding a secret).",
            "",
        ]
        let text = (header + body).joined(separator: "\n") + "\n"
        return Script(text: text, kept: kept, commented: commented)
    }
}
