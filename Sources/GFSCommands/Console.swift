import Foundation
public import GFSLanguage
import Synchronization

/// Where the executable's text goes: standard output for data, standard error for
/// diagnostics. Writes go straight to the file descriptors, unbuffered, so output and
/// diagnostics interleave in the order they happened.
public struct Console: Sendable {
    private let writeText: @Sendable (String, OutputStreamKind) -> Void

    public init(write: @escaping @Sendable (String, OutputStreamKind) -> Void) {
        self.writeText = write
    }

    public func write(_ text: String, to stream: OutputStreamKind) {
        writeText(text, stream)
    }

    /// The process's standard output and standard error.
    ///
    /// A failed write on standard output (a full disk, a closed descriptor) is remembered in
    /// ``standardOutputError`` and reported to ``onStandardOutputFailure``, so the run can stop
    /// and exit 74 instead of claiming success with its results lost. Later writes to standard
    /// output are dropped. A failed write on standard error has nowhere to be reported.
    public static let standard = Console { text, stream in
        switch stream {
        case .standardOutput:
            guard outputState.withLock({ $0.error == nil }) else { return }
            guard let errorNumber = writeAll(text, to: STDOUT_FILENO) else { return }
            let handler = outputState.withLock { state -> (@Sendable (Int32) -> Void)? in
                guard state.error == nil else { return nil }
                state.error = errorNumber
                return state.handler
            }
            handler?(errorNumber)
        case .standardError:
            _ = writeAll(text, to: STDERR_FILENO)
        }
    }

    /// The `errno` of the first failed write to standard output, if one failed.
    public static var standardOutputError: Int32? {
        outputState.withLock { $0.error }
    }

    /// Calls `handler` once, with the `errno`, when a write to standard output fails.
    public static func onStandardOutputFailure(_ handler: @escaping @Sendable (Int32) -> Void) {
        outputState.withLock { $0.handler = handler }
    }

    /// Writes all of `text` to `descriptor`, retrying partial writes and interruptions;
    /// returns the `errno` of a failure, or `nil`.
    static func writeAll(_ text: String, to descriptor: Int32) -> Int32? {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress, buffer.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            bytes = bytes.dropFirst(written)
        }
        return nil
    }

    private struct OutputState {
        var error: Int32?
        var handler: (@Sendable (Int32) -> Void)?
    }

    private static let outputState = Mutex(OutputState())
}
