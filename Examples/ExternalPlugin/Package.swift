// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A startup's plugin package, written outside the LivingLab repository's modules: it depends
// on the SDK only, exactly as a firm's own repository would (with a URL instead of a path).
//
// SwiftPM names a path dependency after its folder, so the identity is computed from the path
// rather than assuming the checkout folder is called "LivingLab".
let livingLabPath = "../.."
let livingLabIdentity = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()
    .appendingPathComponent(livingLabPath)
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
        .package(path: livingLabPath)
    ],
    targets: [
        .target(
            name: "StampCard",
            dependencies: [.product(name: "LivingLabPluginKit", package: livingLabIdentity)],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
