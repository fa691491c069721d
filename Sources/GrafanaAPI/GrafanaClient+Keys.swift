import Foundation

extension GrafanaClient {
    /// Creates a key named `name` with `role` in the current org, the way this server supports.
    ///
    /// Which path runs (API-NOTES §2.4 version table, §2.5):
    /// - **Grafana 9.1 and later** (service accounts GA; the only way from 11.3, where
    ///   `POST /api/auth/keys` answers 410, and from 12.1, where the route is gone): find the
    ///   service account named `name` in the current org (`GET /api/serviceaccounts/search`),
    ///   create it with `role` if missing (`POST /api/serviceaccounts`), then add a token
    ///   named `name` (`POST /api/serviceaccounts/:id/tokens`).
    /// - **Before 9.1**: `POST /api/auth/keys`.
    /// - **Version unknown** (`hide_version`): try service accounts; a 404 on the search
    ///   falls back to the legacy route.
    ///
    /// An existing service account with another role is not changed; that throws
    /// ``GrafanaError/Kind/serviceAccountRoleMismatch``. In a dry run both writes of the
    /// service-account path are planned (the token request against `SERVICE_ACCOUNT_ID`)
    /// and the call returns the first of them as ``WriteOutcome/planned(_:)``.
    ///
    /// - Parameters:
    ///   - secondsToLive: lifetime; nil or 0 means the key never expires.
    ///   - serverVersion: skips version detection when the caller already knows it.
    public func createKey(
        name: String,
        role: OrgRole,
        secondsToLive: Int64? = nil,
        serverVersion: GrafanaVersion? = nil
    )
        async throws -> WriteOutcome<CreatedKey>
    {
        let version: GrafanaVersion?
        if let serverVersion {
            version = serverVersion
        } else {
            version = try await self.serverVersion()
        }
        let expiration = secondsToLive.flatMap { $0 > 0 ? Date(timeIntervalSinceNow: TimeInterval($0)) : nil }
        if version?.hasServiceAccounts ?? true {
            do {
                return try await createServiceAccountKey(
                    name: name,
                    role: role,
                    secondsToLive: secondsToLive,
                    expiration: expiration
                )
            } catch let error as GrafanaError
                where version == nil && error.kind == .httpStatus && error.status == 404
                && error.call?.path == "/api/serviceaccounts/search"
            {
                // No service accounts here: fall through to the legacy route.
            }
        }
        let created: NewAPIKey
        switch try await createAPIKey(name: name, role: role, secondsToLive: secondsToLive) {
        case .sent(let answer): created = answer
        case .planned(let write): return .planned(write)
        }
        let orgID: Int64
        if let embedded = Self.orgID(inLegacyKey: created.key) {
            orgID = embedded
        } else {
            orgID = try await currentOrg().id
        }
        return .sent(
            CreatedKey(
                name: created.name,
                key: created.key,
                role: role.rawValue,
                orgId: orgID,
                expiration: expiration,
                kind: .apiKey,
                id: created.id
            )
        )
    }

    private func createServiceAccountKey(name: String, role: OrgRole, secondsToLive: Int64?, expiration: Date?)
        async throws -> WriteOutcome<CreatedKey>
    {
        let account: ServiceAccount
        if let existing = try await serviceAccount(named: name) {
            guard existing.role.caseInsensitiveCompare(role.rawValue) == .orderedSame else {
                throw GrafanaError(
                    kind: .serviceAccountRoleMismatch,
                    call: GrafanaError.Call(
                        operation: "create key",
                        method: "GET",
                        path: "/api/serviceaccounts/search"
                    ),
                    message: "Service account '\(name)' exists with role \(existing.role), not \(role.rawValue)",
                    hint: "Create the key with role \(existing.role), or delete the service account first."
                )
            }
            account = existing
        } else {
            switch try await createServiceAccount(name: name, role: role) {
            case .sent(let created):
                account = created
            case .planned(let write):
                // Dry run: plan the token request as well, so the plan shows both writes.
                _ = try await performWrite(
                    APIRequest(
                        "create service account token",
                        .post,
                        ["api", "serviceaccounts", "SERVICE_ACCOUNT_ID", "tokens"],
                        body: Self.tokenBody(name: name, secondsToLive: secondsToLive)
                    )
                )
                return .planned(write)
            }
        }
        let outcome = try await createServiceAccountToken(
            serviceAccountID: account.id,
            name: name,
            secondsToLive: secondsToLive
        )
        return outcome.map { token in
            CreatedKey(
                name: token.name,
                key: token.key,
                role: account.role,
                orgId: account.orgId,
                expiration: expiration,
                kind: .serviceAccountToken,
                id: token.id,
                serviceAccountID: account.id
            )
        }
    }

    /// The org id embedded in a legacy key: base64 of `{"k":…,"n":…,"id":ORG}`
    /// (pkg/components/apikeygen/apikeygen.go, API-NOTES §1.4).
    static func orgID(inLegacyKey key: String) -> Int64? {
        var text = key
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        struct Payload: Decodable { var id: Int64 }
        return try? JSONDecoder().decode(Payload.self, from: data).id
    }
}
