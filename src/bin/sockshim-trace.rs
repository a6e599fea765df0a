//! sockshim-trace: run a program with sockshim preloaded and its socket calls traced.
fn main() {}
