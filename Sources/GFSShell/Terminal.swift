import CLibEditShim
import Dispatch
import Foundation

/// Facts about the process's terminal, and the signal plumbing the shell needs.
public enum Terminal {
    /// Whether both standard input and standard output are terminals: the condition for
    /// line editing, prompts and colour.
    public static var standardInputAndOutputAreTerminals: Bool {
        isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Whether standard output is a terminal.
    public static var standardOutputIsTerminal: Bool {
        isatty(STDOUT_FILENO) == 1
    }

    /// Sets the character type locale from the environment, or `C.UTF-8` when that gives
    /// plain ASCII, so that libedit reads multibyte input.
    public static func configureLocale() {
        let current = setlocale(LC_CTYPE, "").map { String(cString: $0) }
        if current == nil || current == "C" || current == "POSIX" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Installs the counting SIGINT handler (once). While a command runs the terminal is
    /// cooked, so Ctrl-C is a real SIGINT; the shell watches `interruptCount` to cancel it.
    public static func installInterruptHandler() {
        _ = interruptHandlerInstalled
    }

    private static let interruptHandlerInstalled: Bool = {
        gfs_sigint_install() == 0
    }()

    /// How many SIGINTs arrived since `installInterruptHandler`.
    public static var interruptCount: UInt {
        UInt(gfs_sigint_count())
    }

    /// Blocks SIGWINCH, SIGCONT and SIGTSTP in the calling thread and in every thread it
    /// starts afterwards. Call it first thing in `main`, before any thread exists, when the
    /// shell will edit: `LibEditLineReader`'s own thread unblocks them, so they interrupt its
    /// `read` there (libedit then redraws) instead of landing on a thread that cannot act on
    /// them (LIBEDIT.md, "Signals"). SIGINT is not blocked; its handler only counts.
    ///
    /// Seen here: with an async `main` the main thread's mask reads empty again later (the
    /// main thread is handed to Dispatch), so these signals may still land there; libedit's
    /// handlers then run on it, and a resize redraws at the next key instead of at once.
    public static func routeTerminalSignalsToEditor() {
        _ = gfs_terminal_signals_mask(1)
    }

    /// A queue for blocking reads, kept off Swift's cooperative thread pool.
    static let blockingQueue = DispatchQueue(label: "gfs.shell.input")

    /// Writes to standard output and flushes it, through the same `FILE` libedit writes to.
    static func writeStandardOutput(_ text: String) {
        let file = gfs_stdout()
        fputs(text, file)
        fflush(file)
    }

    /// Flushes standard output first, so that an error does not overtake earlier output.
    static func writeStandardError(_ text: String) {
        fflush(gfs_stdout())
        fputs(text, gfs_stderr())
        fflush(gfs_stderr())
    }
}

extension Terminal {
    /// The width of the terminal on standard output, if it is one.
    static var columns: Int? {
        let columns = Int(gfs_terminal_columns(STDOUT_FILENO))
        return columns > 0 ? columns : nil
    }
}

extension Terminal {
    /// The reader the shell should use for this process's standard input and output: libedit
    /// when both are terminals (psql's rule), plain reading with no prompt otherwise.
    public static func makeLineReader(history: HistoryStore?, completer: Completer?) -> any LineReader {
        if standardInputAndOutputAreTerminals {
            return LibEditLineReader(history: history, completer: completer)
        }
        return PlainLineReader()
    }
}
