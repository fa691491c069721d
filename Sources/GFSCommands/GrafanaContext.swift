public import Foundation
public import GrafanaAPI

/// Where gfs talks to and as whom: server URL, authentication, current org and TLS options.
///
/// The host owns one context and changes it with `connect` and `use`. It never prints the
/// password or token: `description`, `dump` and the `context` command show the auth kind
/// and the user or token name only.
public struct GrafanaContext: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// How requests authenticate.
    public enum Authentication: Sendable, Hashable {
        /// No `Authorization` header; only `/api/health` answers.
        case none
        /// Basic auth as a Grafana user.
        case basic(user: String, password: String)
        /// A service-account token or legacy API key. `name` and `orgID` are known when the
        /// token came from `key create`; a token from the environment has neither until asked.
        case token(String, name: String?, orgID: Int64?)

        /// `none`, `basic`, `token`.
        public var kind: String {
            switch self {
            case .none: "none"
            case .basic: "basic"
            case .token: "token"
            }
        }

        /// The secret, if any, so the host can keep it out of output.
        public var secret: String? {
            switch self {
            case .none: nil
            case .basic(_, let password): password
            case .token(let token, _, _): token
            }
        }

        var credentials: GrafanaClient.Credentials {
            switch self {
            case .none: .none
            case .basic(let user, let password): .basic(user: user, password: password)
            case .token(let token, _, _): .bearer(token)
            }
        }
    }

    /// The org later requests act in.
    public struct OrgSelection: Sendable, Hashable {
        public var id: Int64
        public var name: String?

        public init(id: Int64, name: String? = nil) {
            self.id = id
            self.name = name
        }
    }

    /// The server root.
    public var url: URL
    public var authentication: Authentication
    /// The org chosen with `use`, `GRAFANA_ORG_ID` or a config context; nil is the user's
    /// current org (basic auth) or the token's org.
    public var org: OrgSelection?
    public var tls: GrafanaClient.TLS
    /// The config file context this came from, if any.
    public var contextName: String?
    /// An org named (not numbered) in a config context; the host looks its id up before the
    /// first request.
    public var pendingOrgName: String?
    /// The deadline of each request, from the config context's `timeout:` (nil: the default).
    public var timeout: Duration?
    /// How often a failed read or idempotent write is retried, from the context's `retries:`.
    public var retries: Int?

    public init(
        url: URL = GrafanaClient.Configuration.defaultBaseURL,
        authentication: Authentication = .none,
        org: OrgSelection? = nil,
        tls: GrafanaClient.TLS = GrafanaClient.TLS(),
        contextName: String? = nil
    ) {
        self.url = url
        self.authentication = authentication
        self.org = org
        self.tls = tls
        self.contextName = contextName
    }

    /// The client configuration for this context. The org header goes out with basic auth
    /// only (the client's rule: a token carries its own org).
    public var clientConfiguration: GrafanaClient.Configuration {
        GrafanaClient.Configuration(
            baseURL: url,
            credentials: authentication.credentials,
            orgID: org?.id,
            timeouts: GrafanaClient.Timeouts(total: timeout ?? GrafanaClient.Timeouts.defaultTotal),
            retry: GrafanaClient.RetryPolicy(maxRetries: retries ?? GrafanaClient.RetryPolicy.defaultMaxRetries),
            tls: tls
        )
    }

    /// The secret to mask in output. A password equal to the login (the sandbox's and a fresh
    /// Grafana's admin/admin) is not masked: it is shown as the user anyway, and masking it
    /// would garble every message that names the user.
    public var maskableSecret: String? {
        if case .basic(let user, let password) = authentication, user == password { return nil }
        return authentication.secret
    }

    /// Whether TLS certificates go unchecked (`--insecure`), so the caller can warn.
    public var skipsTLSVerification: Bool { tls.insecure }

    /// The user for basic auth, or the token's name.
    public var principal: String? {
        switch authentication {
        case .none: nil
        case .basic(let user, _): user
        case .token(_, let name, _): name
        }
    }

    public var description: String {
        var text = "\(url.absoluteString) (\(authentication.kind)"
        if let principal { text += " \(principal)" }
        text += ")"
        if let org { text += " org \(org.id)" }
        return text
    }

    /// Keeps `dump` from printing the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["context": description])
    }
}
