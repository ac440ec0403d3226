//! A progress bar on stderr for long runs. Drawn only when stderr is a
//! terminal (indicatif hides itself otherwise), so CI logs and pipes stay
//! clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Bar(ProgressBar);

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} accounts ({eta})") {
            bar.set_style(style);
        }
        bar.set_message("replaying");
        Bar(bar)
    }

    pub fn set(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
