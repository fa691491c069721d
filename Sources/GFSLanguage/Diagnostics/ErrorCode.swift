// MARK: Public interface

/// The stable name of a kind of failure, which runbooks branch on (`$error.code`), `--output
/// json` reports and `help errors` lists.
///
/// One registry for every stage: the lexer, parser, checker and interpreter make their
/// diagnostics with one of these, hosts give one to each `CommandFailure`, and the edge turns
/// them into exit statuses. Modelled on AsyncHTTPClient's `HTTPClientError`: a struct over a
/// private enum, so codes can be added without breaking callers that match on them:
///
/// ```swift
/// if diagnostic.code == .unknownCommand { ... }
/// ```
///
/// Names are lower-case words joined by `-`, with a dotted prefix for a family
/// (`syntax.unclosed`, `grafana.not-found`). A name never changes once published.
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The code with this name (`grafana.not-found`), if there is one.
    public init?(name: String) {
        guard let code = Code(rawValue: name) else { return nil }
        self.code = code
    }

    /// The stable name: `grafana.not-found`.
    public var name: String { code.rawValue }

    /// What the code means, in one line.
    public var summary: String { code.summary }

    /// The exit status of a batch run that stops on this code.
    public var exitStatus: ExitStatus { code.exitStatus }

    /// The name.
    public var description: String { name }

    /// Every code, grouped by family, as `help errors` lists them.
    public static var all: [ErrorCode] { Code.allCases.map(ErrorCode.init) }

    // MARK: Syntax (the lexer and the parser)

    /// A character that cannot start anything here (`!`, a stray `&`).
    public static let unexpectedCharacter = ErrorCode(.unexpectedCharacter)
    /// A token where the grammar does not allow it (`)` without `(`, `=` in a condition).
    public static let unexpectedToken = ErrorCode(.unexpectedToken)
    /// A piece the grammar needs is missing (`let x` without `= VALUE`).
    public static let expectedToken = ErrorCode(.expectedToken)
    /// A string, interpolation, block, list, record or parenthesis is not closed.
    public static let unclosed = ErrorCode(.unclosed)
    /// A backslash escape that strings do not have (`\q`, a bad `\u{...}`).
    public static let invalidEscape = ErrorCode(.invalidEscape)
    /// An option or variable name with characters names cannot have.
    public static let invalidName = ErrorCode(.invalidName)
    /// A record literal names the same key twice.
    public static let duplicateKey = ErrorCode(.duplicateKey)
    /// Empty parentheses or an empty `${}`.
    public static let emptyExpression = ErrorCode(.emptyExpression)
    /// Brackets or interpolations nested deeper than the parser allows.
    public static let tooDeep = ErrorCode(.tooDeep)
    /// The script is not valid UTF-8.
    public static let invalidEncoding = ErrorCode(.invalidEncoding)
    /// A number literal beyond the integers' or floating point's range (`1e999`), found
    /// before anything runs.
    public static let literalOutOfRange = ErrorCode(.literalOutOfRange)
    /// Arithmetic on doubles that overflowed to infinity, or on a number kept as written
    /// because no integer or double holds it; found while the script runs.
    public static let numberOutOfRange = ErrorCode(.numberOutOfRange)
    /// A script or sourced file larger than gfs reads.
    public static let sourceTooLarge = ErrorCode(.sourceTooLarge)

    // MARK: Check (before anything runs)

    /// No command has this name.
    public static let unknownCommand = ErrorCode(.unknownCommand)
    /// A command group (`org`) without one of its subcommands.
    public static let missingSubcommand = ErrorCode(.missingSubcommand)
    /// The command has no such option.
    public static let unknownOption = ErrorCode(.unknownOption)
    /// An option that needs a value has none, or a flag was given one.
    public static let invalidOptionValue = ErrorCode(.invalidOptionValue)
    /// An option that is not repeatable was given twice.
    public static let duplicateOption = ErrorCode(.duplicateOption)
    /// A required argument is missing.
    public static let missingArgument = ErrorCode(.missingArgument)
    /// More arguments than the command takes.
    public static let tooManyArguments = ErrorCode(.tooManyArguments)
    /// A keyword where a command name belongs, or nothing at all.
    public static let expectedCommand = ErrorCode(.expectedCommand)
    /// A keyword or a variable the language sets (`$_`, `$error`) used as a name to bind.
    public static let reservedName = ErrorCode(.reservedName)
    /// A variable that nothing has bound (found by the checker, or at run time).
    public static let undefinedVariable = ErrorCode(.undefinedVariable)

    // MARK: Run time

    /// An `assert` whose condition was false.
    public static let assertionFailed = ErrorCode(.assertionFailed)
    /// An operation on values of the wrong type (adding a list to a number, looping over a string).
    public static let typeMismatch = ErrorCode(.typeMismatch)
    /// A record has no field of that name.
    public static let noSuchField = ErrorCode(.noSuchField)
    /// Integer arithmetic whose result does not fit in 64 bits.
    public static let integerOverflow = ErrorCode(.integerOverflow)
    /// A string or list that would grow past gfs's size bound.
    public static let valueTooLarge = ErrorCode(.valueTooLarge)
    /// A list index outside the list.
    public static let indexOutOfRange = ErrorCode(.indexOutOfRange)
    /// `exit` with something other than a whole number from 0 to 255.
    public static let invalidExitCode = ErrorCode(.invalidExitCode)
    /// `source` nested too deeply (a file that sources itself).
    public static let sourceLoop = ErrorCode(.sourceLoop)
    /// The file named by `source` cannot be read (statements before it have run).
    public static let sourceUnreadable = ErrorCode(.sourceUnreadable)
    /// A command failed for a reason with no more specific code.
    public static let commandFailed = ErrorCode(.commandFailed)
    /// A command on several items failed for some of them.
    public static let partialFailure = ErrorCode(.partialFailure)
    /// The run was interrupted (Control-C).
    public static let cancelled = ErrorCode(.cancelled)
    /// A bug in gfs: please report it.
    public static let internalError = ErrorCode(.internalError)

    // MARK: Grafana's answers

    /// Grafana answered 400 or 422: it did not accept the request's content.
    public static let grafanaBadRequest = ErrorCode(.grafanaBadRequest)
    /// Grafana answered 401: the credentials are missing, wrong or expired.
    public static let grafanaUnauthorized = ErrorCode(.grafanaUnauthorized)
    /// Grafana answered 403: the user or token lacks the permission.
    public static let grafanaForbidden = ErrorCode(.grafanaForbidden)
    /// Grafana answered 404: no such resource (or route).
    public static let grafanaNotFound = ErrorCode(.grafanaNotFound)
    /// Grafana answered 409: the resource already exists or is in use.
    public static let grafanaConflict = ErrorCode(.grafanaConflict)
    /// Grafana answered 410: the route was removed in this Grafana version.
    public static let grafanaUnsupportedVersion = ErrorCode(.grafanaUnsupportedVersion)
    /// Grafana answered 412: the resource changed, or another one has that name or uid.
    public static let grafanaPreconditionFailed = ErrorCode(.grafanaPreconditionFailed)
    /// Grafana answered 413: the request body is too large.
    public static let grafanaTooLarge = ErrorCode(.grafanaTooLarge)
    /// Grafana answered 429: too many requests.
    public static let grafanaRateLimited = ErrorCode(.grafanaRateLimited)
    /// Grafana answered 5xx.
    public static let grafanaServerError = ErrorCode(.grafanaServerError)
    /// Grafana answered another status outside 2xx.
    public static let grafanaHTTPError = ErrorCode(.grafanaHTTPError)
    /// A 2xx answer that is not what Grafana's API documents (a proxy, another service).
    public static let grafanaInvalidResponse = ErrorCode(.grafanaInvalidResponse)
    /// What the command would send cannot be sent (a document that is not JSON).
    public static let invalidRequest = ErrorCode(.invalidRequest)
    /// A dry run held a write back where a command needed its answer.
    public static let notSent = ErrorCode(.notSent)
    /// `key create` found its service account with another role.
    public static let roleMismatch = ErrorCode(.roleMismatch)

    // MARK: Connection

    /// Nothing listens at the server's address.
    public static let connectionRefused = ErrorCode(.connectionRefused)
    /// The server's host name does not resolve.
    public static let hostNotFound = ErrorCode(.hostNotFound)
    /// The TLS handshake failed (untrusted certificate, wrong host name, not TLS).
    public static let tls = ErrorCode(.tls)
    /// The connection failed otherwise (reset, closed early).
    public static let connectionFailed = ErrorCode(.connectionFailed)
    /// The server took longer than the timeout.
    public static let timeout = ErrorCode(.timeout)
    /// The connection settings cannot work (bad URL, unreadable CA or secret file, bad config).
    public static let configuration = ErrorCode(.configuration)

    // MARK: The command line and files

    /// The command line is wrong (unknown flag, a bad `--var`).
    public static let usage = ErrorCode(.usage)
    /// A script, standard input or another input file cannot be read.
    public static let unreadable = ErrorCode(.unreadable)
    /// Writing to standard output or a file failed.
    public static let writeFailed = ErrorCode(.writeFailed)
}

