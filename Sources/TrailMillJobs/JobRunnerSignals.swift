import Dispatch
import Foundation
public import Logging
public import TrailMillPipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM handling for `trailmill run`: either signal cancels the run's ``RunCancellation``; the run
/// then takes no new file, publishes or commits what it has consumed, records the state and exits with status 4.
///
/// The signals are ignored at the process level and delivered through Dispatch sources instead, so the handler
/// runs as ordinary code (no async-signal-safety limits). Keep the returned object alive for the whole run.
public final class JobSignals {
    private let sources: [any DispatchSourceSignal]

    private init(sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }

    deinit {
        for source in sources { source.cancel() }
    }

    /// Installs the handlers; each received signal cancels `cancellation` and is logged.
    public static func install(cancelling cancellation: RunCancellation, logger: Logger) -> JobSignals {
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                cancellation.cancel()
                logger.warning("\(name) received: stopping after the file in hand; rerun to resume")
            }
            source.resume()
            sources.append(source)
        }
        return JobSignals(sources: sources)
    }
}

@available(*, unavailable)
extension JobSignals: Sendable {}

/// Test-only fault injection for the crash tests: `TRAILMILL_FAULT=<point>` in the environment makes the process
/// kill itself with SIGKILL at that point, as a power cut or `kill -9` would. Never set it in production.
///
/// Points: `mid-decode` (after the first decoded file is consumed), `mid-write` (after the first output line is
/// written, before the output is finished), `after-rename` (outputs renamed into place, intent not yet completed),
/// `mid-copy` (PostgreSQL: inside the first batch's COPY).
public struct FaultInjector: Sendable, Hashable {
    /// Where to die.
    public enum Point: String, Sendable, Hashable, CaseIterable {
        case midDecode = "mid-decode"
        case midWrite = "mid-write"
        case afterRename = "after-rename"
        case midCopy = "mid-copy"
    }

    /// The armed point, if any.
    public var point: Point?

    /// No fault.
    public static let none = FaultInjector(point: nil)

    /// Armed at `point`.
    public init(point: Point?) {
        self.point = point
    }

    /// Reads `TRAILMILL_FAULT` (unknown values arm nothing).
    public init(environment: [String: String]) {
        point = environment["TRAILMILL_FAULT"].flatMap(Point.init(rawValue:))
    }

    /// Kills the process with SIGKILL when `point` is the armed one.
    func hit(_ point: Point) {
        guard point == self.point else { return }
        kill(getpid(), SIGKILL)
    }

    /// The run observer that fires `mid-decode` (after the first decoded file is consumed) and `mid-copy` (inside
    /// the first batch's COPY); nil when neither is armed. `mid-write` and `after-rename` are fired by the job's
    /// file sinks.
    var runObserver: (@Sendable (RunEvent) -> Void)? {
        guard point == .midDecode || point == .midCopy else { return nil }
        let injector = self
        return { event in
            switch event {
            case .fileConsumed: injector.hit(.midDecode)
            case .copying: injector.hit(.midCopy)
            case .firstLineWritten, .committed: break
            }
        }
    }
}
