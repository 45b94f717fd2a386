import Dispatch
import Synchronization

/// Work spread over a bounded number of threads.
@_spi(Testing) public enum BoundedParallel {
    /// `[body(0), …, body(count - 1)]`, computed on at most `workers` threads at once (`workers` below 1 counts as
    /// 1, which runs everything on the calling thread, in order). Each worker takes the next index until none is left.
    public static func map<T: Sendable>(count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let width = max(1, min(workers, count))
        guard width > 1 else { return (0..<count).map(body) }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: width) { _ in
            while let index = slots.claim() { slots.store(body(index), at: index) }
        }
        return slots.values()
    }
}

/// The shared state of one `BoundedParallel.map`: the next index to take and one result slot per index.
private final class Slots<T: Sendable>: Sendable {
    private let count: Int
    private let next = Atomic<Int>(0)
    private let results: Mutex<[T?]>

    init(count: Int) {
        self.count = count
        results = Mutex(Array(repeating: nil, count: count))
    }

    /// The next index nobody has taken, or nil when all are taken.
    func claim() -> Int? {
        let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    func store(_ value: T, at index: Int) { results.withLock { $0[index] = value } }

    /// Every result, in index order (all slots are filled once `concurrentPerform` returns).
    func values() -> [T] {
        results.withLock { slots in
            slots.map { slot in
                guard let slot else { preconditionFailure("a BoundedParallel slot was not filled") }
                return slot
            }
        }
    }
}
