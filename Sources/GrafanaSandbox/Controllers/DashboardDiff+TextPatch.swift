/// The text patch gojsondiff puts in a `delta` for a long string that changed.
///
/// gojsondiff (`gojsondiff.go` `compareValues`) diffs two strings whose old value is at least
/// `textDiffMinimumLength` (30) bytes with `dmp.New().PatchMake(old, new)` and the delta
/// formatter (`formatter/delta.go`) writes `[TextDiff.DiffString(), 0, 2]`, where
/// `DiffString` is `PatchToText` of those patches (`deltas.go`). The library is
/// `github.com/sergi/go-diff/diffmatchpatch` at the commit Grafana's `go.mod` pins
/// (`v1.3.2-0.20230802210424-5b0b94c5c0d3`), so the rules below are that version's, including
/// where it counts runes in one step and bytes in the next: texts are kept as Go keeps a
/// `string`, as UTF-8 bytes, and decoded to runes exactly where go-diff does.
///
/// One difference is deliberate: go-diff gives up bisecting after `DiffTimeout` (one second)
/// and answers a coarser diff; the sandbox always finishes, which for dashboard-sized strings is
/// the same answer.
extension DashboardDiff {
    enum TextPatch {
        /// `PatchToText(PatchMake(old, new))`.
        static func text(from old: String, to new: String) -> String {
            let patches = make(Array(old.utf8), Array(new.utf8))
            var text: [UInt8] = []
            for patch in patches { text += patch.text }
            return String(decoding: text, as: UTF8.self)
        }

        // MARK: Defaults (`diffmatchpatch.go` `New`)

        static let diffEditCost = 4
        static let patchMargin = 4
        static let matchMaxBits = 32

        // MARK: Diffs (`diff.go`)

        enum Operation {
            case delete
            case insert
            case equal
        }

        struct Edit: Equatable {
            var operation: Operation
            /// A Go string: UTF-8 bytes.
            var text: [UInt8]

            init(_ operation: Operation, _ text: [UInt8]) {
                self.operation = operation
                self.text = text
            }

            init(_ operation: Operation, runes: some Collection<UInt32>) {
                self.init(operation, encode(runes))
            }
        }

        /// `DiffMain(text1, text2, checklines)`: the texts as runes.
        static func diffMain(_ text1: [UInt8], _ text2: [UInt8], checkLines: Bool) -> [Edit] {
            mainRunes(decode(text1), decode(text2), checkLines: checkLines)
        }

        /// `diffMainRunes`: trim the common prefix and suffix, diff the middle, merge.
        static func mainRunes(_ text1: [UInt32], _ text2: [UInt32], checkLines: Bool) -> [Edit] {
            if text1 == text2 { return text1.isEmpty ? [] : [Edit(.equal, runes: text1)] }
            let prefix = commonPrefix(text1[...], text2[...])
            let middle1 = text1[prefix...]
            let middle2 = text2[prefix...]
            let suffix = commonSuffix(middle1, middle2)
            var edits = compute(
                Array(middle1.dropLast(suffix)),
                Array(middle2.dropLast(suffix)),
                checkLines: checkLines
            )
            if prefix != 0 { edits.insert(Edit(.equal, runes: text1[..<prefix]), at: 0) }
            if suffix != 0 { edits.append(Edit(.equal, runes: middle1.suffix(suffix))) }
            return cleanupMerge(edits)
        }

        /// `diffCompute`: the texts share no prefix or suffix.
        static func compute(_ text1: [UInt32], _ text2: [UInt32], checkLines: Bool) -> [Edit] {
            if text1.isEmpty { return [Edit(.insert, runes: text2)] }
            if text2.isEmpty { return [Edit(.delete, runes: text1)] }
            let (long, short) = text1.count > text2.count ? (text1, text2) : (text2, text1)
            if let index = firstIndex(of: short[...], in: long[...], from: 0) {
                // The shorter text inside the longer one.
                let operation: Operation = text1.count > text2.count ? .delete : .insert
                return [
                    Edit(operation, runes: long[..<index]),
                    Edit(.equal, runes: short),
                    Edit(operation, runes: long[(index + short.count)...]),
                ]
            }
            if short.count == 1 {
                return [Edit(.delete, runes: text1), Edit(.insert, runes: text2)]
            }
            if let half = halfMatch(text1, text2) {
                return mainRunes(half.text1A, half.text2A, checkLines: checkLines) + [Edit(.equal, runes: half.common)]
                    + mainRunes(half.text1B, half.text2B, checkLines: checkLines)
            }
            if checkLines && text1.count > 100 && text2.count > 100 {
                return lineMode(text1, text2)
            }
            return bisect(text1, text2)
        }

