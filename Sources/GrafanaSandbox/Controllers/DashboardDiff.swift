import GFSValue

/// The diff `POST /api/dashboards/calculate-diff` answers: Grafana compares two dashboard
/// versions with `github.com/yudai/gojsondiff` (`pkg/components/dashdiffs/compare.go`
/// `CalculateDiff`) and renders the deltas as HTML with `formatter_json.go` (`diffType: json`)
/// or `formatter_basic.go` (`basic`, and anything unrecognised, `ParseDiffType`).
///
/// The deltas are computed as gojsondiff computes them (`gojsondiff.go` `compareMaps`,
/// `compareArrays` with its LCS and `maximizeSimilarities`, `deltas.go` for the similarity
/// scores), so the renderers' quirks (an array element shifted by an insertion is not
/// printed; a moved element fails the JSON formatter) come out as Grafana's do.
enum DashboardDiff {
    /// The formats `ParseDiffType` knows.
    enum Format {
        case json
        case basic
        case delta

        /// `ParseDiffType`: `json`, `basic` or `delta`; anything else is `basic`.
        init(_ text: String) {
            switch text {
            case "json": self = .json
            case "delta": self = .delta
            default: self = .basic
            }
        }
    }

    /// Why no diff could be made; the handler answers 500 "Unable to compute diff".
    enum Failure: Error {
        /// `ErrNilDiff`: the versions are identical.
        case identical
        /// The formatter met a delta it has no case for (`Moved`), or a type mismatch.
        case unformattable
    }

    /// The HTML of the diff from `base` to `new`.
    static func html(from base: Value, to new: Value, format: Format) throws(Failure) -> String {
        let left = Node(base)
        let right = Node(new)
        guard case .object(let leftObject) = left, case .object(let rightObject) = right else {
            throw .unformattable
        }
        let deltas = Differ().compareMaps(leftObject, rightObject)
        guard !deltas.isEmpty else { throw .identical }
        var formatter = LineFormatter()
        try formatter.formatObject(leftObject, deltas)
        switch format {
        case .json: return renderJSON(formatter.lines)
        case .basic:
            var builder = BasicBuilder()
            return renderBasic(builder.blocks(formatter.lines))
        case .delta:
            let delta = try deltaJSON(deltas, inArray: false)
            return delta.jsonString(
                options: JSONWritingOptions(pretty: true, goEscaping: true, goFloats: true, sortsKeys: true)
            )
        }
    }

    /// gojsondiff's `formatter.DeltaFormatter` (jsondiffpatch's delta format), written with
    /// `json.MarshalIndent(v, "", "  ")`: per position `[new]` added, `[old, new]` modified,
    /// `[old, 0, 0]` deleted (`_N` in arrays, which carry `"_t": "a"`), `["", N, 3]` moved in an
    /// array; a move in an object is an error; a long string's change is `[patch, 0, 2]`, the
    /// patch in diff-match-patch's text form (`DashboardDiff+TextPatch.swift`).
    static func deltaJSON(_ deltas: [Delta], inArray: Bool) throws(Failure) -> Value {
        var record = Record()
        if inArray { record["_t"] = "a" }
        for delta in deltas {
            switch delta {
            case .object(let position, let inner):
                record[position.text] = try deltaJSON(inner, inArray: false)
            case .array(let position, let inner):
                record[position.text] = try deltaJSON(inner, inArray: true)
            case .added(let position, let value):
                record[position.text] = .list([value.json])
            case .modified(let position, let old, let new):
                record[position.text] = .list([old.json, new.json])
            case .textDiff(let position, .string(let old), .string(let new)):
                record[position.text] = .list([.string(TextPatch.text(from: old, to: new)), 0, 2])
            case .textDiff(let position, let old, let new):
                record[position.text] = .list([old.json, new.json])
            case .deleted(let position, let value):
                record[(inArray ? "_" : "") + position.text] = .list([value.json, 0, 0])
            case .moved(let from, let to, _):
                guard inArray, case .index(let index) = to else { throw .unformattable }
                record["_" + from.text] = .list(["", .int(index), 3])
            }
        }
        return .record(record)
    }

    // MARK: JSON as Go's encoding/json decodes it into `any`

