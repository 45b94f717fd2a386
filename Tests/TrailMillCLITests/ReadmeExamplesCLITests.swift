import Foundation
import Testing
import TrailMillTestSupport

/// Every `trailmill` example in README.md's `sh` blocks runs against the sample archive and prints what the
/// README's `#>` lines say (`.ci/readme-examples`; the database examples need the test server's PGHOST).
@Suite struct ReadmeExamplesCLITests {
    static let jq = ["/usr/bin/jq", "/usr/local/bin/jq", "/bin/jq"].contains { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: ReadmeExamplesCLITests.jq, "jq is not installed (the README pipes into it)"))
    func everyReadmeExampleReturnsWhatTheReadmeSays() throws {
        let binary = try #require(CLIRunner.binary)
        let (status, text) = try CLIRunner.runTool(
            "/bin/bash", [RepositoryPaths.root + "/.ci/readme-examples"], environment: ["TRAILMILL_BIN": binary])
        #expect(status == 0, "\(text)")
        #expect(text.contains(", 0 failed"), "\(text)")
        if JobCLI.serverAvailable { #expect(text.contains(", 0 skipped"), "\(text)") }
    }
}
