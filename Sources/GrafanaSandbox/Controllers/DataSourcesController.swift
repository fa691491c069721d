import Foundation
import GFSValue
import Hummingbird

/// Data sources, `/api/datasources…` by id, uid and name as Grafana 11's routes allow
/// (`pkg/api/datasources.go`; errors from `pkg/services/datasources/errors.go`).
struct DataSourcesController: SandboxController {
    let environment: SandboxEnvironment

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/datasources", use: list)
        router.post("/api/datasources", use: create)
        router.get("/api/datasources/uid/:uid", use: getByUID)
        router.put("/api/datasources/uid/:uid", use: updateByUID)
        router.delete("/api/datasources/uid/:uid", use: deleteByUID)
        router.get("/api/datasources/name/:name", use: getByName)
        router.delete("/api/datasources/name/:name", use: deleteByName)
        router.get("/api/datasources/id/:name", use: idByName)
        router.get("/api/datasources/:id", use: getByID)
        router.put("/api/datasources/:id", use: updateByID)
        router.delete("/api/datasources/:id", use: deleteByID)
    }

    /// `datasources.ErrDataSourceNotFound` → `response.Error(404, "Data source not found", nil)`.
    static let notFound = GrafanaError.error(.notFound, "Data source not found", cause: false)
    static let nameExists = GrafanaError.error(.conflict, "data source with the same name already exists", cause: true)
    static let uidExists = GrafanaError.error(.conflict, "data source with the same uid already exists", cause: true)
    static let invalidID = GrafanaError.error(.badRequest, "id is invalid", cause: true)

    // MARK: Routes

    /// `GetDataSources`: `[]DataSourceListItemDTO`, sorted by name case-insensitively.
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesRead)
        let items = await environment.store.read { state in
            state.dataSources.filter { $0.orgID == identity.orgID }
                .sorted { $0.name.lowercased() < $1.name.lowercased() }.map(Self.listItemJSON)
        }
        return SandboxResponse.json(.ok, .list(items))
    }

    /// `AddDataSource`: binds `AddDataSourceCommand` (`name`, `type`, `access` required);
    /// answers the DynMap `{datasource, id, message: "Datasource added", name}`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesCreate)
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let fields = try DataSourceFields(form: form, requireIdentity: true)
        if !fields.url.isEmpty && !Self.isValidURL(fields.url) {
            throw GrafanaError.error(.badRequest, "Validation error, invalid URL", cause: true)
        }
        let json = try await environment.store.write { state in
            let orgID = identity.orgID
            if state.dataSources.contains(where: { $0.orgID == orgID && $0.name == fields.name }) {
                throw Self.nameExists
            }
            if !fields.uid.isEmpty {
                guard UIDRules.isValid(fields.uid), !UIDRules.isTooLong(fields.uid) else {
                    // `datasources.ErrDataSourceIdentifierNotValid` (errutil `datasource.invalidIdentifier`).
                    throw GrafanaError.errutil(
                        .badRequest,
                        messageID: "datasource.invalidIdentifier",
                        message: "Invalid datasource identifier"
                    )
                }
                if state.dataSources.contains(where: { $0.orgID == orgID && $0.uid == fields.uid }) {
                    throw Self.uidExists
                }
            }
            let now = Date()
            // The first data source of an org becomes its default (`AddDataSource` in the store).
            let isFirst = !state.dataSources.contains { $0.orgID == orgID }
            let id = state.nextDataSourceID
            state.nextDataSourceID += 1
            let dataSource = StoredDataSource(
                id: id,
                uid: fields.uid.isEmpty ? KeyGenerator.shortUID() : fields.uid,
                orgID: orgID,
                name: fields.name,
                type: fields.type,
                access: fields.access,
                url: fields.url,
                user: fields.user,
                database: fields.database,
                basicAuth: fields.basicAuth,
                basicAuthUser: fields.basicAuthUser,
                withCredentials: fields.withCredentials,
                isDefault: fields.isDefault || isFirst,
                jsonData: fields.jsonData ?? .record(Record()),
                secureJsonFields: fields.secureFieldNames,
                version: 1,
                readOnly: false,
                created: now,
                updated: now
            )
            if dataSource.isDefault { state.clearDefault(orgID: orgID) }
            state.dataSources.append(dataSource)
            return Value.map([
                ("datasource", Self.dataSourceJSON(dataSource)), ("id", .int(id)), ("message", "Datasource added"),
                ("name", .string(dataSource.name)),
            ])
        }
        return SandboxResponse.json(.ok, json)
    }

    @Sendable func getByUID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesRead)
        let uid = context.stringParameter("uid")
        return try await get(identity) { $0.uid == uid }
    }

    @Sendable func getByName(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesRead)
        let name = context.stringParameter("name")
        return try await get(identity) { $0.name == name }
    }

    /// `GetDataSourceById` (deprecated in 11): 400 `id is invalid`.
    @Sendable func getByID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesRead)
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        return try await get(identity) { $0.id == id }
    }

    /// `GetDataSourceIdByName`: `{"id": N}` (`dtos.AnyId`).
    @Sendable func idByName(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesIDRead)
        let name = context.stringParameter("name")
        return try await environment.store.read { state in
            guard let dataSource = state.dataSources.first(where: { $0.orgID == identity.orgID && $0.name == name })
            else {
                throw Self.notFound
            }
            return SandboxResponse.json(.ok, .record(["id": .int(dataSource.id)]))
        }
    }

    private func get(_ identity: Identity, where match: @escaping @Sendable (StoredDataSource) -> Bool) async throws
        -> Response
    {
        try await environment.store.read { state in
            guard let dataSource = state.dataSources.first(where: { $0.orgID == identity.orgID && match($0) }) else {
                throw Self.notFound
            }
            return SandboxResponse.json(.ok, Self.dataSourceJSON(dataSource))
        }
    }

    @Sendable func updateByUID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesWrite)
        let uid = context.stringParameter("uid")
        return try await update(identity, request: request, context: context) { $0.uid == uid }
    }

    @Sendable func updateByID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesWrite)
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        return try await update(identity, request: request, context: context) { $0.id == id }
    }

    /// `UpdateDataSourceByUID` / `UpdateDataSource`: binds `UpdateDataSourceCommand`; a stale
    /// `version` is 409 "Datasource has already been updated by someone else. Please reload and try
    /// again" (`datasources.ErrDataSourceUpdatingOldVersion`); answers
    /// `{datasource, id, message: "Datasource updated", name}`.
    private func update(
        _ identity: Identity,
        request: Request,
        context: SandboxRequestContext,
        where match: @escaping @Sendable (StoredDataSource) -> Bool
    ) async throws -> Response {
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let fields = try DataSourceFields(form: form, requireIdentity: true)
        let requestedVersion = try bind(.badRequestData) { () throws(RequestForm.Failure) in try form.int("version") }
        if !fields.url.isEmpty && !Self.isValidURL(fields.url) {
            throw GrafanaError.error(.badRequest, "Validation error, invalid URL", cause: true)
        }
        let json = try await environment.store.write { state in
            guard let index = state.dataSources.firstIndex(where: { $0.orgID == identity.orgID && match($0) }) else {
                throw Self.notFound
            }
            let current = state.dataSources[index]
            if current.readOnly {
                throw GrafanaError.error(.forbidden, "Cannot update read-only data source", cause: false)
            }
            if let requestedVersion, requestedVersion != 0, requestedVersion < current.version {
                throw GrafanaError.error(
                    .conflict,
                    "Datasource has already been updated by someone else. Please reload and try again",
                    cause: true
                )
            }
            if state.dataSources.contains(where: {
                $0.orgID == identity.orgID && $0.name == fields.name && $0.id != current.id
            }) {
                throw Self.nameExists
            }
            var updated = current
            updated.name = fields.name
            updated.type = fields.type
            updated.access = fields.access
            updated.url = fields.url
            updated.user = fields.user
            updated.database = fields.database
            updated.basicAuth = fields.basicAuth
            updated.basicAuthUser = fields.basicAuthUser
            updated.withCredentials = fields.withCredentials
            updated.isDefault = fields.isDefault
            updated.jsonData = fields.jsonData ?? .record(Record())
            updated.secureJsonFields = Array(Set(current.secureJsonFields + fields.secureFieldNames)).sorted()
            updated.version = current.version + 1
            updated.updated = Date()
            if updated.isDefault { state.clearDefault(orgID: identity.orgID) }
            state.dataSources[index] = updated
            return Value.map([
                ("datasource", Self.dataSourceJSON(updated)), ("id", .int(updated.id)),
                ("message", "Datasource updated"),
                ("name", .string(updated.name)),
            ])
        }
        return SandboxResponse.json(.ok, json)
    }

    @Sendable func deleteByUID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesDelete)
        let uid = context.stringParameter("uid")
        return try await delete(identity) { $0.uid == uid }
    }

    @Sendable func deleteByID(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesDelete)
        let id = try context.int64Parameter("id", orAnswer: Self.invalidID)
        _ = try await delete(identity) { $0.id == id }
        // `DeleteDataSourceById` answers `response.Success("Data source deleted")` without the id.
        return SandboxResponse.success("Data source deleted")
    }

    @Sendable func deleteByName(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try await context.require(.dataSourcesDelete)
        let name = context.stringParameter("name")
        return try await delete(identity) { $0.name == name }
    }

    /// `DeleteDataSourceByUID` / `ByName`: `{"id": N, "message": "Data source deleted"}`;
    /// read-only sources are 403.
    private func delete(_ identity: Identity, where match: @escaping @Sendable (StoredDataSource) -> Bool) async throws
        -> Response
    {
        let id = try await environment.store.write { state -> Int64 in
            guard let dataSource = state.dataSources.first(where: { $0.orgID == identity.orgID && match($0) }) else {
                throw Self.notFound
            }
            if dataSource.readOnly {
                throw GrafanaError.error(.forbidden, "Cannot delete read-only data source", cause: false)
            }
            state.dataSources.removeAll { $0.id == dataSource.id }
            return dataSource.id
        }
        return SandboxResponse.json(.ok, .map([("message", "Data source deleted"), ("id", .int(id))]))
    }

    // MARK: DTOs

    /// `validateURL`: `url.Parse` after adding a scheme when missing; only a few strings fail it
    /// (control characters, bad escapes, bad ports).
    static func isValidURL(_ text: String) -> Bool {
        let candidate = text.contains("://") ? text : "http://" + text
        return URLComponents(string: candidate) != nil
    }

    /// `dtos.DataSource`.
    static func dataSourceJSON(_ dataSource: StoredDataSource) -> Value {
        .record([
            "id": .int(dataSource.id), "uid": .string(dataSource.uid), "orgId": .int(dataSource.orgID),
            "name": .string(dataSource.name), "type": .string(dataSource.type),
            "typeLogoUrl": .string(logoURL(dataSource.type)), "access": .string(dataSource.access),
            "url": .string(dataSource.url), "user": .string(dataSource.user), "database": .string(dataSource.database),
            "basicAuth": .bool(dataSource.basicAuth), "basicAuthUser": .string(dataSource.basicAuthUser),
            "withCredentials": .bool(dataSource.withCredentials), "isDefault": .bool(dataSource.isDefault),
            "jsonData": dataSource.jsonData,
            "secureJsonFields": .record(Record(dataSource.secureJsonFields.sorted().map { ($0, true) })),
            "version": .int(dataSource.version), "readOnly": .bool(dataSource.readOnly),
        ])
    }

    /// `dtos.DataSourceListItemDTO`.
    static func listItemJSON(_ dataSource: StoredDataSource) -> Value {
        .record([
            "id": .int(dataSource.id), "uid": .string(dataSource.uid), "orgId": .int(dataSource.orgID),
            "name": .string(dataSource.name), "type": .string(dataSource.type),
            "typeName": .string(typeName(dataSource.type)),
            "typeLogoUrl": .string(logoURL(dataSource.type)), "access": .string(dataSource.access),
            "url": .string(dataSource.url), "user": .string(dataSource.user), "database": .string(dataSource.database),
            "basicAuth": .bool(dataSource.basicAuth), "isDefault": .bool(dataSource.isDefault),
            "jsonData": dataSource.jsonData, "readOnly": .bool(dataSource.readOnly),
        ])
    }

    /// The plugin's logo path; the sandbox has no plugin registry, so it derives Grafana's
    /// core-plugin layout (`public/app/plugins/datasource/<type>/img/<type>_logo.svg`; inferred).
    private static func logoURL(_ type: String) -> String {
        "public/app/plugins/datasource/\(type)/img/\(type)_logo.svg"
    }

    /// The plugin's display name; without a plugin registry, the type capitalised (inferred).
    private static func typeName(_ type: String) -> String {
        type.prefix(1).uppercased() + type.dropFirst()
    }
}

