import Foundation
import Logging

// MARK: - The write funnel

extension GrafanaClient {
    /// The funnel every write method goes through: under ``WritePolicy/capture(_:)`` it
    /// records the request and returns ``WriteOutcome/planned(_:)`` without sending; otherwise
    /// it sends through ``perform(_:)`` and returns ``WriteOutcome/sent(_:)``.
    func recordOrSend(_ request: APIRequest) async throws -> WriteOutcome<TransportResponse> {
        if case .capture(let recorder) = writePolicy {
            let planned = PlannedWrite(operation: request.operation, request: transportRequest(for: request))
            recorder.record(planned)
            logger.debug("planned \(request.method.rawValue) \(request.path) (dry run)")
            return .planned(planned)
        }
        return .sent(try await perform(request))
    }

    /// A write whose answer carries nothing the caller needs.
    func performWrite(_ request: APIRequest) async throws -> WriteOutcome<Void> {
        try await recordOrSend(request).map { _ in }
    }

    /// A write whose JSON answer is decoded when it is sent.
    func performWrite<Answer: Decodable & Sendable>(_ request: APIRequest, as type: Answer.Type) async throws
        -> WriteOutcome<Answer>
    {
        switch try await recordOrSend(request) {
        case .sent(let response): .sent(try decode(type, from: response, call: request.call))
        case .planned(let write): .planned(write)
        }
    }
}
