import Foundation
import GFSValue
import Hummingbird

/// Annotations, `/api/annotations…` (`pkg/api/annotations.go`; the store's rules from
/// `pkg/services/annotations/annotationsimpl/xorm_store.go`). Times are epoch milliseconds.
struct AnnotationsController: SandboxController {
    let environment: SandboxEnvironment
    /// The clock `now` defaults come from; tests replace it.
    var now: @Sendable () -> Date = { Date() }

    init(environment: SandboxEnvironment) { self.environment = environment }

    func addRoutes(to router: Router<SandboxRequestContext>) {
        router.get("/api/annotations", use: list)
        router.post("/api/annotations", use: create)
        router.post("/api/annotations/graphite", use: createGraphite)
        router.post("/api/annotations/mass-delete", use: massDelete)
        router.get("/api/annotations/tags", use: tags)
        router.get("/api/annotations/:annotationId", use: get)
        router.put("/api/annotations/:annotationId", use: update)
        router.patch("/api/annotations/:annotationId", use: patch)
        router.delete("/api/annotations/:annotationId", use: delete)
    }

    /// A `[]string` field.
    static func tags(_ form: RequestForm) throws(RequestForm.Failure) -> [String]? {
        try form.array("tags") { value throws(RequestForm.Failure) -> String in
            guard let tag = value.stringValue else { throw RequestForm.Failure() }
            return tag
        }
    }

    static let invalidID = GrafanaError.error(.badRequest, "annotationId is invalid", cause: true)
    /// `findAnnotationByID`.
    static let notFound = GrafanaError.error(.notFound, "Annotation not found", cause: false)

