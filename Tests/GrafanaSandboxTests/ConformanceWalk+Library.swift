extension ConformanceTests {
    /// The conformance walk through library panels, annotations, snapshots and playlists; runs after ``coreWalk``.
    static let libraryWalk: [Step] = []
}
