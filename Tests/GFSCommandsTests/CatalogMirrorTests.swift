import GFSCommands
import GFSLanguage
import GFSTestSupport
import Testing

/// The language tests check scripts against `TestCommandTable`, a copy of the real catalog
/// kept apart so that the language tests need no Grafana client. This suite keeps the copy
/// honest: every command it declares exists in the real catalog with the same arguments,
/// options and implicit binding, so a script that passes the language tests also checks
/// against the commands users have.
@Suite struct CatalogMirrorTests {
    static let mirrored = TestCommandTable.table.commands.map { $0.path }

    @Test(arguments: mirrored)
    func mirrorsTheRealCommand(_ path: [String]) throws {
        let copy = try #require(TestCommandTable.table.command(path))
        let real = try #require(
            GFSCommandCatalog.table.command(path),
            "'\(path.joined(separator: " "))' is not a gfs command"
        )
        #expect(copy.arguments.map(\.name) == real.arguments.map(\.name))
        #expect(copy.arguments.map(\.isOptional) == real.arguments.map(\.isOptional))
        #expect(copy.arguments.map(\.isVariadic) == real.arguments.map(\.isVariadic))
        #expect(Set(copy.options.map(\.name)).isSubset(of: Set(real.options.map(\.name))))
        for option in copy.options {
            #expect(real.option(named: option.name)?.isFlag == option.isFlag, "--\(option.name)")
            #expect(real.option(named: option.name)?.isSecret == option.isSecret, "--\(option.name)")
        }
        #expect(copy.binds == real.binds)
    }
}
