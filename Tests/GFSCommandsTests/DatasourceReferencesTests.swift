import GFSLanguage
import Testing

@testable import GFSCommands

/// The source org's data sources and a target that knows some of them by another uid.
private let source = DatasourceDirectory([
    DatasourceIdentity(uid: "prom-src", name: "Prometheus", type: "prometheus", isDefault: true),
    DatasourceIdentity(uid: "loki-src", name: "Loki", type: "loki"),
    DatasourceIdentity(uid: "old-src", name: "Legacy", type: "graphite"),
])
private let target = DatasourceDirectory([
    DatasourceIdentity(uid: "prom-dst", name: "Prometheus", type: "prometheus", isDefault: true),
    DatasourceIdentity(uid: "loki-src", name: "Loki", type: "loki"),
    DatasourceIdentity(uid: "mimir-dst", name: "Mimir", type: "prometheus"),
])

private func record(_ json: String) throws -> Record {
    guard case .record(let record) = try Value(json: json) else { throw RecordExpected() }
    return record
}

private struct RecordExpected: Error {}

/// A dashboard with a reference at every place Grafana keeps one, in both forms.
private let everywhere = """
    {
      "title": "All references",
      "panels": [
        {"id": 1, "datasource": {"type": "prometheus", "uid": "prom-src"},
         "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "prom-src"}},
                     {"refId": "B", "datasource": "Loki"}]},
        {"id": 2, "type": "row", "collapsed": true, "panels": [
          {"id": 3, "datasource": "Prometheus", "targets": [{"refId": "A"}]}
        ]},
        {"id": 4, "datasource": {"type": "datasource", "uid": "-- Mixed --"},
         "targets": [{"refId": "A", "datasource": {"type": "loki", "uid": "loki-src"}},
                     {"refId": "B", "datasource": {"type": "datasource", "uid": "grafana"}}]},
        {"id": 5, "datasource": null},
        {"id": 6, "datasource": "$ds"}
      ],
      "rows": [{"panels": [{"id": 7, "datasource": "Legacy"}]}],
      "templating": {"list": [
        {"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "prom-src"}},
        {"name": "ds", "type": "datasource", "query": "prometheus",
         "current": {"text": "Prometheus", "value": "prom-src"}}
      ]},
      "annotations": {"list": [
        {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}},
        {"name": "deploys", "datasource": "Loki"}
      ]}
    }
    """

