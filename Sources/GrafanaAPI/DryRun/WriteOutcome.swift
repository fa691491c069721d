/// What a write did: sent, with the server's answer, or only planned by a dry run.
///
/// Every write method of ``GrafanaClient`` returns one. Under ``WritePolicy/send`` it is
/// always ``sent(_:)``; under ``WritePolicy/capture(_:)`` the request is recorded and the
/// method returns ``planned(_:)`` without sending anything, so a caller decides what a
/// planned write stands for instead of catching an error.
public enum WriteOutcome<Answer: Sendable>: Sendable {
    /// The server accepted the write and answered this.
    case sent(Answer)
    /// A dry run recorded this request instead of sending it.
    case planned(PlannedWrite)

    /// The answer of a sent write; nil for a planned one.
    public var answer: Answer? {
        if case .sent(let answer) = self { return answer }
        return nil
    }

    /// The recorded request of a planned write; nil for a sent one.
    public var plannedWrite: PlannedWrite? {
        if case .planned(let write) = self { return write }
        return nil
    }

    /// The answer of a sent write, for callers that cannot go on without it; a planned write
    /// throws ``GrafanaError/Kind/notSent``.
    public func get() throws(GrafanaError) -> Answer {
        switch self {
        case .sent(let answer):
            return answer
        case .planned(let write):
            throw GrafanaError(
                kind: .notSent,
                call: GrafanaError.Call(
                    operation: write.operation,
                    method: write.request.method.rawValue,
                    path: write.request.path
                ),
                message: "Not sent (dry run)",
                plannedWrite: write
            )
        }
    }

    /// The same outcome with the answer transformed.
    public func map<Other: Sendable>(_ transform: (Answer) throws -> Other) rethrows -> WriteOutcome<Other> {
        switch self {
        case .sent(let answer): .sent(try transform(answer))
        case .planned(let write): .planned(write)
        }
    }
}
