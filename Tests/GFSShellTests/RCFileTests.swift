import Foundation
import GFSLanguage
import Testing

@testable import GFSShell

/// Where the rc file is looked for, and how a missing or unreadable one is treated.
struct RCFileTests {
    @Test func thePathFollowsXDGConfigHomeThenHome() {
        #expect(RCFile.path(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u"]) == "/cfg/gfs/rc")
        // The XDG spec ignores relative paths.
        #expect(RCFile.path(environment: ["XDG_CONFIG_HOME": "cfg", "HOME": "/home/u"]) == "/home/u/.config/gfs/rc")
        #expect(RCFile.path(environment: ["HOME": "/home/u"]) == "/home/u/.config/gfs/rc")
    }

    @Test func aMissingFileIsNoRCFile() throws {
        let directory = NSTemporaryDirectory() + "gfs-rc-" + UUID().uuidString
        #expect(try RCFile.load(environment: ["XDG_CONFIG_HOME": directory]) == nil)
    }

    @Test func anExistingFileLoadsAsASourceNamedByItsPath() throws {
        let directory = NSTemporaryDirectory() + "gfs-rc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/gfs", withIntermediateDirectories: true)
        try "let greeting = \"hi\"\n".write(toFile: directory + "/gfs/rc", atomically: true, encoding: .utf8)
        let source = try #require(try RCFile.load(environment: ["XDG_CONFIG_HOME": directory]))
        #expect(source.name == directory + "/gfs/rc")
        #expect(source.text == "let greeting = \"hi\"\n")
    }

    @Test func anUnreadableFileIsAnError() throws {
        // A directory in its place cannot be read, even by root (who reads any mode).
        let directory = NSTemporaryDirectory() + "gfs-rc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/gfs/rc", withIntermediateDirectories: true)
        #expect(throws: RCFileError.self) { try RCFile.load(environment: ["XDG_CONFIG_HOME": directory]) }
    }
}
