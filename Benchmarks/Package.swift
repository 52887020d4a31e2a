// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency is identified by its folder's name, which depends on where LivingLab was cloned.
let livingLab = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

// Benchmarks live apart from the main package so they never slow its build or CI.
// Run them with `swift run -c release --package-path Benchmarks livinglab-benchmarks` (see BENCHMARKS.md).
let package = Package(
    name: "LivingLabBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "livinglab-benchmarks",
            dependencies: [
                .product(name: "LivingLabCore", package: livingLab),
                .product(name: "LivingLabStore", package: livingLab),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/LivingLabBenchmarks",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]
        ),
    ]
)
