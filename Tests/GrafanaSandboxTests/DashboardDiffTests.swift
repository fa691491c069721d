import Foundation
import GFSValue
import HTTPTypes
import Testing

@testable import GrafanaSandbox

/// `POST /api/dashboards/calculate-diff` and the diff behind it (gojsondiff's deltas rendered
/// by Grafana's `dashdiffs` templates).
@Suite struct DashboardDiffTests {
    static let base: Value = ["a": 1, "b": "x", "c": [1, 2]]
    static let new: Value = ["a": 2, "b": "x", "c": [1, 2], "d": true]

    /// One line of `tplJSONDiffLine` inside the wrapper's range, written out by hand from the
    /// template text.
    static func jsonLine(
        _ number: Int,
        _ change: String,
        _ left: String,
        _ right: String,
        _ indent: Int,
        _ text: String,
        _ symbol: String
    ) -> String {
        "\n\t\t<p id=\"l\(number)\" class=\"diff-line diff-json-\(change)\">\n\t<span class=\"diff-line-number\">\n\t\t\(left)\n\t</span>\n\t<span class=\"diff-line-number\">\n\t\t\(right)\n\t</span>\n\t<span class=\"diff-value diff-indent-\(indent)\" title=\"\(text)\" ng-non-bindable>\n\t\t\(text)\n\t</span>\n\t<span class=\"diff-line-icon\">\(symbol)</span>\n</p>\n\n\t"
    }

    @Test func jsonDiffNumbersTheLinesOfBothSides() throws {
        let html = try DashboardDiff.html(from: Self.base, to: Self.new, format: .json)
        let expected =
            [
                Self.jsonLine(1, "same", "1", "1", 0, "{", ""),
                Self.jsonLine(2, "old", "2", "", 1, "&#34;a&#34;: 1,", "-"),
                Self.jsonLine(3, "new", "", "2", 1, "&#34;a&#34;: 2,", "&#43;"),
                Self.jsonLine(4, "", "3", "3", 1, "&#34;b&#34;: &#34;x&#34;,", ""),
                Self.jsonLine(5, "", "4", "4", 1, "&#34;c&#34;: [", ""),
                Self.jsonLine(6, "", "5", "5", 2, "1,", ""),
                Self.jsonLine(7, "", "6", "6", 2, "2", ""),
                Self.jsonLine(8, "", "7", "7", 1, "]", ""),
                Self.jsonLine(9, "added", "", "8", 1, "&#34;d&#34;: true", "&#43;"),
                Self.jsonLine(10, "same", "8", "9", 0, "}", ""),
            ].joined() + "\n"
        #expect(html == expected)
    }

    @Test func basicDiffHasABlockPerTopLevelChange() throws {
        let html = try DashboardDiff.html(from: Self.base, to: Self.new, format: .basic)
        let changed =
            "\n<div class=\"diff-group\">\n\t<div class=\"diff-block\">\n\t\t<h2 class=\"diff-block-title\">\n\t\t\t<i class=\"diff-circle diff-circle-changed fa fa-circle\"></i>\n\t\t\t<strong class=\"diff-title\">a</strong> changed\n\t\t</h2>\n\n\n\t\t\n\t\t"
            + "\n\t\t\t<div class=\"diff-label\">1</div>\n\t\t\t<i class=\"diff-arrow fa fa-long-arrow-right\"></i>\n\t\t"
            + "\n\t\t" + "\n\t\t\t\t<div class=\"diff-label\">2</div>\n\t\t" + "\n\n\t\t"
            + "\n\t\t\t<diff-link-json\n\t\t\t\tline-link=\"2\"\n\t\t\t\tline-display=\"2 - 3\"\n\t\t\t\tswitch-view=\"ctrl.getDiff('html')\"\n\t\t\t/>\n\t\t"
            + "\n\n\t</div>\n\n\t\n\t" + "\n\n\t\n\t" + "\n\n</div>\n"
        let added =
            "\n<div class=\"diff-group\">\n\t<div class=\"diff-block\">\n\t\t<h2 class=\"diff-block-title\">\n\t\t\t<i class=\"diff-circle diff-circle-added fa fa-circle\"></i>\n\t\t\t<strong class=\"diff-title\">d</strong> added\n\t\t</h2>\n\n\n\t\t\n\t\t"
            + "\n\t\t" + "\n\t\t\t\t<div class=\"diff-label\">true</div>\n\t\t" + "\n\n\t\t"
            + "\n\t\t\t<diff-link-json\n\t\t\t\tline-link=\"9\"\n\t\t\t\tline-display=\"9\"\n\t\t\t\tswitch-view=\"ctrl.getDiff('html')\"\n\t\t\t/>\n\t\t"
            + "\n\n\t</div>\n\n\t\n\t" + "\n\n\t\n\t" + "\n\n</div>\n"
        #expect(html == changed + added + "\n")
    }

