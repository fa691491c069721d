extension ConformanceTests {
    /// The conformance walk through the alerting provisioning API; runs after ``coreWalk``.
    static let alertingWalk: [Step] = []
}
