//! The `hogdex` binary: parse arguments, then run the TUI, a CLI subcommand, or the sandbox.
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = hogdex::cli::Cli::parse_args();
    let config = hogdex::config::ConfigFile::read();
    hogdex::cli::init_logging(&cli, &config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hogdex: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(hogdex::cli::run(cli, config));
    // Don't wait for blocking work that may still hang (e.g. an X11 clipboard connection).
    runtime.shutdown_timeout(Duration::from_millis(500));
    code
}
