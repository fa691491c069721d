import GFSLanguage

// MARK: Public interface

/// A data source as one org knows it: what a reference in a dashboard can point at.
struct DatasourceIdentity: Sendable, Hashable {
    var uid: String
    var name: String
    /// The plugin id, such as `prometheus`.
    var type: String
    var isDefault: Bool = false
}

/// The data sources of one org, looked up by uid, by name or by plugin type.
struct DatasourceDirectory: Sendable {
    let entries: [DatasourceIdentity]

    init(_ entries: [DatasourceIdentity] = []) { self.entries = entries }

    func byUID(_ uid: String) -> DatasourceIdentity? { entries.first { $0.uid == uid } }
    func byName(_ name: String) -> DatasourceIdentity? { entries.first { $0.name == name } }

    /// A uid first, then a name: the order Grafana's own lookup (`getDataSourceSrv().getInstanceSettings`)
    /// tries a string reference in.
    func lookup(_ key: String) -> DatasourceIdentity? { byUID(key) ?? byName(key) }

    /// The data source an input of this plugin type is filled with when nothing names one: the
    /// org's default if it has that type, else the only one of that type.
    func soleOrDefault(ofType type: String) -> DatasourceIdentity? {
        let candidates = entries.filter { $0.type == type }
        if let preferred = candidates.first(where: \.isDefault) { return preferred }
        return candidates.count == 1 ? candidates[0] : nil
    }
}

/// One `--map-datasource OLD=NEW`: OLD is the name, uid or `${DS_X}` input of the source,
/// NEW the name or uid of the target's data source.
struct DatasourceMapping: Sendable, Hashable {
    var old: String
    var new: String

    /// Parses `OLD=NEW`; nil when either side is empty or there is no `=`.
    init?(parsing text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let old = String(text[..<equals]).trimmingSpaces
        let new = String(text[text.index(after: equals)...]).trimmingSpaces
        guard !old.isEmpty, !new.isEmpty else { return nil }
        self.old = old
        self.new = new
    }

    init(old: String, new: String) {
        self.old = old
        self.new = new
    }
}

/// A data-source reference found in a dashboard or panel model.
struct DatasourceReference: Sendable, Hashable {
    enum Form: Sendable, Hashable {
        /// The old string form: a name (or, since Grafana 8.3, a uid).
        case string(String)
        /// The `{type, uid}` object form.
        case object(uid: String, type: String?)
        /// An `${DS_X}` input of a dashboard exported for sharing (its `__inputs`).
        case input(String)
        /// The selected value of a `datasource`-type template variable (a name or uid).
        case variableValue(String)
    }

    /// Where it sits, such as `panels[2].targets[0].datasource`.
    var path: String
    var form: Form

    /// The name, uid or input name the reference uses.
    var key: String {
        switch form {
        case .string(let key), .input(let key), .variableValue(let key): key
        case .object(let uid, _): uid
        }
    }
}

/// A reference changed to point at the target's data source.
struct DatasourceRewriteChange: Sendable, Hashable {
    var reference: DatasourceReference
    var target: DatasourceIdentity
}

/// A reference no data source of the target answers.
struct DatasourceMissingReference: Sendable, Hashable {
    var reference: DatasourceReference
    /// Why, in a sentence ("No data source named 'prom' in the target org. Create it, or ...").
    var reason: String
}

/// The outcome of rewriting one model.
struct DatasourceRewrite: Sendable {
    /// The model with every resolvable reference pointing at the target.
    var model: Record
    var changes: [DatasourceRewriteChange]
    var missing: [DatasourceMissingReference]
    /// Whether the model differs from the one given.
    var changed: Bool { !changes.isEmpty }
}

