//! How a plain YAML scalar resolves: serde_yaml 0.9's rules (YAML 1.2 core schema, as
//! libyaml reports the scalar and serde_yaml reads it), plus the YAML 1.1 forms that
//! CloudFormation still reads as booleans or numbers. The writer quotes by these rules
//! and the reader types plain scalars by them, so the two cannot disagree.

/// serde_yaml's test: would this text, written plain, read back as something other than
/// a string (null, boolean, integer, float, or digits with a leading zero)?
pub fn reads_as_non_string(s: &str) -> bool {
    if s.is_empty() || matches!(s, "~" | "null" | "Null" | "NULL") {
        return true;
    }
    if matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
        return true;
    }
    // Integers and finite floats start with a digit, a sign or a dot.
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return false;
    }
    digits_but_not_number(s) || is_int(s) || is_float(s)
}

fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn radix_int(s: &str, negative: bool) -> bool {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            let ok = if negative {
                i128::from_str_radix(&format!("-{rest}"), radix).is_ok()
            } else {
                u128::from_str_radix(rest, radix).is_ok()
            };
            if ok {
                return true;
            }
        }
    }
    false
}

fn is_int(s: &str) -> bool {
    let unpositive = s.strip_prefix('+').unwrap_or(s);
    if radix_int(unpositive, false) {
        return true;
    }
    if let Some(rest) = s.strip_prefix('-') {
        if radix_int(rest, true) {
            return true;
        }
    }
    if digits_but_not_number(s) {
        return false;
    }
    if !unpositive.starts_with(['+', '-']) && unpositive.parse::<u128>().is_ok() {
        return true;
    }
    s.parse::<i128>().is_ok()
}

fn is_float(s: &str) -> bool {
    let unpositive = match s.strip_prefix('+') {
        Some(u) if u.starts_with(['+', '-']) => return false,
        Some(u) => u,
        None => s,
    };
    if matches!(unpositive, ".inf" | ".Inf" | ".INF")
        || matches!(s, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
    {
        return true;
    }
    unpositive.parse::<f64>().is_ok_and(f64::is_finite)
}

/// YAML 1.1 (which CloudFormation follows) reads these plain scalars as booleans or
/// numbers where YAML 1.2 reads strings: `yes`, `off`, `1:30` (sexagesimal), `1_000`.
pub fn yaml11_non_string(s: &str) -> bool {
    if matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    ) {
        return true;
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.contains(['_', ':'])
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'_' | b':' | b'.'))
}
