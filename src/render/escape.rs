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

/// Bytes that need a look in an HCL or Terraform JSON string: ASCII controls, quote,
/// backslash, template introducers' first bytes, DEL, and 0xC2, the first byte of
/// U+0080..U+00BF (which hold the C1 controls). Everything else is copied in runs.
const fn special_bytes(hcl: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'$' as usize] = true;
    t[b'%' as usize] = true;
    if hcl {
        t[0x7f] = true;
        t[0xc2] = true;
    }
    t
}

const HCL_SPECIAL: [bool; 256] = special_bytes(true);
const TF_JSON_SPECIAL: [bool; 256] = special_bytes(false);

/// Appends [`hcl_string`]`(s)` to `out` in one pass.
pub fn push_hcl_string(out: &mut String, s: &str) {
    push_template_string(out, s, &HCL_SPECIAL, |out, c| match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control() => {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        c => out.push(c),
    });
}

/// Appends the JSON string literal of [`template_literal`]`(s)` to `out`, escaped as
/// serde_json escapes, in one pass.
pub fn push_tf_json_string(out: &mut String, s: &str) {
    push_template_string(out, s, &TF_JSON_SPECIAL, |out, c| match c {
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
    });
}

/// A quoted string whose template introducers are doubled (`${` → `$${`, `%{` → `%%{`)
/// and whose `special` characters go through `escape`.
fn push_template_string(
    out: &mut String,
    s: &str,
    special: &[bool; 256],
    mut escape: impl FnMut(&mut String, char),
) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !special[usize::from(b)] {
            i += 1;
            continue;
        }
        out.push_str(&s[run..i]);
        match b {
            b'$' | b'%' => {
                if bytes.get(i + 1) == Some(&b'{') {
                    out.push(char::from(b));
                }
                out.push(char::from(b));
                i += 1;
            }
            _ => {
                // `i` is at a character boundary: special bytes are ASCII or a UTF-8
                // lead byte.
                let c = s[i..].chars().next().unwrap_or_default();
                escape(out, c);
                i += c.len_utf8();
            }
        }
        run = i;
    }
    out.push_str(&s[run..]);
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
    fn hcl_string_matches_the_char_by_char_definition() {
        fn reference(s: &str) -> String {
            let mut out = String::from('"');
            for c in template_literal(s).chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        for s in [
            "",
            "plain",
            "a${b}%{c}$${d}%%{e}$",
            "\u{7f}\u{80}\u{85}\u{9f}\u{a0}é日${",
            "q\"\\\r\t\0",
            "%",
        ] {
            assert_eq!(hcl_string(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn markdown_cell_keeps_one_line() {
        assert_eq!(markdown_cell("a|b\nc"), r"a\|b c");
    }
}
