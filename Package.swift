// swift-tools-version:6.2
import PackageDescription

// Swift 6 language mode everywhere, plus the upcoming features the model codebases
// (Hummingbird's Package.swift) turn on.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "gfs",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gfs", targets: ["gfs"]),
        .library(name: "GFSValue", targets: ["GFSValue"]),
        .library(name: "GFSLanguage", targets: ["GFSLanguage"]),
        .library(name: "GrafanaAPI", targets: ["GrafanaAPI"]),
        .library(name: "GrafanaSandbox", targets: ["GrafanaSandbox"]),
        .library(name: "GFSShell", targets: ["GFSShell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Named explicitly (they already come with async-http-client) because GrafanaAPI
        // classifies their connection and TLS errors and configures TLS trust roots.
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        // Named explicitly (they already come with Hummingbird) because the sandbox builds
        // its responses from their types.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Named explicitly (it already comes with Hummingbird) because the sandbox stops its
        // server through a graceful shutdown of the service group.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The one value tree keeps key order in an `OrderedDictionary`; the sandbox's
        // persistent hash tries make its copy-on-write state cheap to copy.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // MD5 and SHA-256 for the sandbox's stored hashes.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // The one value tree (`Value`, `Record`) and the one JSON syntax (reader, writer,
        // Codable encoder and decoder) shared by the language, the client and the sandbox.
        .target(
            name: "GFSValue",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),

        // glibc's allocator controls (`mallopt`, `malloc_trim`), which the Glibc module does
        // not declare, behind one Swift helper: the dashboard push (GFSCommands) and the
        // sandbox both use it, and the only module they share, GFSValue, is about JSON.
        .target(name: "CMalloc"),
        .target(name: "GFSAllocator", dependencies: ["CMalloc"], swiftSettings: swiftSettings),

        // The language: lexer, parser, AST, diagnostics, evaluator; re-exports `GFSValue`.
        // Knows nothing of HTTP; reaches the world only through `CommandHost`.
        .target(name: "GFSLanguage", dependencies: ["GFSValue"], swiftSettings: swiftSettings),

        // A typed client for the Grafana HTTP API.
        .target(
            name: "GrafanaAPI",
            dependencies: [
                "GFSValue",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // An in-memory, Grafana-compatible server for rehearsals and tests.
        .target(
            name: "GrafanaSandbox",
            dependencies: [
                "GFSValue",
                "GFSAllocator",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // `HTTPParserError`, to answer a head over the parser's limit with JSON.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // The gfs commands: a `CommandHost` backed by `GrafanaAPI`.
        .target(
            name: "GFSCommands",
            dependencies: [
                "GFSLanguage",
                "GrafanaAPI",
                "GFSAllocator",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // libedit's native API (Debian `libedit-dev`), and fixed-argument C wrappers over its
        // variadic calls, which Swift cannot call (shared/notes/LIBEDIT.md).
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "CLibEditShim", dependencies: ["CLibEdit"]),

        // The interactive shell: line reading (libedit or plain), history, completion, prompt
        // and the read-evaluate loop. Knows nothing of HTTP: it evaluates through a protocol.
        .target(
            name: "GFSShell",
            dependencies: ["GFSLanguage", "CLibEdit", "CLibEditShim"],
            swiftSettings: swiftSettings
        ),

        // The Language Server Protocol server behind `gfs lsp`: diagnostics from the checker,
        // completion from the shell's completer, hover from the command help.
        .target(
            name: "GFSLanguageServer",
            dependencies: ["GFSLanguage", "GFSShell"],
            swiftSettings: swiftSettings
        ),

        // The thin executable.
        .executableTarget(
            name: "gfs",
            dependencies: [
                "GFSLanguage",
                "GFSCommands",
                "GFSShell",
                "GFSLanguageServer",
                "GrafanaSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            // The release binary carries the Swift runtime and Foundation inside it: loading
            // them as shared libraries was a third of the start-up of `gfs -c 'echo hi'`
            // (the dynamic loader resolving their symbols).
            // Foundation's static archives do not name the archives they need in turn.
            // Linked as a fixed-address executable (`-no-pie`): as a position-independent one,
            // the dynamic loader applied 136,367 relative relocations at every start (1.8M of
            // the 16.1M instructions of `gfs -c 'echo hi'`) and wrote to every page they touch.
            // `-static-stdlib` exports every symbol of the packages' objects (its
            // `static-stdlib-args.lnk` passes `-export-dynamic`): 43,453 of them, which the
            // runtime's start-up searched one by one (`dladdr`, to find the binary's own path)
            // for another 1.5M instructions. gfs runs scripts, `--sandbox`, pushes and failures
            // the same without them.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-lCoreFoundation", "-l_FoundationCShims", "-lFoundationEssentials",
                        "-lFoundationInternationalization", "-l_FoundationICU", "-l_FoundationCollections",
                        "-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic",
                    ],
                    .when(platforms: [.linux], configuration: .release)
                )
            ]
        ),

        // Helpers shared by the test targets: recording host, golden files, script runner.
        .target(name: "GFSTestSupport", dependencies: ["GFSLanguage"], swiftSettings: swiftSettings),
        // A canned HTTP(S) server on a free port and test certificates made with openssl, for
        // the transport tests and the binary's TLS tests.
        .target(
            name: "HTTPTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "GFSAllocatorTests", dependencies: ["GFSAllocator"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GFSValueTests",
            dependencies: ["GFSValue", "GrafanaAPI"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GFSLanguageTests",
            dependencies: ["GFSLanguage", "GFSTestSupport"],
            // Golden files are read from the source tree (and re-recorded there), not bundled.
            exclude: ["Golden"],
            resources: [.copy("Scripts")],
            swiftSettings: swiftSettings
        ),
        // Runs the built `gfs` binary: exit codes, stdout and stderr.
        .testTarget(
            name: "GFSCLITests",
            dependencies: ["GFSLanguage", "GFSTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GrafanaSandboxTests",
            dependencies: [
                "GrafanaSandbox",
                "GFSValue",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // Grafana fixtures and the 11.4.0 spec subset, copied from shared/grafana so the
            // tests need nothing outside the clone.
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // The commands: context resolution, dashboard files, formatting, and the host against
        // an in-process sandbox on a real port.
        .testTarget(
            name: "GFSCommandsTests",
            dependencies: ["GFSCommands", "GFSLanguage", "GrafanaAPI", "GrafanaSandbox", "GFSTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        // The built `gfs` binary against a sandbox started in the test process.
        .testTarget(
            name: "GFSEndToEndTests",
            dependencies: [
                "gfs", "GrafanaAPI", "GrafanaSandbox", "HTTPTestSupport",
                // To compare the command lines gfs reads itself with swift-argument-parser's parse.
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GFSShellTests",
            dependencies: ["GFSShell", "GFSLanguage", "GFSCommands", "GFSTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The language server in process, and the editor grammars against the lexer.
        .testTarget(
            name: "GFSLanguageServerTests",
            dependencies: ["GFSLanguageServer", "GFSLanguage", "GFSCommands"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GrafanaAPITests",
            dependencies: [
                "GrafanaAPI",
                "GFSValue",
                "GrafanaSandbox",
                // A canned HTTP(S) server for the live transport and TLS tests.
                "HTTPTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // To build the transport errors that the classifier maps.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ]
)
