//! `cargo bench`: how long each stage takes as the intent grows (parse+validate, plan,
//! each renderer, verify of each format), and whole processes end to end. Prints the
//! growth per doubling of the intent size and flags anything that grows faster than
//! about n log n.
//!
//! Not a timed test: it never fails on a slow machine; it measures and reports.
//! Narrow a run with `SHIBORI_BENCH_SIZES=1000` and `SHIBORI_BENCH_NETWORKS=5`
//! (comma-separated lists); `SHIBORI_BENCH_FAMILY=dual-stack` measures the same
//! intents dual-stack.

#[path = "support/generate.rs"]
mod generate;

// The stages run in this process: time them with the allocator the binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use shibori::commands::verify::{rendered, verify_artifact};
use shibori::diagnostic::Source;
use shibori::render::RenderFormat;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [10, 100, 1000, 5000];
const NETWORKS: [usize; 3] = [1, 3, 5];

/// Median of `runs` timings of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut v: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn runs_for(n: usize) -> usize {
    if n >= 5000 {
        3
    } else if n >= 1000 {
        7
    } else {
        15
    }
}

fn list_from_env(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|s| s.trim().parse().expect("a comma-separated list of numbers"))
            .collect(),
        _ => default.to_vec(),
    }
}

struct Row {
    stage: String,
    networks: usize,
    times: Vec<Duration>,
}

fn main() {
    // `cargo test --all-targets` also builds and runs benches, without `--bench`: a
    // benchmark is not a test, so stay out of the test run.
    if !std::env::args().any(|a| a == "--bench") {
        println!("pipeline benchmark: skipped (run it with `cargo bench`)");
        return;
    }
    let sizes = list_from_env("SHIBORI_BENCH_SIZES", &SIZES);
    let networks = list_from_env("SHIBORI_BENCH_NETWORKS", &NETWORKS);
    let binary = release_binary();
    let mut rows: Vec<Row> = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    for &k in &networks {
        let mut stages: Vec<(String, Vec<Duration>)> = Vec::new();
        let mut push = |i: usize, name: &str, d: Duration| {
            if stages.len() <= i {
                stages.push((name.to_string(), Vec::new()));
            }
            stages[i].1.push(d);
        };
        for &n in &sizes {
            // `SHIBORI_BENCH_FAMILY=dual-stack`: the same intents with IPv6 beside IPv4.
            let text = if std::env::var("SHIBORI_BENCH_FAMILY").as_deref() == Ok("dual-stack") {
                generate::dual_stack_intent(n, k)
            } else {
                generate::intent(n, k)
            };
            let source = Source {
                name: "bench.yaml".into(),
                text: text.clone(),
            };
            let runs = runs_for(n);
            let mut i = 0;
            let mut stage = |name: &str, d: Duration| {
                push(i, name, d);
                i += 1;
            };
            stage(
                "parse+validate",
                time(runs, || {
                    let _ = shibori::intent::load(&source).expect("valid bench intent");
                }),
            );
            let loaded = shibori::intent::load(&source).expect("valid bench intent");
            stage(
                "plan",
                time(runs, || {
                    let _ = shibori::plan::plan(&loaded.intent).expect("plan");
                }),
            );
            let plan = shibori::plan::plan(&loaded.intent).expect("plan");
            for format in RenderFormat::ALL {
                stage(
                    &format!("render {}", format.name()),
                    time(runs, || {
                        let _ = shibori::render::render(&plan, format).expect("render");
                    }),
                );
            }
            let artifacts: Vec<_> = RenderFormat::ALL
                .into_iter()
                .map(|f| rendered(&plan, f).expect("render"))
                .collect();
            for a in &artifacts {
                let name = a.label.split(' ').next().unwrap_or("?").to_string();
                stage(
                    &format!("verify {name}"),
                    time(runs, || {
                        let v = verify_artifact(&loaded.intent, a).expect("verify");
                        assert!(v.findings.is_empty(), "{name}: findings");
                    }),
                );
            }
            stage(
                "all: load+plan+4 fmt+verify",
                time(runs, || {
                    let loaded = shibori::intent::load(&source).expect("valid bench intent");
                    let plan = shibori::plan::plan(&loaded.intent).expect("plan");
                    // One thread, one format after the other: the work, not the cores.
                    for f in RenderFormat::ALL {
                        let a = rendered(&plan, f).expect("render");
                        let _ = verify_artifact(&loaded.intent, &a).expect("verify");
                    }
                }),
            );
            let file = dir.path().join(format!("bench-{n}-{k}.yaml"));
            std::fs::write(&file, &text).expect("write intent");
            let path = file.to_string_lossy().into_owned();
            let out = dir.path().join(format!("out-{n}-{k}"));
            let out = out.to_string_lossy().into_owned();
            for (name, args) in [
                ("process: check", vec!["check", path.as_str()]),
                (
                    "process: plan --json",
                    vec!["plan", path.as_str(), "--json"],
                ),
                (
                    "process: render cfn",
                    vec!["render", path.as_str(), "-f", "cloudformation", "-o", &out],
                ),
                // Plans, renders all four formats in memory and proves each: the whole job.
                ("process: verify (e2e)", vec!["verify", path.as_str()]),
            ] {
                stage(
                    name,
                    time(runs, || {
                        let out = Command::new(&binary)
                            .args(&args)
                            .output()
                            .expect("run shibori");
                        assert!(
                            out.status.success(),
                            "{}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                    }),
                );
            }
        }
        for (stage, times) in stages {
            rows.push(Row {
                stage,
                networks: k,
                times,
            });
        }
    }
    report(&sizes, &rows);
}

/// The release binary next to this bench's own target dir (cargo bench builds it).
fn release_binary() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet"])
        .current_dir(&root)
        .status();
    assert!(
        status.is_ok_and(|s| s.success()),
        "cargo build --release failed"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    target.join("release").join("shibori")
}

fn report(sizes: &[usize], rows: &[Row]) {
    println!("\nshibori pipeline benchmark (median wall time, ms; intent sizes in targets)");
    print!("{:<30} {:>4}", "stage", "nets");
    for n in sizes {
        print!(" {:>9}", n);
    }
    if sizes.len() >= 2 {
        print!("  {:>16}  verdict", "growth/doubling");
    }
    println!();
    for r in rows {
        print!("{:<30} {:>4}", r.stage, r.networks);
        for t in &r.times {
            print!(" {:>9.2}", ms(*t));
        }
        if sizes.len() >= 2 {
            // Exponent between the two largest sizes: t ~ n^e, so a doubling costs 2^e.
            let (n1, n2) = (sizes[sizes.len() - 2] as f64, sizes[sizes.len() - 1] as f64);
            let (t1, t2) = (
                r.times[r.times.len() - 2].as_secs_f64(),
                r.times[r.times.len() - 1].as_secs_f64(),
            );
            let e = (t2 / t1).ln() / (n2 / n1).ln();
            let per_doubling = 2f64.powf(e);
            // n log n doubles to a little over 2x per doubling; allow noise.
            let verdict = if per_doubling > 2.4 {
                "WORSE THAN n log n"
            } else {
                "ok"
            };
            print!("  {:>15.2}x  {verdict}", per_doubling);
        }
        println!();
    }
}
