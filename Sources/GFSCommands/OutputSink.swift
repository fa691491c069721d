public import GFSLanguage

/// Where the host's text goes. The executable writes to the process's standard streams
/// (``Console/standard``); tests capture.
public protocol OutputSink: Sendable {
    func write(_ text: String, to stream: OutputStreamKind)
}

extension Console: OutputSink {}
