import Foundation
import GFSTestSupport
import Testing

@testable import GFSLanguage

/// The back half under random input: whatever the parser accepts, the checker and the
/// interpreter must handle without crashing or hanging, every diagnostic must point inside
/// its text, and every command reached at run time must have been resolved by the checker.
@Suite struct EvaluatorFuzzTests {
    static let seeds: [String] = {
        let directory = Bundle.module.resourceURL!.appendingPathComponent("Scripts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".gfs") }.sorted().compactMap {
            try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
        }
    }()

    static let fragments = [
        "org create x", "use $org", "key create k admin", "dashboard push a.json --folder f", "help org", "try ",
        "let a = ", "$a", "$org.id", "$_", "$error.message", "[1, 2]", "{k: 1}", ".name", "[0]", "(org list)",
        "if $a { ", "} else { ", "}", "for i in [1, 2] { ", "assert ", "echo ", "exit 2", "source self.gfs",
        " and ", " or ", "not ", " == ", " < ", " + ", " - ", "\"${a}\"", "'raw'", "null", "true", "3", "2.5",
        "--overwrite", "--folder", "\n", "; ",
    ]

    @Test(.timeLimit(.minutes(1)), arguments: [11, 12, 13, 14] as [UInt64])
    func randomScriptsNeverCrashTheCheckerOrInterpreter(seed: UInt64) async {
        var random = FuzzRandom(seed: seed)
        var ran = 0
        for _ in 0..<400 {
            var scalars = Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].unicodeScalars)
            for _ in 0..<(1 + random.next() % 5) {
                let position = Int(random.next() % UInt64(scalars.count + 1))
                if random.next() % 3 == 0, position < scalars.count {
                    scalars.remove(at: position)
                } else {
                    let fragment = Self.fragments[Int(random.next() % UInt64(Self.fragments.count))]
                    scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
                }
            }
            let text = String(String.UnicodeScalarView(scalars))
            let host = RecordingHost(files: ["self.gfs": text])
            if random.next() % 4 == 0 { host.willFail(CommandFailure(message: "Refused"), for: "org create") }
            let interpreter = Interpreter(host: host)
            await interpreter.setParameters(arguments: ["p"], variables: [("env", "prod")])
            let outcome = await interpreter.run(SourceFile(name: "self.gfs", text: text))
            if outcome.status != .invalid { ran += 1 }
            for diagnostic in outcome.diagnostics {
                #expect(!diagnostic.message.hasPrefix("Internal error"), "\(text.debugDescription)")
                #expect(diagnostic.message != "Command was not checked", "\(text.debugDescription)")
                #expect(diagnostic.range.start <= diagnostic.range.end, "\(text.debugDescription)")
                let length = outcome.source(named: diagnostic.sourceName)?.text.utf8.count ?? 0
                #expect(diagnostic.range.end.offset <= length, "\(diagnostic.message): \(text.debugDescription)")
            }
        }
        // Most edits keep a script parseable and checkable, so the interpreter really ran.
        #expect(ran > 50)
    }
}

/// SplitMix64: deterministic, so a failing round can be replayed from its seed.
private struct FuzzRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
