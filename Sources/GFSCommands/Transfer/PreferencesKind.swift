import Foundation
import GFSLanguage
import GrafanaAPI

/// The org's preferences in `preferences.json`: theme, home dashboard (by uid), timezone,
/// week start and language, as `GET /api/org/preferences` gives them; empty ones left out.
public struct PreferencesKind: TransferKind {
    public let name = "preferences"
    public let dependencies = ["dashboards"]
    public let treePaths = ["preferences.json"]

    /// The fields carried (`preferences.Spec`); `homeDashboardId` is left out for the uid.
    static let fields = ["theme", "homeDashboardUID", "timezone", "weekStart", "language"]

    public init() {}

    public func list(in context: TransferContext) async throws -> [TransferResource] {
        [Self.resource(try await context.get("/api/org/preferences"))]
    }

    public func read(from tree: TransferTree, in context: TransferContext) throws -> [TransferResource] {
        guard tree.exists("preferences.json") else { return [] }
        return [Self.resource(try tree.read("preferences.json"))]
    }

    /// The org always has preferences: they are updated, never created or deleted.
    public func plan(desired: [TransferResource], current: [TransferResource], prune: Bool, context: TransferContext)
        -> [TransferChange]
    {
        TransferChange.matching(desired: desired, current: current, prune: false).map { change in
            change.action == .create ? TransferChange(.update, desired: change.desired, current: nil) : change
        }
    }

    public func apply(_ change: TransferChange, in context: TransferContext) async throws {
        guard change.action == .update || change.action == .create else { return }
        // `PUT` replaces every field, so one the file leaves out is cleared, as the file says.
        try await context.write(.put, "/api/org/preferences", body: change.resource.document)
    }

    static func resource(_ answer: Value) -> TransferResource {
        var document = Record()
        for field in fields {
            if let text = answer[field]?.stringValue, !text.isEmpty { document[field] = .string(text) }
        }
        return TransferResource(
            kind: "preferences",
            identity: "org",
            path: "preferences.json",
            document: .record(document)
        )
    }
}
