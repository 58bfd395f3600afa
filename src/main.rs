// A compiler allocates a great many small strings and frees them in bulk; mimalloc
// does that markedly faster than the system allocator (docs/benchmarks.md#the-allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    shibori::cli::main()
}
