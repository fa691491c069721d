/// A legacy API key as `GET /api/auth/keys` lists it (`ApiKeyDTO`; no secret).
public struct APIKey: Sendable, Hashable, Codable {
    /// The key id (for deletion).
    public var id: Int64
    /// The key name.
    public var name: String
    /// The role the key acts with.
    public var role: String?
    /// ISO 8601, or absent for a key that never expires.
    public var expiration: String?
    /// When the key was last used (ISO 8601).
    public var lastUsedAt: String?
}

/// The answer to creating a legacy key or a service-account token (`dtos.NewApiKeyResult`):
/// `{"id":7,"name":"grafana","key":"glsa_…"}`.
///
/// `description` and `dump` never show the key.
public struct NewAPIKey: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    /// The token or key id (for deletion).
    public var id: Int64
    /// The key name.
    public var name: String
    /// The secret; Grafana shows it once.
    public var key: String

    /// Names the key without its secret.
    public var description: String { "NewAPIKey(id: \(id), name: \(name), key: ***)" }

    /// Keeps `dump` from printing the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["id": id, "name": name, "key": "***"])
    }
}
