import TrailMillArchive

/// The driver of one `IntegrityValidator.validate()` call: it lists the chains, resolves the layout, and runs each
/// chain's `ChainWalk`, doing the IO its actions ask for (reading digests, checking signatures, hashing logs), then
/// reports the log files no digest covers.
struct ValidationRun {
    let validator: IntegrityValidator
    let onEvent: (IntegrityEvent) -> Void
    let root: ArchiveRoot
    var map = LocationMap(layout: .automatic)
    var book: ReportBook

    init(validator: IntegrityValidator, onEvent: @escaping (IntegrityEvent) -> Void) {
        self.validator = validator
        self.onEvent = onEvent
        root = ArchiveRoot(validator.root)
        book = ReportBook(start: validator.selection.start, end: validator.selection.end)
    }

    mutating func run(_ found: DiscoveryResult) -> IntegrityReport {
        let listing = ChainListing(found.digestFiles)
        map = LocationMap(
            layout: ChainListing.resolveLayout(validator.layout, digestFiles: found.digestFiles, root: root))
        for chain in listing.chains.keys.sorted() {
            walk(chain, listing.chains[chain, default: []])
        }
        if validator.reportUncoveredLogs {
            for record in book.uncoveredLogs(found.eventFiles, map: map, newestDigestEnd: listing.newestDigestEnd) {
                emit(.uncoveredLog(record))
            }
        }
        let skipped = (found.skipped + listing.skipped).sorted { $0.relativePath < $1.relativePath }
        return IntegrityReport(
            events: book.events, counts: book.counts, start: book.start, end: book.end, foundStart: book.foundStart,
            foundEnd: book.foundEnd, skipped: skipped, layout: map.layout, coverage: book.coverage,
            newestDigestEnd: listing.newestDigestEnd)
    }

    /// Runs one chain's walk to the end.
    mutating func walk(_ chain: ChainID, _ listing: [ListedDigest]) {
        var walk = ChainWalk(
            chain: chain, listing: listing, start: validator.selection.start, end: validator.selection.end, map: map)
        var action = walk.start()
        while true {
            switch action {
            case .done:
                return
            case .readLink(let listed):
                action = walk.linkRead(document(at: listed.relativePath))
            case .examine(let request):
                action = walk.examined(
                    DigestExamination.examine(
                        request, bytes: root.load(request.relativePath),
                        metadata: validator.signatures.metadata(for: request.location), keys: validator.keys,
                        maxDecompressedBytes: validator.maxDecompressedBytes))
            case .report(let event):
                emit(event)
                action = walk.next()
            case .checkLogs(let entries, let digest):
                let records = LogCheck.check(
                    entries, of: digest, map: map, root: root, maxDecompressedBytes: validator.maxDecompressedBytes,
                    concurrency: validator.concurrency)
                for record in records { emit(.log(record)) }
                action = walk.next()
            case .setAside(let entries, let digest):
                book.setAside(entries, of: digest, map: map)
                action = walk.next()
            }
        }
    }

    /// A digest's parsed document, or nil when it cannot be read, inflated or parsed.
    func document(at relativePath: String) -> DigestDocument? {
        guard case .success(let bytes) = root.load(relativePath) else { return nil }
        let (outcome, content) = GzipMember.content(bytes, maxDecompressedBytes: validator.maxDecompressedBytes)
        guard case .member = outcome else { return nil }
        return try? DigestDocument.parse(json: content)
    }

    mutating func emit(_ event: IntegrityEvent) {
        book.add(event)
        onEvent(event)
    }
}
