public import GFSLanguage
import GrafanaAPI

/// Names on the server that an argument can refer to, fetched with the host's current
/// connection: the data behind Tab completion of `use org NAME`, `dashboard pull UID` and
/// the like.
///
/// The shell's completer calls it with a short timeout and caches what arrives, and shows
/// nothing when it throws, so this type only fetches: it prints nothing and retries nothing.
/// It always acts as the host's current context, so after `use $org` the names come from the
/// new org.
public struct GrafanaLiveNames: Sendable {
    private let host: GrafanaShellHost

    /// Names as seen by `host`'s connection at the time of each call.
    public init(host: GrafanaShellHost) {
        self.host = host
    }

    /// The names of `kind` on the server; an empty list for kinds it does not know. For
    /// `.apiPath` each name is `METHOD PATH`, from the OpenAPI paths of the server's version.
    public func names(for kind: CompletionKind) async throws -> [String] {
        let client = host.client
        switch kind {
        case .orgName:
            return try await orgNames(client)
        case .userLogin:
            return try await client.orgUsers(orgID: host.context.org?.id).map(\.login).sorted()
        case .dashboardUID:
            return try await client.search(SearchQuery(type: .dashboard, limit: 5000)).map(\.uid).sorted()
        case .folder:
            // `--folder` takes a title or a uid (`folderUID(for:)` tries both).
            let folders = try await client.folders()
            return Array(Set(folders.map(\.title) + folders.map(\.uid))).sorted()
        case .datasourceName:
            return try await client.dataSources().map(\.name).sorted()
        case .teamName:
            return try await client.allTeams().map(\.name).sorted()
        case .serviceAccount:
            return try await client.searchServiceAccounts(perPage: 1000).serviceAccounts.map(\.name).sorted()
        case .keyName:
            return try await keyNames(client)
        case .apiPath:
            // The list of the server's release; a server that cannot be asked gets the newest.
            let version = (try? await host.serverVersion()) ?? nil
            return APIPathList.forServer(version).endpoints.flatMap { endpoint in
                endpoint.methods.map { "\($0) \(endpoint.path)" }
            }
        case .contextName:
            let resolver = ContextResolver(environment: host.options.environment, configPath: host.options.configPath)
            return (try resolver.loadConfig()?.contexts.keys.sorted()) ?? []
        default:
            return []
        }
    }

    /// Every org for a server admin (`GET /api/orgs`); the user's own orgs otherwise, since
    /// `/api/orgs` needs the server admin role (pkg/api/api.go, `reqGrafanaAdmin`).
    private func orgNames(_ client: GrafanaClient) async throws -> [String] {
        do {
            return try await client.orgs(perPage: 1000).map(\.name).sorted()
        } catch let error as GrafanaError where error.status == 403 || error.status == 401 {
            return try await client.currentUserOrgs().map(\.name).sorted()
        }
    }

    /// Service-account token names and legacy API key names, as `key list` shows them; a
    /// server without one of the two kinds still offers the other.
    private func keyNames(_ client: GrafanaClient) async throws -> [String] {
        var names: Set<String> = []
        var lastError: (any Error)?
        do {
            for account in try await client.searchServiceAccounts(perPage: 1000).serviceAccounts {
                names.formUnion(try await client.serviceAccountTokens(serviceAccountID: account.id).map(\.name))
            }
        } catch {
            lastError = error
        }
        do {
            names.formUnion(try await client.apiKeys().map(\.name))
        } catch {
            lastError = error
        }
        if names.isEmpty, let lastError { throw lastError }
        return names.sorted()
    }
}
