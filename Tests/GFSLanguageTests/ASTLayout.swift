@testable import GFSLanguage

/// Builds syntax trees by hand over a real source text, for checker and evaluator tests
/// that must not depend on the parser: each node's range is found by searching the text,
/// so positions in assertions are the ones a reader counts in the source.
struct ASTLayout {
    let source: SourceFile

    init(_ text: String, name: String = "test.gfs") {
        source = SourceFile(name: name, text: text)
    }

    /// The range of the `occurrence`-th appearance of `needle` (1-based).
    func range(of needle: String, occurrence: Int = 1) -> SourceRange {
        let bytes = Array(source.text.utf8)
        let target = Array(needle.utf8)
        var found = 0
        var offset = 0
        while offset + target.count <= bytes.count {
            if Array(bytes[offset..<offset + target.count]) == target {
                found += 1
                if found == occurrence {
                    return SourceRange(start: position(at: offset), end: position(at: offset + target.count))
                }
            }
            offset += 1
        }
        preconditionFailure("'\(needle)' #\(occurrence) not in the test source")
    }

    func position(at offset: Int) -> SourcePosition {
        let prefix = String(decoding: Array(source.text.utf8)[..<offset], as: UTF8.self)
        let line = prefix.split(separator: "\n", omittingEmptySubsequences: false).count
        let column = (prefix.split(separator: "\n", omittingEmptySubsequences: false).last?.count ?? 0) + 1
        return SourcePosition(offset: offset, line: line, column: column)
    }

    func script(_ statements: [Statement]) -> Script {
        Script(statements: statements, source: source)
    }

    // MARK: Expressions

    func word(_ text: String, _ occurrence: Int = 1) -> Expression {
        Expression(.word(text), range: range(of: text, occurrence: occurrence))
    }

    func variable(_ name: String, _ occurrence: Int = 1) -> Expression {
        // As the parser does, the name's range includes its `$`.
        let whole = range(of: "$" + name, occurrence: occurrence)
        return Expression(.variable(Identifier(name, range: whole)), range: whole)
    }

    func literal(_ value: Value, _ text: String, _ occurrence: Int = 1) -> Expression {
        Expression(.literal(value), range: range(of: text, occurrence: occurrence))
    }

    func string(_ text: String, _ occurrence: Int = 1) -> Expression {
        Expression(.string([.text(text)]), range: range(of: "\"\(text)\"", occurrence: occurrence))
    }

    func member(_ base: Expression, _ name: String) -> Expression {
        let nameRange = rangeAfter(base.range, needle: name)
        return Expression(.member(base, Identifier(name, range: nameRange)), range: base.range.union(nameRange))
    }

    func index(_ base: Expression, _ index: Expression) -> Expression {
        let close = rangeAfter(index.range, needle: "]")
        return Expression(.index(base, index), range: base.range.union(close))
    }

    func binary(_ op: BinaryOperator, _ left: Expression, _ right: Expression) -> Expression {
        Expression(.binary(op, left, right), range: left.range.union(right.range))
    }

