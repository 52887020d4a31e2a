// swift-tools-version: 6.2
import Foundation
import PackageDescription

// The LivingLab SDK: what a startup builds its plugin against, and what the lab itself stands on, without the lab's
// database, HTTP or statistics stacks. It holds the domain (values and rules, no I/O), the C ABI, the Swift SDK, the
// runtime that loads and isolates plugins, and the test kit that runs a built plugin against an in-memory lab.
// The lab package (the folder above) depends on it by path; a firm depends on it alone (see docs/public-api.md).
let strict = ProcessInfo.processInfo.environment["CI"] == "true"
var swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
if strict {
    swiftSettings.append(.treatAllWarnings(as: .error))
}

let package = Package(
    name: "LivingLabSDK",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LivingLabPluginABI", targets: ["LivingLabPluginABI"]),
        .library(name: "LivingLabPluginKit", targets: ["LivingLabPluginKit"]),
        .library(name: "LivingLabPluginTesting", targets: ["LivingLabPluginTesting"]),
        .library(name: "LivingLabCore", targets: ["LivingLabCore"]),
        .library(name: "LivingLabRuntime", targets: ["LivingLabRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The C boundary between host and plugins: one header, nothing else.
        .target(name: "LivingLabPluginABI"),
        .target(name: "LivingLabPluginKit", dependencies: ["LivingLabPluginABI"]),
        .target(name: "LivingLabCore"),
        .target(
            name: "LivingLabRuntime",
            dependencies: [
                "LivingLabCore",
                "LivingLabPluginABI",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "LivingLabPluginTesting", dependencies: ["LivingLabRuntime", "LivingLabCore"]),
        .testTarget(name: "LivingLabCoreTests", dependencies: ["LivingLabCore"]),
        .testTarget(
            name: "LivingLabPluginKitTests",
            dependencies: ["LivingLabPluginKit", "LivingLabPluginTesting", "LivingLabRuntime"]
        ),
    ]
)

for target in package.targets where target.type != .system && target.name != "LivingLabPluginABI" {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
