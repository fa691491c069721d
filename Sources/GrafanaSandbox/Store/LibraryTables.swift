import Foundation
import GFSValue
import HTTPTypes

// The sandbox's tables for library elements (`library_element`, `library_element_connection`),
// annotations (`annotation`, `annotation_tag`), dashboard snapshots (`dashboard_snapshot`) and
// playlists (`playlist`, `playlist_item`), as Grafana's SQL store keeps them.

/// A library element (`libraryelements/model.LibraryElement`).
struct StoredLibraryElement: Codable, Sendable, Equatable {
    var id: Int64
    var orgID: Int64
    /// Empty for the root ("General") folder.
    var folderUID: String
    var uid: String
    var name: String
    /// 1 = panel, 2 = variable (`model.LibraryElementKind`).
    var kind: Int64
    var model: Value
    var version: Int64
    var created: Date
    var updated: Date
    var createdBy: Int64
    var updatedBy: Int64

    /// `type` and `description` are read from the model when an element is saved
    /// (`libraryelements/database.go`, `CreateElement` and `PatchLibraryElement`).
    var type: String { model["type"]?.stringValue ?? "" }
    var description: String { model["description"]?.stringValue ?? "" }
}

/// A dashboard's use of a library element (`library_element_connection`, kind 1 = dashboard).
struct StoredLibraryConnection: Codable, Sendable, Equatable {
    var elementID: Int64
    var dashboardID: Int64
    var created: Date
    var createdBy: Int64
}

/// An annotation (`annotations.Item`); times are epoch milliseconds.
struct StoredAnnotation: Codable, Sendable, Equatable {
    var id: Int64
    var orgID: Int64
    var userID: Int64
    var dashboardID: Int64
    var dashboardUID: String
    var panelID: Int64
    var alertID: Int64 = 0
    var time: Int64
    var timeEnd: Int64
    var text: String
    var tags: [String]
    var data: Value
    var created: Int64
    var updated: Int64
}

/// A dashboard snapshot (`dashboardsnapshots.DashboardSnapshot`).
struct StoredSnapshot: Codable, Sendable, Equatable {
    var id: Int64
    var orgID: Int64
    var userID: Int64
    var name: String
    var key: String
    var deleteKey: String
    var dashboard: Value
    var expires: Date
    var created: Date
    var updated: Date
}

/// A playlist with its items (`playlist.Playlist`, `playlist.PlaylistItem`).
struct StoredPlaylist: Codable, Sendable, Equatable {
    struct Item: Codable, Sendable, Equatable {
        /// `dashboard_by_uid`, `dashboard_by_tag` or the deprecated `dashboard_by_id`.
        var type: String
        var value: String
        var title: String
    }

    var id: Int64
    var uid: String
    var orgID: Int64
    var name: String
    var interval: String
    var items: [Item]
    var created: Date
    var updated: Date
}

/// Every table of this area, kept as one value of ``SandboxState``; the journal writes what a
/// write changed in it as splices of rows (``LibraryChanges``).
struct LibraryTables: Codable, Sendable, Equatable {
    var nextElementID: Int64 = 1
    var nextAnnotationID: Int64 = 1
    var nextSnapshotID: Int64 = 1
    var nextPlaylistID: Int64 = 1
    var elements: [StoredLibraryElement] = []
    var connections: [StoredLibraryConnection] = []
    var annotations: [StoredAnnotation] = []
    var snapshots: [StoredSnapshot] = []
    var playlists: [StoredPlaylist] = []
}

extension SandboxState {
    /// The library tables; a state file written before they existed reads as empty tables.
    var library: LibraryTables {
        get { libraryTables ?? LibraryTables() }
        set { libraryTables = newValue }
    }
}

extension SandboxState {
    /// What deleting folders does to the library panels in them, before anything else goes
    /// (`pkg/api/folder.go` `DeleteFolder` calls `DeleteLibraryElementsInFolder` first): a panel
    /// any dashboard still uses refuses the whole deletion with 403 "Folder could not be
    /// deleted because it contains library elements in use"
    /// (`model.ErrFolderHasConnectedLibraryElements`); otherwise the folders' panels are
    /// deleted, and the deleted dashboards' connections with them.
    mutating func deleteLibraryElements(
        inFolders folderUIDs: Set<String>,
        orgID: Int64,
        dashboardIDs deletedDashboards: Set<Int64>
    ) throws {
        guard libraryTables != nil else { return }
        let elements = library.elements.filter { $0.orgID == orgID && folderUIDs.contains($0.folderUID) }
        // A connection counts while its dashboard exists (``connectedDashboards(of:)``).
        if elements.contains(where: { !connectedDashboards(of: $0).isEmpty }) {
            throw GrafanaError.error(
                .forbidden,
                "Folder could not be deleted because it contains library elements in use",
                cause: true
            )
        }
        let doomed = Set(elements.map(\.id))
        guard !doomed.isEmpty || library.connections.contains(where: { deletedDashboards.contains($0.dashboardID) })
        else { return }
        library.elements.removeAll { doomed.contains($0.id) }
        library.connections.removeAll { doomed.contains($0.elementID) || deletedDashboards.contains($0.dashboardID) }
    }
}