        struct HalfMatch {
            var text1A: [UInt32]
            var text1B: [UInt32]
            var text2A: [UInt32]
            var text2B: [UInt32]
            var common: [UInt32]
        }

        /// `diffHalfMatch` (tried because `DiffTimeout` is not zero): a common substring at
        /// least half the longer text, seeded from its second and third quarters.
        static func halfMatch(_ text1: [UInt32], _ text2: [UInt32]) -> HalfMatch? {
            let (long, short) = text1.count > text2.count ? (text1, text2) : (text2, text1)
            if long.count < 4 || short.count * 2 < long.count { return nil }
            let first = halfMatch(long, short, at: (long.count + 3) / 4)
            let second = halfMatch(long, short, at: (long.count + 1) / 2)
            let best: HalfMatch
            switch (first, second) {
            case (nil, nil): return nil
            case (let match?, nil), (nil, let match?): best = match
            case (let one?, let two?): best = one.common.count > two.common.count ? one : two
            }
            if text1.count > text2.count { return best }
            return HalfMatch(
                text1A: best.text2A,
                text1B: best.text2B,
                text2A: best.text1A,
                text2B: best.text1B,
                common: best.common
            )
        }

        /// `diffHalfMatchI`: `text1*` are the long text's parts, `text2*` the short text's.
        static func halfMatch(_ long: [UInt32], _ short: [UInt32], at index: Int) -> HalfMatch? {
            let seed = long[index..<(index + long.count / 4)]
            var best: HalfMatch?
            var bestLength = 0
            var found = firstIndex(of: seed, in: short[...], from: 0)
            while let j = found {
                let prefixLength = commonPrefix(long[index...], short[j...])
                let suffixLength = commonSuffix(long[..<index], short[..<j])
                if bestLength < suffixLength + prefixLength {
                    bestLength = suffixLength + prefixLength
                    best = HalfMatch(
                        text1A: Array(long[..<(index - suffixLength)]),
                        text1B: Array(long[(index + prefixLength)...]),
                        text2A: Array(short[..<(j - suffixLength)]),
                        text2B: Array(short[(j + prefixLength)...]),
                        common: Array(short[(j - suffixLength)..<(j + prefixLength)])
                    )
                }
                found = firstIndex(of: seed, in: short[...], from: j + 1)
            }
            return bestLength * 2 < long.count ? nil : best
        }

        /// `diffLineMode`: diff line by line, then again character by character where lines
        /// were replaced.
        static func lineMode(_ text1: [UInt32], _ text2: [UInt32]) -> [Edit] {
            var lines: [[UInt8]] = [[]]
            var known: [[UInt8]: Int] = [:]
            let codes1 = lineCodes(encode(text1), &lines, &known)
            let codes2 = lineCodes(encode(text2), &lines, &known)
            var edits = mainRunes(codes1, codes2, checkLines: false).map { edit in
                // `DiffCharsToLines`.
                Edit(edit.operation, decode(edit.text).flatMap { lines[Int(lineIndex(of: $0))] })
            }
            edits = cleanupSemantic(edits)
            edits.append(Edit(.equal, []))
            var pointer = 0
            var deletes = 0
            var inserts = 0
            var deleted: [UInt8] = []
            var inserted: [UInt8] = []
            while pointer < edits.count {
                switch edits[pointer].operation {
                case .insert:
                    inserts += 1
                    inserted += edits[pointer].text
                case .delete:
                    deletes += 1
                    deleted += edits[pointer].text
                case .equal:
                    if deletes >= 1 && inserts >= 1 {
                        pointer -= deletes + inserts
                        let rediffed = mainRunes(decode(deleted), decode(inserted), checkLines: false)
                        edits.replaceSubrange(pointer..<(pointer + deletes + inserts), with: rediffed)
                        pointer += rediffed.count
                    }
                    deletes = 0
                    inserts = 0
                    deleted = []
                    inserted = []
                }
                pointer += 1
            }
            edits.removeLast()
            return edits
        }

