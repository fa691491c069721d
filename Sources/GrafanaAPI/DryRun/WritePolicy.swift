import NIOConcurrencyHelpers

/// Whether a client sends writes (every method but GET) or captures them for a dry run.
///
/// With ``capture(_:)`` reads still go to the server, so a dry run sees real state; each write
/// is recorded in the ``DryRunRecorder`` and the write method returns
/// ``WriteOutcome/planned(_:)`` with the ``PlannedWrite``, so the caller can substitute a
/// placeholder result and go on.
public enum WritePolicy: Sendable {
    /// Send every request.
    case send
    /// Record writes instead of sending them.
    case capture(DryRunRecorder)
}

/// Collects the writes a dry run would have sent, in order.
public final class DryRunRecorder: Sendable {
    private let box = NIOLockedValueBox<[PlannedWrite]>([])

    /// Creates an empty recorder.
    public init() {}

    /// The captured writes, oldest first.
    public var writes: [PlannedWrite] {
        box.withLockedValue { $0 }
    }

    func record(_ write: PlannedWrite) {
        box.withLockedValue { $0.append(write) }
    }
}

/// A write that a dry run captured instead of sending.
///
/// Its `description` is the equivalent `curl` command with credentials and secret body
/// fields redacted; the request itself (with the real `Authorization` header) stays inside.
public struct PlannedWrite: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// What the call does: "create organization".
    public let operation: String
    /// The request as it would have been sent.
    public let request: TransportRequest

    /// The `curl` command line that would send this request, secrets replaced by `***`.
    public var curlCommand: String { request.curlCommand }

    /// The redacted `curl` line.
    public var description: String { curlCommand }

    /// Shows the operation and the redacted `curl` line, never the raw headers.
    public var customMirror: Mirror {
        Mirror(self, children: ["operation": operation, "curl": curlCommand])
    }
}
