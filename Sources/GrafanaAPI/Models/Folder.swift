/// A folder (`dtos.Folder`), from create, get and update.
public struct Folder: Sendable, Hashable, Codable {
    /// The numeric id.
    public var id: Int64?
    /// The uid, stable across instances.
    public var uid: String
    /// The org it belongs to.
    public var orgId: Int64?
    /// The title.
    public var title: String
    /// The path in the Grafana UI, e.g. `/dashboards/f/<uid>/<slug>`.
    public var url: String?
    /// The version; pass it back when updating.
    public var version: Int64?
    /// The parent folder's uid (nested folders).
    public var parentUid: String?
    /// Whether the caller may save it.
    public var canSave: Bool?
    /// Whether the caller may edit it.
    public var canEdit: Bool?
    /// Whether the caller may change its permissions.
    public var canAdmin: Bool?
    /// Whether the caller may delete it.
    public var canDelete: Bool?
    /// When it was created (ISO 8601).
    public var created: String?
    /// When it was last changed (ISO 8601).
    public var updated: String?
    /// The login that created it.
    public var createdBy: String?
    /// The login that last changed it.
    public var updatedBy: String?
}

/// A folder as `GET /api/folders` lists it (`FolderSearchHit`).
public struct FolderSummary: Sendable, Hashable, Codable {
    /// The numeric id.
    public var id: Int64?
    /// The uid, stable across instances.
    public var uid: String
    /// The title.
    public var title: String
    /// The parent folder's uid (nested folders).
    public var parentUid: String?
}
