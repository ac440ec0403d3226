//! Stage 2 for scenarios (filled in with the simulator).

/// A compiled scenario.
pub struct Script;

pub fn compile_scenario() {}
