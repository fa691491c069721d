import CLibEdit
import CLibEditShim
import Dispatch
import Foundation

/// Edits lines at a terminal with libedit: emacs keys, Up/Down and Ctrl-R history search,
/// Tab completion, and Ctrl-C/Ctrl-Z handled as editor keys.
///
/// The terminal's own signal keys are off while editing (`EL_SETTY -d -isig`): once the
/// process has threads, a SIGINT typed at the prompt would land on another thread and
/// `el_gets` would never return (LIBEDIT.md, "Signals"). Ctrl-C is instead an editor function
/// that ends the read as `.interrupted`, and Ctrl-Z one that stops the process group. libedit
/// still handles SIGCONT and SIGWINCH (`EL_SIGNAL`); characters are read by the C shim
/// (`gfs_el_read_char`), which redraws the line when a resize or a resume interrupts it, and a
/// SIGWINCH that lands on another thread is passed on to the editing thread.
///
/// Reads run on a thread of their own, never on Swift's cooperative pool, which has one
/// thread per core and would stall while a line is typed.
public final class LibEditLineReader: LineReader, @unchecked Sendable {
    // All state below is touched only on `thread` (inside `el_gets` and the editor functions
    // it calls), or before the first read.
    private let thread = EditorThread()
    private let editLine: OpaquePointer
    private let history: HistoryStore?
    private let completer: Completer?
    private var promptText: UnsafeMutablePointer<CChar>
    private var wasInterrupted = false

    /// Starts libedit on the process's standard input, output and error.
    ///
    /// - Parameters:
    ///   - history: Up/Down and Ctrl-R search its entries; the caller records new lines.
    ///   - completer: offers Tab completions; `nil` makes Tab insert nothing.
    ///   - programName: the name `~/.editrc` settings are selected by.
    public init(history: HistoryStore?, completer: Completer?, programName: String = "gfs") {
        Terminal.configureLocale()
        self.history = history
        self.completer = completer
        self.promptText = strdup("")!
        // The same `stdout` Swift's `print` writes to, so output stays in order.
        self.editLine = el_init(programName, gfs_stdin(), gfs_stdout(), gfs_stderr())
        configure()
    }

    deinit {
        el_end(editLine)
        free(promptText)
    }

    public var isInteractive: Bool { true }

    public func readLine(prompt: String) async -> LineInput {
        await thread.run { self.blockingRead(prompt: prompt) }
    }

    private func configure() {
        let clientData = Unmanaged.passUnretained(self).toOpaque()
        _ = gfs_el_set_clientdata(editLine, clientData)
        _ = gfs_el_set_editor(editLine, "emacs")
        _ = gfs_el_set_signal(editLine, 1)
        _ = gfs_el_set_read_function(editLine)
        _ = gfs_el_set_prompt(editLine, libEditPrompt, Self.promptEscape)
        if let history {
            _ = gfs_el_set_history(editLine, history.handle)
        }
        // A user's ~/.editrc may change keys; ours below take precedence for the keys gfs
        // depends on.
        _ = el_source(editLine, nil)
        _ = gfs_el_settty(editLine, "-d", "-isig")

        _ = gfs_el_add_function(editLine, "gfs-complete", "Complete the word under the cursor", libEditComplete)
        _ = gfs_el_add_function(editLine, "gfs-interrupt", "Discard the line", libEditInterrupt)
        _ = gfs_el_add_function(editLine, "gfs-suspend", "Suspend gfs", libEditSuspend)
        _ = gfs_el_bind(editLine, "^I", "gfs-complete")
        _ = gfs_el_bind(editLine, "^C", "gfs-interrupt")
        _ = gfs_el_bind(editLine, "^Z", "gfs-suspend")
        _ = gfs_el_bind(editLine, "^R", "em-inc-search-prev")
        _ = gfs_el_bind(editLine, "^S", "em-inc-search-next")
        _ = gfs_el_bind(editLine, "\\ep", "ed-search-prev-history")
        _ = gfs_el_bind(editLine, "\\en", "ed-search-next-history")
    }

