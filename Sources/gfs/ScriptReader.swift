import Foundation
import GFSLanguage

/// Reads scripts as bytes from files, pipes, FIFOs and standard input, the same way for all
/// of them: `read(2)` until the end, so `gfs <(echo 'echo hi')`, `gfs /dev/stdin` and a
/// closed or unreadable standard input all work or fail cleanly.
enum ScriptReader {
    /// Why a script could not be read: what, and the system's reason.
    struct ReadError: Error {
        var message: String
        var hint: String
    }

    /// The whole of standard input.
    static func readStandardInput() throws(ReadError) -> [UInt8] {
        // Started with standard input closed (`gfs <&-`), the process may have reused
        // descriptor 0 for one of its own (an event or timer descriptor, which has no file
        // type): that is no input either, and reading it would block or fail obscurely.
        var status = stat()
        if fstat(STDIN_FILENO, &status) != 0 || status.st_mode & S_IFMT == 0 {
            throw ReadError(
                message: "Cannot read standard input: \(describe(EBADF))",
                hint: "Pipe a script into gfs, or give a script file or -c COMMANDS."
            )
        }
        do {
            return try readAll(from: STDIN_FILENO)
        } catch {
            throw ReadError(
                message: "Cannot read standard input: \(describe(error.number))",
                hint: "Pipe a script into gfs, or give a script file or -c COMMANDS."
            )
        }
    }

    /// The whole of the file at `path`, which may be a pipe or a FIFO.
    static func readFile(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReadError(
                message: "Cannot read script '\(path)': \(describe(errno))",
                hint: "Check that the file exists and is readable."
            )
        }
        defer { close(descriptor) }
        do {
            return try readAll(from: descriptor)
        } catch {
            throw ReadError(
                message: "Cannot read script '\(path)': \(describe(error.number))",
                hint: "Give a script file (a directory cannot be run)."
            )
        }
    }

    /// A failed system call's `errno`.
    private struct SystemError: Error {
        var number: Int32
    }

    /// Reads `descriptor` to its end; throws the `errno` of a failed read.
    private static func readAll(from descriptor: Int32) throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError(number: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[..<count])
        }
    }

    private static func describe(_ errorNumber: Int32) -> String {
        String(cString: strerror(errorNumber))
    }
}
