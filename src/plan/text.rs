//! Writers for the numbers and CIDRs in rule keys. At a thousand targets the planner
//! spells thousands of keys; `write!` through `core::fmt` costs several times what
//! appending the digits does. Each writer spells exactly what `Display` would.

use crate::net::PortRange;
use ipnet::Ipv4Net;

/// AWS's limit on security group rule, authorization rule and route descriptions.
pub const MAX_DESCRIPTION: usize = 255;

/// `shibori: ` and the items joined by `, `, each item's parts joined by a space, an
/// item repeated in a row written once (callers pass sorted reasons); cut to
/// [`MAX_DESCRIPTION`] characters.
pub fn description<'a, const N: usize>(items: impl IntoIterator<Item = [&'a str; N]>) -> String {
    let mut s = String::with_capacity(64);
    s.push_str("shibori: ");
    let mut last: Option<[&str; N]> = None;
    for item in items {
        if last == Some(item) {
            continue;
        }
        if last.is_some() {
            s.push_str(", ");
        }
        for (i, part) in item.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(part);
        }
        last = Some(item);
    }
    truncate(s, MAX_DESCRIPTION)
}

/// The parts joined, in one allocation of the exact size: `format!` with only `{}`
/// placeholders, without its formatting machinery.
pub fn concat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `s` cut to `max` characters, ending in `...` when cut.
pub fn truncate(s: String, max: usize) -> String {
    // Bytes bound characters: most texts are short, keep their buffer and skip the count.
    if s.len() <= max || s.chars().count() <= max {
        return s;
    }
    let mut t: String = s.chars().take(max.saturating_sub(3)).collect();
    t.push_str("...");
    t
}

/// Appends `n` in decimal, as `u32`'s `Display` does.
pub fn push_u32(out: &mut String, n: u32) {
    push_u64(out, u64::from(n));
}

/// Appends `n` in decimal, as `u64`'s `Display` does.
pub fn push_u64(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        // `n % 10` is below 10, so the cast cannot truncate.
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// Appends a CIDR of either family as its `Display` does (IPv4 without formatting
/// machinery: keys of large plans are built in bulk).
pub fn push_ip_cidr(out: &mut String, net: &ipnet::IpNet) {
    match net {
        ipnet::IpNet::V4(n) => push_cidr(out, n),
        ipnet::IpNet::V6(n) => {
            use std::fmt::Write;
            let _ = write!(out, "{n}");
        }
    }
}

/// Appends `a.b.c.d/len`, as `Ipv4Net`'s `Display` does.
pub fn push_cidr(out: &mut String, net: &Ipv4Net) {
    for (i, octet) in net.addr().octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_u32(out, u32::from(octet));
    }
    out.push('/');
    push_u32(out, u32::from(net.prefix_len()));
}

/// Appends `22` or `1024-65535`, as `PortRange`'s `Display` does.
pub fn push_ports(out: &mut String, range: &PortRange) {
    push_u32(out, u32::from(range.from));
    if range.from != range.to {
        out.push('-');
        push_u32(out, u32::from(range.to));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::Ipv4Addr;

    #[test]
    fn descriptions_write_repeats_once_and_stop_at_255_characters() {
        assert_eq!(
            description([["a", "ssh"], ["a", "ssh"], ["a", "https"], ["b", "ssh"]]),
            "shibori: a ssh, a https, b ssh"
        );
        assert_eq!(description([["a"], ["a"], ["b"]]), "shibori: a, b");
        // Distinct neighbours, so nothing is skipped; two bytes per character.
        let long = description((0..100).map(|i| if i % 2 == 0 { ["é"] } else { ["ü"] }));
        assert_eq!(long.chars().count(), MAX_DESCRIPTION);
        assert!(long.ends_with("..."));
    }

    proptest! {
        #[test]
        fn cidr_matches_display(a: u32, len in 0u8..=32) {
            let net = Ipv4Net::new(Ipv4Addr::from(a), len).unwrap();
            let mut s = String::new();
            push_cidr(&mut s, &net);
            prop_assert_eq!(s, net.to_string());
        }

        #[test]
        fn ports_match_display(a: u16, b: u16) {
            let range = PortRange { from: a.min(b), to: a.max(b) };
            let mut s = String::new();
            push_ports(&mut s, &range);
            prop_assert_eq!(s, range.to_string());
        }

        #[test]
        fn u32_matches_display(n: u32) {
            let mut s = String::new();
            push_u32(&mut s, n);
            prop_assert_eq!(s, n.to_string());
        }
    }
}
