//! The few places that work side by side: how many cores there are, and an ordered
//! parallel map over scoped threads (results in input order, so output stays
//! byte-identical whatever the scheduling).
//!
//! Hand-written rather than a thread pool because it pays: see docs/benchmarks.md#threads.

use std::sync::OnceLock;

/// The cores this process may use, asked once: `available_parallelism` reads the
/// cgroup quota files on every call.
pub fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.map(f)` in order, on up to 4 threads (no more than there are cores): for
/// independent items that each take a while, such as the templates of a nested
/// rendering.
pub fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    par_map_on(cores().min(4), items, f)
}

/// `par_map` on `threads` threads whatever the cores, for work that mostly waits (on
/// the disk) rather than computes. The calling thread takes the last share itself:
/// starting a thread costs a few hundred microseconds in a small VM, and the caller
/// would otherwise only wait.
pub fn par_map_on<T: Send, R: Send>(
    threads: usize,
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = items.into_iter();
    loop {
        let chunk: Vec<T> = rest.by_ref().take(per).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let own = chunks.pop().unwrap_or_default();
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let own: Vec<R> = own.into_iter().map(f).collect();
        let mut out: Vec<R> = Vec::with_capacity(handles.len() * per + own.len());
        for h in handles {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out.extend(own);
        out
    })
}

/// `(a(), b())`, `a` on a second thread while this one runs `b`; a panic in either
/// reaches the caller.
pub fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if cores() <= 1 {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let other = scope.spawn(a);
        let b = b();
        let a = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}
