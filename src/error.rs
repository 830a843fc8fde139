//! Failures of the tool (unreadable file, malformed JSON, bad pack, bad usage), kept apart from
//! findings. Plain data: each output format renders them its own way.

use std::sync::Arc;

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolError {
    /// The file the error is about, as shown to users; `None` for usage errors.
    pub file: Option<String>,
    /// The file's text, when the error points into it.
    pub text: Option<Arc<str>>,
    pub span: Option<Span>,
    pub message: String,
    pub help: Option<String>,
}

impl ToolError {
    pub(crate) fn general(message: impl Into<String>) -> Self {
        Self { file: None, text: None, span: None, message: message.into(), help: None }
    }

    pub(crate) fn in_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self { file: Some(file.into()), ..Self::general(message) }
    }

    pub(crate) fn at(file: impl Into<String>, text: Arc<str>, span: Span, message: impl Into<String>) -> Self {
        Self { file: Some(file.into()), text: Some(text), span: Some(span), message: message.into(), help: None }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// An I/O error's reason without the OS error number, which differs between systems.
pub(crate) fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}
