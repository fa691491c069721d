/// The Grafana release whose behaviour the sandbox emulates (`--grafana-version`).
///
/// Behaviour that changed between releases is decided here, in one place, each with the
/// Grafana change it follows (see `shared/grafana/API-NOTES.md` §2.4 and §6 item 4).
public struct GrafanaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major release, such as 11.
    public var major: Int
    /// The minor release, such as 4.
    public var minor: Int
    /// The patch release, such as 0.
    public var patch: Int
    /// A pre-release or build suffix such as `pre` or `75420.patch2-75797`, kept for display.
    public var suffix: String

    /// The default profile: Grafana 11.4.0, whose OpenAPI spec the sandbox is checked against.
    public static let v11_4_0 = GrafanaVersion(major: 11, minor: 4, patch: 0)

    /// A version from its parts.
    public init(major: Int, minor: Int, patch: Int, suffix: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.suffix = suffix
    }

    /// Parses `11.4.0`, `v9.5.0`, `11.3` or `11.5.0-pre`; `nil` when it is not a version.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        var suffix = ""
        if let dash = body.firstIndex(of: "-") {
            suffix = String(body[body.index(after: dash)...])
            body = body[..<dash]
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch, major >= 0, minor >= 0, patch >= 0 else { return nil }
        self.init(major: major, minor: minor, patch: patch, suffix: suffix)
    }

    /// `major.minor.patch`, with `-suffix` when there is one.
    public var description: String {
        "\(major).\(minor).\(patch)" + (suffix.isEmpty ? "" : "-\(suffix)")
    }

    /// Orders by major, minor and patch; the suffix does not count.
    public static func < (lhs: GrafanaVersion, rhs: GrafanaVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    private static func at(_ major: Int, _ minor: Int) -> GrafanaVersion {
        GrafanaVersion(major: major, minor: minor, patch: 0)
    }
}

extension GrafanaVersion {
    /// What `/api/auth/keys` does in this release.
    enum LegacyKeys {
        /// Before 11.3: create, list and delete work.
        case available
        /// 11.3 to 12.0: `POST` answers 410 (PR grafana/grafana#92965); list and delete still work.
        case creationGone
        /// From 12.1: the routes are gone (PR grafana/grafana#106019), so the not-found handler answers.
        case removed
    }

    var legacyKeys: LegacyKeys {
        if self < .at(11, 3) { return .available }
        if self < .at(12, 1) { return .creationGone }
        return .removed
    }

    /// From 12.x (PR grafana/grafana#105998) a legacy key not owned by a service account no
    /// longer authenticates (`api_key.go`: `errAPIKeyInvalid`).
    var plainKeysAuthenticate: Bool { self < .at(12, 1) }

    /// `folderUid` joined the `POST /api/dashboards/db` answer in 11.x (spec `postDashboardResponse`).
    var dashboardSaveHasFolderUID: Bool { self >= .at(11, 0) }

    /// `DELETE /api/dashboards/uid/:uid` answers `uid` from 11.x and `id` before (API-NOTES §2.6).
    var dashboardDeleteHasUID: Bool { self >= .at(11, 0) }

    /// `ErrDashboardWithSameNameInFolderExists` (412 `name-exists`) is absent from the 12.x
    /// `pkg/services/dashboards/errors.go`; removal release unverified, so 12.0 is assumed.
    var rejectsSameNameInFolder: Bool { self < .at(12, 0) }

    /// Grafana 12 answers an unknown search `type` with 500 "Search failed" (grafana-client tests).
    var rejectsUnknownSearchType: Bool { self >= .at(12, 0) }

    /// Deleting the active org: "Can not delete org for current user" before 12
    /// (`pkg/api/org.go`), "Cannot delete your active organization" from 12 (grafana-client
    /// `test_delete_current_organization`; exact 12.x body unverified).
    var deleteActiveOrgMessage: String {
        self < .at(12, 0) ? "Can not delete org for current user" : "Cannot delete your active organization"
    }

