import Foundation
import GFSValue

// Response bodies shared by several controllers, built from the stored rows in the field
// order of Grafana's Go DTO structs (struct-backed bodies keep field order on the wire).

extension SandboxState {
    /// `org.OrgDetailsDTO`: `{id, name, address{address1, address2, city, zipCode, state, country}}`.
    func orgDetailsJSON(_ org: StoredOrg) -> Value {
        .record([
            "id": .int(org.id), "name": .string(org.name),
            "address": .record([
                "address1": .string(org.address1), "address2": .string(org.address2), "city": .string(org.city),
                "zipCode": .string(org.zipCode), "state": .string(org.state), "country": .string(org.country),
            ]),
        ])
    }

    /// `user.UserProfileDTO` (`pkg/services/user/model.go`), as `getUserUserProfile` fills it:
    /// `authLabels` is `[]` for local users; `accessControl` only with `?accesscontrol=true`
    /// (omitted here, as `omitempty` drops it).
    func userProfileJSON(_ user: StoredUser) -> Value {
        .record([
            "id": .int(user.id), "uid": .string(user.uid), "email": .string(user.email), "name": .string(user.name),
            "login": .string(user.login), "theme": .string(user.theme), "orgId": .int(user.currentOrgID),
            "isGrafanaAdmin": .bool(user.isServerAdmin), "isDisabled": .bool(user.isDisabled), "isExternal": false,
            "isExternallySynced": false, "isGrafanaAdminExternallySynced": false, "authLabels": [],
            "updatedAt": GoTime.json(user.updated), "createdAt": GoTime.json(user.created),
            "avatarUrl": .string(GrafanaFormat.avatarURL(user.email)),
        ])
    }

    /// `org.UserOrgDTO`: `{orgId, name, role}`, sorted by org name as the org store returns them.
    func userOrgsJSON(userID: Int64) -> Value {
        let rows = memberships.filter { $0.userID == userID }.compactMap { membership in
            org(membership.orgID).map { (org: $0, role: membership.role) }
        }.sorted { $0.org.name < $1.org.name }
        return .list(
            rows.map {
                .record(["orgId": .int($0.org.id), "name": .string($0.org.name), "role": .string($0.role.rawValue)])
            }
        )
    }

    /// When a user was last seen; Grafana seeds `last_seen_at` ten years back at creation
    /// (`pkg/services/user/userimpl/store.go`), so never-seen users show `10y`.
    func lastSeen(_ user: StoredUser) -> Date {
        user.lastSeen ?? user.created.addingTimeInterval(-10 * 365 * 86_400)
    }

    /// `org.OrgUserDTO` (`pkg/services/org/model.go`); `authLabels` is a nil slice (`null`)
    /// for local users.
    func orgUserJSON(_ membership: StoredMembership, _ user: StoredUser) -> Value {
        .record([
            "orgId": .int(membership.orgID), "userId": .int(user.id), "email": .string(user.email),
            "name": .string(user.name), "avatarUrl": .string(GrafanaFormat.avatarURL(user.email)),
            "login": .string(user.login),
            "role": .string(membership.role.rawValue), "lastSeenAt": GoTime.json(lastSeen(user)),
            "lastSeenAtAge": .string(GoTime.age(lastSeen(user))), "isDisabled": .bool(user.isDisabled),
            "authLabels": .null, "isExternallySynced": false,
        ])
    }
}