    /// A command written on its own as `text` (`org create apiorg --if-missing`): words,
    /// `$variables`, `--options` and `--name=value`, separated by single spaces.
    func command(_ text: String, _ occurrence: Int = 1, isTry: Bool = false) -> Command {
        let whole = range(of: text, occurrence: occurrence)
        var arguments: [CommandArgument] = []
        var offset = whole.start.offset
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            let pieceRange = SourceRange(start: position(at: offset), end: position(at: offset + piece.utf8.count))
            if piece.hasPrefix("-"), !piece.dropFirst().allSatisfy(\.isNumber) {
                let name = piece.drop { $0 == "-" }
                if let equals = name.firstIndex(of: "=") {
                    let optionName = String(name[..<equals])
                    let valueText = String(name[name.index(after: equals)...])
                    let valueStart = offset + piece.utf8.count - valueText.utf8.count
                    let valueRange = SourceRange(start: position(at: valueStart), end: pieceRange.end)
                    let nameRange = SourceRange(start: pieceRange.start, end: position(at: valueStart - 1))
                    arguments.append(
                        .option(
                            name: Identifier(optionName, range: nameRange),
                            inlineValue: Expression(.word(valueText), range: valueRange)
                        )
                    )
                } else {
                    arguments.append(.option(name: Identifier(String(name), range: pieceRange), inlineValue: nil))
                }
            } else if piece.hasPrefix("$") {
                arguments.append(
                    .value(
                        Expression(
                            .variable(Identifier(String(piece.dropFirst()), range: pieceRange)),
                            range: pieceRange
                        )
                    )
                )
            } else {
                arguments.append(.value(Expression(.word(String(piece)), range: pieceRange)))
            }
            offset += piece.utf8.count + 1
        }
        var range = whole
        if isTry { range.start = position(at: whole.start.offset) }
        return Command(arguments: arguments, isTry: isTry, range: range)
    }

    func commandExpression(_ text: String, _ occurrence: Int = 1, isTry: Bool = false) -> Expression {
        let command = command(text, occurrence, isTry: isTry)
        return Expression(.command(command), range: command.range)
    }

    // MARK: Statements

    /// A command statement.
    func run(_ text: String, _ occurrence: Int = 1, isTry: Bool = false) -> Statement {
        let expression = commandExpression(text, occurrence, isTry: isTry)
        return Statement(.expression(expression), range: expression.range)
    }

    func expression(_ expression: Expression) -> Statement {
        Statement(.expression(expression), range: expression.range)
    }

    func bind(_ name: String, _ value: Expression, _ occurrence: Int = 1) -> Statement {
        let keyword = range(of: "let \(name)", occurrence: occurrence)
        var nameRange = keyword
        nameRange.start = position(at: keyword.start.offset + 4)
        return Statement(
            .binding(name: Identifier(name, range: nameRange), value: value),
            range: keyword.union(value.range)
        )
    }

    func echo(_ arguments: [Expression], _ occurrence: Int = 1) -> Statement {
        let keyword = range(of: "echo", occurrence: occurrence)
        return Statement(.echo(arguments), range: arguments.reduce(keyword) { $0.union($1.range) })
    }

    func assertion(_ condition: Expression, message: Expression? = nil, _ occurrence: Int = 1) -> Statement {
        let keyword = range(of: "assert", occurrence: occurrence)
        return Statement(
            .assertion(condition: condition, message: message),
            range: keyword.union(message?.range ?? condition.range)
        )
    }

    func block(_ statements: [Statement], open: Int = 1, close: Int = 1) -> Block {
        Block(statements: statements, range: range(of: "{", occurrence: open).union(range(of: "}", occurrence: close)))
    }

    func loop(_ name: String, in sequence: Expression, _ body: Block, _ occurrence: Int = 1) -> Statement {
        let keyword = range(of: "for \(name)", occurrence: occurrence)
        var nameRange = keyword
        nameRange.start = position(at: keyword.start.offset + 4)
        return Statement(
            .loop(variable: Identifier(name, range: nameRange), sequence: sequence, body: body),
            range: keyword.union(body.range)
        )
    }

    func conditional(_ condition: Expression, _ then: Block, else otherwise: Block? = nil, _ occurrence: Int = 1)
        -> Statement
    {
        let keyword = range(of: "if", occurrence: occurrence)
        return Statement(
            .conditional(condition: condition, then: then, otherwise: otherwise.map(ElseClause.block)),
            range: keyword.union(otherwise?.range ?? then.range)
        )
    }

    private func rangeAfter(_ range: SourceRange, needle: String) -> SourceRange {
        let bytes = Array(source.text.utf8)
        let target = Array(needle.utf8)
        var offset = range.end.offset
        while offset + target.count <= bytes.count {
            if Array(bytes[offset..<offset + target.count]) == target {
                return SourceRange(start: position(at: offset), end: position(at: offset + target.count))
            }
            offset += 1
        }
        preconditionFailure("'\(needle)' not after \(range)")
    }
}
