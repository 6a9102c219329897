//! The `entente` binary: parses the command line, opens the store and hands over to one
//! subcommand. Exit codes: 0 success, 1 a check failed, 2 an error.

mod cmd;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    let cli = cmd::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("entente: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(cli.run()) {
        Ok(cmd::Outcome::Ok) => ExitCode::SUCCESS,
        Ok(cmd::Outcome::CheckFailed) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (`entente list | head`) is not an error worth reporting.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("entente: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Output piped into a reader that stopped early (`entente list --json | head -c 300`) ends
/// the command quietly with exit code 0, as for other Unix filters. `print!` panics when
/// stdout is a closed pipe; that one panic is turned into a quiet exit here, once for every
/// command, rather than at each of the many places that print. (Restoring the default
/// SIGPIPE action would need `unsafe`, which the workspace forbids.) Writes through a handle
/// that return the error instead are handled where `main` looks at the error chain.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload_as_str().unwrap_or("");
        // std's message is "failed printing to stdout: <io error>"; EPIPE reads "Broken pipe".
        if msg.starts_with("failed printing to stdout")
            && msg.to_ascii_lowercase().contains("broken pipe")
        {
            std::process::exit(0);
        }
        default(info);
    }));
}
