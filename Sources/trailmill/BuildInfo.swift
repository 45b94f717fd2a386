import Foundation
import TrailMillCompression
import TrailMillPostgres

/// What `trailmill --version` prints: version, commit, build date, Swift version, zlib and libpq versions.
enum BuildInfo {
    /// The release version.
    static let version = "0.9.0"

    /// The git commit, written by `.ci/stamp-build` before a release build; nil in a development checkout.
    static let commit: String? = nil

    /// The Swift compiler that built this binary.
    static var swiftVersion: String {
        #if compiler(>=6.4)
            "6.4 or later"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #elseif compiler(>=6.1)
            "6.1"
        #else
            "6.0"
        #endif
    }

    /// When the binary was linked: its modification time (UTC), read from `/proc/self/exe`.
    static var buildDate: String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: "/proc/self/exe"),
            let date = attributes[.modificationDate] as? Date
        else { return "unknown" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The `--version` text.
    static var text: String {
        """
        trailmill \(version)
        commit: \(commit ?? "unknown (development build; .ci/stamp-build records it)")
        built: \(buildDate)
        swift: \(swiftVersion)
        zlib: \(Gzip.zlibVersion)
        libpq: \(PostgresConnection.libraryVersion)
        """
    }
}
