//! The `jiceng` binary: see `jiceng --help`.

/// mimalloc returns freed memory to the system promptly; glibc's allocator kept the peak of one
/// large response (a province-wide tree) for the life of the process.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jiceng::cli::main()
}
