import Foundation
import Testing
import TrailMillCompression
import TrailMillIntegrity
import TrailMillTestSupport

/// Chains built and signed in the tests (integrity.md §11), then tampered with.
@Suite("Built chains")
struct ChainTests {
    /// Hours 1–3, a 2-hour stop, hours 6–8: two segments; digest D(h) ends at (h+1):01:31.
    func twoSegments() throws -> ChainBuilder {
        var chain = try ChainBuilder()
        for hour in [1, 2, 3] { try chain.addDigest(hour: hour, logs: hour == 2 ? 0 : 2) }
        for hour in [6, 7, 8] { try chain.addDigest(hour: hour, restart: hour == 6) }
        return chain
    }

    /// Hours 1–6 in one segment, 2 logs each.
    func sixHours() throws -> ChainBuilder {
        var chain = try ChainBuilder()
        for hour in 1...6 { try chain.addDigest(hour: hour) }
        return chain
    }

    func key(_ chain: ChainBuilder, hour: Int) -> String { chain.digests.first { $0.document.digestStartTime == ChainBuilder.windowStart(hour).iso8601 }!.key }

    @Test("a clean chain with a stop/start gap and an empty digest: all valid, one gap, exit 0")
    func clean() throws {
        let chain = try twoSegments()
        defer { chain.directory.remove() }
        let report = try chain.validate()
        #expect(report.digests.count == 6)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.counts.validLogs == 10)
        #expect(report.gaps.map { "\($0.from) \($0.to)" } == ["2024-01-15T04:01:31Z 2024-01-15T06:01:31Z"])
        #expect(report.exitStatus() == 0)
        #expect(report.counts.uncoveredLogs == 0)
        let text = report.text()
        #expect(text.stdout.hasPrefix(
            "Validating log files for trail arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit_trail-1 between "
                + "the first digest and the last digest\n\n"))
        #expect(text.stderr == "\nNo log files were delivered by CloudTrail between 2024-01-15T04:01:31Z and 2024-01-15T06:01:31Z\n\n")
        #expect(text.stdout.contains("Results requested for the whole archive\nResults found for 2024-01-15T01:01:31Z to 2024-01-15T09:01:31Z:\n\n6/6 digest files valid\n10/10 log files valid\n"))
    }

    @Test("offline: the segment heads need the sidecar; with only the heads' signatures everything verifies")
    func offlineHeads() throws {
        let chain = try twoSegments()
        defer { chain.directory.remove() }
        let none = try chain.validate(sidecar: SignatureSidecar())
        let heads = [key(chain, hour: 3), key(chain, hour: 8)]
        for record in none.digests {
            if heads.contains(record.location.key) {
                guard case .unverified = record.status else {
                    Issue.record("\(record.location.key): \(record.status)")
                    continue
                }
            } else {
                #expect(record.status == .valid)
                #expect(record.signatureSource != .sidecar && record.signatureSource != .none)
            }
        }
        #expect(none.exitStatus() == 3)
        let headSidecar = chain.sidecar(chain.digests.filter { heads.contains($0.key) })
        let report = try chain.validate(sidecar: headSidecar)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.counts.signaturesFromSidecar == 2)
        #expect(report.counts.signaturesFromNextDigest == 4)
        #expect(report.exitStatus() == 0)
    }

    @Test("one byte changed in a log: hash value doesn't match, exit 1, listed in the summary failures")
    func changedByte() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let target = chain.digests[2]
        var content = target.logContents[1]
        content[content.count / 2] ^= 0x20
        try chain.directory.write(target.logKeys[1], bytes: try Gzip.compress(content))
        let report = try chain.validate()
        #expect(report.log(target.logKeys[1]) == [.invalid("hash value doesn't match")])
        #expect(report.counts.invalidLogs == 1)
        #expect(report.counts.validLogs == 11)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.exitStatus() == 1)
        #expect(IntegritySummary(report).failures == [.init(file: target.logKeys[1], reason: "hash value doesn't match")])
        #expect(report.logCoverage(relativePath: target.logKeys[1]) == .invalid(reason: "hash value doesn't match"))
        #expect(report.logCoverage(relativePath: target.logKeys[0]) == .valid)
    }

    @Test("a log deleted: not found")
    func deletedLog() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        try chain.remove(chain.digests[4].logKeys[0])
        let report = try chain.validate()
        #expect(report.log(chain.digests[4].logKeys[0]) == [.invalid("not found")])
        #expect(report.text().stderr.contains(
            "Log file\ts3://test-bucket/\(chain.digests[4].logKeys[0])\tINVALID: not found\n"))
        #expect(IntegritySummary(report).logs == .init(valid: 11, invalid: 1, unverified: 0))
    }

    @Test("a digest deleted: not found, the walk goes on; offline its predecessor can no longer be verified")
    func deletedDigest() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let d4 = chain.digests[3].key
        try chain.remove(d4)
        let report = try chain.validate()
        #expect(report.digest(d4) == .invalid("not found"))
        #expect(report.counts.validDigests == 5)
        #expect(report.counts.invalidDigests == 1)
        #expect(report.gaps.isEmpty)
        #expect(report.text().stderr.contains("Digest file\ts3://test-bucket/\(d4)\tINVALID: not found\n"))
        // D4's logs are listed nowhere now.
        #expect(report.logCoverage(relativePath: chain.digests[3].logKeys[0]) == .notListed(pending: false))
        #expect(report.counts.unlistedLogs == 2)

        let offline = try chain.validate(sidecar: SignatureSidecar())
        #expect(offline.digest(d4) == .invalid("not found"))
        guard case .unverified = offline.digest(chain.digests[2].key) else {
            Issue.record("D3 should be unverified without D4's previousDigestSignature")
            return
        }
        #expect(offline.digest(chain.digests[1].key) == .valid)
    }

    @Test("two consecutive digests deleted: both reported (aws-cli reports one); three: all three")
    func consecutiveDeleted() throws {
        for deleted in [[2, 3], [1, 2, 3]] {
            let chain = try sixHours()
            defer { chain.directory.remove() }
            for index in deleted { try chain.remove(chain.digests[index].key) }
            let report = try chain.validate()
            for index in deleted {
                #expect(report.digest(chain.digests[index].key) == .invalid("not found"), "D\(index + 1)")
            }
            #expect(report.counts.invalidDigests == deleted.count)
            #expect(report.counts.validDigests == 6 - deleted.count)
            let newest = try #require(report.digests.first { $0.location.key == chain.digests[deleted.last!].key })
            #expect(!newest.isInferred)
            #expect(newest.notes.contains { $0.hasPrefix("\(deleted.count) consecutive digests are missing") })
            let inferred = report.digests.filter(\.isInferred).map(\.location.key)
            #expect(inferred == deleted.dropLast().reversed().map { chain.digests[$0].key })
            // Output order: newest missing first.
            let stderr = report.text().stderr
            let positions = deleted.reversed().map { stderr.range(of: chain.digests[$0].key)!.lowerBound }
            #expect(positions == positions.sorted())
        }
    }

    @Test("a digest edited and re-signed with another key: unknown key, bad signature, or (key listed) a broken link")
    func resigned() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let original = chain.digests[2]
        var edited = original.document
        edited.logFiles.removeLast()

        // Signed with the attacker's key, naming it: not a listed key.
        edited.digestPublicKeyFingerprint = TestKeys.fingerprint(TestKeys.attacker)
        let own = try chain.write(edited, key: original.key, signer: TestKeys.attacker)
        var sidecar = chain.sidecar()
        sidecar.set(.init(signature: own.signature), bucket: chain.bucket, key: original.key)
        var report = try chain.validate(sidecar: sidecar)
        #expect(
            report.digest(original.key)
                == .invalid("public key not found in region eu-west-1 for fingerprint \(TestKeys.fingerprint(TestKeys.attacker))"))

        // The attacker's key listed by mistake: the signature verifies, but D4 (valid) signed over another
        // signature for D3; the hash link (not a verdict: aws-cli does not check it) corroborates it in a note.
        report = try chain.validate(keys: TestKeys.set([TestKeys.aws, TestKeys.attacker]), sidecar: sidecar)
        #expect(
            report.digest(original.key)
                == .invalid("does not match the previousDigestSignature of the next digest s3://test-bucket/\(chain.digests[3].key)"))
        let record = try #require(report.digests.first { $0.location.key == original.key })
        #expect(record.notes.contains { $0.contains("previousDigestSignature") })
        #expect(record.notes.first?.hasPrefix("SHA-256 of this digest") == true)
        #expect(report.digest(chain.digests[3].key) == .valid)

        // Signed with the attacker's key but naming AWS's: signature verification failed (sidecar or offline).
        edited.digestPublicKeyFingerprint = TestKeys.fingerprint(TestKeys.aws)
        let forged = try chain.write(edited, key: original.key, signer: TestKeys.attacker)
        sidecar.set(.init(signature: forged.signature), bucket: chain.bucket, key: original.key)
        report = try chain.validate(sidecar: sidecar)
        #expect(report.digest(original.key) == .invalid("signature verification failed"))
        report = try chain.validate(sidecar: SignatureSidecar())
        #expect(report.digest(original.key) == .invalid("signature verification failed"))
        // The walk went on below it (aws-cli jumps to the next older key in the listing).
        #expect(report.digest(chain.digests[1].key) == .valid)
        #expect(report.digest(chain.digests[0].key) == .valid)
    }

    @Test("a wrong previousDigestHashValue is a NOTE on the digest that holds it; the intact previous digest stays valid")
    func wrongHashLink() throws {
        var chain = try ChainBuilder()
        for hour in 1...6 { try chain.addDigest(hour: hour, wrongHashLink: hour == 4) }
        defer { chain.directory.remove() }
        let previous = chain.digests[2]
        let holder = chain.digests[3]
        for sidecar in [chain.sidecar(), SignatureSidecar()] {
            let report = try chain.validate(sidecar: sidecar)
            #expect(report.digest(previous.key) == .valid)
            #expect(report.digest(holder.key) == .valid)
            #expect(report.counts.validDigests == 5 + (sidecar.count > 0 ? 1 : 0))
            #expect(report.exitStatus() == (sidecar.count > 0 ? 0 : 3))
            let previousRecord = try #require(report.digests.first { $0.location.key == previous.key })
            #expect(previousRecord.notes.isEmpty)
            let holderRecord = try #require(report.digests.first { $0.location.key == holder.key })
            let actual = DigestSignature.sha256Hex(previous.inflated)
            #expect(
                holderRecord.notes == [
                    "previousDigestHashValue \(holder.document.previousDigestHashValue!) is not the SHA-256 of the "
                        + "previous digest s3://test-bucket/\(previous.key) (\(actual)), which passed its own checks; "
                        + "aws-cli does not check this link"
                ])
            #expect(report.text().stderr.contains("Digest file\ts3://test-bucket/\(holder.key)\tNOTE: previousDigestHashValue "))
        }
    }

    @Test("a reordered chain (two digests swapped): both have been moved from their original location")
    func reordered() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let a = chain.digests[2].key
        let b = chain.digests[3].key
        let bytesA = try chain.directory.read(a)
        let bytesB = try chain.directory.read(b)
        try chain.directory.write(a, bytes: bytesB)
        try chain.directory.write(b, bytes: bytesA)
        let report = try chain.validate()
        #expect(report.digest(a) == .invalid("has been moved from its original location"))
        #expect(report.digest(b) == .invalid("has been moved from its original location"))
        #expect(report.counts.validDigests == 4)
    }

    @Test("a digest with a second gzip member is invalid format (aws-cli ignores the extra member)")
    func digestTrailingMember() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let target = chain.digests[4].key
        try chain.directory.write(target, bytes: try chain.directory.read(target) + Gzip.compress(Array("{}".utf8)))
        let report = try chain.validate()
        #expect(report.digest(target) == .invalid("invalid format"))
        #expect(report.digests.first { $0.location.key == target }!.notes.first!.contains("data after the first gzip member"))
        // Garbage JSON: invalid format too, and the walk continues.
        try chain.directory.write(target, bytes: try Gzip.compress(Array("{\"digestS3Bucket\":".utf8)))
        let garbage = try chain.validate()
        #expect(garbage.digest(target) == .invalid("invalid format"))
        #expect(garbage.digest(chain.digests[0].key) == .valid)
    }

    @Test("a sidecar entry without metadata means 'no signature': signature verification failed")
    func strippedMetadata() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        var sidecar = chain.sidecar()
        sidecar.set(.init(signature: nil, signatureAlgorithm: nil), bucket: chain.bucket, key: chain.digests[1].key)
        sidecar.set(.init(signature: chain.digests[0].signature), bucket: chain.bucket, key: chain.digests[2].key)
        let report = try chain.validate(sidecar: sidecar)
        #expect(report.digest(chain.digests[1].key) == .invalid("signature verification failed"))
        #expect(report.digest(chain.digests[2].key) == .invalid("signature verification failed"))
        #expect(report.digest(chain.digests[0].key) == .valid)
    }

    @Test("backfill digests are a second chain: '(backfill)' lines and their own summary line")
    func backfill() throws {
        var chain = try ChainBuilder()
        for hour in 1...3 { try chain.addDigest(hour: hour) }
        try chain.addDigest(hour: 1, logs: 1, backfill: true)
        try chain.addDigest(hour: 2, logs: 1, backfill: true)
        defer { chain.directory.remove() }
        let report = try chain.validate()
        #expect(report.counts.validDigests == 3)
        #expect(report.counts.validBackfillDigests == 2)
        #expect(report.counts.validLogs == 8)
        #expect(report.exitStatus() == 0)
        let text = report.text()
        #expect(text.stdout.contains("(backfill) Digest file\ts3://test-bucket/\(chain.digests[4].key)\tvalid\n"))
        #expect(text.stdout.contains("\n3/3 digest files valid\n2/2 backfill digest files valid\n8/8 log files valid\n"))
        #expect(text.stdout.components(separatedBy: "Validating log files").count == 2)

        // A backfill digest deleted is reported with the prefix; the standard chain is untouched.
        try chain.remove(chain.digests[3].key)
        let broken = try chain.validate()
        #expect(broken.digest(chain.digests[3].key) == .invalid("not found"))
        #expect(broken.text().stderr.contains("(backfill) Digest file\ts3://test-bucket/\(chain.digests[3].key)\tINVALID: not found\n"))
        #expect(broken.counts.invalidBackfillDigests == 1)
        #expect(broken.counts.validDigests == 3)
    }

    @Test("organization trail layout, a key prefix and a source region other than the home region")
    func organization() throws {
        var chain = try ChainBuilder()
        chain.organization = "o-abcdefghij"
        chain.prefix = "org/logs"
        chain.homeRegion = "us-east-1"
        for hour in 1...3 { try chain.addDigest(hour: hour) }
        defer { chain.directory.remove() }
        #expect(chain.digests[0].key.hasPrefix("org/logs/AWSLogs/o-abcdefghij/111122223333/CloudTrail-Digest/eu-west-1/"))
        let report = try chain.validate()
        #expect(report.digests.count == 3)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.counts.validLogs == 6)
        #expect(report.digests[0].chain.organizationID == "o-abcdefghij")
        #expect(report.text().stdout.hasPrefix(
            "Validating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail/audit_trail-1 "
                + "(organization o-abcdefghij, member account 111122223333, digests from eu-west-1) between"))
        // Other accounts are left out by the selection.
        let none = try chain.validate(selection: IntegritySelection(accounts: ["999999999999"]))
        #expect(none.digests.isEmpty)
        #expect(none.text().stdout.contains("No digests found\n"))
    }

    @Test("log files no digest lists: one inside the covered hours (reported), one newer than the newest digest (pending)")
    func uncovered() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        let injected = chain.logKey(ChainBuilder.windowStart(3).adding(seconds: 1500), "INJECTEDxxxxxxxx")
        let pending = chain.logKey(ChainBuilder.windowStart(7).adding(seconds: 600), "PENDINGxxxxxxxxx")
        for key in [injected, pending] {
            try chain.directory.write(key, bytes: try Gzip.compress(Array(#"{"Records":[]}"#.utf8)))
        }
        let report = try chain.validate()
        #expect(report.logCoverage(relativePath: injected) == .notListed(pending: false))
        #expect(report.logCoverage(relativePath: pending) == .notListed(pending: true))
        #expect(report.logCoverage(relativePath: chain.digests[0].logKeys[0]) == .valid)
        #expect(report.counts.unlistedLogs == 1)
        #expect(report.counts.pendingLogs == 1)
        #expect(report.exitStatus() == 3)
        let quiet = report.text(verbose: false)
        #expect(quiet.stderr.contains("Log file\ts3://test-bucket/\(injected)\tUNVERIFIED: not listed in any digest\n"))
        #expect(!quiet.stderr.contains(pending))
        #expect(!quiet.stdout.contains(pending))
        #expect(report.text(verbose: true).stdout.contains(pending))
        #expect(quiet.stdout.contains("2 log files not covered by a checked digest (UNVERIFIED: 1 not listed in any digest, 1 newer than the newest digest)"))
        #expect(IntegritySummary(report).logs == .init(valid: 12, invalid: 0, unverified: 2))
    }

    @Test("a time range: digests ending in [start, end + 1 h] plus the one straddling start; the newest verified through its successor")
    func range() throws {
        var chain = try ChainBuilder()
        for hour in 0...9 { try chain.addDigest(hour: hour) }
        defer { chain.directory.remove() }
        let selection = IntegritySelection(
            start: UTCTime(iso8601: "2024-01-15T04:30:00Z"), end: UTCTime(iso8601: "2024-01-15T06:30:00Z"))
        let report = try chain.validate(sidecar: SignatureSidecar(), selection: selection)
        #expect(report.digests.map(\.location.key) == [7, 6, 5].map { chain.digests[$0 - 1].key })
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.foundStart == UTCTime(iso8601: "2024-01-15T05:01:31Z"))
        #expect(report.foundEnd == UTCTime(iso8601: "2024-01-15T06:30:00Z"))
        #expect(report.exitStatus() == 0)
        #expect(report.text().stdout.contains(
            "Results requested for 2024-01-15T04:30:00Z to 2024-01-15T06:30:00Z\nResults found for 2024-01-15T05:01:31Z to 2024-01-15T06:30:00Z:\n"))
    }

    @Test("no public keys: signatures unchecked, digests unverified (not invalid), hashes still checked")
    func noKeys() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        try chain.remove(chain.digests[0].logKeys[0])
        let report = try chain.validate(keys: PublicKeySet())
        #expect(report.counts.unverifiedDigests == 6)
        #expect(report.counts.invalidLogs == 1)
        #expect(report.counts.unverifiedLogs == 11)
        #expect(report.exitStatus() == 1)
    }

    @Test("a key used outside its validity window: valid, with a note")
    func keyWindow() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        var keys = PublicKeySet()
        try keys.add(
            pkcs1DER: TestKeys.der(TestKeys.aws), validFrom: UTCTime(iso8601: "2023-01-01T00:00:00Z"),
            validUntil: UTCTime(iso8601: "2023-02-01T00:00:00Z"))
        let report = try chain.validate(keys: keys)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.digests.allSatisfy { $0.notes.contains { $0.contains("is valid 2023-01-01T00:00:00Z to 2023-02-01T00:00:00Z") } })
        #expect(report.text().stderr.contains("\tNOTE: public key "))
    }

    @Test("--summary-json shape, written atomically")
    func summaryFile() throws {
        let chain = try sixHours()
        defer { chain.directory.remove() }
        try chain.remove(chain.digests[2].key)
        let report = try chain.validate()
        let path = chain.root + "/summary.json"
        try IntegritySummary(report).write(to: path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(Set(object.keys) == ["digests", "logs", "failures"])
        #expect(object["digests"] as? [String: Int] == ["valid": 5, "invalid": 1, "unverified": 0])
        #expect(object["logs"] as? [String: Int] == ["valid": 10, "invalid": 0, "unverified": 2])
        #expect(object["failures"] as? [[String: String]] == [["file": chain.digests[2].key, "reason": "not found"]])
    }
}
