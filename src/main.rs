//! The `jiceng` binary: see `jiceng --help`.

fn main() -> std::process::ExitCode {
    jiceng::cli::main()
}