    /// `GetAnnotations`: `from`/`to` (ms; both needed to filter, an annotation matches when its
    /// span overlaps), `dashboardUID` (an unknown one is 400) or `dashboardId`, `panelId`,
    /// `userId`, `alertId`, `type` (`alert` or `annotation`), `tags` with `matchAny`, `limit`
    /// (default 100); newest first (`ORDER BY a.epoch * 1 DESC, a.epoch_end * 1 DESC`).
    @Sendable func list(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "annotations:read")
        let from = Int64(request.query("from")) ?? 0
        let to = Int64(request.query("to")) ?? 0
        let dashboardUID = request.query("dashboardUID")
        let dashboardIDQuery = Int64(request.query("dashboardId")) ?? 0
        let panelID = Int64(request.query("panelId")) ?? 0
        let userID = Int64(request.query("userId")) ?? 0
        let alertID = Int64(request.query("alertId")) ?? 0
        let type = request.query("type")
        let tags = request.queryAll("tags").filter { !$0.isEmpty }
        let matchAny = request.queryBool("matchAny")
        let limit = Int(request.query("limit")).flatMap { $0 > 0 ? $0 : nil } ?? 100
        let body = try await environment.store.read { state -> Value in
            var dashboardID = dashboardIDQuery
            if !dashboardUID.isEmpty {
                guard let dashboard = state.dashboard(uid: dashboardUID, orgID: identity.orgID) else {
                    throw GrafanaError.error(.badRequest, "Invalid dashboard UID in annotation request", cause: true)
                }
                dashboardID = dashboard.id
            }
            let matching = state.library.annotations.filter { item in
                guard item.orgID == identity.orgID else { return false }
                if from > 0 && to > 0 && !(item.time <= to && item.timeEnd >= from) { return false }
                if dashboardID != 0 && item.dashboardID != dashboardID { return false }
                if panelID != 0 && item.panelID != panelID { return false }
                if userID != 0 && item.userID != userID { return false }
                if alertID != 0 && item.alertID != alertID { return false }
                if type == "alert" && item.alertID == 0 { return false }
                if type == "annotation" && item.alertID != 0 { return false }
                if !tags.isEmpty {
                    let have = Set(item.tags)
                    if matchAny ? !tags.contains(where: have.contains) : !tags.allSatisfy(have.contains) {
                        return false
                    }
                }
                return true
            }.sorted { ($0.time, $0.timeEnd, $0.id) > ($1.time, $1.timeEnd, $1.id) }
            return .list(matching.prefix(limit).map(state.annotationJSON))
        }
        return SandboxResponse.json(.ok, body)
    }

    /// `GetAnnotationByID`.
    @Sendable func get(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "annotations:read")
        let id = try context.int64Parameter("annotationId", orAnswer: Self.invalidID)
        return try await environment.store.read { state in
            guard let item = state.annotation(id, orgID: identity.orgID) else { throw Self.notFound }
            return SandboxResponse.json(.ok, state.annotationJSON(item))
        }
    }

    /// `PostAnnotation`: binds `PostAnnotationsCmd`; `dashboardUID` replaces `dashboardId` when
    /// it names a dashboard; empty `text` is 400 "Failed to save annotation"; answers `{id, message}`.
    /// The store sets a missing `time` to now and a missing `timeEnd` to `time`.
    @Sendable func create(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "annotations:create")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (dashboardUID, dashboardIDField, panelID, time, timeEnd, text, tags, data) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            (
                try form.string("dashboardUID") ?? "", try form.int("dashboardId") ?? 0, try form.int("panelId") ?? 0,
                try form.int("time") ?? 0, try form.int("timeEnd") ?? 0, try form.string("text") ?? "",
                try Self.tags(form) ?? [],
                form.value("data") ?? .record([:])
            )
        }
        guard !text.isEmpty else {
            throw GrafanaError.error(.badRequest, "Failed to save annotation", cause: true)
        }
        let nowMS = Int64((now().timeIntervalSince1970 * 1000).rounded())
        let id = try await environment.store.write { state -> Int64 in
            var dashboardID = dashboardIDField
            var uid = ""
            if !dashboardUID.isEmpty, let dashboard = state.dashboard(uid: dashboardUID, orgID: identity.orgID) {
                dashboardID = dashboard.id
                uid = dashboard.uid
            } else if dashboardID != 0 {
                uid = state.dashboards[id: dashboardID]?.uid ?? ""
            }
            let start = time == 0 ? nowMS : time
            let item = StoredAnnotation(
                id: state.library.nextAnnotationID,
                orgID: identity.orgID,
                userID: identity.userID,
                dashboardID: dashboardID,
                dashboardUID: uid,
                panelID: panelID,
                time: start,
                timeEnd: timeEnd == 0 ? start : timeEnd,
                text: text,
                tags: tags,
                data: data,
                created: nowMS,
                updated: nowMS
            )
            state.library.nextAnnotationID += 1
            state.library.annotations.append(item)
            return item.id
        }
        return SandboxResponse.json(.ok, .map([("id", .int(id)), ("message", "Annotation added")]))
    }

    /// `PostGraphiteAnnotation`: `what` (required), `when` (seconds), `data`, `tags` as a list or
    /// one space-separated string.
    @Sendable func createGraphite(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "annotations:create")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (what, when, data) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (try form.string("what") ?? "", try form.int("when") ?? 0, try form.string("data") ?? "")
        }
        let failed = GrafanaError.error(.badRequest, "Failed to save Graphite annotation", cause: true)
        guard !what.isEmpty else { throw failed }
        var parsedTags: [String] = []
        switch form.value("tags") {
        case .string(let text)?: parsedTags = text.isEmpty ? [] : text.split(separator: " ").map(String.init)
        case .list(let items)?:
            for item in items {
                guard let tag = item.stringValue else { throw failed }
                parsedTags.append(tag)
            }
        default: throw failed
        }
        let tags = parsedTags
        let nowMS = Int64((now().timeIntervalSince1970 * 1000).rounded())
        let text = data.isEmpty ? what : what + "\n" + data
        let id = try await environment.store.write { state -> Int64 in
            let start = when == 0 ? nowMS : when * 1000
            let item = StoredAnnotation(
                id: state.library.nextAnnotationID,
                orgID: identity.orgID,
                userID: identity.userID,
                dashboardID: 0,
                dashboardUID: "",
                panelID: 0,
                time: start,
                timeEnd: start,
                text: text,
                tags: tags,
                data: .record([:]),
                created: nowMS,
                updated: nowMS
            )
            state.library.nextAnnotationID += 1
            state.library.annotations.append(item)
            return item.id
        }
        return SandboxResponse.json(.ok, .map([("id", .int(id)), ("message", "Graphite annotation added")]))
    }

    /// `UpdateAnnotation`: replaces `text`, `tags`, `time` and `timeEnd` (and `data` when given).
    @Sendable func update(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await change(request, context: context, replacing: true)
        return SandboxResponse.success("Annotation updated")
    }

    /// `PatchAnnotation`: changes only the fields given (a non-empty `text`, `tags`, positive times).
    @Sendable func patch(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        try await change(request, context: context, replacing: false)
        return SandboxResponse.success("Annotation patched")
    }

    private func change(_ request: Request, context: SandboxRequestContext, replacing: Bool) async throws {
        let identity = try context.requireBasicRole(.editor, action: "annotations:write")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (time, timeEnd, text, tags, data) = try bind(.badRequestData) { () throws(RequestForm.Failure) in
            (
                try form.int("time") ?? 0, try form.int("timeEnd") ?? 0, try form.string("text") ?? "",
                try Self.tags(form), form.value("data")
            )
        }
        let id = try context.int64Parameter("annotationId", orAnswer: Self.invalidID)
        let nowMS = Int64((now().timeIntervalSince1970 * 1000).rounded())
        try await environment.store.write { state in
            guard let index = state.library.annotations.firstIndex(where: { $0.id == id && $0.orgID == identity.orgID })
            else { throw Self.notFound }
            var item = state.library.annotations[index]
            if replacing {
                item.text = text
                item.tags = tags ?? []
                item.time = time
                item.timeEnd = timeEnd == 0 ? time : timeEnd
            } else {
                if let tags { item.tags = tags }
                if !text.isEmpty { item.text = text }
                if time > 0 { item.time = time }
                if timeEnd > 0 { item.timeEnd = timeEnd }
            }
            if let data, data != .null { item.data = data }
            item.updated = nowMS
            state.library.annotations[index] = item
        }
    }

    /// `DeleteAnnotationByID`.
    @Sendable func delete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "annotations:delete")
        let id = try context.int64Parameter("annotationId", orAnswer: Self.invalidID)
        try await environment.store.write { state in
            guard state.annotation(id, orgID: identity.orgID) != nil else { throw Self.notFound }
            state.library.annotations.removeAll { $0.id == id }
        }
        return SandboxResponse.success("Annotation deleted")
    }

    /// `MassDeleteAnnotations`: one annotation by `annotationId`, or every annotation of a
    /// dashboard panel (`dashboardId`/`dashboardUID` and `panelId` together, else 400).
    @Sendable func massDelete(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.editor, action: "annotations:delete")
        let form = try await context.form(request, limit: environment.bodyLimit, orAnswer: .badRequestData)
        let (annotationID, dashboardIDField, dashboardUID, panelID) = try bind(.badRequestData) {
            () throws(RequestForm.Failure) in
            (
                try form.int("annotationId") ?? 0, try form.int("dashboardId") ?? 0,
                try form.string("dashboardUID") ?? "", try form.int("panelId") ?? 0
            )
        }
        try await environment.store.write { state in
            var dashboardID = dashboardIDField
            if !dashboardUID.isEmpty, let dashboard = state.dashboard(uid: dashboardUID, orgID: identity.orgID) {
                dashboardID = dashboard.id
            }
            if (dashboardID != 0 && panelID == 0) || (panelID != 0 && dashboardID == 0) {
                throw GrafanaError.badRequestData
            }
            if annotationID != 0 {
                guard state.annotation(annotationID, orgID: identity.orgID) != nil else { throw Self.notFound }
                state.library.annotations.removeAll { $0.id == annotationID }
            } else {
                state.library.annotations.removeAll {
                    $0.orgID == identity.orgID && $0.dashboardID == dashboardID && $0.panelID == panelID
                }
            }
        }
        return SandboxResponse.success("Annotations deleted")
    }

    /// `GetAnnotationTags`: `{result: {tags: [{tag, count}]}}`, `tag` a prefix filter, `limit`
    /// (default 100), by tag.
    @Sendable func tags(_ request: Request, context: SandboxRequestContext) async throws -> Response {
        let identity = try context.requireBasicRole(.viewer, action: "annotations:read")
        let prefix = request.query("tag")
        let limit = Int(request.query("limit")).flatMap { $0 > 0 ? $0 : nil } ?? 100
        let body = await environment.store.read { state -> Value in
            var counts: [String: Int] = [:]
            for item in state.library.annotations where item.orgID == identity.orgID {
                for tag in item.tags where prefix.isEmpty || tag.hasPrefix(prefix) { counts[tag, default: 0] += 1 }
            }
            let rows = counts.keys.sorted().prefix(limit).map { tag -> Value in
                .record(["tag": .string(tag), "count": .int(counts[tag] ?? 0)])
            }
            return .record(["result": .record(["tags": .list(rows)])])
        }
        return SandboxResponse.json(.ok, body)
    }
}

extension SandboxState {
    func annotation(_ id: Int64, orgID: Int64) -> StoredAnnotation? {
        library.annotations.first { $0.id == id && $0.orgID == orgID }
    }

    /// `annotations.ItemDTO`.
    func annotationJSON(_ item: StoredAnnotation) -> Value {
        let user = user(item.userID)
        let uid: Value = item.dashboardUID.isEmpty ? .null : .string(item.dashboardUID)
        return .record([
            "id": .int(item.id), "alertId": .int(item.alertID), "alertName": "", "dashboardId": .int(item.dashboardID),
            "dashboardUID": uid, "panelId": .int(item.panelID), "userId": .int(item.userID), "newState": "",
            "prevState": "", "created": .int(item.created), "updated": .int(item.updated), "time": .int(item.time),
            "timeEnd": .int(item.timeEnd), "text": .string(item.text), "tags": .list(item.tags.map { .string($0) }),
            "login": .string(user?.login ?? ""), "email": .string(user?.email ?? ""),
            "avatarUrl": .string(user.map { GrafanaFormat.avatarURL($0.email) } ?? ""), "data": item.data,
        ])
    }
}
