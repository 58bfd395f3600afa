//! The port syntax of SPEC §2.1.

use super::model::{Protocol, Service};
use crate::net::PortRange;

/// Parses one port entry into the services it stands for (`dns` is two).
pub fn parse_port(text: &str) -> Result<Vec<Service>, String> {
    let t = text.trim();
    let svc = |protocol, ports| Service::new(t, protocol, ports);
    let tcp = |p: u16| Ok(vec![svc(Protocol::Tcp, PortRange::single(p))]);
    match t.to_ascii_lowercase().as_str() {
        "ssh" => return tcp(22),
        "rdp" => return tcp(3389),
        "http" => return tcp(80),
        "https" => return tcp(443),
        "postgres" => return tcp(5432),
        "mysql" => return tcp(3306),
        "mssql" => return tcp(1433),
        "redis" => return tcp(6379),
        "dns" => {
            return Ok(vec![
                svc(Protocol::Udp, PortRange::single(53)),
                svc(Protocol::Tcp, PortRange::single(53)),
            ])
        }
        "icmp" => return Ok(vec![svc(Protocol::Icmp, PortRange::ALL)]),
        "all" => return Ok(vec![svc(Protocol::All, PortRange::ALL)]),
        _ => {}
    }
    let (protocol, range) = match t.split_once('/') {
        Some((p, r)) => match p.to_ascii_lowercase().as_str() {
            "tcp" => (Protocol::Tcp, r),
            "udp" => (Protocol::Udp, r),
            other => return Err(format!("unknown protocol `{other}`")),
        },
        None if t.chars().all(|c| c.is_ascii_digit() || c == '-') && !t.is_empty() => {
            (Protocol::Tcp, t)
        }
        None => return Err(format!("unknown port `{t}`")),
    };
    let range = parse_range(range)?;
    Ok(vec![svc(protocol, range)])
}

/// `22` or `8000-8080`, inside 0–65535, from ≤ to.
pub fn parse_range(text: &str) -> Result<PortRange, String> {
    let num = |s: &str| -> Result<u16, String> {
        let s = s.trim();
        let n: u64 = s
            .parse()
            .map_err(|_| format!("`{s}` is not a port number"))?;
        u16::try_from(n).map_err(|_| format!("port {n} is outside 0-65535"))
    };
    match text.split_once('-') {
        Some((a, b)) if a.trim().is_empty() || b.trim().is_empty() => Err(format!(
            "`{}` is not a port number or a range `from-to`",
            text.trim()
        )),
        Some((a, b)) => {
            let (from, to) = (num(a)?, num(b)?);
            PortRange::new(from, to).ok_or_else(|| format!("range {from}-{to} runs backwards"))
        }
        None => Ok(PortRange::single(num(text)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ranges() {
        assert_eq!(parse_port("ssh").unwrap()[0].ports, PortRange::single(22));
        assert_eq!(parse_port("dns").unwrap().len(), 2);
        assert_eq!(
            parse_port("udp/1000-2000").unwrap()[0].protocol,
            Protocol::Udp
        );
        assert_eq!(parse_port("8080").unwrap()[0].canonical(), "tcp/8080");
        assert!(parse_port("tcp/70000").unwrap_err().contains("outside"));
        assert!(parse_port("tcp/90-80").unwrap_err().contains("backwards"));
        assert!(parse_port("sctp/1")
            .unwrap_err()
            .contains("unknown protocol"));
        assert!(parse_port("telnet").is_err());
    }
}
