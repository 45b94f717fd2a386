import Foundation
import Testing
import TrailMillCompression
import TrailMillIntegrity
import TrailMillPipeline
import TrailMillTestSupport

/// `export --verify-digests` over the signed fixture chain in `../shared/reference/vectors/integrity`
/// (skipped when that folder is absent): bucket `ct-tamper`, digests D1…D7, two logs each, D1 signed with a key
/// that is not in `public_keys.json`.
@Suite struct DigestVerificationTests {
    static let vectors: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("shared/reference/vectors/integrity").path
    }()
    static var haveVectors: Bool { FileManager.default.fileExists(atPath: vectors + "/objects/ct-tamper") }

    /// A writable copy of the ct-tamper bucket.
    func bucket() throws -> TemporaryDirectory {
        let copy = try TemporaryDirectory("ct-tamper")
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: Self.vectors + "/objects/ct-tamper", toPath: copy.path)
        return copy
    }

    func verification(signatures: Bool = false, deliverUnverified: Bool = false) -> DigestVerification {
        var verification = DigestVerification()
        verification.publicKeyPaths = [Self.vectors + "/public_keys.json"]
        if signatures { verification.signaturesPath = Self.vectors + "/manifest.json" }
        verification.deliverUnverified = deliverUnverified
        return verification
    }

    func logs(_ summary: RunSummary, _ list: [RunSummary.FileReason]) -> [String] {
        list.filter { $0.file.contains("/CloudTrail/") }.map { String($0.file.split(separator: "_")[3]) }.sorted()
    }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func invalidDigestsKillTheirLogsAndTheUnsignedNewestHourIsHeld() throws {
        let root = try bucket()
        defer { root.remove() }
        let (summary, output) = try runExport(root) { $0.digestVerification = verification() }
        defer { output.remove() }
        // D1 (key not listed) condemns its two logs; D7 has no signature offline, so its two logs are held.
        #expect(logs(summary, summary.dead) == ["20240115T0011Z", "20240115T0031Z"])
        #expect(summary.dead.allSatisfy { $0.reason.contains("public key not found") })
        #expect(logs(summary, summary.skipped) == ["20240115T0611Z", "20240115T0631Z"])
        #expect(summary.skipped.contains { $0.reason.hasPrefix("held: not verified by a digest") })
        #expect(summary.files.done == 10 && summary.exitStatus == 1)
    }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func signaturesOrDeliverUnverifiedReleaseTheHeldFiles() throws {
        let root = try bucket()
        defer { root.remove() }
        for (signatures, deliver) in [(true, false), (false, true)] {
            let (summary, output) = try runExport(root) {
                $0.digestVerification = verification(signatures: signatures, deliverUnverified: deliver)
            }
            defer { output.remove() }
            #expect(summary.files.done == 12)
            #expect(logs(summary, summary.skipped).isEmpty)
            #expect(logs(summary, summary.dead).count == 2)
        }
    }

    @Test(.enabled(if: haveVectors, "the integrity vectors are absent"))
    func aTamperedLogIsDeadAndItsEventsAreNotDelivered() throws {
        let root = try bucket()
        defer { root.remove() }
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        let target = try #require(
            enumerator?.compactMap { $0 as? String }.first { $0.contains("/CloudTrail/") && $0.contains("T0411Z") })
        try Gzip.compress(Array(#"{"Records":[]}"#.utf8)).withUnsafeBytes { try Data($0).write(to: root.url(target)) }
        let (summary, output) = try runExport(root) { $0.digestVerification = verification(signatures: true) }
        defer { output.remove() }
        let dead = try #require(summary.dead.first { $0.file == target })
        #expect(dead.reason.contains("hash value doesn't match"))
        #expect(summary.files.done == 11)
    }
}
