//! `cargo bench`: how long each stage takes as the intent grows, and the whole
//! process end to end. Prints the growth per doubling of the intent size and flags
//! anything that grows faster than about n log n.
//!
//! Not a timed test: it never fails on a slow machine; it measures and reports.

#[path = "support/generate.rs"]
mod generate;

use shibori::diagnostic::Source;
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
        5
    } else {
        15
    }
}

struct Row {
    stage: &'static str,
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
    let binary = release_binary();
    let mut rows: Vec<Row> = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    for &k in &NETWORKS {
        let mut stages: Vec<(&'static str, Vec<Duration>)> = vec![
            ("parse+validate", vec![]),
            ("plan", vec![]),
            ("process: check", vec![]),
            ("process: plan --json", vec![]),
        ];
        for &n in &SIZES {
            let text = generate::intent(n, k);
            let source = Source {
                name: "bench.yaml".into(),
                text: text.clone(),
            };
            let runs = runs_for(n);
            stages[0].1.push(time(runs, || {
                let _ = shibori::intent::load(&source).expect("valid bench intent");
            }));
            let loaded = shibori::intent::load(&source).expect("valid bench intent");
            stages[1].1.push(time(runs, || {
                let _ = shibori::plan::plan(&loaded.intent).expect("plan");
            }));
            let file = dir.path().join(format!("bench-{n}-{k}.yaml"));
            std::fs::write(&file, &text).expect("write intent");
            let path = file.to_string_lossy().into_owned();
            for (i, args) in [
                vec!["check", path.as_str()],
                vec!["plan", path.as_str(), "--json"],
            ]
            .into_iter()
            .enumerate()
            {
                stages[2 + i].1.push(time(runs, || {
                    let out = Command::new(&binary)
                        .args(&args)
                        .output()
                        .expect("run shibori");
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }));
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
    report(&rows);
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

fn report(rows: &[Row]) {
    println!("\nshibori pipeline benchmark (median wall time, ms; intent sizes in targets)");
    print!("{:<22} {:>4}", "stage", "nets");
    for n in SIZES {
        print!(" {:>9}", n);
    }
    println!("  {:>16}  verdict", "growth/doubling");
    for r in rows {
        print!("{:<22} {:>4}", r.stage, r.networks);
        for t in &r.times {
            print!(" {:>9.2}", ms(*t));
        }
        // Exponent between the two largest sizes: t ~ n^e, so a doubling costs 2^e.
        let (n1, n2) = (SIZES[SIZES.len() - 2] as f64, SIZES[SIZES.len() - 1] as f64);
        let (t1, t2) = (
            r.times[r.times.len() - 2].as_secs_f64(),
            r.times[r.times.len() - 1].as_secs_f64(),
        );
        let e = (t2 / t1).ln() / (n2 / n1).ln();
        let per_doubling = 2f64.powf(e);
        // n log n from 1000 to 5000 doubles to about 2.2x per doubling; allow noise.
        let verdict = if per_doubling > 2.4 {
            "WORSE THAN n log n"
        } else {
            "ok"
        };
        println!("  {:>15.2}x  {verdict}", per_doubling);
    }
}