    @Test func nestedChangesBecomeChangesAndSummariesOfTheirBlock() throws {
        let base: Value = ["time": ["from": "now-6h", "to": "now"], "panels": [["id": 1, "title": "A"]]]
        let new: Value = ["time": ["from": "now-1h", "to": "now"], "panels": [["id": 1, "title": "B"]]]
        let html = try DashboardDiff.html(from: base, to: new, format: .basic)
        // One block per changed top-level key, in key order; the panel's title is a change
        // inside the "panels" block, the time's "from" one inside "time".
        let titles = html.components(separatedBy: "<strong class=\"diff-title\">").dropFirst().map {
            String($0.prefix { $0 != "<" })
        }
        #expect(titles == ["panels", "time"])
        #expect(html.contains("<div class=\"diff-change-item diff-change-title\">changed title</div>"))
        #expect(html.contains("<div class=\"diff-change-item diff-change-title\">changed from</div>"))
        #expect(html.contains("<div class=\"diff-label\">now-6h</div>"))
    }

    /// The documents and expected counts of Grafana's own `pkg/components/dashdiffs`
    /// `formatter_test.go` (`TestDiff`): how many lines of each change type the JSON formatter
    /// makes, and how many blocks, changes and summaries of each the basic one.
    @Test func grafanasFormatterTestCountsHold() throws {
        let left: Value = [
            "key": "value",
            "object": [
                "key": "value",
                "anotherObject": [
                    "same": "this field is the same in rightJSON",
                    "change": "this field should change in rightJSON",
                    "delete": "this field doesn't appear in rightJSON",
                ],
            ],
            "array": ["same", "change", "delete"],
            "embeddedArray": ["array": ["same", "change", "delete"]],
        ]
        let right: Value = [
            "key": "differentValue",
            "object": [
                "key": "value",
                "newKey": "value",
                "anotherObject": [
                    "same": "this field is the same in rightJSON",
                    "change": "this field should change in rightJSON",
                    "add": "this field is added",
                ],
            ],
            "array": ["same", "changed!", "add"],
            "embeddedArray": ["array": ["same", "changed!", "add"]],
        ]
        guard case .object(let leftObject) = DashboardDiff.Node(left),
            case .object(let rightObject) = DashboardDiff.Node(right)
        else {
            Issue.record("not objects")
            return
        }
        var formatter = DashboardDiff.LineFormatter()
        try formatter.formatObject(leftObject, DashboardDiff.Differ().compareMaps(leftObject, rightObject))
        var lines: [String: Int] = [:]
        for line in formatter.lines { lines["\(line.change)", default: 0] += 1 }
        #expect(lines == ["none": 12, "added": 2, "deleted": 1, "old": 5, "new": 5, "unchanged": 5])

        var builder = DashboardDiff.BasicBuilder()
        var basic: [String: Int] = [:]
        for block in builder.blocks(formatter.lines) {
            for change in block.changes { basic["\(change.change)", default: 0] += 1 }
            for summary in block.summaries { basic["\(summary.change)", default: 0] += 1 }
            basic["\(block.change)", default: 0] += 1
        }
        #expect(basic == ["none": 3, "added": 2, "deleted": 1, "old": 3])
    }

