#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrailMillPipeline

/// Test-only fault injection for the crash tests: `TRAILMILL_FAULT=<point>` in the environment makes the process
/// kill itself with SIGKILL at that point, as a power cut or `kill -9` would.
///
/// The switch exists only in debug builds (what `swift build` and the test suite build) or when the
/// `TRAILMILL_FAULT_INJECTION` compilation condition is set; a release build ignores the variable.
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
        #if DEBUG || TRAILMILL_FAULT_INJECTION
        point = environment["TRAILMILL_FAULT"].flatMap(Point.init(rawValue:))
        #else
        point = nil
        #endif
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
