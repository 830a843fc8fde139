//! The rule-pack loader on arbitrary bytes, and the pack's rules on a sample template.
fn main() {
    afl::fuzz!(|bytes: &[u8]| iam_lint::fuzz_targets::load_rule_pack(bytes));
}
