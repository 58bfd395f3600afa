//! Escaping of values from the intent for each target language. Terraform treats every
//! quoted string (HCL) and every JSON string (Terraform JSON) as a template, so `${` and
//! `%{` must be doubled in both; YAML and plain JSON go through serde, which quotes.

use std::fmt::Write as _;

/// Doubles template introducers: `${` → `$${`, `%{` → `%%{`. Terraform reads `$${`
/// back as a literal `${`, and a lone `$` before it stays a literal `$`.
pub fn template_literal(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// A quoted HCL string literal (with the quotes) whose value is exactly `s`.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in template_literal(s).chars() {
        match c {
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
    out
}

/// A JSON string literal for Terraform JSON syntax: a template literal, JSON-quoted.
pub fn tf_json_string(s: &str) -> serde_json::Value {
    serde_json::Value::String(template_literal(s))
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
    fn markdown_cell_keeps_one_line() {
        assert_eq!(markdown_cell("a|b\nc"), r"a\|b c");
    }
}
