// swift-tools-version:6.0
// Folio: regenerates the course's assignment reports from scratch.
// Data flows one way, and the targets follow it:
//   FolioData → FolioNN → FolioExperiments → FolioChapters → FolioDocument
//   manifest + fragments + chapters' values → FolioTemplates → Document
//   Document → FolioHTML (page, KaTeX; Cairo to find what a figure draws) and FolioPDF (Cairo, Pango, FolioMath; qpdf)
// FolioDocument is the report's tree, the one walk of it both writers use and the
// one palette both colour with; FolioMath parses and typesets TeX math for the PDF
// (and checks a formula on its own). FolioCharts draws figures for the chapters and
// the document; FolioBuild runs a build over all of them, and the folio executable
// parses its command line.
import Foundation
import PackageDescription

// The numeric core is too slow without optimisation even in debug builds (tests
// train small models), so it is always compiled with -O.
let alwaysOptimised: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// Folio is built on the machine that runs it, so the engine is compiled for that
// machine's vector unit when it has AVX2 (LLVM's "haswell" level: AVX2, FMA, BMI1/2,
// LZCNT, MOVBE, F16C; every x86 server CPU since 2013-2017): 256-bit SIMD8 loops
// and unaligned memory operands halve the instructions of the hand-vectorised
// loops. Results do not change: Swift never fuses a multiply and an add unless
// asked to. FOLIO_PORTABLE=1 builds for baseline x86-64; the executable refuses to
// run an AVX2 build on a CPU without it rather than crash.
let hostHasAVX2: Bool = {
    #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["FOLIO_PORTABLE"] == "1" { return false }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "f16c"].allSatisfy(flags.contains)
    #else
    return false
    #endif
}()
// The engine reaches its buffers through class properties (`FloatStorage.pointer`,
// a layer's workspaces), and Swift checks every such access for exclusivity at run
// time: a runtime call in the innermost loops of the kernels that fetch a pointer
// per pixel or per tile. The engine's kernels work on raw pointers, which these
// checks never covered, so they are compiled without them.
let engineSettings: [SwiftSetting] = alwaysOptimised
    + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
    + (hostHasAVX2 ? [.unsafeFlags(["-target-cpu", "haswell"]), .define("FOLIO_AVX2")] : [])