/// Finds and rewrites every data-source reference of a dashboard or library-panel model, so the
/// model works in another org or on another server.
///
/// Covered: panels, panels of collapsed rows and of the old `rows` schema, their targets,
/// templating variables (a query variable's `datasource`, a `datasource`-type variable's
/// selected value), annotations; the string form (a name, a uid, or null for the default)
/// and the `{type, uid}` form; `${DS_X}` inputs of an export for sharing (their `__inputs`
/// entries are removed once filled). Built-in sources (`-- Mixed --`, `-- Grafana --`,
/// `-- Dashboard --`), null (the target's default) and template variables (`$ds`) are left
/// alone.
///
/// A reference resolves, in order, through a `--map-datasource` whose OLD is its key (or the
/// other identifier of the same source data source), then to the target's data source of the
/// same uid, then to the one of the same name (a uid is turned into its name through the
/// source directory), and otherwise is reported as missing and left unchanged.
struct DatasourceRemapper: Sendable {
    var source: DatasourceDirectory
    var target: DatasourceDirectory
    var mappings: [DatasourceMapping]

    init(
        source: DatasourceDirectory = DatasourceDirectory(),
        target: DatasourceDirectory,
        mappings: [DatasourceMapping] = []
    ) {
        self.source = source
        self.target = target
        self.mappings = mappings
    }

    /// Every reference of a dashboard model, in document order.
    static func references(inDashboard model: Record) -> [DatasourceReference] {
        var walker = Walker(resolve: nil, inputs: inputTypes(of: model))
        var copy = model
        walker.walkDashboard(&copy)
        return walker.found
    }

    /// Every reference of a library panel's model (one panel).
    static func references(inPanel model: Record) -> [DatasourceReference] {
        var walker = Walker(resolve: nil, inputs: [:])
        var copy = model
        walker.walkPanel(&copy, path: "")
        return walker.found
    }

    /// Rewrites a dashboard model.
    func rewrite(dashboard model: Record) -> DatasourceRewrite {
        let inputs = Self.inputTypes(of: model)
        var walker = Walker(resolve: { self.resolve($0, inputs: inputs) }, inputs: inputs)
        var copy = model
        walker.walkDashboard(&copy)
        // Filled inputs leave `__inputs`, so a fully resolved export becomes a plain dashboard.
        if case .list(let entries)? = copy["__inputs"] {
            let filled = Set(
                walker.changes.compactMap { change -> String? in
                    if case .input(let name) = change.reference.form { return name }
                    return nil
                }
            )
            let unfilled = Set(
                walker.missing.compactMap { missing -> String? in
                    if case .input(let name) = missing.reference.form { return name }
                    return nil
                }
            )
            let kept = entries.filter { entry in
                guard let name = entry["name"]?.stringValue else { return true }
                return !filled.contains(name) || unfilled.contains(name)
            }
            if kept.count != entries.count {
                copy["__inputs"] = kept.isEmpty ? nil : .list(kept)
            }
        }
        return DatasourceRewrite(model: copy, changes: walker.changes, missing: walker.missing)
    }

    /// Rewrites a library panel's model (one panel).
    func rewrite(panel model: Record) -> DatasourceRewrite {
        var walker = Walker(resolve: { self.resolve($0, inputs: [:]) }, inputs: [:])
        var copy = model
        walker.walkPanel(&copy, path: "")
        return DatasourceRewrite(model: copy, changes: walker.changes, missing: walker.missing)
    }

    // MARK: Resolution

    enum Resolution {
        /// The target's data source, and whether the reference named its source by uid (so a
        /// string reference keeps naming it by uid rather than by name).
        case resolved(DatasourceIdentity, byUID: Bool)
        case missing(String)
    }

