//! The `hogdex` binary: parse arguments, then run the CLI, the sandbox, or (soon) the TUI.
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = hogdex::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hogdex: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(hogdex::cli::run(cli))
}