    /// A JSON value as `json.Unmarshal` into `any` holds it: every number a `float64`, every
    /// object a map (compared without order).
    indirect enum Node: Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Node])
        case object([String: Node])

        init(_ value: Value) {
            switch value {
            case .null: self = .null
            case .bool(let flag): self = .bool(flag)
            case .int(let number): self = .number(Double(number))
            case .double(let number): self = .number(number)
            case .bigNumber(let text): self = .number(Double(text) ?? 0)
            case .string(let text): self = .string(text)
            case .list(let items): self = .array(items.map(Node.init))
            case .record(let record):
                var object: [String: Node] = [:]
                for (key, item) in record { object[key] = Node(item) }
                self = .object(object)
            }
        }

        /// The value back as JSON, numbers as float64.
        var json: Value {
            switch self {
            case .null: .null
            case .bool(let flag): .bool(flag)
            case .number(let number): .double(number)
            case .string(let text): .string(text)
            case .array(let items): .list(items.map(\.json))
            case .object(let object): .record(Record(object.map { ($0.key, $0.value.json) }))
            }
        }

        /// `reflect.TypeOf` equality: the Go dynamic types of two decoded values.
        func sameType(as other: Node) -> Bool {
            switch (self, other) {
            case (.null, .null), (.bool, .bool), (.number, .number), (.string, .string), (.array, .array),
                (.object, .object):
                true
            default: false
            }
        }
    }

    /// `sort.Strings`: byte order.
    static func sortedKeys(_ object: [String: Node]) -> [String] {
        object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // MARK: Deltas (gojsondiff.go, deltas.go)

    enum Position: Equatable {
        case name(String)
        case index(Int)

        var text: String {
            switch self {
            case .name(let name): name
            case .index(let index): String(index)
            }
        }
    }

    indirect enum Delta {
        case object(Position, [Delta])
        case array(Position, [Delta])
        case added(Position, Node)
        case modified(Position, Node, Node)
        /// A long string changed (`TextDiff`); rendered as `modified`.
        case textDiff(Position, Node, Node)
        case deleted(Position, Node)
        case moved(from: Position, to: Position, Node)

        /// `PostDelta.PostPosition`, or `nil` for `Deleted`, which is only a `PreDelta`.
        var postPosition: Position? {
            switch self {
            case .object(let position, _), .array(let position, _), .added(let position, _),
                .modified(let position, _, _), .textDiff(let position, _, _):
                position
            case .moved(_, let to, _): to
            case .deleted: nil
            }
        }

        /// `Similarity()` of each delta type in `deltas.go`.
        var similarity: Double {
            switch self {
            case .object(_, let deltas), .array(_, let deltas): Self.average(deltas)
            case .added, .deleted: 0
            case .modified(_, let old, let new), .textDiff(_, let old, let new):
                Self.modifiedSimilarity(old, new)
            case .moved(let from, let to, _):
                // 0.6 for the same type and contents, plus how close the positions are.
                if case .index(let pre) = from, case .index(let post) = to {
                    0.6 + 0.4 * Self.ratio(Double(pre), Double(post))
                } else {
                    0.6
                }
            }
        }

        static func average(_ deltas: [Delta]) -> Double {
            deltas.reduce(0) { $0 + $1.similarity } / Double(deltas.count)
        }

        /// Go's float division, then the smaller of the ratio and its inverse.
        static func ratio(_ lhs: Double, _ rhs: Double) -> Double {
            let ratio = lhs / rhs
            return ratio > 1 ? 1 / ratio : ratio
        }

        static func modifiedSimilarity(_ old: Node, _ new: Node) -> Double {
            var similarity = 0.3
            guard old.sameType(as: new) else { return similarity }
            similarity += 0.3
            switch (old, new) {
            case (.string(let lhs), .string(let rhs)):
                similarity += 0.4 * stringSimilarity(lhs, rhs)
            case (.number(let lhs), .number(let rhs)):
                similarity += 0.4 * ratio(lhs, rhs)
            default: break
            }
            return similarity
        }

        /// LCS length over the runes, against each string's byte length (`stringSimilarity`).
        static func stringSimilarity(_ lhs: String, _ rhs: String) -> Double {
            let left = Array(lhs.unicodeScalars).map { Node.number(Double($0.value)) }
            let right = Array(rhs.unicodeScalars).map { Node.number(Double($0.value)) }
            let matching = Double(LCS(left, right).length)
            return (matching / Double(lhs.utf8.count)) * (matching / Double(rhs.utf8.count))
        }
    }

    /// golcs: the table filled column by column and walked back from the end, preferring to
    /// drop from the left when both ways keep the length.
    struct LCS {
        let left: [Node]
        let right: [Node]
        private var table: [[Int]]

        init(_ left: [Node], _ right: [Node]) {
            self.left = left
            self.right = right
            table = Array(repeating: Array(repeating: 0, count: right.count + 1), count: left.count + 1)
            guard !left.isEmpty, !right.isEmpty else { return }
            for y in 1...right.count {
                for x in 1...left.count {
                    let increment = left[x - 1] == right[y - 1] ? 1 : 0
                    table[x][y] = Swift.max(table[x - 1][y - 1] + increment, table[x - 1][y], table[x][y - 1])
                }
            }
        }

        var length: Int { table[left.count][right.count] }

        var indexPairs: [(left: Int, right: Int)] {
            var pairs = Array(repeating: (left: 0, right: 0), count: length)
            var x = left.count
            var y = right.count
            while x > 0 && y > 0 {
                if left[x - 1] == right[y - 1] {
                    pairs[table[x][y] - 1] = (x - 1, y - 1)
                    x -= 1
                    y -= 1
                } else if table[x - 1][y] >= table[x][y - 1] {
                    x -= 1
                } else {
                    y -= 1
                }
            }
            return pairs
        }
    }

    struct Differ {
        /// `TextDiffMinimumLength`, gojsondiff's default.
        let textDiffMinimumLength = 30

        func compareMaps(_ left: [String: Node], _ right: [String: Node]) -> [Delta] {
            var deltas: [Delta] = []
            for name in sortedKeys(left) {
                if let rightValue = right[name] {
                    if let delta = compareValues(.name(name), left[name]!, rightValue) { deltas.append(delta) }
                } else {
                    deltas.append(.deleted(.name(name), left[name]!))
                }
            }
            for name in sortedKeys(right) where left[name] == nil {
                deltas.append(.added(.name(name), right[name]!))
            }
            return deltas
        }

        /// `nil` when the values are the same.
        func compareValues(_ position: Position, _ left: Node, _ right: Node) -> Delta? {
            guard left.sameType(as: right) else { return .modified(position, left, right) }
            switch (left, right) {
            case (.object(let lhs), .object(let rhs)):
                let deltas = compareMaps(lhs, rhs)
                return deltas.isEmpty ? nil : .object(position, deltas)
            case (.array(let lhs), .array(let rhs)):
                let deltas = compareArrays(lhs, rhs)
                return deltas.isEmpty ? nil : .array(position, deltas)
            default:
                guard left != right else { return nil }
                if case .string(let text) = left, case .string = right, textDiffMinimumLength <= text.utf8.count {
                    return .textDiff(position, left, right)
                }
                return .modified(position, left, right)
            }
        }

        private struct Maybe {
            var index: Int
            var lcsIndex: Int
            var item: Node
        }

        func compareArrays(_ left: [Node], _ right: [Node]) -> [Delta] {
            var deltas: [Delta] = []
            let pairs = LCS(left, right).indexPairs
            // Items outside the LCS, each with the number of LCS pairs before it.
            func unmatched(_ values: [Node], _ side: KeyPath<(left: Int, right: Int), Int>) -> [Maybe] {
                var result: [Maybe] = []
                var lcsIndex = 0
                for (index, value) in values.enumerated() {
                    if lcsIndex < pairs.count && pairs[lcsIndex][keyPath: side] == index {
                        lcsIndex += 1
                    } else {
                        result.append(Maybe(index: index, lcsIndex: lcsIndex, item: value))
                    }
                }
                return result
            }
            var maybeDeleted = unmatched(left, \.left)
            var maybeAdded = unmatched(right, \.right)
            // Moved: an unmatched left item equal to an unmatched right one.
            var deletedIndex = 0
            while deletedIndex < maybeDeleted.count {
                let candidate = maybeDeleted[deletedIndex]
                if let match = maybeAdded.firstIndex(where: { $0.item == candidate.item }) {
                    deltas.append(
                        .moved(from: .index(candidate.index), to: .index(maybeAdded[match].index), candidate.item)
                    )
                    maybeAdded.remove(at: match)
                    maybeDeleted.remove(at: deletedIndex)
                } else {
                    deletedIndex += 1
                }
            }
            // Between each pair of LCS neighbours, pair up what was deleted and added there.
            var deletedCursor = 0
            var addedCursor = 0
            for gap in 0...pairs.count {
                var deletedHere: [Maybe] = []
                while deletedCursor < maybeDeleted.count && maybeDeleted[deletedCursor].lcsIndex == gap {
                    deletedHere.append(maybeDeleted[deletedCursor])
                    deletedCursor += 1
                }
                var addedHere: [Maybe] = []
                while addedCursor < maybeAdded.count && maybeAdded[addedCursor].lcsIndex == gap {
                    addedHere.append(maybeAdded[addedCursor])
                    addedCursor += 1
                }
                if !deletedHere.isEmpty && !addedHere.isEmpty {
                    let (best, freeLeft, freeRight) = maximizeSimilarities(deletedHere, addedHere)
                    deltas += best
                    deletedHere = freeLeft
                    addedHere = freeRight
                }
                for deleted in deletedHere { deltas.append(.deleted(.index(deleted.index), deleted.item)) }
                for added in addedHere { deltas.append(.added(.index(added.index), added.item)) }
            }
            return deltas
        }

        /// Pairs deleted and added items for the highest total similarity, as gojsondiff's
        /// dynamic programme does, including how it hands back the unpaired ones.
        private func maximizeSimilarities(_ left: [Maybe], _ right: [Maybe]) -> ([Delta], [Maybe], [Maybe]) {
            let deltaTable: [[Delta]] = left.map { leftValue in
                right.map { rightValue in
                    compareValues(.index(rightValue.index), leftValue.item, rightValue.item)
                        ?? .modified(.index(rightValue.index), leftValue.item, rightValue.item)
                }
            }
            let sizeX = left.count + 1
            let sizeY = right.count + 1
            var dp = Array(repeating: Array(repeating: 0.0, count: sizeY), count: sizeX)
            for x in stride(from: sizeX - 2, through: 0, by: -1) {
                for y in stride(from: sizeY - 2, through: 0, by: -1) {
                    let score = deltaTable[x][y].similarity + dp[x + 1][y + 1]
                    dp[x][y] = goMax(dp[x + 1][y], dp[x][y + 1], score)
                }
            }
            let minLength = Swift.min(left.count, right.count)
            let maxInvalidLength = minLength - 1
            var freeLeft: [Maybe] = []
            var freeRight: [Maybe] = []
            var result: [Delta] = []
            var x = 0
            var y = 0
            while x <= sizeX - 2 && y <= sizeY - 2 {
                let current = dp[x][y]
                let xValidLength = left.count - maxInvalidLength + y
                let yValidLength = right.count - maxInvalidLength + x
                if x + 1 < xValidLength && current == dp[x + 1][y] {
                    freeLeft.append(left[x])
                    x += 1
                } else if y + 1 < yValidLength && current == dp[x][y + 1] {
                    freeRight.append(right[y])
                    y += 1
                } else {
                    result.append(deltaTable[x][y])
                    x += 1
                    y += 1
                }
            }
            // gojsondiff appends the element before the cursor here, not the one at it.
            while x < sizeX - 1 {
                freeLeft.append(left[x - 1])
                x += 1
            }
            while y < sizeY - 1 {
                freeRight.append(right[y - 1])
                y += 1
            }
            return (result, freeLeft, freeRight)
        }

        /// gojsondiff's `max`: keeps the first unless a later one is strictly greater (so a
        /// NaN never wins).
        private func goMax(_ first: Double, _ rest: Double...) -> Double {
            var result = first
            for value in rest where result < value { result = value }
            return result
        }
    }

    // MARK: Lines (formatter_json.go)

    enum Change {
        case none
        case added
        case deleted
        case old
        case new
        case unchanged

        /// `changeTypeToName`; `ChangeUnchanged` has no entry, so its class ends in a dash.
        var name: String {
            switch self {
            case .none: "same"
            case .added: "added"
            case .deleted: "deleted"
            case .old: "old"
            case .new: "new"
            case .unchanged: ""
            }
        }

        /// `changeTypeToSymbol`.
        var symbol: String {
            switch self {
            case .added, .new: "+"
            case .deleted, .old: "-"
            case .none, .unchanged: ""
            }
        }

        /// `encStateMap` through `getChange`: anything else is "changed".
        var basicName: String {
            switch self {
            case .added: "added"
            case .deleted: "deleted"
            default: "changed"
            }
        }
    }

    /// A scalar as the formatter keeps it in `JSONLine.Val`.
    enum Scalar {
        case string(String)
        case number(Double)
        case bool(Bool)

        /// `fmt.Sprint`, as the basic templates print it.
        var text: String {
            switch self {
            case .string(let text): text
            case .number(let number): goFloat(number)
            case .bool(let flag): flag ? "true" : "false"
            }
        }

        /// Go template truth: zero values are false.
        var isTruthy: Bool {
            switch self {
            case .string(let text): !text.isEmpty
            case .number(let number): number != 0
            case .bool(let flag): flag
            }
        }
    }

    struct Line {
        var number: Int
        var leftLine: Int
        var rightLine: Int
        var indent: Int
        var text: String
        var change: Change
        var key: String
        var value: Scalar?
    }

    struct LineFormatter {
        private var path: [String] = []
        private var size: [Int] = []
        private var inArray: [Bool] = []
        private var lineCount = 0
        private var leftLine = 0
        private var rightLine = 0
        private var current: (change: Change, key: String, value: Scalar?, indent: Int, text: String) = (
            .none, "", nil, 0, ""
        )
        private(set) var lines: [Line] = []

        mutating func formatObject(_ left: [String: Node], _ deltas: [Delta]) throws(Failure) {
            addLine(.none, "{")
            push("ROOT", left.count, array: false)
            try processObject(left, deltas)
            pop()
            addLine(.none, "}")
        }

        private mutating func processArray(_ array: [Node], _ deltas: [Delta]) throws(Failure) {
            for (index, value) in array.enumerated() {
                try processItem(value, deltas, .index(index))
            }
            for case .added(let position, let value) in deltas {
                if case .index(let index) = position, index < array.count { continue }
                printRecursive(position.text, value, .added)
            }
        }

        private mutating func processObject(_ object: [String: Node], _ deltas: [Delta]) throws(Failure) {
            for name in sortedKeys(object) {
                try processItem(object[name]!, deltas, .name(name))
            }
            for case .added(let position, let value) in deltas {
                printRecursive(position.text, value, .added)
            }
        }

        private mutating func processItem(_ value: Node, _ deltas: [Delta], _ position: Position) throws(Failure) {
            let matched = deltas.filter { delta in
                if let post = delta.postPosition { return post == position }
                if case .deleted(let pre, _) = delta { return pre == position }
                return false
            }
            let name = position.text
            guard !matched.isEmpty else {
                printRecursive(name, value, .unchanged)
                return
            }
            for delta in matched {
                switch delta {
                case .object(_, let inner):
                    guard case .object(let object) = value else { throw .unformattable }
                    newLine(.none)
                    printKey(name)
                    current.text += "{"
                    closeLine()
                    push(name, object.count, array: false)
                    try processObject(object, inner)
                    pop()
                    newLine(.none)
                    current.text += "}"
                    printComma()
                    closeLine()
                case .array(_, let inner):
                    guard case .array(let array) = value else { throw .unformattable }
                    newLine(.none)
                    printKey(name)
                    current.text += "["
                    closeLine()
                    push(name, array.count, array: true)
                    try processArray(array, inner)
                    pop()
                    newLine(.none)
                    current.text += "]"
                    printComma()
                    closeLine()
                case .added(_, let added):
                    printRecursive(name, added, .added)
                    size[size.count - 1] += 1
                case .modified(_, let old, let new), .textDiff(_, let old, let new):
                    let saved = size[size.count - 1]
                    printRecursive(name, old, .old)
                    size[size.count - 1] = saved
                    printRecursive(name, new, .new)
                case .deleted(_, let deleted):
                    printRecursive(name, deleted, .deleted)
                case .moved:
                    // "unknown Delta type detected": the formatter has no case for a move.
                    throw .unformattable
                }
            }
        }

        private mutating func push(_ name: String, _ count: Int, array: Bool) {
            path.append(name)
            size.append(count)
            inArray.append(array)
        }

        private mutating func pop() {
            path.removeLast()
            size.removeLast()
            inArray.removeLast()
        }

        private mutating func addLine(_ change: Change, _ text: String) {
            current = (change, "", nil, path.count, text)
            closeLine()
        }

        private mutating func newLine(_ change: Change) {
            current = (change, "", nil, path.count, "")
        }

        private mutating func closeLine() {
            lineCount += 1
            var left = 0
            var right = 0
            switch current.change {
            case .added, .new:
                rightLine += 1
                right = rightLine
            case .deleted, .old:
                leftLine += 1
                left = leftLine
            case .none, .unchanged:
                leftLine += 1
                rightLine += 1
                left = leftLine
                right = rightLine
            }
            lines.append(
                Line(
                    number: lineCount,
                    leftLine: left,
                    rightLine: right,
                    indent: current.indent,
                    text: current.text,
                    change: current.change,
                    key: current.key,
                    value: current.value
                )
            )
        }

        private mutating func printKey(_ name: String) {
            guard inArray.last == false else { return }
            current.key = name
            current.text += "\"\(name)\": "
        }

        private mutating func printComma() {
            size[size.count - 1] -= 1
            if size[size.count - 1] > 0 { current.text += "," }
        }

        /// `printValue`: strings quoted as they are (no escaping), null, and other values with
        /// `%#v`.
        private mutating func printValue(_ value: Node) {
            switch value {
            case .string(let text):
                current.value = .string(text)
                current.text += "\"\(text)\""
            case .null:
                current.value = .string("null")
                current.text += "null"
            case .number(let number):
                current.value = .number(number)
                current.text += goFloat(number)
            case .bool(let flag):
                current.value = .bool(flag)
                current.text += flag ? "true" : "false"
            case .array, .object:
                break
            }
        }

        private mutating func printRecursive(_ name: String, _ value: Node, _ change: Change) {
            switch value {
            case .object(let object):
                newLine(change)
                printKey(name)
                current.text += "{"
                closeLine()
                push(name, object.count, array: false)
                for key in sortedKeys(object) { printRecursive(key, object[key]!, change) }
                pop()
                newLine(change)
                current.text += "}"
                printComma()
                closeLine()
            case .array(let items):
                newLine(change)
                printKey(name)
                current.text += "["
                closeLine()
                push("", items.count, array: true)
                for item in items { printRecursive("", item, change) }
                pop()
                newLine(change)
                current.text += "]"
                printComma()
                closeLine()
            default:
                newLine(change)
                printKey(name)
                printValue(value)
                printComma()
                closeLine()
            }
        }
    }

    // MARK: Basic blocks (formatter_basic.go)

    final class BasicChange {
        var key: String
        var old: Scalar?
        var new: Scalar?
        var change: Change
        var lineStart: Int
        var lineEnd = 0

        init(key: String, old: Scalar? = nil, new: Scalar? = nil, change: Change, lineStart: Int) {
            self.key = key
            self.old = old
            self.new = new
            self.change = change
            self.lineStart = lineStart
        }
    }

    final class BasicSummary {
        var key: String
        var change: Change
        var count = 0
        var lineStart: Int
        var lineEnd = 0

        init(key: String, change: Change, lineStart: Int) {
            self.key = key
            self.change = change
            self.lineStart = lineStart
        }
    }

    final class BasicBlock {
        var title: String
        var old: Scalar?
        var new: Scalar?
        var change: Change
        var changes: [BasicChange] = []
        var summaries: [BasicSummary] = []
        var lineStart = 0
        var lineEnd = 0

        init(title: String, change: Change, old: Scalar? = nil, new: Scalar? = nil, lineStart: Int = 0) {
            self.title = title
            self.change = change
            self.old = old
            self.new = new
            self.lineStart = lineStart
        }
    }

    /// `BasicDiff.Basic`: groups the JSON lines into one block per top-level key that
    /// changed, with single-value changes and summaries of deeper ones.
    struct BasicBuilder {
        private var narrow = ""
        private var keysIndent = 0
        private var writing = false
        private var lastIndent = 0
        private var block: BasicBlock?
        private var change: BasicChange?
        private var summary: BasicSummary?

        mutating func blocks(_ lines: [Line]) -> [BasicBlock] {
            var blocks: [BasicBlock] = []
            for line in lines {
                // Back at a top-level key from inside one: the block is complete.
                if lastIndent == 2 && line.indent == 1 && line.change == .none, let block {
                    blocks.append(block)
                }
                lastIndent = line.indent
                if line.indent == 1, let block = topLevelChange(line) { blocks.append(block) }
                guard line.indent > 1, let block else { continue }
                if !line.key.isEmpty && line.value != nil && !writing {
                    switch line.change {
                    case .added, .deleted:
                        block.changes.append(
                            BasicChange(key: line.key, new: line.value, change: line.change, lineStart: line.number)
                        )
                    case .old:
                        change = BasicChange(
                            key: line.key,
                            old: line.value,
                            change: line.change,
                            lineStart: line.number
                        )
                    case .new:
                        if let change {
                            change.new = line.value
                            change.lineEnd = line.number
                            block.changes.append(change)
                        }
                    default:
                        break
                    }
                } else if line.change != .unchanged {
                    if !line.key.isEmpty {
                        narrow = line.key
                        keysIndent = line.indent
                    }
                    if line.change != .none && !writing {
                        writing = true
                        var key = block.title
                        if !narrow.isEmpty {
                            key = keysIndent > line.indent ? block.title : narrow
                        }
                        summary = BasicSummary(key: key, change: line.change, lineStart: line.number)
                    }
                } else if writing, let summary {
                    writing = false
                    summary.lineEnd = line.number
                    block.summaries.append(summary)
                }
            }
            return blocks
        }

        private mutating func topLevelChange(_ line: Line) -> BasicBlock? {
            switch line.change {
            case .none:
                if !line.key.isEmpty { block = BasicBlock(title: line.key, change: line.change) }
            case .added, .deleted:
                return BasicBlock(title: line.key, change: line.change, new: line.value, lineStart: line.number)
            case .old:
                block = BasicBlock(title: line.key, change: line.change, old: line.value, lineStart: line.number)
            case .new:
                guard let block else { return nil }
                block.new = line.value
                block.lineEnd = line.number
                return block
            case .unchanged:
                break
            }
            return nil
        }
    }

    // MARK: Rendering (the html/template templates)

    /// html/template's escaping of text and attribute values (`htmlReplacementTable`).
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\0": result += "\u{FFFD}"
            case "\"": result += "&#34;"
            case "&": result += "&amp;"
            case "'": result += "&#39;"
            case "+": result += "&#43;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `tplJSONDiffWrapper` around `tplJSONDiffLine` for each line.
    static func renderJSON(_ lines: [Line]) -> String {
        var html = ""
        for line in lines {
            let text = escape(line.text)
            html += "\n\t\t<p id=\"l\(line.number)\" class=\"diff-line diff-json-\(line.change.name)\">\n"
            html +=
                "\t<span class=\"diff-line-number\">\n\t\t\(line.leftLine != 0 ? String(line.leftLine) : "")\n\t</span>\n"
            html +=
                "\t<span class=\"diff-line-number\">\n\t\t\(line.rightLine != 0 ? String(line.rightLine) : "")\n\t</span>\n"
            html += "\t<span class=\"diff-value diff-indent-\(line.indent)\" title=\"\(text)\" ng-non-bindable>\n"
            html += "\t\t\(text)\n\t</span>\n"
            html += "\t<span class=\"diff-line-icon\">\(escape(line.change.symbol))</span>\n</p>\n\n\t"
        }
        return html + "\n"
    }

    /// The `diff-link-json` element of the basic templates, indented by `tabs`.
    private static func link(_ start: Int, _ end: Int, view: String, tabs: Int) -> String {
        let indent = String(repeating: "\t", count: tabs)
        let display = "\(start)" + (end != 0 ? " - \(end)" : "")
        return
            "\n\(indent)\t<diff-link-json\n\(indent)\t\tline-link=\"\(start)\"\n\(indent)\t\tline-display=\"\(display)\"\n"
            + "\(indent)\t\tswitch-view=\"ctrl.getDiff('\(view)')\"\n\(indent)\t/>\n\(indent)"
    }

    /// `tplBlock` with `tplChange` and `tplSummary`; html/template drops the templates' HTML
    /// comments.
    static func renderBasic(_ blocks: [BasicBlock]) -> String {
        var html = ""
        for block in blocks {
            let state = block.change.basicName
            html += "\n<div class=\"diff-group\">\n\t<div class=\"diff-block\">\n\t\t<h2 class=\"diff-block-title\">\n"
            html += "\t\t\t<i class=\"diff-circle diff-circle-\(state) fa fa-circle\"></i>\n"
            html +=
                "\t\t\t<strong class=\"diff-title\">\(escape(block.title))</strong> \(state)\n\t\t</h2>\n\n\n\t\t\n\t\t"
            if let old = block.old, old.isTruthy {
                html += "\n\t\t\t<div class=\"diff-label\">\(escape(old.text))</div>\n"
                html += "\t\t\t<i class=\"diff-arrow fa fa-long-arrow-right\"></i>\n\t\t"
            }
            html += "\n\t\t"
            if let new = block.new, new.isTruthy {
                html += "\n\t\t\t\t<div class=\"diff-label\">\(escape(new.text))</div>\n\t\t"
            }
            html += "\n\n\t\t"
            if block.lineStart != 0 { html += link(block.lineStart, block.lineEnd, view: "html", tabs: 2) }
            html += "\n\n\t</div>\n\n\t\n\t"
            for change in block.changes {
                html += "\n\t\t<ul class=\"diff-change-container\">\n\t\t" + renderChange(change) + "\n\t\t</ul>\n\t"
            }
            html += "\n\n\t\n\t"
            for summary in block.summaries {
                html += "\n\t\t" + renderSummary(summary) + "\n\t"
            }
            html += "\n\n</div>\n"
        }
        return html + "\n"
    }

    private static func renderChange(_ change: BasicChange) -> String {
        var html = "<li class=\"diff-change-group\">\n\t<span class=\"bullet-position-container\">\n"
        html +=
            "\t\t<div class=\"diff-change-item diff-change-title\">\(change.change.basicName) \(escape(change.key))</div>\n\n"
        html += "\t\t<div class=\"diff-change-item\">\n\t\t\t"
        if let old = change.old, old.isTruthy {
            html += "\n\t\t\t\t<div class=\"diff-label\">\(escape(old.text))</div>\n"
            html += "\t\t\t\t<i class=\"diff-arrow fa fa-long-arrow-right\"></i>\n\t\t\t"
        }
        html += "\n\t\t\t"
        if let new = change.new, new.isTruthy {
            html += "\n\t\t\t\t\t<div class=\"diff-label\">\(escape(new.text))</div>\n\t\t\t"
        }
        html += "\n\t\t</div>\n\n\t\t"
        if change.lineStart != 0 { html += link(change.lineStart, change.lineEnd, view: "json", tabs: 2) }
        return html + "\n\t</span>\n</li>\n"
    }

    private static func renderSummary(_ summary: BasicSummary) -> String {
        let state = summary.change.basicName
        var html = "<div class=\"diff-group-name\">\n"
        html += "\t<i class=\"diff-circle diff-circle-\(state) fa fa-circle-o diff-list-circle\"></i>\n\n\t"
        if summary.count != 0 { html += "\n\t\t<strong>\(summary.count)</strong>\n\t" }
        html += "\n\n\t"
        if !summary.key.isEmpty {
            html += "\n\t\t<strong class=\"diff-summary-key\">\(escape(summary.key))</strong>\n\t\t\(state)\n\t"
        }
        html += "\n\n\t"
        if summary.lineStart != 0 { html += link(summary.lineStart, summary.lineEnd, view: "json", tabs: 1) }
        return html + "\n</div>\n"
    }
}

