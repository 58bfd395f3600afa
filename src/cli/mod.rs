//! The command line: parse the arguments, run the command, map how it ended to the exit
//! code: 0 success; 1 invalid intent, verification failure or drift; 2 usage or I/O error.

pub mod args;

pub use args::{Cli, Color, Command, ExplainFormat, Outcome, RenderFormat, Shell};

use clap::Parser as _;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            use std::io::IsTerminal;
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    };
    let ctx = crate::commands::Context { color };
    match crate::commands::run(&ctx, cli.command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failure) => ExitCode::from(1),
        Err(e) => {
            crate::commands::output::eprint(&format!("error: {e:#}\n"));
            ExitCode::from(2)
        }
    }
}
