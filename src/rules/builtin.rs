//! The packs shipped in `rules/`, compiled into the binary.

/// `(file name, TOML text)` of every built-in pack, in the order their rules are listed.
pub(super) fn builtin_packs() -> [(&'static str, &'static str); 6] {
    [
        ("rules/grammar.toml", include_str!("../../rules/grammar.toml")),
        ("rules/least-privilege.toml", include_str!("../../rules/least-privilege.toml")),
        ("rules/boundary.toml", include_str!("../../rules/boundary.toml")),
        ("rules/trust.toml", include_str!("../../rules/trust.toml")),
        ("rules/cdk.toml", include_str!("../../rules/cdk.toml")),
        ("rules/suppressions.toml", include_str!("../../rules/suppressions.toml")),
    ]
}