    @Test func deltaIsJSONDiffPatchsFormat() throws {
        let delta = try DashboardDiff.html(
            from: ["a": 1, "b": [1, 2, 3], "c": "x", "d": true],
            to: ["a": 2, "b": [1, 3], "c": "x", "e": "<new>"],
            format: .delta
        )
        let expected = """
            {
              "a": [
                1,
                2
              ],
              "b": {
                "_1": [
                  2,
                  0,
                  0
                ],
                "_t": "a"
              },
              "d": [
                true,
                0,
                0
              ],
              "e": [
                "\\u003cnew\\u003e"
              ]
            }
            """
        #expect(delta == expected)
    }

    /// A string of 30 bytes or more that changed is `[patch text, 0, 2]` (gojsondiff's
    /// `compareValues` and `formatter/delta.go`), in objects and arrays alike; a shorter one is
    /// `[old, new]`.
    @Test func aLongStringChangeIsATextPatchInTheDelta() throws {
        let delta = try DashboardDiff.html(
            from: [
                "t": "a string of thirty characters or more", "s": "short",
                "l": ["a string of thirty characters or more"],
            ],
            to: [
                "t": "a string of thirty characters or less", "s": "shorter",
                "l": ["a string of thirty characters or less"],
            ],
            format: .delta
        )
        let patch = "@@ -30,8 +30,8 @@\\n  or \\n-more\\n+less\\n"
        let expected = """
            {
              "l": {
                "0": [
                  "\(patch)",
                  0,
                  2
                ],
                "_t": "a"
              },
              "s": [
                "short",
                "shorter"
              ],
              "t": [
                "\(patch)",
                0,
                2
              ]
            }
            """
        #expect(delta == expected)
    }