let package = Package(
    name: "Folio",
    products: [.executable(name: "folio", targets: ["folio"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each behind a small shim header; only the module that needs one imports it.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // qpdf adds to Cairo's PDF what Cairo 1.16 cannot write (alternative text, page mode).
        // No pkgConfig: libqpdf.pc adds -pthread, which SwiftPM refuses; headers and library are in the default paths.
        .systemLibrary(name: "CQPDF", providers: [.apt(["libqpdf-dev"])]),
        .systemLibrary(name: "CPango", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark-gfm", providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // No library: a header of Clang vector built-ins that Swift's own functions do not reach.
        .systemLibrary(name: "CVectorMath"),

        // Atomic file writing, shared by every module that writes outputs.
        .target(name: "FolioSupport"),
        // Declarations read from Sources/ by name, for the code listed under each answer.
        .target(name: "FolioListings"),
        .target(name: "FolioData", dependencies: ["CZlib"], swiftSettings: alwaysOptimised),
        .target(name: "FolioNN", dependencies: ["FolioData", "COpenBLAS", "CVectorMath"], swiftSettings: engineSettings),
        .target(name: "FolioCharts", dependencies: ["CCairo", "CPango"]),
        // The report as a tree of blocks, its walk and its palette: no C library, no template engine.
        .target(name: "FolioDocument"),
        // Manifest + Markdown fragments + a chapter's values → document blocks (Mustache, cmark-gfm).
        .target(name: "FolioTemplates", dependencies: [
            // FolioMath: every formula is checked with the PDF's parser before training.
            "FolioDocument", "FolioMath", "CCmark", .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // TeX-subset math: a parser any tool can use to check a formula, and a typesetter on Pango.
        .target(name: "FolioMath", dependencies: ["CCairo", "CPango"]),
        .target(name: "FolioHTML", dependencies: ["FolioDocument", "FolioSupport", "CCairo"]),
        .target(name: "FolioPDF", dependencies: ["FolioDocument", "FolioMath", "CCairo", "CPango", "CQPDF"]),
        .target(name: "FolioExperiments", dependencies: ["FolioData", "FolioNN", "FolioSupport"], swiftSettings: alwaysOptimised),
        .target(name: "FolioChapters", dependencies: [
            "FolioData", "FolioNN", "FolioExperiments", "FolioCharts", "FolioDocument", "FolioSupport",
        ], swiftSettings: alwaysOptimised),
        // The build itself (manifests, chapters, outputs, results.json): the command-line
        // tool is a thin layer over it, and tests drive it directly.
        .target(name: "FolioBuild", dependencies: [
            "FolioData", "FolioNN", "FolioCharts", "FolioDocument", "FolioTemplates", "FolioHTML", "FolioPDF",
            "FolioExperiments", "FolioChapters", "FolioSupport", "FolioListings",
        ]),
        // `folio preview`: serves a build on loopback and re-renders it as templates change.
        .target(name: "FolioPreview", dependencies: [
            "FolioBuild", "FolioDocument", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("live.js")]),
        .executableTarget(name: "folio", dependencies: [
            "FolioBuild", "FolioPreview", "FolioData", "FolioNN", "FolioCharts", "FolioDocument", "FolioExperiments", "FolioChapters", "FolioSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: hostHasAVX2 ? [.define("FOLIO_AVX2")] : []),

        // What several test targets share: running programs, the folio binary, a
        // chapter context on a small subset.
        .target(name: "FolioTestSupport", dependencies: [
            "FolioSubprocess", "FolioData", "FolioNN", "FolioExperiments", "FolioChapters",
        ], path: "Tests/FolioTestSupport"),
        // Running another program with both pipes drained: for tests that need no more.
        .target(name: "FolioSubprocess", path: "Tests/FolioSubprocess"),
        .testTarget(name: "FolioDataTests", dependencies: ["FolioData"]),
        .testTarget(name: "FolioListingsTests", dependencies: ["FolioListings"]),
        .testTarget(name: "FolioNNTests", dependencies: ["FolioNN", "FolioData"], exclude: ["Fixtures"]),
        .testTarget(name: "FolioChartsTests", dependencies: ["FolioCharts", "FolioSubprocess"], resources: [.copy("References")]),
        // Report fixtures (a manifest and fragments in a temporary folder, a sample report)
        // shared by the template, HTML and PDF tests.
        .target(name: "FolioDocumentFixtures", dependencies: ["FolioDocument", "FolioTemplates"],
                path: "Tests/FolioDocumentFixtures"),
        .testTarget(name: "FolioDocumentTests", dependencies: ["FolioDocument"]),
        .testTarget(name: "FolioTemplatesTests", dependencies: ["FolioTemplates", "FolioDocument", "FolioDocumentFixtures"]),
        .testTarget(name: "FolioMathTests", dependencies: ["FolioMath", "CCairo"]),
        .testTarget(name: "FolioHTMLTests", dependencies: [
            "FolioHTML", "FolioDocument", "FolioDocumentFixtures", "FolioSubprocess", "FolioCharts", "CCairo",
        ]),
        .testTarget(name: "FolioPDFTests", dependencies: ["FolioPDF", "FolioMath", "FolioDocument", "FolioDocumentFixtures", "CCairo", "FolioSubprocess"]),
        // The assignments' networks and experiments, apart from the engine's own tests.
        .testTarget(name: "FolioExperimentsTests", dependencies: ["FolioExperiments", "FolioNN", "FolioData"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FolioChaptersTests", dependencies: ["FolioChapters", "FolioData", "FolioNN", "FolioExperiments", "FolioCharts"]),
        .testTarget(name: "FolioBuildTests", dependencies: [
            "FolioBuild", "FolioTestSupport", "FolioData", "FolioExperiments", "FolioChapters", "FolioDocument", "FolioTemplates",
            "FolioCharts",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "FolioReportTests", dependencies: [
            "FolioTestSupport", "FolioBuild", "FolioData", "FolioNN", "FolioExperiments", "FolioChapters", "FolioDocument",
        ]),
    ]
)
