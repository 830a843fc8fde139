//! `iam-lint check -` on arbitrary bytes: parsing, template extraction, rules and reports.
fn main() {
    afl::fuzz!(|bytes: &[u8]| iam_lint::fuzz_targets::check_document(bytes));
}
