extension ConformanceTests {
    /// The conformance walk through service accounts, permissions, stars and preferences; runs after ``coreWalk``.
    static let accessWalk: [Step] = []
}
