// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A startup's plugin package, written outside the LivingLab repository's modules: it depends
// on the SDK package only (SDK/ of this repository), exactly as a firm's own repository would,
// with a URL instead of a path (`livinglab plugin new` writes that form).
//
// SwiftPM names a path dependency after its folder, so the identity is computed from the path.
let sdkPath = "../../SDK"
let sdkIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent(sdkPath)
    .standardizedFileURL
    .lastPathComponent
    .lowercased()

let package = Package(
    name: "StampCard",
    platforms: [.macOS(.v15)],
    products: [
        // The .so the lab loads: libStampCard.so.
        .library(name: "StampCard", type: .dynamic, targets: ["StampCard"])
    ],
    dependencies: [
        .package(path: sdkPath)
    ],
    targets: [
        .target(
            name: "StampCard",
            dependencies: [.product(name: "LivingLabPluginKit", package: sdkIdentity)],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
