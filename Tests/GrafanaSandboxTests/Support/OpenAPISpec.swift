import Foundation
import GFSValue
import Testing

@testable import GrafanaSandbox

/// Grafana 11.4.0's OpenAPI (Swagger 2.0) spec, cut to the sandbox's areas
/// (`Resources/spec/api-sandbox.v11.4.0.json`, made by `make-subset.py`), with the few checks
/// the conformance test needs: route lookup and schema validation.
struct OpenAPISpec {
    let document: Record

    static func load() throws -> OpenAPISpec {
        let data = try Fixture.resource("spec/api-sandbox.v11.4.0.json")
        let document = try #require(try Value(jsonUTF8: data).objectValue)
        return OpenAPISpec(document: document)
    }

    var paths: Record { document["paths"]?.objectValue ?? Record() }

    /// The spec path (below `/api`) whose segments match a sandbox route pattern such as
    /// `/api/orgs/{orgId}` or `/api/orgs/:orgId`; parameters match parameters whatever their names.
    func specPath(forRoute route: String) -> String? {
        let segments = Self.segments(route).dropFirst()  // "api"
        return paths.keys.first { candidate in
            let specSegments = Self.segments(candidate)
            return specSegments.count == segments.count
                && zip(specSegments, segments).allSatisfy { spec, mine in
                    Self.isParameter(spec) ? Self.isParameter(mine) : spec == mine
                }
        }
    }

    func operation(path: String, method: String) -> Record? {
        paths[path]?[method.lowercased()]?.objectValue
    }

    /// The response object documented for a status, with `$ref` resolved.
    func response(path: String, method: String, status: Int) -> Record? {
        guard let responses = operation(path: path, method: method)?["responses"]?.objectValue,
            let entry = responses["\(status)"]
        else { return nil }
        return resolve(entry).objectValue
    }

    func resolve(_ node: Value) -> Value {
        guard let reference = node["$ref"]?.stringValue else { return node }
        let parts = reference.split(separator: "/")
        guard parts.count == 3, let target = document[String(parts[1])]?[String(parts[2])] else { return node }
        return resolve(target)
    }

    /// Checks `value` against a schema: JSON types, required properties, items. Go writes nil
    /// pointers, slices and maps as `null`, so `null` passes for properties the schema does not
    /// require; properties the spec does not list are allowed (the spec lags the code).
    func validate(_ value: Value, against schemaNode: Value, at path: String = "$", problems: inout [String]) {
        let schema = resolve(schemaNode)
        for part in schema["allOf"]?.arrayValue ?? [] {
            validate(value, against: part, at: path, problems: &problems)
        }
        let type = schema["type"]?.stringValue ?? (schema["properties"] != nil ? "object" : nil)
        switch type {
        case "object"?:
            guard case .record(let object) = value else {
                problems.append("\(path): expected object, got \(kindName(value))")
                return
            }
            let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            for key in required where object[key] == nil || object[key] == .null {
                problems.append("\(path).\(key): required by the spec but missing or null")
            }
            let properties = schema["properties"]?.objectValue ?? Record()
            for entry in object {
                if let propertySchema = properties[entry.key] {
                    if entry.value == .null && !required.contains(entry.key) { continue }
                    validate(entry.value, against: propertySchema, at: "\(path).\(entry.key)", problems: &problems)
                } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    if entry.value == .null { continue }
                    validate(entry.value, against: additional, at: "\(path).\(entry.key)", problems: &problems)
                }
            }
        case "array"?:
            guard case .list(let items) = value else {
                problems.append("\(path): expected array, got \(kindName(value))")
                return
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    validate(item, against: itemSchema, at: "\(path)[\(index)]", problems: &problems)
                }
            }
        case "integer"?:
            if case .int = value { return }
            problems.append("\(path): expected integer, got \(kindName(value))")
        case "number"?:
            switch value {
            case .int, .double: return
            default: problems.append("\(path): expected number, got \(kindName(value))")
            }
        case "string"?:
            if case .string = value { return }
            problems.append("\(path): expected string, got \(kindName(value))")
        case "boolean"?:
            if case .bool = value { return }
            problems.append("\(path): expected boolean, got \(kindName(value))")
        default:
            return
        }
    }

    private func kindName(_ value: Value) -> String { kind(value) }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    static func isParameter(_ segment: String) -> Bool {
        segment.hasPrefix("{") || segment.hasPrefix(":")
    }
}