@Suite("Data-source references")
struct DatasourceReferencesTests {
    @Test("Every place and both forms are found; built-ins, null and variables are not references")
    func findsEveryReference() throws {
        let references = DatasourceRemapper.references(inDashboard: try record(everywhere))
        #expect(
            references.map(\.path) == [
                "panels[0].datasource", "panels[0].targets[0].datasource", "panels[0].targets[1].datasource",
                "panels[1].panels[0].datasource", "panels[2].targets[0].datasource", "rows[0].panels[0].datasource",
                "templating.list[0].datasource", "templating.list[1].current", "annotations.list[1].datasource",
            ]
        )
        #expect(references[0].form == .object(uid: "prom-src", type: "prometheus"))
        #expect(references[2].form == .string("Loki"))
        #expect(references[7].form == .variableValue("prom-src"))
    }

    @Test("A uid the target lacks resolves by the source's name; a uid it has stays; a missing one is reported")
    func rewritesByUIDThenName() throws {
        let rewrite = DatasourceRemapper(source: source, target: target).rewrite(dashboard: try record(everywhere))
        let model = Value.record(rewrite.model)
        #expect(model["panels"]?[0]?["datasource"] == ["type": "prometheus", "uid": "prom-dst"])
        #expect(model["panels"]?[0]?["targets"]?[0]?["datasource"] == ["type": "prometheus", "uid": "prom-dst"])
        // Same name in the target: the string form needs no change.
        #expect(model["panels"]?[0]?["targets"]?[1]?["datasource"] == "Loki")
        #expect(model["panels"]?[1]?["panels"]?[0]?["datasource"] == "Prometheus")
        // Same uid in the target: unchanged.
        #expect(model["panels"]?[2]?["targets"]?[0]?["datasource"] == ["type": "loki", "uid": "loki-src"])
        #expect(model["panels"]?[2]?["datasource"] == ["type": "datasource", "uid": "-- Mixed --"])
        #expect(model["panels"]?[3]?["datasource"] == .null)
        #expect(model["panels"]?[4]?["datasource"] == "$ds")
        #expect(model["templating"]?["list"]?[0]?["datasource"] == ["type": "prometheus", "uid": "prom-dst"])
        // The variable's selection named its source by uid, so it keeps naming it by uid.
        #expect(model["templating"]?["list"]?[1]?["current"] == ["text": "Prometheus", "value": "prom-dst"])
        #expect(rewrite.changes.count == 4)
        #expect(rewrite.missing.map(\.reference.path) == ["rows[0].panels[0].datasource"])
        #expect(rewrite.missing.first?.reason.contains("No data source named 'Legacy'") == true)
        #expect(model["rows"]?[0]?["panels"]?[0]?["datasource"] == "Legacy")
    }

    @Test("--map-datasource overrides by the source's name or uid, and names the target by name or uid")
    func mappingsOverride() throws {
        let remapper = DatasourceRemapper(
            source: source,
            target: target,
            mappings: [
                DatasourceMapping(parsing: "Prometheus=mimir-dst")!, DatasourceMapping(parsing: "old-src = Loki")!,
            ]
        )
        let rewrite = remapper.rewrite(dashboard: try record(everywhere))
        let model = Value.record(rewrite.model)
        #expect(model["panels"]?[0]?["datasource"] == ["type": "prometheus", "uid": "mimir-dst"])
        #expect(model["panels"]?[1]?["panels"]?[0]?["datasource"] == "Mimir")
        #expect(model["rows"]?[0]?["panels"]?[0]?["datasource"] == "Loki")
        #expect(model["templating"]?["list"]?[1]?["current"] == ["text": "Mimir", "value": "mimir-dst"])
        #expect(rewrite.missing.isEmpty)

        let wrong = DatasourceRemapper(
            source: source,
            target: target,
            mappings: [DatasourceMapping(old: "Loki", new: "nope")]
        )
        let missing = wrong.rewrite(panel: try record(#"{"datasource": "Loki"}"#)).missing
        #expect(missing.map(\.reason) == ["--map-datasource Loki=nope names no data source of the target org."])
    }

    @Test("A rewritten model rewrites to itself: a second pass changes nothing")
    func rewriteIsIdempotent() throws {
        let remapper = DatasourceRemapper(source: source, target: target)
        let once = remapper.rewrite(dashboard: try record(everywhere))
        let twice = remapper.rewrite(dashboard: once.model)
        #expect(!twice.changed)
        #expect(twice.model == once.model)
    }

    @Test("${DS_X} inputs are filled by mapping or by the target's source of their type, and leave __inputs")
    func fillsInputs() throws {
        let export = try record(
            """
            {"title": "Shared",
             "__inputs": [
               {"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"},
               {"name": "DS_LOKI", "type": "datasource", "pluginId": "loki"},
               {"name": "DS_TEMPO", "type": "datasource", "pluginId": "tempo"},
               {"name": "VAR_ENV", "type": "constant", "value": "prod"}
             ],
             "panels": [
               {"datasource": {"type": "prometheus", "uid": "${DS_PROM}"}},
               {"datasource": "${DS_LOKI}"},
               {"datasource": {"type": "tempo", "uid": "${DS_TEMPO}"}}
             ]}
            """
        )
        let rewrite = DatasourceRemapper(
            target: target,
            mappings: [DatasourceMapping(old: "${DS_LOKI}", new: "loki-src")]
        )
        .rewrite(dashboard: export)
        let model = Value.record(rewrite.model)
        // The default prometheus source fills DS_PROM.
        #expect(model["panels"]?[0]?["datasource"] == ["type": "prometheus", "uid": "prom-dst"])
        #expect(model["panels"]?[1]?["datasource"] == "Loki")
        #expect(model["panels"]?[2]?["datasource"] == ["type": "tempo", "uid": "${DS_TEMPO}"])
        #expect(rewrite.missing.map(\.reference.form) == [.input("DS_TEMPO")])
        #expect(model["__inputs"]?.listNames == ["DS_TEMPO", "VAR_ENV"])
    }

    @Test("A library panel's model is one panel")
    func rewritesPanels() throws {
        let panel = try record(
            #"{"type": "timeseries", "datasource": {"type": "prometheus", "uid": "prom-src"}, "targets": [{"datasource": "Prometheus"}]}"#
        )
        #expect(DatasourceRemapper.references(inPanel: panel).map(\.path) == ["datasource", "targets[0].datasource"])
        let rewrite = DatasourceRemapper(source: source, target: target).rewrite(panel: panel)
        #expect(Value.record(rewrite.model)["datasource"] == ["type": "prometheus", "uid": "prom-dst"])
        #expect(rewrite.changes.count == 1)
    }

    @Test("A mapping needs OLD=NEW with both sides", arguments: ["prom", "=x", "x=", " = "])
    func mappingParsing(text: String) {
        #expect(DatasourceMapping(parsing: text) == nil)
    }
}

extension Value {
    fileprivate subscript(index: Int) -> Value? {
        guard case .list(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    fileprivate var listNames: [String] {
        guard case .list(let items) = self else { return [] }
        return items.compactMap { $0["name"]?.stringValue }
    }
}
