// swift-tools-version:6.0
import PackageDescription

// Kernels need vector and FMA instructions and no exclusivity checks in hot loops
// (DESIGN.md: both measured as large slow-downs). The CPU flag only applies on x86_64.
#if arch(x86_64)
let cpuFlags: [String] = ["-target-cpu", "haswell"]
#else
let cpuFlags: [String] = []
#endif
let fastSwift: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"] + cpuFlags),
]

let package = Package(
    name: "Perplex",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Text", targets: ["Text"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Train", targets: ["Train"]),
        .library(name: "Plot", targets: ["Plot"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .executable(name: "perplex", targets: ["perplex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "Tensor",
            dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: fastSwift
        ),
        .target(
            name: "NN",
            dependencies: ["Tensor"],
            swiftSettings: fastSwift
        ),
        .target(
            name: "Text",
            swiftSettings: fastSwift
        ),
        .target(
            name: "Models",
            dependencies: ["NN", "Text"],
            swiftSettings: fastSwift
        ),
        .target(
            name: "Train",
            dependencies: ["Models", "Plot"],
            swiftSettings: fastSwift
        ),
        .target(
            name: "Plot",
            swiftSettings: fastSwift
        ),
        .target(
            name: "Analysis",
            dependencies: ["Tensor", "Text", "Models", "Train"],
            swiftSettings: fastSwift
        ),
        .executableTarget(
            name: "perplex",
            dependencies: [
                "Tensor",
                "NN",
                "Text",
                "Models",
                "Train",
                "Plot",
                "Analysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "NNTests",
            dependencies: ["NN"],
            exclude: ["Fixtures"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "TextTests",
            dependencies: ["Text"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "ModelsTests",
            dependencies: ["Models", "NN", "Tensor", "Text"],
            exclude: ["Fixtures"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "TrainTests",
            dependencies: ["Train", "Models", "Text", "Tensor"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "ClassifyTests",
            dependencies: ["Models", "Train", "Text", "NN", "Tensor"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "AnalysisTests",
            dependencies: ["Analysis"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "PerplexCLITests",
            dependencies: ["perplex", "Train"],
            swiftSettings: fastSwift
        ),
    ],
    swiftLanguageModes: [.v5]
)
