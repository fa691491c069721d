import Foundation
import GFSCommands
import GFSLanguage
import GFSShell

extension GFSCommandLine {
    /// Opens the audit log into `auditLog`: `--log FILE`, else the config file's `log:`, else
    /// none. Returns `false`, having reported it, when a log was asked for and cannot be opened:
    /// nothing runs unlogged then.
    func openAuditLog(into auditLog: inout AuditLog?) -> Bool {
        guard let path = log ?? ContextResolver().configuredLogPath() else { return true }
        // The history's redaction: secret options and arguments by the command table, credential
        // shapes, and every secret the session has learnt (a token `key create` returned).
        let policy = HistoryPolicy(commandTable: GFSCommandCatalog.table)
        do {
            auditLog = try AuditLog(path: path) { text, secrets in
                switch policy.decide(text, secrets: secrets) {
                case .keep(let kept): (kept, false)
                case .redact(let redacted): (redacted, true)
                case .skip: (nil, true)
                }
            }
            return true
        } catch {
            FailureReporter(json: isJSONOutput, usesColor: Self.stderrUsesColor)
                .report(.writeFailed, message: error.message, hint: error.hint)
            return false
        }
    }
}
