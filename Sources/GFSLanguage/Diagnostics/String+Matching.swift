/// "Did you mean ...?" suggestions, after ShapeScript's `String+Matching.swift`.
extension String {
    /// The candidate closest to `self` by edit distance, if any is close enough to be a
    /// plausible typo (at most a third of the longer word, and never the whole word).
    public func bestMatch(in candidates: some Sequence<String>) -> String? {
        let lowered = lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != self {
            let distance = lowered.editDistance(to: candidate.lowercased())
            let limit = Swift.max(1, Swift.max(count, candidate.count) / 3)
            let isPrefix = count >= 2 && candidate.lowercased().hasPrefix(lowered)
            guard distance <= limit || isPrefix else { continue }
            let score = isPrefix ? Swift.min(distance, 1) : distance
            if best == nil || score < best!.distance {
                best = (candidate, score)
            }
        }
        return best?.candidate
    }

    /// The Levenshtein distance counting a swap of two neighbouring characters as one edit,
    /// since transpositions (`craete`) are the commonest typo.
    public func editDistance(to other: String) -> Int {
        let a = Array(self)
        let b = Array(other)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}

extension Optional where Wrapped == String {
    /// "Did you mean 'x'?" for a suggestion, or `nil`.
    var didYouMean: String? {
        map { "Did you mean '\($0)'?" }
    }
}
