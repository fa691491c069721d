public import Hummingbird

/// Builds the sandbox's router: middleware in Grafana's order (errors rendered outermost,
/// default headers, the URL, header and body limits, optional delays and faults, authentication) and one
/// controller per API area.
///
/// Tests drive the router in process (`HummingbirdTesting` `.router`); ``SandboxServer``
/// serves it on a port.
public func buildRouter(configuration: SandboxConfiguration) throws -> Router<SandboxRequestContext> {
    buildRouter(store: try SandboxStore(configuration: configuration), configuration: configuration)
}

func buildRouter(store: SandboxStore, configuration: SandboxConfiguration) -> Router<SandboxRequestContext> {
    let router = Router(context: SandboxRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: DefaultHeadersMiddleware())
    router.add(middleware: RequestHeadLimitMiddleware(limit: configuration.maximumHeaderSize))
    router.add(middleware: BodyLimitMiddleware(limit: configuration.maximumBodySize))
    if !configuration.delays.isEmpty {
        router.add(middleware: DelayMiddleware(delays: configuration.delays, pause: configuration.pause))
    }
    if !configuration.faults.isEmpty {
        router.add(middleware: FaultMiddleware(faults: FaultSchedule(configuration.faults), pause: configuration.pause))
    }
    router.add(middleware: AuthMiddleware(store: store, version: configuration.grafanaVersion))

    let environment = SandboxEnvironment(store: store, configuration: configuration)
    for controller in sandboxControllers {
        controller.init(environment: environment).addRoutes(to: router)
    }
    return router
}

/// Every controller, one per API area (`Controllers/`).
var sandboxControllers: [any SandboxController.Type] {
    [
        HealthController.self,
        UserController.self,
        OrgsController.self,
        OrgUsersController.self,
        APIKeysController.self,
        ServiceAccountsController.self,
        AdminUsersController.self,
        UsersController.self,
        FoldersController.self,
        DashboardsController.self,
        SearchController.self,
        DataSourcesController.self,
        PermissionsController.self,
        TeamsController.self,
        PreferencesController.self,
        AdminController.self,
        StarsController.self,
        LibraryElementsController.self,
        AnnotationsController.self,
        SnapshotsController.self,
        PlaylistsController.self,
    ]
}
