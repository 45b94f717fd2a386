import Foundation
import Testing

/// The strict parser against the shared reference vectors (`cef.md` §4.2–4.4). Skipped when the folder is absent.
@Suite(.enabled(if: Vectors.present, "../shared/reference/vectors/cef is absent (set TRAILMILL_VECTORS)"))
struct VectorTests {
    @Test func goldenLinesDecodeToExactlyTheExpectedHeaderAndExtension() throws {
        let lines = try Vectors.lines("golden.cef")
        let expected = try Vectors.expected("golden_expected.json")
        #expect(lines.count == 4)
        try #require(lines.count == expected.count)
        for (n, (line, want)) in zip(lines, expected).enumerated() {
            let event = try StrictCEFParser.parse(bytes: line)
            #expect(event.header == want.header, "golden line \(n + 1)")
            #expect(event.ext == want.ext, "golden line \(n + 1)")
            #expect(event.keys.count == want.ext.count, "golden line \(n + 1): duplicate keys")
        }
    }

    @Test func stressLinesDecodeToExactlyTheExpectedHeaderAndExtension() throws {
        let lines = try Vectors.lines("stress.cef")
        let expected = try Vectors.expected("stress_expected.json")
        #expect(lines.count == 704)
        try #require(lines.count == expected.count)
        var failures: [String] = []
        for (n, (line, want)) in zip(lines, expected).enumerated() {
            do {
                let event = try StrictCEFParser.parse(bytes: line)
                if event.header != want.header { failures.append("line \(n + 1): header \(event.header) != \(want.header)") }
                if event.ext != want.ext {
                    let keys = Set(event.ext.keys).union(want.ext.keys).filter { event.ext[$0] != want.ext[$0] }.sorted()
                    failures.append("line \(n + 1): ext differs in \(keys)")
                }
            } catch {
                failures.append("line \(n + 1): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) stress lines failed:\n\(failures.prefix(20).joined(separator: "\n"))")
    }

    /// Corpus lines where this parser deliberately disagrees with the Elastic grammar: Elastic accepts them,
    /// we reject them, because they are forms TrailMill's encoder promises never to write.
    static let deliberateRejections: [String: CEFParseError.Kind] = [
        // Syslog prefixes: Elastic skips everything before `CEF:`; TrailMill files carry no prefix (cef.md §0), so a
        // prefix in our output is a framing bug. (With `allowSyslogPrefix` we agree with Elastic, see below.)
        "T20": .prefix,
        "T21": .prefix,
        // A raw TAB inside a value: Elastic keeps it; the encoder must replace C0 controls with a space (cef.md §0).
        "T24": .controlCharacter,
        // `rt=Nov 14 2023 22:13:20`: an Appendix-A layout Elastic accepts; the encoder writes only 13-digit epoch ms.
        "T25": .type,
        // `src=2001:db8::1`: Elastic (Go net.ParseIP) accepts IPv6 in `src`; the dictionary says IPv4 and the
        // mapping puts IPv6 sources in `c6a2` (cef.md §1.9, §2.2).
        "T27": .type,
        // Key `aws.region`: Elastic allows `. _ , [ ]` in keys for non-conforming producers; the CEF spec defines
        // alphanumeric keys only and Graylog mangles dotted keys (T29), so the encoder must never write one.
        "T29": .invalidKey,
    ]

    /// Rejections the reference requires (README: "should reject at least …"), with the rule that must fire.
    static let requiredRejections: [String: CEFParseError.Kind] = [
        "T12": .valueEscape,  // `\|` in an extension value
        "T13": .unescapedEquals,  // request=https://h/p?a=b
        "T23": .valueEscape,  // `\t`
        "T26": .type,  // ISO 8601 rt
        "T28": .type,  // host name in src
        "T33": .headerEscape,  // lone backslash in the header
    ]

    @Test func corpusVerdictsAgreeWithTheElasticGrammarExceptTheDocumentedCases() throws {
        let lines = try Vectors.lines("corpus.tsv")
        let meta = try Vectors.corpusMeta()
        let elastic = try Vectors.parserOutputs("elastic")
        #expect(lines.count == 35)
        try #require(lines.count == meta.count && lines.count == elastic.count)
        for (n, line) in lines.enumerated() {
            let id = meta[n].id
            #expect(String(decoding: line, as: UTF8.self) == meta[n].line, "\(id): corpus.tsv and corpus_meta.json differ")
            let reference = elastic[n]
            let result = Result { () throws(CEFParseError) in try StrictCEFParser.parse(bytes: line) }
            switch result {
            case .success(let event):
                #expect(reference.ok, "\(id) accepted but Elastic rejects it (\(reference.err ?? ""))")
                #expect(Self.deliberateRejections[id] == nil && Self.requiredRejections[id] == nil, "\(id) accepted")
                if reference.ok {
                    // Same decoded values as Elastic (its `ext: null` for an absent extension is our empty one).
                    #expect(event.header == reference.header, "\(id)")
                    #expect(event.ext == (reference.ext ?? [:]), "\(id)")
                }
            case .failure(let error):
                if let kind = Self.deliberateRejections[id] {
                    #expect(reference.ok, "\(id) is listed as a deliberate disagreement but Elastic rejects it too")
                    #expect(error.kind == kind, "\(id): \(error)")
                } else {
                    #expect(!reference.ok, "\(id) rejected (\(error)) but Elastic accepts it")
                }
                if let kind = Self.requiredRejections[id] { #expect(error.kind == kind, "\(id): \(error)") }
            }
        }
        // The required rejections all happen.
        for (id, _) in Self.requiredRejections {
            let n = try #require(meta.firstIndex { $0.id == id })
            #expect(throws: CEFParseError.self, "\(id)") { try StrictCEFParser.parse(bytes: lines[n]) }
        }
    }

    @Test func withSyslogPrefixesAllowedTheSyslogCasesAgreeWithElastic() throws {
        let lines = try Vectors.lines("corpus.tsv")
        let elastic = try Vectors.parserOutputs("elastic")
        let parser = StrictCEFParser(allowSyslogPrefix: true)
        for n in [19, 20] {  // T20, T21
            let event = try parser.parse(String(decoding: lines[n], as: UTF8.self))
            #expect(elastic[n].ok)
            #expect(event.header == elastic[n].header)
            #expect(event.ext == elastic[n].ext)
        }
        // The prefix option changes nothing else: still no `CEF:` → error.
        #expect(throws: CEFParseError.self) { try parser.parse("Jan 18 11:07:53 host LEEF:2.0|a|b|c|d|^|") }
    }

    /// `extra_vectors.json`: the Logstash spec lines and the `rt` time-format cases with Elastic's verdicts.
    @Test func extraVectorsMatchTheElasticVerdictsExceptNonEpochTimes() throws {
        for vector in try Vectors.extra() {
            let id = vector["id"] as? String ?? "?"
            let line = try #require(vector["line"] as? String)
            let elastic = try #require(vector["elastic_grammar"] as? [String: Any])
            let elasticOK = try #require(elastic["ok"] as? Bool)
            let value = Result { () throws(CEFParseError) in try StrictCEFParser.parse(line) }
            switch (id, value) {
            case ("RT2", .failure(let error)), ("RT3", .failure(let error)), ("RT4", .failure(let error)),
                ("RT5", .failure(let error)), ("RT6", .failure(let error)), ("RT8", .failure(let error)):
                // Deliberate: Elastic accepts epoch seconds (read as ms!) and the Appendix-A layouts; we accept
                // only 13-digit epoch milliseconds, the one form the encoder writes.
                #expect(elasticOK, "\(id)")
                #expect(error.kind == .type && error.key == "rt", "\(id): \(error)")
            case (_, .success(let event)):
                #expect(elasticOK, "\(id) accepted, Elastic rejects it")
                if let header = elastic["header"] as? [String] { #expect(event.header == header, "\(id)") }
                if let ext = elastic["ext"] as? [String: String] { #expect(event.ext == ext, "\(id)") }
            case (_, .failure(let error)):
                #expect(!elasticOK, "\(id) rejected (\(error)), Elastic accepts it")
            }
        }
    }
}
