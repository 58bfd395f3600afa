//! Escaping for Markdown. Group names, descriptions and the login banner come from the
//! intent and may hold any character; none of them may break a table or inject markup.

/// Text for a Markdown paragraph or table cell: markup characters are escaped, line
/// breaks become spaces (a table row is one line).
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Inline code for identifiers, CIDRs and port specs; anything that could end the code
/// span or a table cell falls back to escaped text.
pub fn code(s: &str) -> String {
    // Inside a code span only a backtick ends it, and in a table only `|` ends the cell.
    let plain = !s.is_empty()
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.chars().any(|c| c == '`' || c == '|' || c.is_control());
    if plain {
        format!("`{s}`")
    } else {
        md(s)
    }
}

/// A Markdown table; every cell must already be escaped.
pub fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| "---|").collect::<String>()
    ));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(md("a|b\nc<script>"), "a\\|b c&lt;script&gt;");
        assert_eq!(code("tcp/22"), "`tcp/22`");
        assert_eq!(code("a`b|c"), "a\\`b\\|c");
        assert_eq!(code("targets[1]"), "`targets[1]`");
    }
}
