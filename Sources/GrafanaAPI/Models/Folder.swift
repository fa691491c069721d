/// A folder (`dtos.Folder`), from create, get and update.
public struct Folder: Sendable, Hashable, Codable {
    public var id: Int64?
    public var uid: String
    public var orgId: Int64?
    public var title: String
    public var url: String?
    public var version: Int64?
    public var parentUid: String?
    public var canSave: Bool?
    public var canEdit: Bool?
    public var canAdmin: Bool?
    public var canDelete: Bool?
    public var created: String?
    public var updated: String?
    public var createdBy: String?
    public var updatedBy: String?
}

/// A folder as `GET /api/folders` lists it (`FolderSearchHit`).
public struct FolderSummary: Sendable, Hashable, Codable {
    public var id: Int64?
    public var uid: String
    public var title: String
    public var parentUid: String?
}