    /// Patches worked out by hand from go-diff's rules (`diffmatchpatch/diff.go`,
    /// `patch.go`, at the commit Grafana's `go.mod` pins).
    @Test func textPatchesFollowGoDiffsRules() {
        typealias Patch = DashboardDiff.TextPatch
        // `diffMainRunes` trims the common prefix "a string of thirty characters or " and the
        // (empty) suffix; `diffBisect` on "more"/"less" keeps the common "e"
        // ([-mor, +l, =e, +ss]); `DiffCleanupSemantic` drops that one-rune equality as no longer
        // than the edits around it, leaving [-more, +less]. `patchMake2` starts the patch at
        // byte 33; `PatchAddContext` finds "more" unique and adds one `PatchMargin` (4 bytes)
        // before it, " or ", and nothing after (the text ends): start 29, lengths 8 and 8,
        // printed 1-based.
        #expect(
            Patch.text(from: "a string of thirty characters or more", to: "a string of thirty characters or less")
                == "@@ -30,8 +30,8 @@\n  or \n-more\n+less\n"
        )
        // Offsets and lengths count bytes (`len` of a Go string): "é" is two, so the change of
        // "é" to "è" in "degrés" starts at byte 40, not rune 38. The pattern "é" also occurs in
        // "Température", so `PatchAddContext` grows it by one margin, then adds one more: 8
        // bytes before (" 21 degr", from byte 32) and what is left after ("s"). The edit is
        // escaped by `url.QueryEscape` byte by byte (%C3%A9).
        #expect(
            Patch.text(
                from: "Température moyenne du serveur: 21 degrés",
                to: "Température moyenne du serveur: 21 degrès"
            ) == "@@ -33,11 +33,11 @@\n  21 degr\n-%C3%A9\n+%C3%A8\n s\n"
        )
        // `Patch.String`: QueryEscape writes a space as "+", which becomes a space again, and
        // the unescaper restores `!~'();/?:@&=+$,#*`; quotes, braces and brackets stay
        // escaped. `DiffCleanupEfficiency` folds the 3-byte equality `"}[` between two
        // replacements into them (shorter than `DiffEditCost`, edits of both kinds on both
        // sides). An equality of at least 2 × `PatchMargin` bytes ("m])) by (l") ends a patch.
        // The second patch only inserts: its pattern is empty, found at both ends of the text,
        // so its context grows one margin before the final one (8 bytes before).
        #expect(
            Patch.text(
                from: #"sum(rate(http_requests_total{job="api"}[5m])) by (le)"#,
                to: #"sum(rate(http_requests_total{job="web"}[1m])) by (le, code)"#
            )
                == "@@ -31,15 +31,15 @@\n ob=%22\n-api%22%7D%5B5\n+web%22%7D%5B1\n m%5D))\n@@ -45,9 +45,15 @@\n ) by (le\n+, code\n )\n"
        )
        // gojsondiff's own expectation for its long-text fixture (`formatter/delta_test.go`,
        // `FIXTURES/long_text_from.json` and `long_text_to.json`).
        #expect(
            Patch.text(
                from: "aaefijaeufq2093jfaunfa;oij40fjq048hfbgvz;lxkcmz;ldkjfm48q9p8qfhqn4gbqqq4qp94hqnfaaso;dfj3n",
                to: "aaefijaeufq2093jfaunfa;oij40fjnafefeabgvz;lxkcmz;ldkjfm48qa39p8qfhnafe94hqnfaaso;dfj3n"
            )
                == "@@ -27,14 +27,15 @@\n 40fj\n-q048hf\n+nafefea\n bgvz\n@@ -55,25 +55,20 @@\n m48q\n+a3\n 9p8qfh\n-qn4gbqqq4qp\n+nafe\n 94hq\n"
        )
    }

    @Test func goPrintsFloatsShortestWithExponentsFromSix() {
        #expect(goFloat(1) == "1" && goFloat(0.5) == "0.5" && goFloat(-3) == "-3")
        #expect(goFloat(123_456) == "123456" && goFloat(1_000_000) == "1e+06" && goFloat(1_234_567) == "1.234567e+06")
        #expect(goFloat(0.0001) == "0.0001" && goFloat(0.00001) == "1e-05")
    }

    @Test func aMovedArrayElementCannotBeFormatted() {
        // gojsondiff reports [1, 2] -> [2, 1] as a move, which the JSON formatter has no case for.
        #expect(throws: DashboardDiff.Failure.self) {
            try DashboardDiff.html(from: ["a": [1, 2, 3]], to: ["a": [3, 1, 2]], format: .json)
        }
    }

    @Test func theRouteDiffsTwoStoredVersions() async throws {
        try await withSandbox { client in
            let first = try await LifecycleTests.save(client, title: "One", version: 0, message: "a")
            let id = try #require(first["id"]?.integerValue)
            _ = try await LifecycleTests.save(client, title: "Two", version: 1, message: "b")
            func diff(_ base: Int, _ new: Int, _ type: String = "json", as credential: Credential = .admin)
                async throws -> Reply
            {
                try await client.post(
                    "/api/dashboards/calculate-diff",
                    #"{"base":{"dashboardId":\#(id),"version":\#(base)},"new":{"dashboardId":\#(id),"version":\#(new)},"diffType":"\#(type)"}"#,
                    as: credential
                )
            }
            let json = try await diff(1, 2)
            #expect(json.status == .ok && json.contentType == "text/html")
            #expect(json.text.contains("title=\"&#34;title&#34;: &#34;One&#34;,\""))
            #expect(json.text.contains("title=\"&#34;title&#34;: &#34;Two&#34;,\""))
            let basic = try await diff(1, 2, "basic")
            #expect(basic.status == .ok && basic.text.contains("<strong class=\"diff-title\">title</strong> changed"))
            // Any other type is basic (`ParseDiffType`); `delta` is JSON.
            #expect(try await diff(1, 2, "other").text == basic.text)
            let delta = try await diff(1, 2, "delta")
            #expect(delta.status == .ok && delta.contentType == "application/json")
            #expect(delta.json?["title"] == ["One", "Two"])

            let same = try await diff(2, 2)
            #expect(same.status == .internalServerError && same.json?["message"] == "Unable to compute diff")
            let missing = try await diff(1, 9)
            #expect(missing.status == .notFound && missing.json?["message"] == "Dashboard version not found")
            let untyped = try await client.post(
                "/api/dashboards/calculate-diff",
                #"{"base":{"dashboardId":\#(id),"version":1},"new":{"dashboardId":\#(id),"version":2}}"#
            )
            #expect(untyped.status == .badRequest && untyped.json?["message"] == "bad request data")

            _ = try await client.createUser("viewer")
            let viewer = try await diff(1, 2, as: .basic("viewer", "secret123"))
            #expect(viewer.status == .forbidden)
        }
    }
}
