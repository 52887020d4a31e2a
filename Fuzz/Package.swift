// swift-tools-version: 6.2
// Fuzz targets for the lab's readers of outside input, run with libFuzzer. Build and run them with `Fuzz/run`
// (it passes `-sanitize=fuzzer`); a plain `swift build` of this package is not meant to work.
import Foundation
import PackageDescription

// A path dependency is identified by its folder's name, which depends on where LivingLab was cloned.
let livingLab = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "LivingLabFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(path: "../SDK"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzCriteria", dependencies: [
            "FuzzDriver", .product(name: "LivingLabCore", package: "SDK"),
        ]),
        .executableTarget(name: "FuzzCSV", dependencies: [
            "FuzzDriver", .product(name: "LivingLabCore", package: "SDK"),
        ]),
        .executableTarget(name: "FuzzProtocolYAML", dependencies: [
            "FuzzDriver", .product(name: "LivingLabCore", package: "SDK"), .product(name: "LivingLabTrials", package: livingLab),
        ]),
        .executableTarget(name: "FuzzPluginRequest", dependencies: [
            "FuzzDriver", .product(name: "LivingLabPluginKit", package: "SDK"),
        ]),
    ]
)