    func resolve(_ reference: DatasourceReference, inputs: [String: String]) -> Resolution {
        let key = reference.key
        if case .input(let name) = reference.form {
            if let mapping = mappings.first(where: { $0.old == name || $0.old == "${\(name)}" }) {
                return mapped(mapping, byUID: false)
            }
            guard let type = inputs[name] else {
                return .missing("The input '\(name)' is not declared in the dashboard's __inputs.")
            }
            if let found = target.soleOrDefault(ofType: type) { return .resolved(found, byUID: false) }
            return .missing(
                "The input '\(name)' needs a \(type) data source; the target org has none or several and none is the default. Name one with --map-datasource \(name)=NAME."
            )
        }
        let known = source.lookup(key)
        let byUID = known?.uid == key || target.byUID(key) != nil
        if let mapping = mappings.first(where: { $0.old == key || $0.old == known?.uid || $0.old == known?.name }) {
            return mapped(mapping, byUID: byUID)
        }
        if let found = target.byUID(key) { return .resolved(found, byUID: true) }
        let name = known?.name ?? key
        if let found = target.byName(name) { return .resolved(found, byUID: byUID) }
        return .missing(
            "No data source named '\(name)'\(known?.uid == key ? " (uid '\(key)')" : "") in the target org. Create it, or name a replacement with --map-datasource \(name)=NAME."
        )
    }

    private func mapped(_ mapping: DatasourceMapping, byUID: Bool) -> Resolution {
        if let found = target.lookup(mapping.new) { return .resolved(found, byUID: byUID) }
        return .missing("--map-datasource \(mapping.old)=\(mapping.new) names no data source of the target org.")
    }

    /// The `__inputs` of type `datasource`, by name, with their plugin id.
    static func inputTypes(of model: Record) -> [String: String] {
        guard case .list(let entries)? = model["__inputs"] else { return [:] }
        var types: [String: String] = [:]
        for entry in entries {
            guard entry["type"]?.stringValue == "datasource", let name = entry["name"]?.stringValue else { continue }
            types[name] = entry["pluginId"]?.stringValue ?? ""
        }
        return types
    }
}

// MARK: Implementation

/// The identifiers of Grafana's built-in pseudo data sources (`public/app/plugins/datasource/
/// mixed/MixedDataSource.ts` `MIXED_DATASOURCE_NAME`, `dashboard/constants.ts`
/// `SHARED_DASHBOARD_QUERY`, and the `grafana` data source's uid): they exist on every server
/// and are never remapped.
private let builtInDatasources: Set<String> = ["-- Mixed --", "-- Grafana --", "-- Dashboard --", "grafana"]

/// Walks a model, recording each reference and, when resolving, rewriting it in place.
private struct Walker {
    let resolve: ((DatasourceReference) -> DatasourceRemapper.Resolution)?
    let inputs: [String: String]
    var found: [DatasourceReference] = []
    var changes: [DatasourceRewriteChange] = []
    var missing: [DatasourceMissingReference] = []

    init(resolve: ((DatasourceReference) -> DatasourceRemapper.Resolution)?, inputs: [String: String]) {
        self.resolve = resolve
        self.inputs = inputs
    }

    mutating func walkDashboard(_ model: inout Record) {
        walkList(&model, "panels", path: "") { walker, panel, path in walker.walkPanel(&panel, path: path) }
        // The schema before Grafana 5 kept panels in rows.
        walkList(&model, "rows", path: "") { walker, row, rowPath in
            walker.walkList(&row, "panels", path: rowPath) { walker, panel, path in walker.walkPanel(&panel, path: path)
            }
        }
        if case .record(var templating)? = model["templating"] {
            walkList(&templating, "list", path: "templating") { walker, variable, path in
                walker.walkVariable(&variable, path: path)
            }
            model["templating"] = .record(templating)
        }
        if case .record(var annotations)? = model["annotations"] {
            walkList(&annotations, "list", path: "annotations") { walker, annotation, path in
                walker.visit(&annotation, "datasource", path: path)
            }
            model["annotations"] = .record(annotations)
        }
    }

    mutating func walkPanel(_ panel: inout Record, path: String) {
        visit(&panel, "datasource", path: path)
        walkList(&panel, "targets", path: path) { walker, target, targetPath in
            walker.visit(&target, "datasource", path: targetPath)
        }
        // A collapsed row holds its panels.
        walkList(&panel, "panels", path: path) { walker, inner, innerPath in walker.walkPanel(&inner, path: innerPath) }
    }

