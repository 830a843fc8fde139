//! A file's text and the conversion of byte spans into line:column, done once per file and
//! only where a location is shown to a user (reporting and tests).

use std::sync::Arc;

/// A half-open byte range `[start, end)` into a [`Source`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}

/// One input: where it came from, how to show its name, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The name shown to users and written into reports: relative, with forward slashes.
    pub name: String,
    pub text: Arc<str>,
}

/// A 1-based line and column; columns count Unicode code points (SARIF `unicodeCodePoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Line starts of one text, so that many offsets convert in `O(log lines)` each.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Per line: only ASCII, so a column is a byte difference. Keeps many findings on one long
    /// line (minified JSON) from counting characters from the line start each time.
    ascii_lines: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ends = line_starts.iter().skip(1).copied().chain([text.len()]);
        let ascii_lines =
            line_starts.iter().zip(ends).map(|(&start, end)| text.as_bytes()[start..end].is_ascii()).collect();
        Self { text, line_starts, ascii_lines }
    }

    /// The line and column of a byte offset (clamped to the text, and to a char boundary).
    pub(crate) fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let column = if self.ascii_lines[line] { offset - start } else { self.text[start..offset].chars().count() } + 1;
        LineCol { line: line + 1, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_one_based_line_and_code_point_column() {
        let index = LineIndex::new("ab\nçd\r\ne");
        assert_eq!(index.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(2), LineCol { line: 1, column: 3 });
        assert_eq!(index.line_col(3), LineCol { line: 2, column: 1 });
        // `ç` is two bytes but one column.
        assert_eq!(index.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(index.line_col(8), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(99), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn offset_inside_a_multibyte_char_rounds_down() {
        let index = LineIndex::new("ç");
        assert_eq!(index.line_col(1), LineCol { line: 1, column: 1 });
    }
}
