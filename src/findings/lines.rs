//! Where each line of a text starts, found once per report: positions and source lines for
//! thousands of findings cost a binary search each instead of a pass over the text each
//! (8,000 diagnostics of a 10,000-target intent took seconds, quadratic in the file; see
//! docs/benchmarks.md, "Bounds").

use std::ops::Range;

pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's first character; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// 1-based line and column (in characters) of a byte offset, as
    /// [`crate::diagnostic::Source::line_col`] counts them.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = super::text::floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        (line + 1, self.text[start..offset].chars().count() + 1)
    }

    /// The whole lines `span` touches, each with its line break: the 1-based number of the
    /// first and the byte range they take in the text.
    pub fn around(&self, span: &Range<usize>) -> (usize, Range<usize>) {
        let first = self.line_of(span.start);
        let last = self.line_of(span.end.saturating_sub(1).max(span.start));
        let start = self.starts.get(first).copied().unwrap_or(0);
        let end = self
            .starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        (first + 1, start..end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Source;

    #[test]
    fn positions_match_the_one_off_count() {
        let text = "a: 1\nbé: [x, y]\n\n  c: ☃\nlast";
        let src = Source {
            name: String::new(),
            text: text.into(),
        };
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(lines.line_col(offset), src.line_col(offset), "{offset}");
        }
    }

    #[test]
    fn around_takes_whole_lines_with_their_breaks() {
        let text = "one\ntwo\nthree";
        let lines = Lines::new(text);
        assert_eq!(lines.around(&(5..6)), (2, 4..8));
        assert_eq!(lines.around(&(5..10)), (2, 4..13));
        // A span on a line break belongs to the line it ends.
        assert_eq!(lines.around(&(3..4)), (1, 0..4));
        assert_eq!(lines.around(&(13..13)), (3, 8..13));
        assert_eq!(lines.around(&(0..0)), (1, 0..4));
    }
}