    /// `GET /api/dashboards/uid/:uid/versions` answers `dashver.DashboardVersionResponseMeta`
    /// (`{continueToken, versions}`) in the 12.x `GetDashboardVersions`; the 11.4 spec and the
    /// 9.x to 11.x handlers answer the bare list. Grafana's own MCP server reads both and names
    /// the split: "Grafana 12+ {versions:[...]} and Grafana 11's bare JSON array"
    /// (grafana/mcp-grafana `dashboardVersionsDualFormatReader`).
    var dashboardVersionsHaveContinueToken: Bool { self >= .at(12, 0) }

    /// The id-based version routes (`/api/dashboards/id/:dashboardId/versions…`, `/restore`)
    /// are in the 9.x to 11.x `pkg/api/api.go`; the 12.x handlers read only `:uid`.
    var hasDashboardIDVersionRoutes: Bool { self < .at(12, 0) }

    /// `RestoreDashboardVersion` refuses a version identical to the current dashboard (400
    /// "Current dashboard is identical to the specified version", `compareDashboardData`, with
    /// `version`, `id` and `uid` set aside). The check came with PR grafana/grafana#102665
    /// ("Dashboards: Prevent version restore to same data", merged 2025-03-22, after 11.6 was
    /// branched), so 12.0 has it; 9.x to 11.x save the same content again as a new version.
    var restoreRefusesIdenticalVersion: Bool { self >= .at(12, 0) }

    /// The 9.x `GetDashboardVersions` and `GetDashboardVersion` look a uid up themselves and
    /// answer an unknown one 400 "failed to get dashboard by UID"; from 10 they go through
    /// `getDashboardHelper` (404 "Dashboard not found").
    var versionLookupByUnknownUIDIsBadRequest: Bool { self < .at(10, 0) }

    /// The star routes by numeric id (`/api/user/stars/dashboard/:id`) are in the 9.x to 11.x
    /// `pkg/api/api.go`; 12 keeps only the uid routes.
    var hasDashboardIDStarRoutes: Bool { self < .at(12, 0) }

    /// Nested folders (`parentUid`) exist from 10.x (feature toggle `nestedFolders`, on by
    /// default from 11.0); a 9.5 server ignores `parentUid` and lists every folder at the root.
    var hasNestedFolders: Bool { self >= .at(11, 0) }

    /// A stable 10-character pseudo commit for health and build info; Grafana shows its git commit.
    var commitShort: String {
        let seed = "\(major)\(minor)\(patch)\(suffix)".unicodeScalars.reduce(UInt64(1469598103934665603)) {
            ($0 ^ UInt64($1.value)) &* 1099511628211
        }
        let hex = String(seed, radix: 16)
        return String((String(repeating: "0", count: 16) + hex).suffix(16).prefix(10))
    }

    /// An update with neither login nor email: before 10, `handleUpdateUser` answered the plain
    /// 400 "Validation error, need to specify either username or email" (`pkg/api/user.go`);
    /// from 10 the user service raises the errutil `user.empty-username-and-email`
    /// "Need to specify either username or email" (`pkg/services/user/model.go`; grafana-client
    /// `test_update_user_empty` checks the wording per version).
    var emptyUserUpdateIsErrutil: Bool { self >= .at(10, 0) }

    /// A wrong old password in `PUT /api/user/password`: `ChangeUserPassword` compares the hash
    /// itself and answers 401 "Invalid old password" in 9.x and 10.x (`pkg/api/user.go`); the
    /// later handler (the one whose `hs.getUserID` answers 304, which the 11.x profile follows
    /// throughout) passes `OldPassword` to `userService.Update`, which raises the errutil
    /// `user.password-missmatch` (400, `pkg/services/user/model.go`). The exact release of that
    /// change is unverified; 11.0 is assumed.
    var wrongOldPasswordIsUnauthorized: Bool { self < .at(11, 0) }

