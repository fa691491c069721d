public import Foundation

extension GrafanaClient {
    /// Where the server is and how to reach it: URL, credentials, org, timeouts, retries and TLS.
    ///
    /// A configuration is a plain value; derive variants with ``GrafanaClient/with(credentials:)``
    /// and ``GrafanaClient/with(orgID:)`` rather than building a new client from scratch.
    public struct Configuration: Sendable, Hashable {
        /// The server root, including any sub-path prefix (`https://host/grafana`).
        ///
        /// Requests go to `baseURL + "/api/..."`, so a Grafana served under a sub-path
        /// (`[server] root_url` with `serve_from_sub_path`) works by putting that path here.
        public var baseURL: URL
        /// How requests authenticate.
        public var credentials: Credentials
        /// The org to act in, sent as `X-Grafana-Org-Id` with basic auth only.
        ///
        /// A token is bound to one org (API-NOTES §1.3: `validateApiKey` answers 401
        /// `api-key.organization-mismatch` for another org), so with a bearer token the
        /// header is never sent and the token's own org applies.
        public var orgID: Int64?
        /// Connect, read and whole-exchange timeouts.
        public var timeouts: Timeouts
        /// Which failures are retried, how often and how long apart.
        public var retry: RetryPolicy
        /// Certificate verification settings for `https` URLs.
        public var tls: TLS
        /// The `User-Agent` header value.
        public var userAgent: String

        /// The default server, a local Grafana on its default port.
        public static let defaultBaseURL = URL(string: "http://localhost:3000")!

        /// Creates a configuration; every argument has the default a fresh install expects.
        public init(
            baseURL: URL = Configuration.defaultBaseURL,
            credentials: Credentials = .none,
            orgID: Int64? = nil,
            timeouts: Timeouts = Timeouts(),
            retry: RetryPolicy = RetryPolicy(),
            tls: TLS = TLS(),
            userAgent: String = "gfs"
        ) {
            self.baseURL = baseURL
            self.credentials = credentials
            self.orgID = orgID
            self.timeouts = timeouts
            self.retry = retry
            self.tls = tls
            self.userAgent = userAgent
        }

        /// The org header value, if this configuration sends one.
        var orgHeader: String? {
            guard let orgID, case .basic = credentials else { return nil }
            return String(orgID)
        }

        /// Parses a server URL as a user types it (`localhost:3000`, `https://g.example/grafana/`).
        ///
        /// A missing scheme means `http`. A user name or password inside the URL is refused,
        /// because it would end up in history and error messages; use credentials instead.
        public static func parseBaseURL(_ text: String) throws(GrafanaError) -> URL {
            var text = text.trimmingCharacters(in: .whitespaces)
            if !text.contains("://") { text = "http://" + text }
            while text.hasSuffix("/") { text.removeLast() }
            guard let components = URLComponents(string: text),
                let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                let host = components.host, !host.isEmpty
            else {
                throw .invalidConfiguration(
                    "Invalid server URL '\(redactingUserInfo(text))'",
                    hint: "Give a URL such as http://localhost:3000 or https://grafana.example.com/grafana."
                )
            }
            if components.user != nil || components.password != nil {
                throw .invalidConfiguration(
                    "Credentials in the server URL are not accepted",
                    hint: "Pass the user with --user and the password through --password-env or --password-file."
                )
            }
            if components.query != nil || components.fragment != nil {
                throw .invalidConfiguration("The server URL must not have a query or fragment")
            }
            guard let url = components.url else {
                throw .invalidConfiguration("Invalid server URL '\(text)'")
            }
            return url
        }
    }

    /// How requests authenticate.
    ///
    /// `description` never shows the password or token.
    public enum Credentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
        /// No `Authorization` header (only `/api/health` answers without one).
        case none
        /// HTTP basic auth as a Grafana user.
        case basic(user: String, password: String)
        /// A service-account token or legacy API key, sent as `Authorization: Bearer`.
        case bearer(String)

        /// The `Authorization` header value, if any.
        var authorizationHeader: String? {
            switch self {
            case .none:
                return nil
            case .basic(let user, let password):
                return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            case .bearer(let token):
                return "Bearer " + token
            }
        }

        /// A short, secret-free name of the auth kind: `none`, `basic (admin)`, `token`.
        public var description: String {
            switch self {
            case .none: "none"
            case .basic(let user, _): "basic (\(user))"
            case .bearer: "token"
            }
        }

        /// Keeps `dump` and debuggers from printing the secret.
        public var customMirror: Mirror {
            Mirror(self, children: ["kind": description])
        }
    }

    /// How long one exchange may take.
    public struct Timeouts: Sendable, Hashable {
        /// How long to wait for the TCP (and TLS) connection.
        public var connect: Duration
        /// How long to wait between bytes of a response.
        public var read: Duration
        /// The deadline of one whole exchange, from sending the request to the last byte of the
        /// body (`--timeout`). It bounds what the read timeout cannot: a server that sends a
        /// byte now and then would otherwise hold a request for as long as it likes. Each
        /// retry gets its own.
        public var total: Duration

        /// The deadline of an exchange when nothing else is configured.
        public static let defaultTotal: Duration = .seconds(60)

        /// Creates timeouts; the defaults suit a server on the same network.
        public init(connect: Duration = .seconds(10), read: Duration = .seconds(60), total: Duration = defaultTotal) {
            self.connect = connect
            self.read = read
            self.total = total
        }
    }

    /// Certificate verification for `https` servers.
    public struct TLS: Sendable, Hashable {
        /// A PEM file of CA certificates to trust instead of the system roots (`--cacert`).
        public var caCertificateFile: String?
        /// Skip certificate verification entirely (`--insecure`); the caller warns the user.
        public var insecure: Bool

        /// Creates TLS settings; by default certificates are verified against the system roots.
        public init(caCertificateFile: String? = nil, insecure: Bool = false) {
            self.caCertificateFile = caCertificateFile
            self.insecure = insecure
        }
    }
}

/// Replaces `user:password@` in a URL string with `***@`, for messages.
func redactingUserInfo(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://"),
        let at = url[schemeEnd.upperBound...].firstIndex(of: "@")
    else { return url }
    let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
    guard at < authorityEnd else { return url }
    return String(url[..<schemeEnd.upperBound]) + "***" + String(url[at...])
}
