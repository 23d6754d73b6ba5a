// swift-tools-version:6.2
// 6.2 or later: SwiftPM then accepts the unsafe flags below in a package depended on by version.
import PackageDescription

// Kernels need vector and FMA instructions and no exclusivity checks in hot loops
// (DESIGN.md: both measured as large slow-downs). The CPU flag only applies on x86_64.
#if arch(x86_64)
    let cpuFlags: [String] = ["-target-cpu", "haswell"]
#else
    let cpuFlags: [String] = []
#endif
let fastSwift: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"] + cpuFlags)
]

// Data-parallel training over MPI is optional: `PERPLEX_MPI=1 swift build` links Open MPI
// (Debian: libopenmpi-dev) into Train through the CMPI system library and defines PERPLEX_MPI
// there; without the variable nothing below changes. Build it into its own scratch path
// (`--scratch-path .build-mpi`) so the two builds do not invalidate each other.
let mpi = ["1", "yes", "true"].contains(Context.environment["PERPLEX_MPI"]?.lowercased() ?? "")
let mpiTargets: [Target] =
    mpi
    ? [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])])
    ] : []

// Documentation: `PERPLEX_DOCS=1` adds the DocC plugin (`make docs`); without the variable nothing
// changes, so packages that depend on Perplex never inherit it.
let docs = ["1", "yes", "true"].contains(Context.environment["PERPLEX_DOCS"]?.lowercased() ?? "")
let docsDependencies: [Package.Dependency] =
    docs
    ? [
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0")
    ] : []

let package = Package(
    name: "Perplex",
    products: [
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Text", targets: ["Text"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Train", targets: ["Train"]),
        .library(name: "Plot", targets: ["Plot"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "Vectors", targets: ["Vectors"]),
        .executable(name: "perplex", targets: ["perplex"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Property tests of the text readers (tests only).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1")
    ] + docsDependencies,
    targets: mpiTargets + [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // bfloat16 products: AVX-512 BF16 functions chosen at run time, and their portable reference.
        .target(name: "CBF16"),
        .target(
            name: "Tensor",
            dependencies: ["CBF16", .target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            swiftSettings: fastSwift
        ),
        .target(
            name: "Formats",
            dependencies: ["Tensor"],
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
            dependencies: ["NN", "Text", "Formats"],
            swiftSettings: fastSwift
        ),
        .target(
            name: "Train",
            dependencies: ["Models", "Plot"] + (mpi ? ["CMPI"] : []),
            swiftSettings: fastSwift + (mpi ? [.define("PERPLEX_MPI")] : [])
        ),
        .target(
            name: "Plot",
            swiftSettings: fastSwift
        ),
        .target(
            name: "Analysis",
            dependencies: ["Tensor", "Text", "Models"],
            swiftSettings: fastSwift
        ),
        .target(name: "CPrefetch"),
        .target(
            name: "Vectors",
            dependencies: ["Text", "CPrefetch"],
            swiftSettings: fastSwift
        ),
        .executableTarget(
            name: "perplex",
            dependencies: [
                "Tensor",
                "NN",
                "Formats",
                "Text",
                "Models",
                "Train",
                "Plot",
                "Analysis",
                "Vectors",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ],
            swiftSettings: fastSwift
        ),
        // Helpers several test targets share (test targets cannot import each other).
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "PropertyBased", package: "swift-property-based")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "TensorTests",
            dependencies: ["Tensor"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "NNTests",
            dependencies: ["NN", "Formats"],
            exclude: ["Fixtures"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "TextTests",
            dependencies: ["Text", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "ModelsTests",
            dependencies: ["Models", "NN", "Tensor", "Text", "Formats"],
            exclude: ["Fixtures"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "TrainTests",
            dependencies: ["Train", "Plot", "Models", "Text", "Tensor", "Formats"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "ClassifyTests",
            dependencies: ["Models", "Train", "Text", "NN", "Tensor"],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "AnalysisTests",
            dependencies: ["Analysis", "Plot", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "VectorsTests",
            dependencies: ["Vectors", "Text", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: fastSwift
        ),
        .testTarget(
            name: "PerplexCLITests",
            dependencies: [
                "perplex", "Train", "Models", "Formats",
                "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based")
            ],
            swiftSettings: fastSwift
        )
    ],
    swiftLanguageModes: [.v5]
)
