extension ConformanceTests {
    /// The conformance walk through dashboard versions, tags, home and nested folders; runs after ``coreWalk``.
    static let lifecycleWalk: [Step] = []
}