/// A float64 as Go's `%v` and `%#v` print it (`strconv.FormatFloat(f, 'g', -1, 64)`): the
/// shortest digits that read back, in `%e` form when the exponent is below -4 or at least 6
/// (`1e+06`), since the shortest precision decides as precision 6.
func goFloat(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    if value == 0 { return value.sign == .minus ? "-0" : "0" }
    // Swift's description also gives the shortest round-tripping digits; take them apart.
    let negative = value < 0
    var text = "\(abs(value))"
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let integer = String(parts[0])
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    var digits = integer + fraction
    var point = integer.count + exponent
    while digits.hasPrefix("0") && digits.count > 1 {
        digits.removeFirst()
        point -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    let decimalExponent = point - 1
    var result: String
    if decimalExponent < -4 || decimalExponent >= 6 {
        result = String(digits.first!)
        if digits.count > 1 { result += "." + digits.dropFirst() }
        let magnitude = abs(decimalExponent)
        result += (decimalExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    } else if point <= 0 {
        result = "0." + String(repeating: "0", count: -point) + digits
    } else if point >= digits.count {
        result = digits + String(repeating: "0", count: point - digits.count)
    } else {
        let index = digits.index(digits.startIndex, offsetBy: point)
        result = digits[..<index] + "." + digits[index...]
    }
    return negative ? "-" + result : result
}
