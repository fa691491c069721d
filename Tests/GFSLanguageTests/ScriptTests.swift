import Foundation
import GFSTestSupport
import Testing

/// Every `.gfs` script in `Scripts/` (not in its subfolders, which hold files they
/// `source`), run with a recording host against its inline expectations.
@Suite struct ScriptTests {
    static let scriptsDirectory: URL = Bundle.module.resourceURL!.appendingPathComponent("Scripts")

    static let scriptFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scriptsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".gfs") }.sorted()
    }()

    @Test func thereAreAtLeastFortyScripts() {
        #expect(Self.scriptFiles.count >= 40)
    }

    @Test(arguments: scriptFiles)
    func script(_ name: String) async {
        await assertScript(at: Self.scriptsDirectory.appendingPathComponent(name).path)
    }
}
