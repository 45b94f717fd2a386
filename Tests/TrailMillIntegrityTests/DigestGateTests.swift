import Testing
import TrailMillArchive
import TrailMillCompression
import TrailMillIntegrity
import TrailMillTestSupport

/// `DigestGate`: the verdict for each event file when digests are verified before an export.
@Suite("Digest gate")
struct DigestGateTests {
    func files(_ chain: ChainBuilder) throws -> [String: TrailFile] {
        let found = try ArchiveDiscovery(root: chain.root, selection: ArchiveSelection()).discover()
        return Dictionary(uniqueKeysWithValues: found.eventFiles.map { ($0.relativePath, $0) })
    }

    @Test("valid: deliver; altered or listed only in an invalid digest: dead; unverified or not covered yet: held")
    func verdicts() throws {
        var chain = try ChainBuilder("gate")
        for hour in 1...4 { try chain.addDigest(hour: hour) }
        defer { chain.directory.remove() }
        try chain.directory.write(chain.digests[1].logKeys[0], bytes: try Gzip.compress(Array(#"{"Records":[]}"#.utf8)))
        let injected = chain.logKey(ChainBuilder.windowStart(2).adding(seconds: 1500), "INJECTEDxxxxxxxx")
        let pending = chain.logKey(ChainBuilder.windowStart(6).adding(seconds: 600), "PENDINGxxxxxxxxx")
        for key in [injected, pending] {
            try chain.directory.write(key, bytes: try Gzip.compress(Array(#"{"Records":[]}"#.utf8)))
        }
        // The oldest digest edited and signed with a key CloudTrail does not use: invalid, its logs unchecked.
        var forged = chain.digests[0].document
        forged.newestEventTime = "2024-01-15T01:59:59Z"
        _ = try chain.write(forged, key: chain.digests[0].key, signer: TestKeys.attacker)
        // Offline: the newest digest (hour 4) has no signature, so its logs are unverified.
        let report = try chain.validate(sidecar: SignatureSidecar())
        let gate = DigestGate(report: report, deliverUnverified: false)
        let byPath = try files(chain)
        func verdict(_ key: String) throws -> DigestGate.Verdict { gate.verdict(for: try #require(byPath[key])) }

        #expect(try verdict(chain.digests[2].logKeys[0]) == .deliver)
        #expect(
            try verdict(chain.digests[0].logKeys[0])
                == .dead(
                    reason: "digest validation: listed only in invalid digest s3://test-bucket/\(chain.digests[0].key): "
                        + "signature verification failed"))
        #expect(try verdict(chain.digests[1].logKeys[0]) == .dead(reason: "digest validation: hash value doesn't match"))
        #expect(
            try verdict(injected)
                == .dead(reason: "digest validation: not listed in any digest, although later digests exist"))
        guard case .skip(let held) = try verdict(chain.digests[3].logKeys[0]) else {
            Issue.record("the newest digest's log should be held")
            return
        }
        #expect(
            held
                == "held: not verified by a digest (listed in a digest whose signature could not be checked); "
                + "--deliver-unverified delivers it")
        #expect(
            try verdict(pending)
                == .skip(reason: "held: not verified by a digest (no digest covers it yet); --deliver-unverified delivers it"))

        let lenient = DigestGate(report: report, deliverUnverified: true)
        #expect(lenient.verdict(for: try #require(byPath[chain.digests[3].logKeys[0]])) == .deliver)
        #expect(lenient.verdict(for: try #require(byPath[pending])) == .deliver)
        #expect(lenient.verdict(for: try #require(byPath[injected])) != .deliver)
    }

    @Test("make: the digests condemn the logs of an invalid digest; keys and the sidecar are read from files")
    func make() throws {
        var chain = try ChainBuilder("gate-make")
        for hour in 1...3 { try chain.addDigest(hour: hour) }
        defer { chain.directory.remove() }
        try chain.directory.write("key.der", bytes: TestKeys.der(TestKeys.aws))
        var verification = DigestVerification()
        verification.publicKeyPaths = [chain.path("key.der")]
        let gate = try DigestGate.make(root: chain.root, selection: ArchiveSelection(), verification: verification)
        let byPath = try files(chain)
        #expect(gate.verdict(for: try #require(byPath[chain.digests[0].logKeys[1]])) == .deliver)
        #expect(gate.report.counts.validDigests == 2)
        #expect(gate.report.counts.unverifiedDigests == 1)
    }

    @Test("a missing key file or an unreadable archive: a DigestGateError naming the file")
    func errors() throws {
        var verification = DigestVerification()
        verification.publicKeyPaths = ["/nonexistent/keys.json"]
        do {
            _ = try DigestGate.make(root: "/nonexistent", selection: ArchiveSelection(), verification: verification)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableInput)
            #expect(error.path == "/nonexistent/keys.json")
            #expect(error.message == "cannot read digest verification input: /nonexistent/keys.json: does not exist")
        }
        do {
            _ = try DigestGate.make(
                root: "/nonexistent/archive", selection: ArchiveSelection(), verification: DigestVerification())
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unreadableArchive)
            #expect(error.path == "/nonexistent/archive")
            #expect(error.message.hasPrefix("cannot validate digests: "))
        }
    }
}