    /// `POST /api/snapshots` and `GET /api/snapshots-delete/:deleteKey` answer the snapshot's `id`
    /// up to 11.x (`pkg/api/dashboard_snapshot.go`, the 11.4.0 spec's
    /// `createDashboardSnapshotResponse`); 12.x answers `DashboardCreateResponse` without it
    /// (`pkg/services/dashboardsnapshots/service.go` `saveAndRespond`). The release that changed it
    /// is unverified, so 12.0 is assumed.
    var snapshotCreateAnswersID: Bool { self < .at(12, 0) }

    /// `DELETE /api/v1/provisioning/folder/:uid/rule-groups/:group` (`RouteDeleteAlertRuleGroup`)
    /// was added for grafana/grafana#81860 (2024); release 11.0 assumed. Before it, the
    /// route is unknown (404) and a group goes when its last rule is deleted.
    var provisioningDeletesRuleGroups: Bool { self >= .at(11, 0) }

    /// A dashboard or folder created by a service account makes it Admin of it from 11
    /// (`setDefaultPermissions`: `dto.User.IsIdentityType(claims.TypeUser, claims.TypeServiceAccount)`);
    /// before, only a user of the `user` namespace was (`namespaceID == identity.NamespaceUser`;
    /// the release of the switch is inferred as 11.0).
    var serviceAccountCreatorIsAdmin: Bool { self >= .at(11, 0) }

    /// `fixed:serviceaccounts:writer`, which basic Admin holds, gained
    /// `serviceaccounts.permissions:read` and `:write` with the service-account permission
    /// pages (`pkg/services/serviceaccounts/manager/roles.go`; the 9.x role lists only read,
    /// write, create and delete; the release of the change is inferred as 10.0).
    var serviceAccountWriterManagesPermissions: Bool { self >= .at(10, 0) }

    /// An unknown rule group is the errutil `models.ErrAlertRuleGroupNotFound`
    /// (`alerting.alert-rule.notFound`, no public message, so errutil answers the status text
    /// `Not found`) through `response.ErrOrFallback` in `RouteGetAlertRuleGroup`; before, it was
    /// `store.ErrAlertRuleGroupNotFound` (`rulegroup not found`) through `ErrResp(404, …)`.
    /// The release of the switch is not confirmed; 11.0 is assumed, with the group `DELETE`.
    var ruleGroupNotFoundIsErrutil: Bool { self >= .at(11, 0) }

    /// Deleting a contact point or mute timing a policy uses, and a template that does not
    /// parse, answer errutil errors (`pkg/services/ngalert/provisioning/errors.go`:
    /// `ErrContactPointReferenced` 409, `ErrTemplateInvalid` 400); before, `DeleteContactPoint`
    /// and `DeleteMuteTiming` returned plain errors answered 500 by `ErrResp` (`contact point
    /// 'X' is currently used by a notification policy`, `mute time 'X' is currently used by a
    /// notification policy`) and `SetTemplate` wrapped the parse error in `ErrValidation` (400
    /// `invalid object specification: …`). The release is not confirmed; 11.0 is assumed.
    var notificationErrorsAreErrutil: Bool { self >= .at(11, 0) }

    /// Contact-point setting errors name the integration with its UID
    /// (`IntegrationValidationError` in `github.com/grafana/alerting/notify`); before,
    /// `EmbeddedContactPoint.Valid` (`tooling/definitions/provisioning_contactpoints.go`) said
    /// `unknown type 'T'` and the factory's `ReceiverInitError` named no receiver (`failed to
    /// validate receiver of type "T": …`). The release is not confirmed; 11.0 is assumed.
    var contactPointValidationNamesIntegration: Bool { self >= .at(11, 0) }

    /// Starring a dashboard already starred: `starimpl` `sqlStore.Insert` ignores the unique-index
    /// violation (`IsUniqueConstraintViolation`) since PR grafana/grafana#63478, which resolved
    /// grafana/grafana#63133 ("Starring already starred dashboard returns 500") in spring 2023,
    /// before the 10.0 release; grafana/grafana#68168 still saw the 500 on 9.4.8.
    var starringTwiceSucceeds: Bool { self >= .at(10, 0) }
}
