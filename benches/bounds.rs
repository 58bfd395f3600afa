//! `cargo bench --bench bounds`: hostile input shapes, each at a size N and 2N, with the
//! growth per doubling of the time each takes. Linear work doubles (2×); the bound is
//! 2.3×, and a shape above it is flagged. Each shape is refused or bounded by the code
//! it exercises.
//!
//! Not a timed test: it never fails on a slow machine; it measures and reports.
//! `SHIBORI_BENCH_SCALE=0.25` shrinks every N (for a quick look);
//! `SHIBORI_BENCH_SHAPE=locals` runs only the shapes whose name contains the text.

#[path = "support/generate.rs"]
mod generate;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use shibori::diagnostic::Source;
use shibori::verify::read::{cloudformation, Artifact};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const BOUND: f64 = 2.3;

/// The fastest of `runs`: on a machine shared with other work, the minimum is the
/// figure that other processes disturb least.
fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn source(text: String) -> Source {
    Source {
        name: "bench.yaml".into(),
        text,
    }
}

/// parse → validate, and the diagnostics rendered with their source lines.
fn check(text: &str) {
    let source = source(text.to_string());
    match shibori::intent::load(&source) {
        Ok(loaded) => {
            let _ = shibori::plan::plan(&loaded.intent);
        }
        Err(d) => {
            let _ = shibori::diagnostic::render_text(&d, Some(&source), false);
        }
    }
}

fn artifact(files: Vec<(&str, String)>) -> Artifact {
    let files: BTreeMap<PathBuf, String> = files
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t))
        .collect();
    Artifact::from_files("bench", files)
}

/// A JSON intent on one line, with an error in its last target.
fn one_line_json(n: usize) -> String {
    let targets: Vec<String> = (0..n)
        .map(|i| {
            let port = if i + 1 == n { "tcp/99999" } else { "ssh" };
            format!(
                r#"{{"name": "t{i}", "cidr": "10.{}.{}.{}/32", "ports": ["{port}"]}}"#,
                100 + i / 65536 % 100,
                i / 256 % 256,
                i % 256
            )
        })
        .collect();
    format!(
        r#"{{"version": 1, "name": "x", "vpc": {{"cidr": "10.0.0.0/16"}}, "endpoint": {{"client_cidr": "172.16.0.0/22", "authentication": "certificate"}}, "subnets": {{"vpn-a": {{"cidr": "10.0.100.0/24", "az": "eu-west-1a"}}}}, "target_networks": ["vpn-a"], "targets": [{}]}}"#,
        targets.join(", ")
    )
}

fn flow_nesting(n: usize) -> String {
    format!("version: 1\nvpc: {}{}\n", "[".repeat(n), "]".repeat(n))
}

/// Each anchor is a list of ten aliases of the previous one: 10^levels nodes.
fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..levels {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

fn hcl_nesting(n: usize) -> String {
    format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(n), "]".repeat(n))
}

/// `locals` declared in the reverse of their dependency order.
fn reverse_locals(n: usize) -> String {
    let mut text = String::from("locals {\n");
    for i in (1..n).rev() {
        text.push_str(&format!("  l{i} = local.l{}\n", i - 1));
    }
    text.push_str("  l0 = \"10.0.0.0/16\"\n}\n");
    text
}

/// `n` locals, each the one before written twice (as a string and as a list): what
/// they evaluate to doubles per line, so the reader's budget is what bounds it.
fn doubling_locals(n: usize) -> String {
    let mut text = String::from("locals {\n  d0 = \"0123456789abcdef\"\n  l0 = [\"x\"]\n");
    for i in 1..n {
        let p = i - 1;
        text.push_str(&format!(
            "  d{i} = \"${{local.d{p}}}${{local.d{p}}}\"\n  l{i} = [local.l{p}, local.l{p}]\n"
        ));
    }
    text.push_str("}\n");
    text
}