// MARK: Implementation

extension ErrorCode {
    /// The codes in the order `help errors` lists them. Each name is published: add cases,
    /// never rename one.
    private enum Code: String, CaseIterable, Sendable {
        case unexpectedCharacter = "syntax.unexpected-character"
        case unexpectedToken = "syntax.unexpected-token"
        case expectedToken = "syntax.expected-token"
        case unclosed = "syntax.unclosed"
        case invalidEscape = "syntax.invalid-escape"
        case invalidName = "syntax.invalid-name"
        case duplicateKey = "syntax.duplicate-key"
        case emptyExpression = "syntax.empty"
        case tooDeep = "syntax.too-deep"
        case invalidEncoding = "syntax.invalid-encoding"
        case literalOutOfRange = "syntax.number-out-of-range"
        case numberOutOfRange = "number.out-of-range"
        case sourceTooLarge = "source.too-large"

        case unknownCommand = "unknown-command"
        case missingSubcommand = "missing-subcommand"
        case unknownOption = "unknown-option"
        case invalidOptionValue = "invalid-option-value"
        case duplicateOption = "duplicate-option"
        case missingArgument = "missing-argument"
        case tooManyArguments = "too-many-arguments"
        case expectedCommand = "expected-command"
        case reservedName = "reserved-name"
        case undefinedVariable = "undefined-variable"

