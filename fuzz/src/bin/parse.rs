//! The JSON and YAML front end on arbitrary bytes.
fn main() {
    afl::fuzz!(|bytes: &[u8]| iam_lint::fuzz_targets::parse_json_and_yaml(bytes));
}
