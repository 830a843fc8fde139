//! JSON Pointers (RFC 6901): the symbolic location every element and finding carries until a
//! report turns it into a line and column. Built, escaped and read here only.

/// Appends one reference token to a pointer.
pub(crate) fn pointer_child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Appends `/token` to a pointer, escaped.
pub(crate) fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    push_escaped(pointer, token);
}

/// A token as it is written inside a pointer.
pub(crate) fn escape_token(token: &str) -> String {
    let mut escaped = String::with_capacity(token.len());
    push_escaped(&mut escaped, token);
    escaped
}

/// `~` as `~0`, `/` as `~1`.
fn push_escaped(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// The key a reference token names (RFC 6901 unescaping: `~1` first, then `~0`).
pub(crate) fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `/Resources/<logical id>`, the pointer of a template's resource.
pub(crate) fn resource_pointer(logical_id: &str) -> String {
    pointer_child("/Resources", logical_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_and_unescaped() {
        assert_eq!(pointer_child("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(escape_token("b/c~d"), "b~1c~0d");
        assert_eq!(unescape_token("b~1c~0d"), "b/c~d");
        // `~01` is `~1` written literally, not `/`.
        assert_eq!(unescape_token("~01"), "~1");
        assert_eq!(resource_pointer("My/Role"), "/Resources/My~1Role");
    }
}