/// The bound fields of `AddDataSourceCommand` / `UpdateDataSourceCommand`.
struct DataSourceFields: Sendable {
    var name = ""
    var type = ""
    var access = ""
    var url = ""
    var user = ""
    var database = ""
    var basicAuth = false
    var basicAuthUser = ""
    var withCredentials = false
    var isDefault = false
    var uid = ""
    var jsonData: Value?
    var secureFieldNames: [String] = []

    init(form: RequestForm, requireIdentity: Bool) throws {
        self = try bind(.badRequestData) { () throws(RequestForm.Failure) -> DataSourceFields in
            var fields = DataSourceFields()
            fields.name = try form.required("name")
            fields.type = try form.required("type")
            fields.access = try form.required("access")
            fields.url = try form.string("url") ?? ""
            fields.user = try form.string("user") ?? ""
            fields.database = try form.string("database") ?? ""
            fields.basicAuth = try form.bool("basicAuth") ?? false
            fields.basicAuthUser = try form.string("basicAuthUser") ?? ""
            fields.withCredentials = try form.bool("withCredentials") ?? false
            fields.isDefault = try form.bool("isDefault") ?? false
            fields.uid = try form.string("uid") ?? ""
            fields.jsonData = try form.objectValue("jsonData").map { Value.record($0).sortedRecursively() }
            // `secureJsonData map[string]string`: values must be strings; only names are kept.
            if let secure = try form.objectValue("secureJsonData") {
                for entry in secure {
                    switch entry.value {
                    case .string, .null: fields.secureFieldNames.append(entry.key)
                    default: throw RequestForm.Failure()
                    }
                }
            }
            return fields
        }
    }

    private init() {}
}

extension SandboxState {
    mutating func clearDefault(orgID: Int64) {
        for index in dataSources.indices where dataSources[index].orgID == orgID {
            dataSources[index].isDefault = false
        }
    }
}