        /// `diffLinesToStringsMunge`: each line (with its newline) as the index of its first
        /// occurrence, written as a rune by `intToRune`.
        static func lineCodes(_ text: [UInt8], _ lines: inout [[UInt8]], _ known: inout [[UInt8]: Int]) -> [UInt32] {
            var codes: [UInt32] = []
            var start = 0
            while start < text.count {
                let end = text[start...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? text.count
                let line = Array(text[start..<end])
                start = end
                let index: Int
                if let existing = known[line] {
                    index = existing
                } else {
                    lines.append(line)
                    index = lines.count - 1
                    known[line] = index
                }
                codes.append(lineRune(UInt32(index)))
            }
            return codes
        }

        /// `intToRune`: a line index as a valid rune, stepping over the surrogates (and, past
        /// the three-byte range, three more code points, as go-diff does).
        static func lineRune(_ index: UInt32) -> UInt32 {
            if index < 0xD800 { return index }
            if index < 0x10000 - 0x800 - 3 { return index + 0x800 }
            return index + 0x800 + 3
        }

        /// `runeToInt`, the inverse of `lineRune`.
        static func lineIndex(of rune: UInt32) -> UInt32 {
            if rune < 0xD800 { return rune }
            if rune < 0x10000 { return rune - 0x800 }
            return rune - 0x800 - 3
        }

        /// `diffBisect`: Myers' middle snake, then each half diffed on its own.
        static func bisect(_ text1: [UInt32], _ text2: [UInt32]) -> [Edit] {
            let length1 = text1.count
            let length2 = text2.count
            let maxD = (length1 + length2 + 1) / 2
            let offset = maxD
            let vLength = 2 * maxD
            var v1 = Array(repeating: -1, count: vLength)
            var v2 = Array(repeating: -1, count: vLength)
            v1[offset + 1] = 0
            v2[offset + 1] = 0
            let delta = length1 - length2
            // With an odd total the forward path meets the reverse one.
            let front = delta % 2 != 0
            var k1Start = 0
            var k1End = 0
            var k2Start = 0
            var k2End = 0
            for d in 0..<maxD {
                var k1 = -d + k1Start
                while k1 <= d - k1End {
                    let k1Offset = offset + k1
                    var x1 =
                        k1 == -d || (k1 != d && v1[k1Offset - 1] < v1[k1Offset + 1])
                        ? v1[k1Offset + 1] : v1[k1Offset - 1] + 1
                    var y1 = x1 - k1
                    while x1 < length1 && y1 < length2 && text1[x1] == text2[y1] {
                        x1 += 1
                        y1 += 1
                    }
                    v1[k1Offset] = x1
                    if x1 > length1 {
                        k1End += 2
                    } else if y1 > length2 {
                        k1Start += 2
                    } else if front {
                        let k2Offset = offset + delta - k1
                        if k2Offset >= 0 && k2Offset < vLength && v2[k2Offset] != -1 && x1 >= length1 - v2[k2Offset] {
                            return bisectSplit(text1, text2, x1, y1)
                        }
                    }
                    k1 += 2
                }
                var k2 = -d + k2Start
                while k2 <= d - k2End {
                    let k2Offset = offset + k2
                    var x2 =
                        k2 == -d || (k2 != d && v2[k2Offset - 1] < v2[k2Offset + 1])
                        ? v2[k2Offset + 1] : v2[k2Offset - 1] + 1
                    var y2 = x2 - k2
                    while x2 < length1 && y2 < length2 && text1[length1 - x2 - 1] == text2[length2 - y2 - 1] {
                        x2 += 1
                        y2 += 1
                    }
                    v2[k2Offset] = x2
                    if x2 > length1 {
                        k2End += 2
                    } else if y2 > length2 {
                        k2Start += 2
                    } else if !front {
                        let k1Offset = offset + delta - k2
                        if k1Offset >= 0 && k1Offset < vLength && v1[k1Offset] != -1 {
                            let x1 = v1[k1Offset]
                            let y1 = offset + x1 - k1Offset
                            if x1 >= length1 - x2 { return bisectSplit(text1, text2, x1, y1) }
                        }
                    }
                    k2 += 2
                }
            }
            // No common rune at all.
            return [Edit(.delete, runes: text1), Edit(.insert, runes: text2)]
        }

        static func bisectSplit(_ text1: [UInt32], _ text2: [UInt32], _ x: Int, _ y: Int) -> [Edit] {
            mainRunes(Array(text1[..<x]), Array(text2[..<y]), checkLines: false)
                + mainRunes(Array(text1[x...]), Array(text2[y...]), checkLines: false)
        }

        // MARK: Cleanup (`diff.go`)

        /// `DiffCleanupMerge`: runs of edits between equalities become one delete and one
        /// insert with their common prefix and suffix moved into the equalities; then single
        /// edits are slid over a neighbouring equality they end or start with.
        ///
        /// go-diff keeps the delete and the insert of a run that had both even when the common
        /// prefix and suffix emptied one of them (the C++ and Python ports drop it); the overlap
        /// step of `DiffCleanupSemantic` then takes 0 as half of the empty edit and adds an
        /// empty equality. Grafana's patches show those as empty lines, and so do these.
        static func cleanupMerge(_ input: [Edit]) -> [Edit] {
            var edits = input
            edits.append(Edit(.equal, []))
            var pointer = 0
            var deletes = 0
            var inserts = 0
            var deleted: [UInt32] = []
            var inserted: [UInt32] = []
            while pointer < edits.count {
                switch edits[pointer].operation {
                case .insert:
                    inserts += 1
                    inserted += decode(edits[pointer].text)
                    pointer += 1
                case .delete:
                    deletes += 1
                    deleted += decode(edits[pointer].text)
                    pointer += 1
                case .equal:
                    if deletes + inserts > 1 {
                        if deletes != 0 && inserts != 0 {
                            let prefix = commonPrefix(inserted[...], deleted[...])
                            if prefix != 0 {
                                let x = pointer - deletes - inserts
                                if x > 0 && edits[x - 1].operation == .equal {
                                    edits[x - 1].text += encode(inserted[..<prefix])
                                } else {
                                    edits.insert(Edit(.equal, runes: inserted[..<prefix]), at: 0)
                                    pointer += 1
                                }
                                inserted.removeFirst(prefix)
                                deleted.removeFirst(prefix)
                            }
                            let suffix = commonSuffix(inserted[...], deleted[...])
                            if suffix != 0 {
                                edits[pointer].text = encode(inserted.suffix(suffix)) + edits[pointer].text
                                inserted.removeLast(suffix)
                                deleted.removeLast(suffix)
                            }
                        }
                        var merged: [Edit] = []
                        if deletes != 0 { merged.append(Edit(.delete, runes: deleted)) }
                        if inserts != 0 { merged.append(Edit(.insert, runes: inserted)) }
                        let start = pointer - deletes - inserts
                        edits.replaceSubrange(start..<pointer, with: merged)
                        pointer = start + 1 + merged.count
                    } else if pointer != 0 && edits[pointer - 1].operation == .equal {
                        edits[pointer - 1].text += edits[pointer].text
                        edits.remove(at: pointer)
                    } else {
                        pointer += 1
                    }
                    deletes = 0
                    inserts = 0
                    deleted = []
                    inserted = []
                }
            }
            if edits.last?.text.isEmpty == true { edits.removeLast() }

            var changes = false
            pointer = 1
            while pointer < edits.count - 1 {
                if edits[pointer - 1].operation == .equal && edits[pointer + 1].operation == .equal {
                    let before = edits[pointer - 1].text
                    let edit = edits[pointer].text
                    let after = edits[pointer + 1].text
                    if edit.count >= before.count && edit.suffix(before.count).elementsEqual(before) {
                        // Slide the edit left over the equality before it.
                        edits[pointer].text = before + edit.dropLast(before.count)
                        edits[pointer + 1].text = before + after
                        edits.remove(at: pointer - 1)
                        changes = true
                    } else if edit.count >= after.count && edit.prefix(after.count).elementsEqual(after) {
                        // Slide it right over the equality after it.
                        edits[pointer - 1].text += after
                        edits[pointer].text = Array(edit.dropFirst(after.count)) + after
                        edits.remove(at: pointer + 1)
                        changes = true
                    }
                }
                pointer += 1
            }
            return changes ? cleanupMerge(edits) : edits
        }

        /// `DiffCleanupSemantic`: an equality no longer (in runes) than the edits on each side
        /// of it becomes a delete and an insert; then edits are aligned to word boundaries and
        /// a delete and insert that overlap by half of either are split around the overlap.
        static func cleanupSemantic(_ input: [Edit]) -> [Edit] {
            var edits = input
            var changes = false
            var equalities: [Int] = []
            var lastEquality: [UInt8] = []
            var pointer = 0
            var insertions1 = 0
            var deletions1 = 0
            var insertions2 = 0
            var deletions2 = 0
            while pointer < edits.count {
                if edits[pointer].operation == .equal {
                    equalities.append(pointer)
                    insertions1 = insertions2
                    deletions1 = deletions2
                    insertions2 = 0
                    deletions2 = 0
                    lastEquality = edits[pointer].text
                } else {
                    if edits[pointer].operation == .insert {
                        insertions2 += runeCount(edits[pointer].text)
                    } else {
                        deletions2 += runeCount(edits[pointer].text)
                    }
                    let equalityLength = runeCount(lastEquality)
                    if equalityLength > 0 && equalityLength <= max(insertions1, deletions1)
                        && equalityLength <= max(insertions2, deletions2)
                    {
                        let at = equalities.removeLast()
                        edits.insert(Edit(.delete, lastEquality), at: at)
                        edits[at + 1].operation = .insert
                        if !equalities.isEmpty { equalities.removeLast() }
                        pointer = equalities.last ?? -1
                        insertions1 = 0
                        deletions1 = 0
                        insertions2 = 0
                        deletions2 = 0
                        lastEquality = []
                        changes = true
                    }
                }
                pointer += 1
            }
            if changes { edits = cleanupMerge(edits) }
            edits = cleanupSemanticLossless(edits)

            pointer = 1
            while pointer < edits.count {
                if edits[pointer - 1].operation == .delete && edits[pointer].operation == .insert {
                    let deletion = edits[pointer - 1].text
                    let insertion = edits[pointer].text
                    let overlap1 = commonOverlap(deletion, insertion)
                    let overlap2 = commonOverlap(insertion, deletion)
                    // go-diff compares the overlap in bytes with half the edits in runes.
                    let halfDeletion = Double(runeCount(deletion)) / 2
                    let halfInsertion = Double(runeCount(insertion)) / 2
                    if overlap1 >= overlap2 {
                        if Double(overlap1) >= halfDeletion || Double(overlap1) >= halfInsertion {
                            edits.insert(Edit(.equal, Array(insertion[..<overlap1])), at: pointer)
                            edits[pointer - 1].text = Array(deletion.dropLast(overlap1))
                            edits[pointer + 1].text = Array(insertion[overlap1...])
                            pointer += 1
                        }
                    } else if Double(overlap2) >= halfDeletion || Double(overlap2) >= halfInsertion {
                        edits.insert(Edit(.equal, Array(deletion[..<overlap2])), at: pointer)
                        edits[pointer - 1] = Edit(.insert, Array(insertion.dropLast(overlap2)))
                        edits[pointer + 1] = Edit(.delete, Array(deletion[overlap2...]))
                        pointer += 1
                    }
                    pointer += 1
                }
                pointer += 1
            }
            return edits
        }

        /// `DiffCommonOverlap`, in bytes: the longest suffix of `text1` that is a prefix of
        /// `text2`.
        static func commonOverlap(_ first: [UInt8], _ second: [UInt8]) -> Int {
            guard !first.isEmpty, !second.isEmpty else { return 0 }
            let length = min(first.count, second.count)
            let text1 = first.suffix(length)
            let text2 = second.prefix(length)
            if text1.elementsEqual(text2) { return length }
            var best = 0
            var size = 1
            while true {
                let pattern = text1.suffix(size)
                guard let found = firstIndex(of: pattern, in: text2, from: 0) else { break }
                size += found
                if found == 0 || text1.suffix(size).elementsEqual(text2.prefix(size)) {
                    best = size
                    size += 1
                }
            }
            return best
        }

        /// `diffCleanupSemanticScore`: 6 at an edge, 5 at a blank line, 4 at a line break, 3
        /// at the end of a sentence, 2 at whitespace, 1 at other punctuation. go-diff tests the
        /// blank line after the boundary with the same end-of-text pattern as before it.
        static func semanticScore(_ one: [UInt8], _ two: [UInt8]) -> Int {
            guard !one.isEmpty, !two.isEmpty else { return 6 }
            let char1 = lastRune(one)
            let char2 = firstRune(two).rune
            // Go's regexp classes: `[^a-zA-Z0-9]`, `\s` (ASCII `[\t\n\f\r ]`), `[\r\n]`.
            func isAlphanumeric(_ rune: UInt32) -> Bool {
                (0x30...0x39).contains(rune) || (0x41...0x5A).contains(rune) || (0x61...0x7A).contains(rune)
            }
            func isSpace(_ rune: UInt32) -> Bool { [0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(rune) }
            func isBreak(_ rune: UInt32) -> Bool { rune == 0x0A || rune == 0x0D }
            // `\n\r?\n$`: the text ends with a blank line.
            func endsBlank(_ text: [UInt8]) -> Bool {
                text.count >= 2 && text.last == 0x0A
                    && (text[text.count - 2] == 0x0A
                        || (text.count >= 3 && text[text.count - 2] == 0x0D && text[text.count - 3] == 0x0A))
            }
            let nonAlphanumeric1 = !isAlphanumeric(char1)
            let nonAlphanumeric2 = !isAlphanumeric(char2)
            let whitespace1 = nonAlphanumeric1 && isSpace(char1)
            let whitespace2 = nonAlphanumeric2 && isSpace(char2)
            let lineBreak1 = whitespace1 && isBreak(char1)
            let lineBreak2 = whitespace2 && isBreak(char2)
            if (lineBreak1 && endsBlank(one)) || (lineBreak2 && endsBlank(two)) { return 5 }
            if lineBreak1 || lineBreak2 { return 4 }
            if nonAlphanumeric1 && !whitespace1 && whitespace2 { return 3 }
            if whitespace1 || whitespace2 { return 2 }
            if nonAlphanumeric1 || nonAlphanumeric2 { return 1 }
            return 0
        }

        /// `DiffCleanupSemanticLossless`: a single edit between two equalities slides to the
        /// position with the best boundary score (the last of equal scores).
        static func cleanupSemanticLossless(_ input: [Edit]) -> [Edit] {
            var edits = input
            var pointer = 1
            while pointer < edits.count - 1 {
                if edits[pointer - 1].operation == .equal && edits[pointer + 1].operation == .equal {
                    var equality1 = edits[pointer - 1].text
                    var edit = edits[pointer].text
                    var equality2 = edits[pointer + 1].text
                    // Shift the edit as far left as it goes; go-diff counts the common suffix in
                    // runes and then cuts that many bytes.
                    let offset = commonSuffix(decode(equality1)[...], decode(edit)[...])
                    if offset > 0 {
                        let common = Array(edit.suffix(offset))
                        equality1 = Array(equality1.dropLast(offset))
                        edit = common + edit.dropLast(offset)
                        equality2 = common + equality2
                    }
                    var best = (equality1, edit, equality2)
                    var bestScore = semanticScore(equality1, edit) + semanticScore(edit, equality2)
                    while !edit.isEmpty && !equality2.isEmpty {
                        let size = firstRune(edit).size
                        if equality2.count < size || !edit.prefix(size).elementsEqual(equality2.prefix(size)) { break }
                        equality1 += edit.prefix(size)
                        edit = Array(edit.dropFirst(size)) + equality2.prefix(size)
                        equality2.removeFirst(size)
                        let score = semanticScore(equality1, edit) + semanticScore(edit, equality2)
                        // `>=` prefers trailing whitespace on an edit to leading.
                        if score >= bestScore {
                            bestScore = score
                            best = (equality1, edit, equality2)
                        }
                    }
                    if edits[pointer - 1].text != best.0 {
                        if !best.0.isEmpty {
                            edits[pointer - 1].text = best.0
                        } else {
                            edits.remove(at: pointer - 1)
                            pointer -= 1
                        }
                        edits[pointer].text = best.1
                        if !best.2.isEmpty {
                            edits[pointer + 1].text = best.2
                        } else {
                            edits.remove(at: pointer + 1)
                            pointer -= 1
                        }
                    }
                }
                pointer += 1
            }
            return edits
        }

        /// `DiffCleanupEfficiency`: an equality shorter than `DiffEditCost` bytes between edits
        /// of both kinds on both sides (or three of the four and under half the cost) becomes a
        /// delete and an insert.
        static func cleanupEfficiency(_ input: [Edit]) -> [Edit] {
            var edits = input
            var changes = false
            var equalities: [Int] = []
            var lastEquality: [UInt8] = []
            var pointer = 0
            var preInsert = false
            var preDelete = false
            var postInsert = false
            var postDelete = false
            while pointer < edits.count {
                if edits[pointer].operation == .equal {
                    if edits[pointer].text.count < diffEditCost && (postInsert || postDelete) {
                        equalities.append(pointer)
                        preInsert = postInsert
                        preDelete = postDelete
                        lastEquality = edits[pointer].text
                    } else {
                        equalities = []
                        lastEquality = []
                    }
                    postInsert = false
                    postDelete = false
                } else {
                    if edits[pointer].operation == .delete { postDelete = true } else { postInsert = true }
                    let sides = [preInsert, preDelete, postInsert, postDelete].filter { $0 }.count
                    if !lastEquality.isEmpty
                        && (sides == 4 || (lastEquality.count < diffEditCost / 2 && sides == 3))
                    {
                        let at = equalities.removeLast()
                        edits.insert(Edit(.delete, lastEquality), at: at)
                        edits[at + 1].operation = .insert
                        lastEquality = []
                        if preInsert && preDelete {
                            postInsert = true
                            postDelete = true
                            equalities = []
                        } else {
                            if !equalities.isEmpty { equalities.removeLast() }
                            pointer = equalities.last ?? -1
                            postInsert = false
                            postDelete = false
                        }
                        changes = true
                    }
                }
                pointer += 1
            }
            return changes ? cleanupMerge(edits) : edits
        }

        // MARK: Patches (`patch.go`)

        struct Patch {
            var edits: [Edit] = []
            var start1 = 0
            var start2 = 0
            var length1 = 0
            var length2 = 0

            /// `Patch.String`: a GNU-diff-like header with 1-based starts, then each edit
            /// marked `+`, `-` or space and escaped as `url.QueryEscape` with `+` made a space
            /// and the `unescaper`'s characters put back.
            var text: [UInt8] {
                func coordinates(_ start: Int, _ length: Int) -> String {
                    switch length {
                    case 0: "\(start),0"
                    case 1: "\(start + 1)"
                    default: "\(start + 1),\(length)"
                    }
                }
                var text = Array("@@ -\(coordinates(start1, length1)) +\(coordinates(start2, length2)) @@\n".utf8)
                for edit in edits {
                    switch edit.operation {
                    case .insert: text.append(UInt8(ascii: "+"))
                    case .delete: text.append(UInt8(ascii: "-"))
                    case .equal: text.append(UInt8(ascii: " "))
                    }
                    for byte in edit.text { Self.escape(byte, into: &text) }
                    text.append(UInt8(ascii: "\n"))
                }
                return text
            }

            /// Kept as they are: what `QueryEscape` leaves (letters, digits, `-_.~`), the space
            /// (its `+` turned back), and the unescaper's `!~'();/?:@&=+$,#*`.
            private static let plain = Set("-_.~ !'();/?:@&=+$,#*".utf8)

            private static func escape(_ byte: UInt8, into text: inout [UInt8]) {
                let isAlphanumeric =
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                if isAlphanumeric || plain.contains(byte) {
                    text.append(byte)
                    return
                }
                let hex = Array("0123456789ABCDEF".utf8)
                text += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }

        /// `PatchMake(text1, text2)`: the line-checked diff, cleaned semantically and for
        /// efficiency when it has more than two edits, cut into patches.
        static func make(_ text1: [UInt8], _ text2: [UInt8]) -> [Patch] {
            var edits = diffMain(text1, text2, checkLines: true)
            if edits.count > 2 {
                edits = cleanupSemantic(edits)
                edits = cleanupEfficiency(edits)
            }
            return make(text1, edits)
        }

        /// `patchMake2`: a patch per run of edits, split where an equality is at least twice
        /// `PatchMargin` bytes, each with context from the text as patched so far.
        static func make(_ text1: [UInt8], _ edits: [Edit]) -> [Patch] {
            var patches: [Patch] = []
            guard !edits.isEmpty else { return patches }
            var patch = Patch()
            var count1 = 0
            var count2 = 0
            var prepatch = text1
            var postpatch = text1
            for (index, edit) in edits.enumerated() {
                if patch.edits.isEmpty && edit.operation != .equal {
                    patch.start1 = count1
                    patch.start2 = count2
                }
                switch edit.operation {
                case .insert:
                    patch.edits.append(edit)
                    patch.length2 += edit.text.count
                    postpatch.insert(contentsOf: edit.text, at: count2)
                case .delete:
                    patch.length1 += edit.text.count
                    patch.edits.append(edit)
                    postpatch.removeSubrange(count2..<(count2 + edit.text.count))
                case .equal:
                    if edit.text.count <= 2 * patchMargin && !patch.edits.isEmpty && index != edits.count - 1 {
                        // A small equality inside a patch.
                        patch.edits.append(edit)
                        patch.length1 += edit.text.count
                        patch.length2 += edit.text.count
                    }
                    if edit.text.count >= 2 * patchMargin && !patch.edits.isEmpty {
                        patches.append(addContext(patch, prepatch))
                        patch = Patch()
                        // The context rolls: later patches see the text with this one applied.
                        prepatch = postpatch
                        count1 = count2
                    }
                }
                if edit.operation != .insert { count1 += edit.text.count }
                if edit.operation != .delete { count2 += edit.text.count }
            }
            if !patch.edits.isEmpty { patches.append(addContext(patch, prepatch)) }
            return patches
        }

        /// `PatchAddContext`: grow the context by `PatchMargin` bytes until the pattern is
        /// unique in the text (or `MatchMaxBits - 2 * PatchMargin` long), then one margin more.
        /// The pattern starts at `Start2` and is `Length1` long, as in go-diff.
        static func addContext(_ input: Patch, _ text: [UInt8]) -> Patch {
            var patch = input
            guard !text.isEmpty else { return patch }
            // Go would panic past the end of the text; the sandbox clamps rather than trap.
            func slice(_ from: Int, _ to: Int) -> ArraySlice<UInt8> {
                let end = min(max(to, 0), text.count)
                return text[min(max(from, 0), end)..<end]
            }
            var pattern = slice(patch.start2, patch.start2 + patch.length1)
            var padding = 0
            while firstIndex(of: pattern, in: text[...], from: 0) != lastIndex(of: pattern, in: text)
                && pattern.count < matchMaxBits - 2 * patchMargin
            {
                padding += patchMargin
                pattern = slice(patch.start2 - padding, patch.start2 + patch.length1 + padding)
            }
            padding += patchMargin
            let prefix = Array(slice(patch.start2 - padding, patch.start2))
            if !prefix.isEmpty { patch.edits.insert(Edit(.equal, prefix), at: 0) }
            let suffixStart = patch.start2 + patch.length1
            let suffix = Array(slice(suffixStart, suffixStart + padding))
            if !suffix.isEmpty { patch.edits.append(Edit(.equal, suffix)) }
            patch.start1 -= prefix.count
            patch.start2 -= prefix.count
            patch.length1 += prefix.count + suffix.count
            patch.length2 += prefix.count + suffix.count
            return patch
        }

        // MARK: Runes and searching

        /// `[]rune(s)`: UTF-8 decoded, each byte of an invalid sequence a U+FFFD.
        static func decode(_ bytes: [UInt8]) -> [UInt32] {
            var runes: [UInt32] = []
            runes.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let (rune, size) = firstRune(bytes[index...])
                runes.append(rune)
                index += size
            }
            return runes
        }

        /// `string(runes)`.
        static func encode(_ runes: some Collection<UInt32>) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(runes.count)
            for rune in runes {
                let scalar = Unicode.Scalar(rune) ?? "\u{FFFD}"
                bytes += Array(String(Character(scalar)).utf8)
            }
            return bytes
        }

        /// `utf8.DecodeRuneInString`: the first rune and its size, U+FFFD and 1 when invalid.
        static func firstRune(_ bytes: some Collection<UInt8>) -> (rune: UInt32, size: Int) {
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            if case .scalarValue(let scalar) = decoder.decode(&iterator) {
                return (scalar.value, String(Character(scalar)).utf8.count)
            }
            return (0xFFFD, 1)
        }

        /// `utf8.DecodeLastRuneInString`.
        static func lastRune(_ bytes: [UInt8]) -> UInt32 {
            var start = bytes.count - 1
            while start > 0 && start > bytes.count - 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
            let (rune, size) = firstRune(bytes[start...])
            return start + size == bytes.count ? rune : 0xFFFD
        }

        /// `utf8.RuneCountInString`.
        static func runeCount(_ bytes: [UInt8]) -> Int { decode(bytes).count }

        static func commonPrefix<Element: Equatable>(_ lhs: ArraySlice<Element>, _ rhs: ArraySlice<Element>) -> Int {
            zip(lhs, rhs).prefix { $0 == $1 }.count
        }

        static func commonSuffix<Element: Equatable>(_ lhs: ArraySlice<Element>, _ rhs: ArraySlice<Element>) -> Int {
            zip(lhs.reversed(), rhs.reversed()).prefix { $0 == $1 }.count
        }

        /// `strings.Index` / `runesIndexOf`: the first offset at or after `from`, relative to
        /// the start of `text`, where `pattern` occurs.
        static func firstIndex<Element: Equatable>(
            of pattern: ArraySlice<Element>,
            in text: ArraySlice<Element>,
            from: Int
        ) -> Int? {
            if from > text.count - 1 && !(from == 0 && pattern.isEmpty) { return nil }
            let base = text.startIndex
            let last = text.count - pattern.count
            guard last >= from else { return nil }
            for offset in from...last where text[(base + offset)...].starts(with: pattern) {
                return offset
            }
            return nil
        }

        /// `strings.LastIndex`.
        static func lastIndex(of pattern: ArraySlice<UInt8>, in text: [UInt8]) -> Int? {
            let last = text.count - pattern.count
            guard last >= 0 else { return nil }
            for offset in stride(from: last, through: 0, by: -1) where text[offset...].starts(with: pattern) {
                return offset
            }
            return nil
        }
    }
}
