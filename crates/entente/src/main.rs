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
            eprintln!("entente: {}", error_text(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once. Library errors often display their source in
/// their own message (`#[error("… {0}")]` with `#[from]`), so anyhow's `{:#}` would print the
/// same words again for every level; a cause whose text the message already holds is skipped.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::error_text;

    /// A rule error.
    #[derive(Debug)]
    struct Rule;
    impl std::fmt::Display for Rule {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("status: cannot move from draft to signed")
        }
    }
    impl std::error::Error for Rule {}

    /// A library error that displays its source and also reports it as its source.
    #[derive(Debug)]
    struct Wrapped(Rule);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.fmt(f)
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let e = anyhow::Error::from(Wrapped(Rule)).context("cannot change the status");
        assert_eq!(
            error_text(&e),
            "cannot change the status: status: cannot move from draft to signed"
        );
        let plain = anyhow::anyhow!("disk full").context("cannot import");
        assert_eq!(error_text(&plain), "cannot import: disk full");
    }
}