        case assertionFailed = "assertion-failed"
        case typeMismatch = "type-mismatch"
        case noSuchField = "no-such-field"
        case integerOverflow = "integer-overflow"
        case valueTooLarge = "value.too-large"
        case indexOutOfRange = "index-out-of-range"
        case invalidExitCode = "invalid-exit-code"
        case sourceLoop = "source-loop"
        case sourceUnreadable = "source-unreadable"
        case commandFailed = "command-failed"
        case partialFailure = "partial-failure"
        case cancelled = "cancelled"
        case internalError = "internal-error"

        case grafanaBadRequest = "grafana.bad-request"
        case grafanaUnauthorized = "grafana.unauthorized"
        case grafanaForbidden = "grafana.forbidden"
        case grafanaNotFound = "grafana.not-found"
        case grafanaConflict = "grafana.conflict"
        case grafanaUnsupportedVersion = "grafana.unsupported-version"
        case grafanaPreconditionFailed = "grafana.precondition-failed"
        case grafanaTooLarge = "grafana.too-large"
        case grafanaRateLimited = "grafana.rate-limited"
        case grafanaServerError = "grafana.server-error"
        case grafanaHTTPError = "grafana.http-error"
        case grafanaInvalidResponse = "grafana.invalid-response"
        case invalidRequest = "invalid-request"
        case notSent = "dry-run.not-sent"
        case roleMismatch = "key.role-mismatch"

        case connectionRefused = "connection.refused"
        case hostNotFound = "connection.host-not-found"
        case tls = "connection.tls"
        case connectionFailed = "connection.failed"
        case timeout = "timeout"
        case configuration = "configuration"

        case usage = "usage"
        case unreadable = "io.unreadable"
        case writeFailed = "io.write-failed"

