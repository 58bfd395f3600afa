//! `shibori completions SHELL`: a completion script generated from the clap definitions,
//! so it always matches the commands and flags of this binary.

use crate::cli::args::{Cli, Outcome, Shell};
use clap::CommandFactory as _;
use clap_complete::Shell as Target;

pub fn run(shell: Shell) -> anyhow::Result<Outcome> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
    };
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(target, &mut cmd, "shibori", &mut buf);
    super::output::print(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}
