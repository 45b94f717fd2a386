import Foundation

/// Paths inside this repository and beside it, found from this file's location (tests run from any directory).
public enum RepositoryPaths {
    /// The repository root (the folder holding Package.swift).
    public static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TrailMillTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent().path

    /// The bundled sample archive (the project's own fixture).
    public static var sampleArchive: String { root + "/Tests/Fixtures/sample-archive" }

    /// `../shared` (specs, samples and vectors), which may be absent on a clean checkout.
    public static var shared: String { URL(fileURLWithPath: root).deletingLastPathComponent().path + "/shared" }
}