    mutating func walkVariable(_ variable: inout Record, path: String) {
        visit(&variable, "datasource", path: path)
        // A `datasource`-type variable's `query` is a plugin type; its selection names a source.
        guard variable["type"]?.stringValue == "datasource", case .record(var current)? = variable["current"],
            let value = current["value"]?.stringValue, !value.isEmpty, value != "default", !value.hasPrefix("$"),
            !builtInDatasources.contains(value)
        else { return }
        let reference = DatasourceReference(path: join(path, "current"), form: .variableValue(value))
        guard case let (target, byUID)? = settle(reference) else { return }
        let replacement = byUID ? target.uid : target.name
        guard replacement != value else { return }
        current["value"] = .string(replacement)
        current["text"] = .string(target.name)
        variable["current"] = .record(current)
        changes.append(DatasourceRewriteChange(reference: reference, target: target))
    }

    /// Looks at `container[field]`, a data-source reference in either form.
    mutating func visit(_ container: inout Record, _ field: String, path: String) {
        let here = join(path, field)
        switch container[field] {
        case .string(let text)?:
            if let input = inputName(text) {
                let reference = DatasourceReference(path: here, form: .input(input))
                guard case let (target, _)? = settle(reference) else { return }
                container[field] = .string(target.name)
                changes.append(DatasourceRewriteChange(reference: reference, target: target))
                return
            }
            guard !text.isEmpty, !text.hasPrefix("$"), !builtInDatasources.contains(text) else { return }
            let reference = DatasourceReference(path: here, form: .string(text))
            guard case let (target, byUID)? = settle(reference) else { return }
            let replacement = byUID ? target.uid : target.name
            guard replacement != text else { return }
            container[field] = .string(replacement)
            changes.append(DatasourceRewriteChange(reference: reference, target: target))
        case .record(var object)?:
            guard let uid = object["uid"]?.stringValue, !uid.isEmpty else { return }
            let type = object["type"]?.stringValue
            let reference: DatasourceReference
            if let input = inputName(uid) {
                reference = DatasourceReference(path: here, form: .input(input))
            } else {
                guard !uid.hasPrefix("$"), !builtInDatasources.contains(uid), type != "datasource" else { return }
                reference = DatasourceReference(path: here, form: .object(uid: uid, type: type))
            }
            guard case let (target, _)? = settle(reference), uid != target.uid || (type != nil && type != target.type)
            else {
                return
            }
            object["uid"] = .string(target.uid)
            object["type"] = .string(target.type)
            container[field] = .record(object)
            changes.append(DatasourceRewriteChange(reference: reference, target: target))
        default:
            // Null or absent: the target's default data source, nothing to carry.
            return
        }
    }

    /// Records a reference and, when resolving, returns its target or records it as missing.
    private mutating func settle(_ reference: DatasourceReference) -> (DatasourceIdentity, byUID: Bool)? {
        found.append(reference)
        guard let resolve else { return nil }
        switch resolve(reference) {
        case .resolved(let target, let byUID): return (target, byUID)
        case .missing(let reason):
            missing.append(DatasourceMissingReference(reference: reference, reason: reason))
            return nil
        }
    }

    /// `${DS_X}` or `$DS_X` when DS_X is one of the dashboard's `__inputs`.
    private func inputName(_ text: String) -> String? {
        var name = Substring(text)
        guard name.hasPrefix("$") else { return nil }
        name = name.dropFirst()
        if name.hasPrefix("{"), name.hasSuffix("}") { name = name.dropFirst().dropLast() }
        return inputs[String(name)] != nil ? String(name) : nil
    }

    private mutating func walkList(
        _ container: inout Record,
        _ field: String,
        path: String,
        _ body: (inout Walker, inout Record, String) -> Void
    ) {
        guard case .list(var items)? = container[field] else { return }
        for index in items.indices {
            guard case .record(var item) = items[index] else { continue }
            body(&self, &item, "\(join(path, field))[\(index)]")
            items[index] = .record(item)
        }
        container[field] = .list(items)
    }

    private func join(_ path: String, _ field: String) -> String { path.isEmpty ? field : "\(path).\(field)" }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
