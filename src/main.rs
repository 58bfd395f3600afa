fn main() -> std::process::ExitCode {
    shibori::cli::main()
}
