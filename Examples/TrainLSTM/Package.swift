// swift-tools-version:6.2
// An app that uses Perplex as a library, by version. Perplex's targets carry unsafe compiler
// flags; SwiftPM accepts those in a dependency required by version from tools version 6.2 on.
import Foundation
import PackageDescription

// Where Perplex comes from: PERPLEX_PACKAGE_URL (scripts/example_check.sh points it at a tagged
// clone), else the repository this example lives in (it needs a version tag, 0.1.0 or later).
// A published copy is named the same way: .package(url: "https://…/perplex.git", from: "0.1.0").
let perplexURL = Context.environment["PERPLEX_PACKAGE_URL"]
    ?? "file://" + URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent().path
// SwiftPM names a dependency after the last component of its URL.
let perplex = URL(string: perplexURL)!.deletingPathExtension().lastPathComponent

let package = Package(
    name: "TrainLSTM",
    dependencies: [
        .package(url: perplexURL, from: "0.1.0"),
    ],
    targets: [
        .executableTarget(
            name: "TrainLSTM",
            dependencies: [
                .product(name: "Tensor", package: perplex),
                .product(name: "Text", package: perplex),
                .product(name: "Models", package: perplex),
                .product(name: "Train", package: perplex),
            ]
        ),
    ]
)
