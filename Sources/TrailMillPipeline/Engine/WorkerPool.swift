import Dispatch
import Synchronization
import TrailMillArchive

/// Decodes files on `jobs` Dispatch workers, at most `window` files ahead of the consumer, and hands results out
/// in file order.
final class WorkerPool: Sendable {
    /// One file to decode, with the encoding slots its sinks want.
    struct Work: Sendable {
        var file: TrailFile
        var slots: [Bool]
    }

    private let work: [Work]
    private let processor: FileProcessor
    private let jobs: Int
    private let next = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    private let decodes = Atomic<Int>(0)
    private let results = Mutex<[Int: DecodedFile]>([:])
    /// Line buffers not in use.
    private let batches = Mutex<[LineBatch]>([])
    /// Signalled once per finished file.
    private let finished = DispatchSemaphore(value: 0)
    /// Bounds how far workers run ahead of the consumer.
    private let window: DispatchSemaphore
    private let group = DispatchGroup()

    /// A pool over `work`, letting workers run `window` files ahead (at least `2 × jobs`).
    init(work: [Work], processor: FileProcessor, jobs: Int, window: Int) {
        self.work = work
        self.processor = processor
        self.jobs = jobs
        self.window = DispatchSemaphore(value: max(window, 2 * jobs))
    }

    /// Files decoded so far (each at most once).
    var filesDecoded: Int { decodes.load(ordering: .relaxed) }

    func start() {
        let encodings = processor.encodings
        DispatchQueue.global().async(group: group) { [self] in
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in
                run(scratch: FileProcessor.Scratch(encodings: encodings))
            }
        }
    }

    private func run(scratch: FileProcessor.Scratch) {
        while true {
            window.wait()
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard index < work.count, !cancelled.load(ordering: .relaxed) else {
                window.signal()
                return
            }
            let item = work[index]
            let lent: [LineBatch?] = item.slots.map { wanted in
                wanted ? (batches.withLock { $0.popLast() } ?? LineBatch()) : nil
            }
            decodes.add(1, ordering: .relaxed)
            let started = ContinuousClock.now
            var result = processor.process(item.file, batches: lent, scratch: scratch)
            result.decodeMilliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
            if result.lines.isEmpty { recycle(lent.compactMap { $0 }) }
            results.withLock { $0[index] = result }
            finished.signal()
        }
    }

    /// Blocks until file `index` is done and takes its result. Indices must be asked for in order.
    func result(at index: Int) -> DecodedFile {
        while true {
            if let result = results.withLock({ $0.removeValue(forKey: index) }) { return result }
            finished.wait()
        }
    }

    /// Lets workers take one more file (call once per consumed result).
    func advance() { window.signal() }

    /// Returns line buffers to the pool for reuse.
    func recycle(_ used: [LineBatch]) {
        guard !used.isEmpty else { return }
        for batch in used { batch.reset() }
        batches.withLock { $0.append(contentsOf: used) }
    }

    /// Stops workers from taking new files, waking any that wait for room in the window.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        for _ in 0..<jobs { window.signal() }
    }

    /// Waits for every worker to return (after the last file, or after `cancel`).
    func waitUntilStopped() {
        cancel()
        group.wait()
        // Results never consumed (the run stopped early) still hold their window slots; give them back, since
        // libdispatch traps when a semaphore is freed below its initial value.
        let unconsumed = results.withLock { pending in
            defer { pending.removeAll() }
            return pending.count
        }
        for _ in 0..<unconsumed { window.signal() }
    }
}
