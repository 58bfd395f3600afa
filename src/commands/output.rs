//! Standard output and error as the commands use them. `print!` panics when stdout is
//! closed or full (a pipe into `head`, a full disk); here that is an I/O error of the
//! run (exit 2). A diagnostic that cannot reach stderr is dropped: there is nowhere
//! left to report it.

use anyhow::Context as _;
use std::io::Write as _;

/// Writes `text` to stdout and flushes it.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to stdout")
}

/// Writes `text` to stderr, ignoring a closed stderr.
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}
