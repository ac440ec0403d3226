//! A large plan file for the tests and the bench that check `check` grows
//! linearly (`tests/hardening_linear.rs`, `benches/check.rs`).

/// The bundled cleverai plan, which the packs are added to.
pub const CLEVERAI: &str = include_str!("../../plans/cleverai.toml");

/// cleverai.toml plus `n` packs, each larger and dearer per credit than the
/// one before (every one draws a worse-value warning); with `broken`, every
/// `n / 50`th pack's credits are a float (an error).
pub fn many_packs(n: usize, broken: bool) -> String {
    let mut text = CLEVERAI.to_string();
    for i in 0..n {
        let credits = if broken && i % (n / 50) == 0 { "1.5e3".to_string() } else { (1000 + i).to_string() };
        text.push_str(&format!(
            "\n[[packs]]\nid = \"p{i}\"\nname = \"P{i}\"\ncredits = {credits}\nprice = \"${}\"\n",
            10 + i
        ));
    }
    text
}
