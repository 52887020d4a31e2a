// swift-tools-version: 6.2
import Foundation
import PackageDescription

// One settings loop for every target: Swift 6 mode, upcoming features,
// and warnings as errors when CI runs (CI=true), so a warning never lands unnoticed.
let strict = ProcessInfo.processInfo.environment["CI"] == "true"
var swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
if strict {
    swiftSettings.append(.treatAllWarnings(as: .error))
}

/// The first-party solution plugins: each one is a `.dynamic` library loaded with `dlopen`.
let firstPartyPlugins = ["ClickAndCollect", "AppointmentBooking", "LocalDelivery"]

// Products of the SDK package (SDK/), which the lab depends on by path.
let core = Target.Dependency.product(name: "LivingLabCore", package: "SDK")
let runtime = Target.Dependency.product(name: "LivingLabRuntime", package: "SDK")
let kit = Target.Dependency.product(name: "LivingLabPluginKit", package: "SDK")
let testing = Target.Dependency.product(name: "LivingLabPluginTesting", package: "SDK")

let package = Package(
    name: "LivingLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "livinglab", targets: ["livinglab"]),
        .executable(name: "livinglab-plugin-worker", targets: ["livinglab-plugin-worker"]),
        .library(name: "LivingLabStore", targets: ["LivingLabStore"]),
        .library(name: "LivingLabAnalysis", targets: ["LivingLabAnalysis"]),
        .library(name: "LivingLabTrials", targets: ["LivingLabTrials"]),
        .library(name: "LivingLabServer", targets: ["LivingLabServer"]),
    ] + firstPartyPlugins.map { .library(name: $0, type: .dynamic, targets: [$0]) },
    dependencies: [
        // The SDK: the domain, the plugin ABI, the Swift SDK, the runtime and the test kit (no database).
        .package(path: "SDK"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "LivingLabStore",
            dependencies: [
                core,
                .product(name: "GRDB", package: "GRDB.swift"),
                // The outcome path binds its prepared INSERT directly (see SQLiteLabStore+Outcomes.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LivingLabAnalysis"),
        // The lab's use cases, which the CLI and the HTTP API call.
        .target(
            name: "LivingLabTrials",
            dependencies: [
                core, runtime, "LivingLabStore", "LivingLabAnalysis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The portal's pages: HTML and the words of each language (one catalogue file per language), no HTTP.
        .target(
            name: "LivingLabWeb",
            dependencies: [core, "LivingLabStore", "LivingLabTrials"],
            resources: [.copy("Resources")]
        ),
        // The HTTP adapter only: routes, roles and problem documents over the use cases of LivingLabTrials.
        .target(
            name: "LivingLabServer",
            dependencies: [
                core, "LivingLabStore", "LivingLabTrials", "LivingLabWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "livinglab",
            dependencies: [
                core, runtime, "LivingLabStore", "LivingLabAnalysis", "LivingLabTrials", "LivingLabWeb", "LivingLabServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "livinglab-plugin-worker", dependencies: [runtime]),
        .target(
            name: "LabTestSupport",
            dependencies: [core, runtime, testing, "LivingLabStore", "LivingLabTrials", "LivingLabAnalysis",
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/LabTestSupport"
        ),
        .testTarget(name: "LivingLabStoreTests", dependencies: ["LivingLabStore", "LivingLabTrials", core, "LabTestSupport"]),
        .testTarget(name: "LivingLabAnalysisTests", dependencies: ["LivingLabAnalysis"]),
        .testTarget(
            name: "LivingLabRuntimeTests",
            dependencies: [runtime, testing, core, kit, "LabTestSupport"]
        ),
        .testTarget(
            name: "LivingLabTrialsTests",
            dependencies: ["LivingLabTrials", "LivingLabStore", "LivingLabAnalysis", "LivingLabWeb", core, runtime, testing,
                           "LabTestSupport"]
        ),
        .testTarget(
            name: "FirstPartyPluginTests",
            dependencies: [testing, runtime, "LabTestSupport"]
        ),
        .testTarget(
            name: "LivingLabServerTests",
            dependencies: ["LivingLabServer", "LivingLabTrials", "LivingLabStore", "LivingLabWeb", core, "LabTestSupport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "LivingLabCLITests",
            dependencies: ["livinglab", "LivingLabStore", core, "LabTestSupport"]
        ),
    ] + [.target(name: "FirstPartyPluginSupport", dependencies: [kit], path: "Plugins/Support")]
        + firstPartyPlugins.map {
            .target(name: $0, dependencies: [kit, "FirstPartyPluginSupport"], path: "Plugins/\($0)")
        }
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
