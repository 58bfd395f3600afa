//! `cargo bench --bench verify_stages [-- TARGETS NETWORKS | -- INTENT.yaml]`: where
//! `verify` spends its time, stage by stage and format by format, in one thread (median
//! of 5 runs). The whole-process figures are in `pipeline`; this one says which stage to
//! work on.

#[path = "support/generate.rs"]
mod generate;

use shibori::diagnostic::Source;
use shibori::verify::read::{self, Artifact};
use shibori::verify::{bind, excess, flows};
use std::time::{Duration, Instant};

fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:8.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    // Like `pipeline`: not part of `cargo test --all-targets`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("verify stage benchmark: skipped (run it with `cargo bench`)");
        return;
    }
    let nums: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n, k) = (
        nums.first().copied().unwrap_or(1000),
        nums.get(1).copied().unwrap_or(5),
    );
    let runs = 5;
    let file = std::env::args().skip(1).find(|a| a.ends_with(".yaml"));
    let source = Source {
        name: "bench.yaml".into(),
        text: match &file {
            Some(f) => std::fs::read_to_string(f).expect("read the intent"),
            None => generate::intent(n, k),
        },
    };
    let loaded = shibori::intent::load(&source).expect("valid bench intent");
    let intent = &loaded.intent;
    let plan = shibori::plan::plan(intent).expect("plan");
    match &file {
        Some(f) => println!("verify stages, {f} (median of {runs})"),
        None => println!("verify stages, {n} targets x {k} target networks (median of {runs})"),
    }
    println!(
        "{:<16}{:>11}{:>11}{:>11}{:>11}{:>11}{:>11}{:>11}",
        "format", "render", "read", "bind", "index", "flows", "excess", "verify"
    );
    let mut total = Duration::ZERO;
    for format in shibori::render::RenderFormat::ALL {
        let (t_render, files) = median(runs, || {
            shibori::render::render(&plan, format).expect("render")
        });
        let artifact = Artifact::from_files(
            format.name(),
            files.into_iter().map(|f| (f.path, f.contents)).collect(),
        );
        let (t_read, (_, rs)) = median(runs, || read::read(&artifact).expect("read"));
        let (t_bind, b) = median(runs, || bind::bind(intent, &rs));
        let rs4 = rs.family::<ipnet::Ipv4Net>();
        let (t_index, _) = median(runs, || flows::Index::new(intent, &rs4, &b));
        let ix = flows::Index::new(intent, &rs4, &b);
        let (t_flows, _) = median(runs, || flows::check(&ix));
        let none = Default::default();
        let (t_excess, _) = median(runs, || excess::check(intent, &rs4, &b, &ix, &none));
        let (t_verify, findings) = median(runs, || shibori::verify::verify(intent, &rs));
        assert!(findings.is_empty(), "{format:?} does not verify clean");
        total += t_read + t_verify;
        println!(
            "{:<16}{}{}{}{}{}{}{}",
            format.name(),
            ms(t_render),
            ms(t_read),
            ms(t_bind),
            ms(t_index),
            ms(t_flows),
            ms(t_excess),
            ms(t_verify)
        );
    }
    println!("read + verify, all formats, one thread: {}", ms(total));
}
