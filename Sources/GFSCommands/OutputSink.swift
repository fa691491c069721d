#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import GFSLanguage

/// Where the host's text goes. The executable writes to the process's standard streams;
/// tests capture.
public protocol OutputSink: Sendable {
    func write(_ text: String, to stream: OutputStreamKind)
}

/// The process's standard output and standard error, unbuffered.
public struct StandardOutputSink: OutputSink {
    public init() {}

    public func write(_ text: String, to stream: OutputStreamKind) {
        let descriptor: Int32 = stream == .standardOutput ? 1 : 2
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether standard output is a terminal (the secret of `key create` is shown only there).
    public static var standardOutputIsTerminal: Bool { isatty(1) == 1 }
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
    #else
        Darwin.write(descriptor, buffer, count)
    #endif
}
