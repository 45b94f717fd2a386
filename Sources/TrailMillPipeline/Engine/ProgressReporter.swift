#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr (files, events, MB/s, ETA), drawn only when stderr is a terminal.
/// It prints numbers only — never file names or event content — so nothing from the data reaches the terminal.
/// With `NO_COLOR` set or `TERM=dumb` no escape sequence is written: the line is overwritten with spaces instead.
final class ProgressReporter {
    private let enabled: Bool
    private let plain = StandardError.wantsPlainText
    private var lastWidth = 0
    private let totalFiles: Int
    private let totalBytes: Int
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant

    init(totalFiles: Int, totalBytes: Int, enabled: Bool) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        started = clock.now
        lastDraw = started
    }

    /// Redraws at most five times a second.
    func update(files: Int, events: Int, compressedBytes: Int, decompressedBytes: Int) {
        guard enabled else { return }
        let now = clock.now
        guard now - lastDraw >= .milliseconds(200) || files == totalFiles else { return }
        lastDraw = now
        let elapsed = max((now - started) / .seconds(1), 0.001)
        let rate = Double(decompressedBytes) / elapsed / 1_000_000
        let fraction = totalBytes > 0 ? Double(compressedBytes) / Double(totalBytes) : 0
        let eta = fraction > 0.01 ? Int(elapsed / fraction - elapsed) : -1
        let etaText = eta >= 0 ? "\(eta / 60):\(eta % 60 < 10 ? "0" : "")\(eta % 60)" : "--:--"
        let width = 24
        let filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = "[\(bar)] files \(files)/\(totalFiles)  events \(events)  \(Int(rate)) MB/s  ETA \(etaText)"
        if plain {
            let padding = String(repeating: " ", count: max(0, lastWidth - text.count))
            StandardError.write("\r" + text + padding)
        } else {
            StandardError.write("\r" + text + "\u{1B}[K")
        }
        lastWidth = text.count
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        if plain {
            StandardError.write("\r" + String(repeating: " ", count: lastWidth) + "\r")
        } else {
            StandardError.write("\r\u{1B}[K")
        }
    }
}

/// Writes text to file descriptor 2 directly (the C `stderr` global is not concurrency-safe in Swift 6).
public enum StandardError {
    /// Writes `text` as UTF-8.
    public static func write(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    /// Whether stderr is a terminal.
    public static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether escape sequences are unwelcome: `NO_COLOR` is set (https://no-color.org) or `TERM` is `dumb`.
    public static var wantsPlainText: Bool {
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return true }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return true }
        return false
    }
}
