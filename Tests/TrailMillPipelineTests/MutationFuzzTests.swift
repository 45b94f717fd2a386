import Foundation
import Testing
import TrailMillCompression
import TrailMillPipeline
import TrailMillSynth
import TrailMillTestSupport

/// A bounded mutation fuzz of whole runs: a few hundred mutants of real-shaped log files (byte flips, cuts,
/// repeats and insertions, in the JSON text or in the gzip stream), with a fixed seed so every CI run checks the
/// same mutants. The run must not crash, must account for every file exactly once (done, skipped or dead), and
/// must write no event of a dead file.
@Suite struct MutationFuzzTests {
    static let mutants = 300

    /// Applies one to three mutations to `bytes`.
    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var result = bytes
        for _ in 0...random.below(3) where !result.isEmpty {
            let at = random.below(result.count)
            switch random.below(6) {
            case 0: result[at] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
            case 1: result.removeSubrange(at..<min(result.count, at + 1 + random.below(16)))
            case 2: result.insert(UInt8(truncatingIfNeeded: random.next()), at: at)
            case 3:
                let end = min(result.count, at + 1 + random.below(32))
                result.insert(contentsOf: result[at..<end], at: end)
            case 4: result = Array(result.prefix(at))
            default: result[at] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00][random.below(9)]
            }
        }
        return result
    }

    @Test func mutatedFilesNeverCrashAreAllAccountedForAndDeadFilesWriteNothing() throws {
        let archive = try ArchiveBuilder()
        defer { archive.root.remove() }
        var random = SplitMix64(seed: 0x5EED_0019)
        var idsOfFile: [String: Set<String>] = [:]
        for index in 0..<Self.mutants {
            var ids: Set<String> = []
            let records = (0..<(1 + random.below(4))).map { _ in
                let id = UUID().uuidString.lowercased()
                ids.insert(id)
                return ArchiveBuilder.record(
                    id: id, name: ["ConsoleLogin", "PutObject", "AssumeRole"][random.below(3)],
                    errorCode: random.below(4) == 0 ? "AccessDenied" : nil)
            }
            let text = Array(ArchiveBuilder.logText(records).utf8)
            let bytes: [UInt8]
            switch random.below(3) {
            case 0: bytes = try Gzip.compress(Self.mutate(text, &random))
            case 1: bytes = Self.mutate(try Gzip.compress(text), &random)
            default: bytes = Self.mutate(text, &random)
            }
            let key = ArchiveBuilder.logKey(
                account: "111122223333", region: "us-east-1", date: (2026, 1, 15), unique: String(format: "m%05d", index))
            try archive.writeBytes(key, bytes)
            idsOfFile[key] = ids
        }
        let (summary, output) = try runExport(archive.root)
        defer { output.remove() }
        // Every file accounted for once (an empty mutant is skipped at discovery, which also counts).
        #expect(summary.files.done + summary.files.skipped + summary.files.dead == Self.mutants, "\(summary.files)")
        let listed = Set(summary.dead.map(\.file)).union(summary.skipped.map(\.file))
        #expect(listed.count == summary.files.dead + summary.files.skipped)
        #expect(summary.isBalanced)
        #expect(summary.files.dead > 0 && summary.files.done > 0, "the mutations should hit both ways: \(summary.files)")
        // No event of a dead file in the output.
        let deadIDs = summary.dead.reduce(into: Set<String>()) { $0.formUnion(idsOfFile[$1.file] ?? []) }
        #expect(try OutputReader.lines(in: output.path).count == summary.events.written)
        let written = try OutputReader.objects(in: output.path).compactMap { $0["event_id"] as? String }
        #expect(Set(written).isDisjoint(with: deadIDs))
    }
}
