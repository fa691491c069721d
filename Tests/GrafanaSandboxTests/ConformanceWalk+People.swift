extension ConformanceTests {
    /// The conformance walk through users, the signed-in user, admin routes and teams; runs after ``coreWalk``.
    static let peopleWalk: [Step] = []
}
