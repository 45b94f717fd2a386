// Phase H: OCSF beside flat NDJSON, encoder against encoder on the same normalized records.

import Foundation
import TrailMillArchive
#if canImport(Glibc)
import Glibc
#endif
import TrailMillCompression
import TrailMillDecoding
import TrailMillNormalize
import TrailMillOCSF

/// Encodes the same records as flat NDJSON and as OCSF, one thread, from decompressed files held in memory (so no
/// file or gzip time is in the figures), and prints both rates. Target: OCSF costs at most 1.2× flat NDJSON.
///
/// Times are the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), so other work on a shared machine inflates them
/// less than wall time; the passes are interleaved round by round and the best of each is kept.
enum OCSFPhase {
    /// What one pass did.
    struct Pass {
        var seconds: Double
        var records: Int
        var bytesOut: Int
    }

    /// Runs the passes over the first files of `files` (in order) up to `maxBytes` of decompressed JSON.
    static func run(files: [TrailFile], maxBytes: Int = 256_000_000, rounds: Int = 3) {
        var loaded: [(file: TrailFile, bytes: [UInt8])] = []
        var total = 0
        for file in files where total < maxBytes {
            guard let compressed = try? Array(Data(contentsOf: URL(fileURLWithPath: file.absolutePath))),
                let plain = try? Gzip.decompress(compressed)
            else { continue }
            total += plain.count
            loaded.append((file, plain))
        }
        print("H  OCSF vs flat NDJSON, encoders only: \(loaded.count) files, \(Bench.mb(total)) MB JSON in memory, 1 thread, CPU time, best of \(rounds)")

        // Decode + normalize alone, then with each encoder; the encoder's cost is the difference.
        var best: [Encoder: Pass] = [:]
        for _ in 0..<max(rounds, 1) {
            for encoder in [Encoder.none, .flat, .ocsf, .ocsfBytesOnly] {
                let result = pass(loaded, encoder: encoder)
                if best[encoder].map({ result.seconds < $0.seconds }) ?? true { best[encoder] = result }
            }
        }
        let base = best[.none]!, flat = best[.flat]!, ocsf = best[.ocsf]!, ocsfBytes = best[.ocsfBytesOnly]!
        func rate(_ p: Pass) -> String { "\(Int(Double(p.records) / p.seconds)) events/s" }
        func encodeOnly(_ p: Pass) -> Double { max(p.seconds - base.seconds, 1e-9) }
        print("   decode + normalize:          \(Bench.fixed(base.seconds, 3)) s  \(rate(base))")
        print("   + flat NDJSON:               \(Bench.fixed(flat.seconds, 3)) s  \(rate(flat))  \(Bench.mb(flat.bytesOut)) MB out")
        print("   + OCSF (RecordView form):    \(Bench.fixed(ocsf.seconds, 3)) s  \(rate(ocsf))  \(Bench.mb(ocsf.bytesOut)) MB out")
        print("   + OCSF (bytes-only form):    \(Bench.fixed(ocsfBytes.seconds, 3)) s  \(rate(ocsfBytes))")
        let records = Double(base.records)
        print(
            "   encoder alone: flat \(Int(records / encodeOnly(flat))) events/s, OCSF \(Int(records / encodeOnly(ocsf))) events/s, "
                + "OCSF bytes-only \(Int(records / encodeOnly(ocsfBytes))) events/s")
        let endToEnd = ocsf.seconds / flat.seconds
        let encoders = encodeOnly(ocsf) / encodeOnly(flat)
        print(
            "   OCSF / flat: \(Bench.fixed(endToEnd, 2))× decode+normalize+encode, \(Bench.fixed(encoders, 2))× encoder alone "
                + "(target ≤ 1.2×: " + (endToEnd <= 1.2 ? "meets" : "misses") + " end to end, "
                + (encoders <= 1.2 ? "meets" : "misses") + " encoder alone)")
    }

    enum Encoder: Hashable { case none, flat, ocsf, ocsfBytesOnly }

    /// The calling thread's CPU time in seconds.
    static func threadSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func pass(_ files: [(file: TrailFile, bytes: [UInt8])], encoder: Encoder) -> Pass {
        var decoder: LogFileDecoder?
        let out = OutputBuffer(capacity: 4 << 20)
        let scratch = OCSFScratch()
        var records = 0
        var bytesOut = 0
        let started = threadSeconds()
        for (file, bytes) in files {
            guard let reader = try? DecompressingReader(bytes: bytes) else { continue }
            if let decoder { decoder.reset(reader: reader) } else { decoder = LogFileDecoder(reader: reader) }
            let context = FileContext(file: file)
            _ = try? decoder?.forEachRecord { record in
                let event = Normalizer.normalize(record, context: context)
                switch encoder {
                case .none: bytesOut &+= event.recordIndex
                case .flat: FlatEventEncoder.appendFlatLine(event, record: record, context: context, to: out)
                case .ocsf: OCSFEncoder.appendLine(event, record: record, context: context, scratch: scratch, to: out)
                case .ocsfBytesOnly:
                    record.withUnsafeBytes { OCSFEncoder.appendLine(event, bytes: $0, context: context, scratch: scratch, to: out) }
                }
                records += 1
                if out.count > 3 << 20 {
                    bytesOut += out.count
                    out.removeAll()
                }
            }
        }
        bytesOut += out.count
        return Pass(seconds: threadSeconds() - started, records: records, bytesOut: encoder == .none ? 0 : bytesOut)
    }
}
