// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "TrailMill",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "trailmill", targets: ["trailmill"]),
        .library(name: "TrailMillPipeline", targets: ["TrailMillPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256, MD5 key fingerprints and RSA PKCS#1 v1.5 signature checks for digest validation.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Job files (YAML, with line numbers for errors) and the embedded per-job state store (SQLite).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: C system libraries (the only places C headers are imported)
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // MARK: Library modules, one per concern
        /// Hex digits: the one encoder and decoder (no dependencies, so every module can use it).
        .target(name: "TrailMillHex"),
        /// The POSIX file layer: file descriptors, publication without replacing, directory fsync, flock.
        .target(name: "TrailMillPOSIX"),
        /// gzip inflate/deflate over zlib: the only zlib importer.
        .target(name: "TrailMillCompression", dependencies: ["CZlib", "TrailMillPOSIX"]),
        /// Finding trail files in an archive laid out like CloudTrail's S3 keys.
        .target(name: "TrailMillArchive"),
        /// Byte-level JSON scanning of `{"Records":[...]}` log files, record by record.
        .target(
            name: "TrailMillDecoding", dependencies: ["TrailMillCompression", "TrailMillHex"],
            // `RecordView` is a non-escapable view of the decoder's buffer (`@_lifetime` on its initializer).
            swiftSettings: [.enableExperimentalFeature("Lifetimes")]
        ),
        /// Flat schema v1: turning one scanned record into flat columns and encoding them.
        .target(name: "TrailMillNormalize", dependencies: ["TrailMillDecoding", "TrailMillArchive", "TrailMillHex"]),
        /// SIEM line formats: CEF and LEEF 2.0 encoders, the severity policy, syslog headers.
        .target(name: "TrailMillSIEM", dependencies: ["TrailMillNormalize", "TrailMillDecoding"]),
        /// OCSF 1.1.0 events (API Activity, Authentication, Account Change, Detection Finding), one JSON object per line.
        .target(name: "TrailMillOCSF", dependencies: ["TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive"]),
        /// Log file integrity: CloudTrail digest chains, hashes and RSA signatures.
        .target(
            name: "TrailMillIntegrity",
            dependencies: [
                "TrailMillArchive", "TrailMillCompression", "TrailMillHex", "TrailMillPOSIX",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        /// PostgreSQL through libpq: the only libpq importer (connections, commands, COPY).
        .target(name: "TrailMillPostgres", dependencies: ["CLibPQ"]),
        /// The PostgreSQL event store: migrations, COPY row encoding, idempotent batch loads, retention.
        .target(
            name: "TrailMillEventStore",
            dependencies: [
                "TrailMillPostgres", "TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive", "TrailMillHex",
            ]
        ),
        /// Cross-file duplicate detection on (eventID, recipientAccountId).
        .target(name: "TrailMillDedupe"),
        /// Output writers: rotated, atomically published NDJSON files.
        .target(name: "TrailMillSinks", dependencies: ["TrailMillCompression", "TrailMillPOSIX"]),
        /// Event history over the PostgreSQL store: filters → parameterized SQL, keyset pages, output renderers.
        .target(
            name: "TrailMillHistory",
            dependencies: ["TrailMillPostgres", "TrailMillNormalize", "TrailMillDecoding", "TrailMillHex"]
        ),
        /// Synthetic archives in the real layout, for demos, tests and benchmarks.
        .target(name: "TrailMillSynth", dependencies: ["TrailMillCompression", "TrailMillArchive", "TrailMillHex"]),
        /// The export job: discovery → decode → normalize → filter → dedupe → sink, with the run report.
        .target(
            name: "TrailMillPipeline",
            dependencies: [
                "TrailMillArchive", "TrailMillDecoding", "TrailMillNormalize", "TrailMillDedupe", "TrailMillSinks",
                "TrailMillSIEM", "TrailMillOCSF", "TrailMillIntegrity", "TrailMillEventStore", "TrailMillPostgres",
                "TrailMillHex", "TrailMillPOSIX",
                .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// Declarative jobs: job files, per-object state, run locks.
        .target(
            name: "TrailMillJobs",
            dependencies: [
                "TrailMillPipeline", "TrailMillArchive", "TrailMillSIEM", "TrailMillNormalize", "TrailMillDedupe",
                "TrailMillSinks", "TrailMillIntegrity", "TrailMillHex", "TrailMillPOSIX", "TrailMillPostgres",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Executables
        .executableTarget(
            name: "trailmill",
            dependencies: [
                "TrailMillPipeline", "TrailMillSynth", "TrailMillSIEM", "TrailMillIntegrity", "TrailMillEventStore",
                "TrailMillPostgres", "TrailMillJobs", "TrailMillHistory", "TrailMillPOSIX", "TrailMillArchive",
                "TrailMillDecoding", "TrailMillNormalize",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// Prints throughput and memory figures; run with `swift run -c release trailmill-bench`.
        .executableTarget(
            name: "trailmill-bench",
            dependencies: [
                "TrailMillPipeline", "TrailMillSynth", "TrailMillCompression", "TrailMillEventStore", "TrailMillPostgres",
                "TrailMillOCSF", "TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive", "TrailMillHistory",
            ],
            path: "Benchmarks/trailmill-bench"
        ),

        // MARK: Tests
        .target(
            name: "TrailMillTestSupport",
            dependencies: ["TrailMillCompression", "TrailMillArchive"],
            path: "Tests/TrailMillTestSupport"
        ),
        .testTarget(name: "TrailMillHexTests", dependencies: ["TrailMillHex"]),
        .testTarget(name: "TrailMillPOSIXTests", dependencies: ["TrailMillPOSIX", "TrailMillTestSupport"]),
        .testTarget(name: "TrailMillCompressionTests", dependencies: ["TrailMillCompression", "TrailMillTestSupport"]),
        .testTarget(name: "TrailMillArchiveTests", dependencies: ["TrailMillArchive", "TrailMillTestSupport"]),
        .testTarget(name: "TrailMillDecodingTests", dependencies: ["TrailMillDecoding", "TrailMillTestSupport"]),
        .testTarget(
            name: "TrailMillNormalizeTests",
            dependencies: ["TrailMillNormalize", "TrailMillDecoding", "TrailMillTestSupport"]
        ),
        .testTarget(name: "TrailMillDedupeTests", dependencies: ["TrailMillDedupe"]),
        .testTarget(name: "TrailMillPostgresTests", dependencies: ["TrailMillPostgres", "TrailMillTestSupport"]),
        .testTarget(
            name: "TrailMillIntegrityTests",
            dependencies: [
                "TrailMillIntegrity", "TrailMillArchive", "TrailMillCompression", "TrailMillTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "TrailMillSIEMTests",
            dependencies: [
                "TrailMillSIEM", "TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive", "TrailMillCompression",
                "TrailMillPipeline", "TrailMillSynth", "TrailMillTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailMillOCSFTests",
            dependencies: [
                "TrailMillOCSF", "TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive", "TrailMillCompression",
                "TrailMillTestSupport",
            ]
        ),
        .testTarget(name: "TrailMillSinksTests", dependencies: ["TrailMillSinks", "TrailMillTestSupport"]),
        .testTarget(name: "TrailMillSynthTests", dependencies: ["TrailMillSynth", "TrailMillDecoding", "TrailMillTestSupport"]),
        .testTarget(
            name: "TrailMillPipelineTests",
            dependencies: [
                "TrailMillPipeline", "TrailMillSynth", "TrailMillTestSupport", "TrailMillCompression", "TrailMillIntegrity",
                .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        /// Pure unit tests of the event store (no server).
        .testTarget(name: "TrailMillEventStoreTests", dependencies: ["TrailMillEventStore", "TrailMillTestSupport"]),
        /// Pure tests of the history query model and renderers (no server).
        .testTarget(name: "TrailMillHistoryTests", dependencies: ["TrailMillHistory"]),
        /// Everything that needs the real PostgreSQL server the test command starts (skipped without PGHOST).
        .testTarget(
            name: "TrailMillPostgresIntegrationTests",
            dependencies: [
                "TrailMillEventStore", "TrailMillPostgres", "TrailMillPipeline", "TrailMillSynth", "TrailMillTestSupport",
                "TrailMillNormalize", "TrailMillDecoding", "TrailMillArchive", "TrailMillHistory",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailMillJobsTests",
            dependencies: [
                "TrailMillJobs", "TrailMillPipeline", "TrailMillTestSupport", "TrailMillArchive", "TrailMillSIEM",
                "TrailMillIntegrity",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TrailMillCLITests", dependencies: ["TrailMillTestSupport", "TrailMillJobs", "TrailMillPostgres"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Strict settings for every Swift target, in one place.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),  // SE-0335
        .enableUpcomingFeature("MemberImportVisibility"),  // SE-0444
        .enableUpcomingFeature("InternalImportsByDefault"),  // SE-0409
        .enableUpcomingFeature("NonisolatedNonsendingByDefault"),  // SE-0461
        // The hot path crosses module boundaries (decode → normalize → encode); let the optimizer see through them.
        // Exclusivity is proven statically; the dynamic checks cost ~2.5% of an export (measured with perf).
        .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    ]
}
