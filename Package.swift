// swift-tools-version: 6.2
import Foundation
import PackageDescription

// One settings loop for every target (see STYLE.md §4): Swift 6 mode, upcoming features,
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

let package = Package(
    name: "LivingLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "livinglab", targets: ["livinglab"]),
        .executable(name: "livinglab-plugin-worker", targets: ["livinglab-plugin-worker"]),
        .library(name: "LivingLabPluginABI", targets: ["LivingLabPluginABI"]),
        .library(name: "LivingLabPluginKit", targets: ["LivingLabPluginKit"]),
        .library(name: "LivingLabPluginTesting", targets: ["LivingLabPluginTesting"]),
        .library(name: "LivingLabCore", targets: ["LivingLabCore"]),
        .library(name: "LivingLabStore", targets: ["LivingLabStore"]),
        .library(name: "LivingLabAnalysis", targets: ["LivingLabAnalysis"]),
        .library(name: "LivingLabRuntime", targets: ["LivingLabRuntime"]),
        .library(name: "LivingLabServer", targets: ["LivingLabServer"]),
    ] + firstPartyPlugins.map { .library(name: $0, type: .dynamic, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The C boundary between host and plugins: one header, nothing else.
        .target(name: "LivingLabPluginABI"),
        .target(name: "LivingLabPluginKit", dependencies: ["LivingLabPluginABI"]),
        .target(
            name: "LivingLabPluginTesting",
            dependencies: ["LivingLabRuntime", "LivingLabCore"]
        ),
        .target(name: "LivingLabCore"),
        .target(
            name: "LivingLabStore",
            dependencies: [
                "LivingLabCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The outcome path binds its prepared INSERT directly (see LabStore+Outcomes.swift).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LivingLabAnalysis"),
        .target(
            name: "LivingLabRuntime",
            dependencies: [
                "LivingLabCore",
                "LivingLabStore",
                "LivingLabPluginABI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "LivingLabServer",
            dependencies: ["LivingLabCore", "LivingLabStore", "LivingLabRuntime", "LivingLabAnalysis"]
        ),
        .executableTarget(
            name: "livinglab",
            dependencies: [
                "LivingLabCore",
                "LivingLabStore",
                "LivingLabAnalysis",
                "LivingLabRuntime",
                "LivingLabServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "livinglab-plugin-worker",
            dependencies: ["LivingLabRuntime", "LivingLabPluginABI"]
        ),
        .testTarget(name: "LivingLabCoreTests", dependencies: ["LivingLabCore"]),
        .testTarget(name: "LivingLabStoreTests", dependencies: ["LivingLabStore", "LivingLabCore"]),
        .testTarget(name: "LivingLabAnalysisTests", dependencies: ["LivingLabAnalysis"]),
        .testTarget(
            name: "LivingLabRuntimeTests",
            dependencies: ["LivingLabRuntime", "LivingLabPluginTesting", "LivingLabStore", "LivingLabCore", "LivingLabPluginKit"]
        ),
        .testTarget(
            name: "LivingLabServerTests",
            dependencies: ["LivingLabServer", "LivingLabStore", "LivingLabCore", "LivingLabAnalysis"]
        ),
        .testTarget(
            name: "FirstPartyPluginTests",
            dependencies: ["LivingLabPluginTesting", "LivingLabRuntime"]
        ),
        .testTarget(
            name: "LivingLabCLITests",
            dependencies: ["livinglab", "LivingLabStore", "LivingLabCore"]
        ),
    ] + [.target(name: "FirstPartyPluginSupport", dependencies: ["LivingLabPluginKit"], path: "Plugins/Support")]
        + firstPartyPlugins.map {
            .target(name: $0, dependencies: ["LivingLabPluginKit", "FirstPartyPluginSupport"], path: "Plugins/\($0)")
        }
)

for target in package.targets where target.type != .system && target.name != "LivingLabPluginABI" {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
