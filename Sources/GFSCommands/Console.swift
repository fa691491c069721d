import Foundation
public import GFSLanguage

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
    public static let standard = Console { text, stream in
        let handle: FileHandle = stream == .standardOutput ? .standardOutput : .standardError
        // A closed pipe (`gfs x.gfs | head -1`) must not crash the process with an exception.
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