/// A template whose nested stack nests itself twice, `n` files deep.
fn self_nesting(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let next = (i + 1).min(n - 1);
            let stack = |id: &str| {
                format!(
                    "  {id}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./t{next}.yaml\n"
                )
            };
            (
                format!("t{i}.yaml"),
                format!("Resources:\n{}{}", stack("A"), stack("B")),
            )
        })
        .collect()
}

/// `n` targets, each with a host that is not an address: one diagnostic per target,
/// each rendered with its source line.
fn many_diagnostics(n: usize) -> String {
    let mut text = String::from(
        "version: 1\nname: bad\nvpc:\n  cidr: 10.0.0.0/16\nendpoint:\n  client_cidr: 172.16.0.0/22\n  authentication: certificate\nsubnets:\n  vpn-a:\n    cidr: 10.0.100.0/24\n    az: eu-west-1a\n  app:\n    cidr: 10.0.1.0/24\ntarget_networks: [vpn-a]\ntargets:\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "  - name: t{i}\n    subnet: app\n    hosts: [10.0.1.{}/32]\n    ports: [ssh]\n",
            256 + i
        ));
    }
    text
}

/// One target with `n` single ports: the NACL planner's worst case.
fn many_ports(n: usize) -> String {
    let ports: Vec<String> = (0..n).map(|i| format!("tcp/{}", 1 + 2 * i)).collect();
    format!(
        "version: 1\nname: ports\nvpc:\n  cidr: 10.0.0.0/16\nendpoint:\n  client_cidr: 172.16.0.0/22\n  authentication: certificate\nsubnets:\n  vpn-a:\n    cidr: 10.0.100.0/24\n    az: eu-west-1a\n  app:\n    cidr: 10.0.1.0/24\ntarget_networks: [vpn-a]\nnacl:\n  quota: 40\ntargets:\n  - name: app\n    subnet: app\n    ports: [{}]\n",
        ports.join(", ")
    )
}