        var summary: String {
            switch self {
            case .unexpectedCharacter: "A character that cannot start anything here."
            case .unexpectedToken: "A token where the grammar does not allow it."
            case .expectedToken: "A piece the grammar needs is missing."
            case .unclosed: "A string, block, list, record or parenthesis is not closed."
            case .invalidEscape: "A backslash escape strings do not have."
            case .invalidName: "An option or variable name with characters names cannot have."
            case .duplicateKey: "A record literal names the same key twice."
            case .emptyExpression: "Empty parentheses or an empty ${}."
            case .tooDeep: "Brackets or interpolations nested too deeply."
            case .invalidEncoding: "The script is not valid UTF-8."
            case .literalOutOfRange: "A number literal beyond the integers' or floating point's range."
            case .numberOutOfRange: "Arithmetic beyond floating point's range, or on a number too large for it."
            case .sourceTooLarge: "A script or sourced file larger than 64 MiB."
            case .unknownCommand: "No command has this name."
            case .missingSubcommand: "A command group without one of its subcommands."
            case .unknownOption: "The command has no such option."
            case .invalidOptionValue: "An option lacks its value, or a flag was given one."
            case .duplicateOption: "An option that is not repeatable was given twice."
            case .missingArgument: "A required argument is missing."
            case .tooManyArguments: "More arguments than the command takes."
            case .expectedCommand: "A keyword or nothing where a command name belongs."
            case .reservedName: "A keyword, $_ or $error used as a name to bind."
            case .undefinedVariable: "A variable that nothing has bound (65 when the check finds it)."
            case .assertionFailed: "An assert whose condition was false."
            case .typeMismatch: "An operation on values of the wrong type."
            case .noSuchField: "A record has no field of that name."
            case .integerOverflow: "Integer arithmetic whose result does not fit in 64 bits."
            case .valueTooLarge: "A string or list that would grow past gfs's size bound."
            case .indexOutOfRange: "A list index outside the list."
            case .invalidExitCode: "exit with something other than 0 to 255."
            case .sourceLoop: "source nested too deeply (a file sourcing itself)."
            case .sourceUnreadable: "The file named by source cannot be read."
            case .commandFailed: "A command failed for a reason with no more specific code."
            case .partialFailure: "A command on several items failed for some of them."
            case .cancelled: "Interrupted (Control-C)."
            case .internalError: "A bug in gfs."
            case .grafanaBadRequest: "Grafana answered 400 or 422: it did not accept the request."
            case .grafanaUnauthorized: "Grafana answered 401: credentials missing, wrong or expired."
            case .grafanaForbidden: "Grafana answered 403: the user or token lacks the permission."
            case .grafanaNotFound: "Grafana answered 404: no such resource."
            case .grafanaConflict: "Grafana answered 409: it already exists or is in use."
            case .grafanaUnsupportedVersion: "Grafana answered 410: this Grafana version removed the route."
            case .grafanaPreconditionFailed: "Grafana answered 412: changed meanwhile, or the name or uid is taken."
            case .grafanaTooLarge: "Grafana answered 413: the request body is too large."
            case .grafanaRateLimited: "Grafana answered 429: too many requests."
            case .grafanaServerError: "Grafana answered 5xx: a server error."
            case .grafanaHTTPError: "Grafana answered another status outside 2xx."
            case .grafanaInvalidResponse: "An answer that is not what Grafana's API documents."
            case .invalidRequest: "What the command would send cannot be sent."
            case .notSent: "A dry run held back a write whose answer was needed."
            case .roleMismatch: "key create found its service account with another role."
            case .connectionRefused: "Nothing listens at the server's address."
            case .hostNotFound: "The server's host name does not resolve."
            case .tls: "The TLS handshake failed."
            case .connectionFailed: "The connection failed (reset, closed early)."
            case .timeout: "The server took longer than the timeout."
            case .configuration: "The connection settings or config file cannot work."
            case .usage: "The command line is wrong."
            case .unreadable: "A script, standard input or input file cannot be read."
            case .writeFailed: "Writing to standard output or a file failed."
            }
        }

        var exitStatus: ExitStatus {
            switch self {
            case .unexpectedCharacter, .unexpectedToken, .expectedToken, .unclosed, .invalidEscape,
                .invalidName, .duplicateKey, .emptyExpression, .tooDeep, .invalidEncoding, .literalOutOfRange,
                .sourceTooLarge,
                .unknownCommand, .missingSubcommand, .unknownOption, .invalidOptionValue,
                .duplicateOption, .missingArgument, .tooManyArguments, .expectedCommand, .reservedName:
                .invalidScript
            case .grafanaUnauthorized, .grafanaForbidden: .auth
            case .partialFailure: .partialFailure
            case .grafanaUnsupportedVersion: .unsupportedVersion
            case .cancelled: .cancelled
            case .configuration: .configuration
            case .usage: .usage
            case .unreadable: .noInput
            case .writeFailed: .ioError
            default: .failure
            }
        }
    }
}
