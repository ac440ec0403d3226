//! `pricebook init [DIR]`: prints what was created and what was kept.

use super::Output;
use crate::init::{self, Written};
use std::path::Path;

pub fn run(dir: &Path, out: &mut Output) -> u8 {
    match init::init(dir) {
        Ok(files) => {
            let mut text = String::new();
            for f in &files {
                match f {
                    Written::Created(p) => text.push_str(&format!("created {}\n", p.display())),
                    Written::Kept(p) => {
                        text.push_str(&format!("kept    {} (it exists; not overwritten)\n", p.display()))
                    }
                }
            }
            let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
            text.push_str(&format!("next: {cd}pricebook check && pricebook test && pricebook docs\n"));
            out.eprint(&text);
            0
        }
        Err(e) => {
            out.eprint(&format!("error: {e}\n"));
            2
        }
    }
}
