public import Foundation

/// A new secret for API access, the same shape whichever mechanism made it.
///
/// `description` and `dump` never show ``key``.
public struct CreatedKey: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// Which mechanism made the key.
    public enum Kind: String, Sendable, Hashable {
        /// A token of a service account (`glsa_…`), Grafana 9.1 and later.
        case serviceAccountToken
        /// A legacy API key (`eyJrIjoi…`), Grafana before 9.1.
        case apiKey
    }

    /// The key's (and, for tokens, the service account's) name.
    public var name: String
    /// The secret, shown by Grafana only once.
    public var key: String
    /// The role the key acts with: the service account's role, or the legacy key's.
    public var role: String
    /// The org the key is bound to.
    public var orgId: Int64
    /// When the key stops working; nil for never. Computed from the requested lifetime at
    /// creation, since the create answer carries no expiry.
    public var expiration: Date?
    /// Which mechanism made the key.
    public var kind: Kind
    /// The token's or legacy key's id (for deletion).
    public var id: Int64
    /// The owning service account, for ``Kind/serviceAccountToken``.
    public var serviceAccountID: Int64?

    /// Creates a key description; `createKey` is the usual author.
    public init(
        name: String,
        key: String,
        role: String,
        orgId: Int64,
        expiration: Date?,
        kind: Kind,
        id: Int64,
        serviceAccountID: Int64? = nil
    ) {
        self.name = name
        self.key = key
        self.role = role
        self.orgId = orgId
        self.expiration = expiration
        self.kind = kind
        self.id = id
        self.serviceAccountID = serviceAccountID
    }

    /// Names the key without its secret.
    public var description: String {
        "CreatedKey(name: \(name), key: ***, role: \(role), orgId: \(orgId), kind: \(kind.rawValue))"
    }

    /// Keeps `dump` from printing the secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "key": "***", "role": role, "orgId": orgId, "expiration": expiration as Any,
                "kind": kind, "id": id, "serviceAccountID": serviceAccountID as Any,
            ]
        )
    }
}