    private func blockingRead(prompt: String) -> LineInput {
        setPrompt(prompt)
        while true {
            wasInterrupted = false
            var count: Int32 = 0
            let raw = el_gets(editLine, &count)
            if wasInterrupted { return .interrupted }
            guard let raw else {
                // A signal without a handler of libedit's own interrupted the read: read again.
                if count < 0 && errno == EINTR { continue }
                return .endOfInput
            }
            var line = String(cString: raw)
            if line.hasSuffix("\n") { line.removeLast() }
            return .line(line)
        }
    }

    private func setPrompt(_ prompt: String) {
        free(promptText)
        promptText = strdup(Prompt.markingEscapes(in: prompt))!
    }

    /// The byte that brackets terminal escape sequences in the prompt, so that libedit does not
    /// count them as columns (`EL_PROMPT_ESC`).
    static let promptEscape = CChar(Prompt.escapeMarker.value)

    // MARK: Editor functions, called by libedit on the reading thread

    fileprivate var currentPrompt: UnsafeMutablePointer<CChar> { promptText }

    fileprivate func interrupt() -> UInt8 {
        wasInterrupted = true
        // Show what was discarded as a shell does (`text^C`), then end the read through the
        // ordinary newline key, which moves below the line before the next prompt.
        if let line = el_wline(editLine) {
            // `el_cursor` moves by characters (libedit edits wide characters).
            _ = el_cursor(editLine, Int32(line.pointee.lastchar - line.pointee.cursor))
        }
        _ = el_insertstr(editLine, "^C")
        el_push(editLine, "\n")
        return UInt8(CC_REFRESH)
    }

    fileprivate func suspend() -> UInt8 {
        _ = gfs_el_prep_term(editLine, 0)
        _ = gfs_suspend_process_group(500)
        _ = gfs_el_prep_term(editLine, 1)
        return UInt8(CC_REDISPLAY)
    }

    fileprivate func complete() -> UInt8 {
        guard let completer, let info = el_line(editLine) else { return UInt8(CC_ERROR) }
        let buffer = UnsafeRawPointer(info.pointee.buffer!)
        let length = UnsafeRawPointer(info.pointee.lastchar!) - buffer
        let cursor = UnsafeRawPointer(info.pointee.cursor!) - buffer
        let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.utf8.count == length else { return UInt8(CC_ERROR) }  // not UTF-8

        let completion = completer.completeWaiting(line: line, cursor: cursor)
        if let replacement = completion.replacement {
            // `el_deletestr` counts characters (libedit edits wide characters), not bytes.
            el_deletestr(editLine, Int32(completion.partial.unicodeScalars.count))
            _ = el_insertstr(editLine, replacement)
            return UInt8(CC_REFRESH)
        }
        if completion.candidates.count > 1 {
            let columns = Terminal.columns ?? 80
            Terminal.writeStandardOutput("\n" + CandidateList.layout(completion.displayNames, width: columns))
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(CC_REFRESH_BEEP)
    }
}

private func reader(of editLine: OpaquePointer?) -> LibEditLineReader? {
    guard let editLine, let data = gfs_el_get_clientdata(editLine) else { return nil }
    return Unmanaged<LibEditLineReader>.fromOpaque(data).takeUnretainedValue()
}

nonisolated(unsafe) private let emptyPrompt: UnsafeMutablePointer<CChar> = strdup("")!

private func libEditPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    reader(of: editLine)?.currentPrompt ?? emptyPrompt
}

private func libEditComplete(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    reader(of: editLine)?.complete() ?? UInt8(CC_ERROR)
}

private func libEditInterrupt(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    reader(of: editLine)?.interrupt() ?? UInt8(CC_ERROR)
}

private func libEditSuspend(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    reader(of: editLine)?.suspend() ?? UInt8(CC_ERROR)
}
