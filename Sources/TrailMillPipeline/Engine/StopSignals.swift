import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM for `trailmill run`, `export` and `load`: either signal cancels the run's
/// ``RunCancellation``; the run then takes no new file, finishes what it must (a job publishes or commits what it
/// has consumed, an export discards its unpublished outputs, a database statement in progress is cancelled) and the
/// command exits with status 4.
///
/// The handler itself only writes the signal number into a pipe (async-signal-safe); a thread of its own reads
/// the pipe, cancels and logs. Nothing on Dispatch's shared pool is involved, so decode workers that saturate the
/// pool (`--jobs` equal to the core count) cannot delay the stop. Keep the returned object alive for the whole run.
public final class StopSignals {
    private let thread: Thread

    private init(thread: Thread) {
        self.thread = thread
    }

    /// Installs the handlers (once per process); each received signal cancels `cancellation` and is logged.
    public static func install(cancelling cancellation: RunCancellation, logger: Logger) -> StopSignals {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            logger.error("cannot create the signal pipe; SIGINT/SIGTERM end the process at once")
            return StopSignals(thread: Thread {})
        }
        let readEnd = ends[0]
        signalPipeWriteEnd.store(ends[1], ordering: .sequentiallyConsistent)
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                cancellation.cancel()
                let name = Int32(byte) == SIGINT ? "SIGINT" : "SIGTERM"
                logger.warning("\(name) received: stopping after the files in hand; rerun to resume")
            }
        }
        thread.name = "trailmill-signals"
        thread.start()
        // A parent may hand the signals down blocked (or ignored): unblock them on this thread, so the kernel
        // always has a thread to deliver them to.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGINT)
        sigaddset(&unblocked, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = forwardSignal
            #else
            action.__sigaction_u.__sa_handler = forwardSignal
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        return StopSignals(thread: thread)
    }
}

@available(*, unavailable)
extension StopSignals: Sendable {}

/// The pipe the signal handler writes to (-1 until ``StopSignals/install(cancelling:logger:)``).
private let signalPipeWriteEnd = Atomic<Int32>(-1)

/// The process-level handler: one byte per signal into the pipe, nothing else (async-signal-safe).
private func forwardSignal(_ number: Int32) {
    let saved = errno
    let fd = signalPipeWriteEnd.load(ordering: .relaxed)
    if fd >= 0 {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(fd, &byte, 1)
    }
    errno = saved
}
