//! Escaping of values from the intent for each target language. Terraform treats every
//! quoted string (HCL) and every JSON string (Terraform JSON) as a template, so `${` and
//! `%{` must be doubled in both; YAML and plain JSON are quoted by `render::tree`.

use std::fmt::Write as _;

/// Doubles template introducers: `${` → `$${`, `%{` → `%%{`. Terraform reads `$${`
/// back as a literal `${`, and a lone `$` before it stays a literal `$`.
pub fn template_literal(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A quoted HCL string literal (with the quotes) whose value is exactly `s`.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_hcl_string(&mut out, s);
    out
}

/// Appends [`hcl_string`]`(s)` to `out` in one pass.
pub fn push_hcl_string(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `${` → `$${`, `%{` → `%%{` (see `template_literal`).
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends the JSON string literal of [`template_literal`]`(s)` to `out`, escaped as
/// serde_json escapes, in one pass.
pub fn push_tf_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A Markdown table cell: no line breaks, no column separators, code spans kept intact.
pub fn markdown_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_string_escapes_templates_quotes_and_controls() {
        assert_eq!(hcl_string("a${b}"), r#""a$${b}""#);
        assert_eq!(hcl_string("%{if}"), r#""%%{if}""#);
        assert_eq!(hcl_string("$${x}"), r#""$$${x}""#);
        assert_eq!(hcl_string("q\"b\\n\nx"), r#""q\"b\\n\nx""#);
        assert_eq!(hcl_string("\u{7}"), r#""\u0007""#);
    }

    #[test]
    fn tf_json_string_matches_serde_json_of_the_template_literal() {
        for s in [
            "a${b}",
            "%{if}",
            "$${x}",
            "q\"b\\n\nx",
            "\u{7}\u{8}\u{c}\u{1f}\u{7f}",
            "é${",
        ] {
            let mut out = String::new();
            push_tf_json_string(&mut out, s);
            assert_eq!(
                out,
                serde_json::to_string(&template_literal(s)).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn markdown_cell_keeps_one_line() {
        assert_eq!(markdown_cell("a|b\nc"), r"a\|b c");
    }
}
