import Foundation
import Testing
import TrailMillJobs

/// Helpers shared by the job tests.
enum JobTest {
    /// The repository root (three levels above this file).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The issue's example, verbatim.
    static let issueExample = """
        name: nightly-siem
        source:
          path: /data/cloudtrail          # archive root
        select:
          lookback: 3d                    # or from: 2026-01-01 / to: 2026-03-31 for a backfill
        sinks:
          - type: ndjson                  # ndjson | cef | leef | postgres
            path: /var/spool/siem/cloudtrail
            format: flat
        state: /var/lib/trailmill/nightly-siem.sqlite
        """

    /// Loads `yaml` as if read from `/etc/trailmill/nightly.yaml`.
    static func load(_ yaml: String, environment: [String: String] = [:]) throws(JobFileError) -> JobFile {
        try JobLoader(environment: environment, defaultJobs: 4, currentDirectory: "/").parse(
            yaml: yaml, path: "/etc/trailmill/nightly.yaml")
    }

    /// The error loading `yaml` throws (records an issue and returns nil when it loads).
    static func error(_ yaml: String, environment: [String: String] = [:]) -> JobFileError? {
        do {
            _ = try load(yaml, environment: environment)
            Issue.record("expected an error for:\n\(yaml)")
            return nil
        } catch {
            return error
        }
    }

    /// A minimal valid job with `extra` lines appended at the top level.
    static func minimal(_ extra: String = "") -> String {
        """
        name: t
        source:
          path: /data
        sinks:
          - type: ndjson
            path: /out
        \(extra)
        """
    }
}