struct Shape {
    name: &'static str,
    n: usize,
    run: Box<dyn Fn(usize)>,
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("bounds benchmark: skipped (run it with `cargo bench --bench bounds`)");
        return;
    }
    let scale: f64 = std::env::var("SHIBORI_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let scaled = |n: usize| ((n as f64 * scale) as usize).max(2);
    let links_dir = tempfile::tempdir().expect("temp dir");
    let links_root = links_dir.path().to_path_buf();
    let shapes: Vec<Shape> = vec![
        Shape {
            name: "one-line JSON intent, diagnostic at the end (targets)",
            n: scaled(4000),
            run: Box::new(|n| check(&one_line_json(n))),
        },
        Shape {
            name: "YAML flow nesting in an intent (levels)",
            n: scaled(100_000),
            run: Box::new(|n| check(&flow_nesting(n))),
        },
        Shape {
            name: "YAML flow nesting in a template (levels)",
            n: scaled(100_000),
            run: Box::new(|n| {
                let _ = cloudformation::parse(Path::new("t.yaml"), &flow_nesting(n));
            }),
        },
        Shape {
            name: "alias bomb in an intent (bytes ~ levels)",
            n: scaled(40),
            run: Box::new(|n| check(&alias_bomb(n))),
        },
        Shape {
            name: "alias bomb in a template (bytes ~ levels)",
            n: scaled(40),
            run: Box::new(|n| {
                let _ = cloudformation::parse(Path::new("t.yaml"), &alias_bomb(n));
            }),
        },
        Shape {
            name: "HCL nesting (levels)",
            n: scaled(20_000),
            run: Box::new(|n| {
                let a = artifact(vec![("main.tf", hcl_nesting(n))]);
                let _ =
                    shibori::verify::read::terraform_module::read(&a, &[PathBuf::from("main.tf")]);
            }),
        },
        Shape {
            name: "Terraform count = N × 1e6 (capped)",
            n: scaled(1000),
            run: Box::new(|n| {
                let text = format!(
                    "resource \"aws_vpc_security_group_ingress_rule\" \"r\" {{\n  count = {}\n  security_group_id = \"sg-1\"\n  ip_protocol = \"tcp\"\n  from_port = 22\n  to_port = 22\n  cidr_ipv4 = \"10.0.0.0/8\"\n}}\n",
                    n * 1_000_000
                );
                let a = artifact(vec![("main.tf", text)]);
                let _ =
                    shibori::verify::read::terraform_module::read(&a, &[PathBuf::from("main.tf")]);
            }),
        },
        Shape {
            name: "Terraform locals in reverse order (locals)",
            n: scaled(2000),
            run: Box::new(|n| {
                let a = artifact(vec![("main.tf", reverse_locals(n))]);
                let _ =
                    shibori::verify::read::terraform_module::read(&a, &[PathBuf::from("main.tf")]);
            }),
        },
        Shape {
            name: "Terraform locals that double (locals, capped)",
            n: scaled(40),
            run: Box::new(|n| {
                let a = artifact(vec![("main.tf", doubling_locals(n))]);
                let _ =
                    shibori::verify::read::terraform_module::read(&a, &[PathBuf::from("main.tf")]);
            }),
        },
        Shape {
            name: "self-nesting CloudFormation stacks (templates)",
            n: scaled(16),
            run: Box::new(|n| {
                let files = self_nesting(n);
                let a = artifact(files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect());
                let _ = cloudformation::read(&a, Path::new("t0.yaml"));
            }),
        },
        Shape {
            name: "symbolic links looping in an artifact directory (links)",
            n: scaled(200),
            run: Box::new(move |n| {
                let dir = links_root.join(format!("links-{n}"));
                if !dir.exists() {
                    std::fs::create_dir_all(&dir).expect("dir");
                    std::fs::write(dir.join("main.tf"), "locals {}\n").expect("write");
                    for i in 0..n {
                        #[cfg(unix)]
                        std::os::unix::fs::symlink(".", dir.join(format!("loop{i}")))
                            .expect("symlink");
                    }
                }
                let _ = Artifact::load(&dir);
            }),
        },
        Shape {
            name: "NACL planning, one target with N ports",
            n: scaled(5000),
            run: Box::new(|n| check(&many_ports(n))),
        },
        Shape {
            name: "check of an invalid intent, a diagnostic per target",
            n: scaled(5000),
            run: Box::new(|n| check(&many_diagnostics(n))),
        },
        Shape {
            name: "check of a large intent (targets)",
            n: scaled(5000),
            run: Box::new(|n| check(&generate::intent(n, 3))),
        },
    ];
    println!(
        "{:<58} {:>8} {:>10} {:>10} {:>8}",
        "shape", "N", "t(N) ms", "t(2N) ms", "growth"
    );
    let only = std::env::var("SHIBORI_BENCH_SHAPE").unwrap_or_default();
    let mut over = 0;
    for s in shapes.iter().filter(|s| s.name.contains(only.as_str())) {
        let runs = 5;
        // Warm up (and build on-disk fixtures) outside the timings.
        (s.run)(s.n);
        (s.run)(2 * s.n);
        let a = time(runs, || (s.run)(s.n));
        let b = time(runs, || (s.run)(2 * s.n));
        let growth = b.as_secs_f64() / a.as_secs_f64().max(1e-9);
        // Below a millisecond the ratio is noise, not growth.
        let flag = if growth > BOUND && b > Duration::from_millis(1) {
            over += 1;
            "  << above the bound"
        } else {
            ""
        };
        println!(
            "{:<58} {:>8} {:>10.2} {:>10.2} {:>7.2}×{flag}",
            s.name,
            s.n,
            a.as_secs_f64() * 1e3,
            b.as_secs_f64() * 1e3,
            growth
        );
    }
    println!("{over} shape(s) grow faster than {BOUND}× per doubling");
}
