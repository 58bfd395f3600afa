// A compiler allocates a great many small strings and frees them in bulk; mimalloc
// does that markedly faster than the system allocator (docs/benchmarks.md#the-allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

/// Exit code of a panic: Rust's own, kept apart from 1 (findings) and 2 (usage or I/O).
const PANIC_EXIT: u8 = 101;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: shibori crashed; this is a bug in shibori, not in your input");
        eprintln!("  {info}");
        eprintln!(
            "help: please report it with the command line, `shibori --version` ({}) and, if you can, the intent file",
            env!("CARGO_PKG_VERSION")
        );
    }));
    match std::panic::catch_unwind(|| {
        // A hidden switch for the tests of this path: a panic on demand.
        if std::env::var_os("SHIBORI_DEBUG_PANIC").is_some() {
            panic!("SHIBORI_DEBUG_PANIC is set");
        }
        shibori::cli::main()
    }) {
        Ok(code) => code,
        Err(_) => ExitCode::from(PANIC_EXIT),
    }
}
