// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency is identified by its folder's name, which depends on where LivingLab was cloned.
let livingLab = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

// Benchmarks live apart from the main package so they never slow its build or CI.
// Build and run them with `swift build -c release --package-path Benchmarks && Benchmarks/.build/release/livinglab-benchmarks`
// (see BENCHMARKS.md; `swift run` alone would not build the plugin library the suite loads).
let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "LivingLabBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "livinglab-benchmarks", targets: ["livinglab-benchmarks"]),
        .executable(name: "livinglab-http-benchmark", targets: ["livinglab-http-benchmark"]),
        // A plugin whose handler the suite also calls directly, to price the C boundary.
        .library(name: "BenchEcho", type: .dynamic, targets: ["BenchEcho"]),
    ],
    dependencies: [
        .package(path: ".."),
        .package(path: "../SDK"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "livinglab-benchmarks",
            dependencies: [
                "EchoHandler",
                .product(name: "LivingLabCore", package: "SDK"),
                .product(name: "LivingLabStore", package: livingLab),
                .product(name: "LivingLabRuntime", package: "SDK"),
                .product(name: "LivingLabPluginTesting", package: "SDK"),
                .product(name: "LivingLabAnalysis", package: livingLab),
                .product(name: "LivingLabTrials", package: livingLab),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/LivingLabBenchmarks",
            swiftSettings: settings
        ),
        // The HTTP API under wrk, next to a bare Hummingbird route and the store's direct ingestion.
        .executableTarget(
            name: "livinglab-http-benchmark",
            dependencies: [
                .product(name: "LivingLabCore", package: "SDK"),
                .product(name: "LivingLabStore", package: livingLab),
                .product(name: "LivingLabTrials", package: livingLab),
                .product(name: "LivingLabServer", package: livingLab),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings
        ),
        .target(name: "EchoHandler", dependencies: [.product(name: "LivingLabPluginKit", package: "SDK")], swiftSettings: settings),
        .target(name: "BenchEcho", dependencies: ["EchoHandler", .product(name: "LivingLabPluginKit", package: "SDK")],
                swiftSettings: settings),
    ]
)
