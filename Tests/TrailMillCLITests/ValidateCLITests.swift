import Foundation
import Testing
import TrailMillTestSupport

/// `trailmill validate` end to end on the signed fixture chains (skipped when the vectors are absent).
@Suite struct ValidateCLITests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/reference/vectors/integrity").path
    static var haveVectors: Bool { FileManager.default.fileExists(atPath: vectors + "/objects/ct-clean") }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func aCleanChainWithItsSignaturesValidates() throws {
        let summary = try TemporaryDirectory("validate")
        defer { summary.remove() }
        let result = try CLIRunner.run([
            "validate", "--source", Self.vectors + "/objects/ct-clean", "--public-keys", Self.vectors + "/public_keys.json",
            "--signatures", Self.vectors + "/manifest.json", "--summary-json", summary.path + "/s.json",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("7/7 digest files valid"))
        #expect(result.stdout.contains("12/12 log files valid"))
        #expect(result.stderr.contains("No log files were delivered by CloudTrail between 2024-01-15T04:01:31Z and 2024-01-15T06:01:31Z"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: summary.url("s.json"))) as? [String: Any])
        #expect((json["digests"] as? [String: Int])?["valid"] == 7)
        #expect((json["logs"] as? [String: Int])?["invalid"] == 0)
    }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func withoutSignaturesTheNewestDigestsAreUnverifiedAndTheExitStatusSaysSo() throws {
        let result = try CLIRunner.run([
            "validate", "--source", Self.vectors + "/objects/ct-clean", "--public-keys", Self.vectors + "/public_keys.json",
        ])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("UNVERIFIED"))
    }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func aDigestSignedWithAnUnlistedKeyIsInvalid() throws {
        let result = try CLIRunner.run([
            "validate", "--source", Self.vectors + "/objects/ct-tamper", "--public-keys", Self.vectors + "/public_keys.json",
            "--signatures", Self.vectors + "/manifest.json",
        ])
        #expect(result.status == 1)
        #expect((result.stdout + result.stderr).contains("public key not found in region us-east-1 for fingerprint 854e46d422ce857f954e21cc5de6edea"))
    }
}
