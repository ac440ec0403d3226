//! `pricebook completions SHELL` and `pricebook man`: generated from the
//! clap definitions, so they never disagree with `--help`.

use super::{Cli, Output, Shell};
use clap::CommandFactory;

pub fn completions(shell: Shell, out: &mut Output) -> u8 {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pricebook", &mut buf);
    out.print(&String::from_utf8_lossy(&buf));
    0
}

pub fn man(out: &mut Output) -> u8 {
    let mut buf = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
        Ok(()) => {
            out.print(&String::from_utf8_lossy(&buf));
            0
        }
        Err(e) => {
            out.eprint(&format!("error: cannot render the man page: {e}\n"));
            2
        }
    }
}
