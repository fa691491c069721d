extension GrafanaClient {
    /// `POST /api/folders`. A taken uid gives 409 (API-NOTES §2.8).
    public func createFolder(title: String, uid: String? = nil, parentUID: String? = nil, description: String? = nil)
        async throws -> WriteOutcome<Folder>
    {
        struct Body: Encodable { var title: String; var uid: String?; var parentUid: String?; var description: String? }
        return try await performWrite(
            APIRequest(
                "create folder",
                .post,
                ["api", "folders"],
                body: Self.jsonBody(Body(title: title, uid: uid, parentUid: parentUID, description: description))
            ),
            as: Folder.self
        )
    }

    /// `GET /api/folders`: with nested folders, only the children of `parentUID` (default: root).
    public func folders(parentUID: String? = nil, limit: Int? = nil, page: Int? = nil) async throws -> [FolderSummary] {
        var items: [QueryItem] = []
        if let parentUID { items.append(QueryItem("parentUid", parentUID)) }
        if let limit { items.append(QueryItem("limit", String(limit))) }
        if let page { items.append(QueryItem("page", String(page))) }
        return try await perform(
            APIRequest("list folders", .get, ["api", "folders"], query: items),
            as: [FolderSummary].self
        )
    }

    /// `GET /api/folders/:uid`; unknown gives 404 "folder not found".
    public func folder(uid: String) async throws -> Folder {
        try await perform(APIRequest("get folder", .get, ["api", "folders", uid]), as: Folder.self)
    }

    /// The folder with `uid`, or nil if there is none (404).
    public func findFolder(uid: String) async throws -> Folder? {
        try await nilIfNotFound { try await folder(uid: uid) }
    }

    /// `PUT /api/folders/:uid`. Without `version` or `overwrite` Grafana answers 412
    /// "the folder has been changed by someone else" (API-NOTES §2.8).
    public func updateFolder(
        uid: String,
        title: String,
        description: String? = nil,
        version: Int64? = nil,
        overwrite: Bool = false
    )
        async throws -> WriteOutcome<Folder>
    {
        struct Body: Encodable { var title: String; var description: String?; var version: Int64?; var overwrite: Bool }
        return try await performWrite(
            APIRequest(
                "update folder",
                .put,
                ["api", "folders", uid],
                body: Self.jsonBody(
                    Body(title: title, description: description, version: version, overwrite: overwrite)
                )
            ),
            as: Folder.self
        )
    }

    /// `DELETE /api/folders/:uid` (with the dashboards in it).
    @discardableResult
    public func deleteFolder(uid: String, forceDeleteRules: Bool = false) async throws -> WriteOutcome<Void> {
        let query = forceDeleteRules ? [QueryItem("forceDeleteRules", "true")] : []
        return try await performWrite(APIRequest("delete folder", .delete, ["api", "folders", uid], query: query))
    }
}
