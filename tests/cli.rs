//! The binary end to end: check and plan on every example, the invalid-intent corpus,
//! exit codes, stdin and JSON input.

mod common;
use common::{examples, read, root, shibori, shibori_stdin};

#[test]
fn every_example_passes_check() {
    for (name, path) in examples() {
        let run = shibori(&["check", &path]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(": ok ("), "{name}: {}", run.stderr);
    }
}

#[test]
fn plan_snapshots() {
    for (name, path) in examples() {
        let json = shibori(&["plan", &path, "--json"]);
        assert_eq!(json.code, 0, "{name}: {}", json.stderr);
        insta::assert_snapshot!(format!("plan-json-{name}"), json.stdout);
        let human = shibori(&["plan", &path]);
        assert_eq!(human.code, 0);
        insta::assert_snapshot!(format!("plan-text-{name}"), human.stdout);
        insta::assert_snapshot!(format!("plan-stderr-{name}"), human.stderr);
    }
}

#[test]
fn plan_is_deterministic() {
    for (_, path) in examples() {
        assert_eq!(
            shibori(&["plan", &path, "--json"]).stdout,
            shibori(&["plan", &path, "--json"]).stdout
        );
    }
}

/// The seed example (one SSH server behind the endpoint), with its exact rule counts.
#[test]
fn seed_ssh_plans_exactly() {
    let run = shibori(&["plan", "examples/seed-ssh/intent.yaml", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    let nacl = plan["nacl_entries"].as_array().expect("entries");
    assert_eq!(nacl.len(), 4);
    let find = |acl: &str, egress: bool| {
        nacl.iter()
            .find(|e| e["network_acl"] == acl && e["egress"] == egress)
            .unwrap_or_else(|| panic!("{acl} egress={egress}"))
    };
    let req_out = find("acl-0aaaaaaaaaaaaaaaa", true);
    assert_eq!(
        (req_out["cidr"].as_str(), req_out["ports"]["from"].as_u64()),
        (Some("192.168.1.0/24"), Some(22))
    );
    let req_in = find("acl-0cccccccccccccccc", false);
    assert_eq!(
        (req_in["cidr"].as_str(), req_in["ports"]["from"].as_u64()),
        (Some("192.168.10.0/24"), Some(22))
    );
    let rep_out = find("acl-0cccccccccccccccc", true);
    assert_eq!(
        (
            rep_out["cidr"].as_str(),
            rep_out["ports"]["from"].as_u64(),
            rep_out["ports"]["to"].as_u64()
        ),
        (Some("192.168.10.0/24"), Some(1024), Some(65535))
    );
    let rep_in = find("acl-0aaaaaaaaaaaaaaaa", false);
    assert_eq!(
        (rep_in["cidr"].as_str(), rep_in["ports"]["from"].as_u64()),
        (Some("192.168.1.0/24"), Some(1024))
    );
    assert_eq!(
        plan["authorization_rules"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(plan["routes"].as_array().map(Vec::len), Some(0));
    let rules = plan["security_group_rules"].as_array().expect("rules");
    let endpoint: Vec<_> = rules
        .iter()
        .filter(|r| r["security_group"] == "endpoint")
        .collect();
    assert!(
        endpoint.iter().all(|r| r["direction"] == "egress"),
        "no inbound on the endpoint SG"
    );
    assert_eq!(endpoint.len(), 1);
    assert_eq!(
        (
            endpoint[0]["protocol"].as_str(),
            endpoint[0]["peer"]["cidr"].as_str()
        ),
        (Some("all"), Some("0.0.0.0/0"))
    );
    let dest: Vec<_> = rules
        .iter()
        .filter(|r| r["security_group"] == "ssh")
        .collect();
    assert_eq!(dest.len(), 1);
    assert_eq!(dest[0]["from_port"], 22);
    assert_eq!(dest[0]["peer"]["security_group"], "endpoint");
}

#[test]
fn same_subnet_needs_no_nacl_entries() {
    let run = shibori(&["plan", "examples/same-subnet/intent.yaml", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    assert_eq!(plan["nacl_entries"].as_array().map(Vec::len), Some(0));
}

/// Every file in the corpus is rejected with exit 1, the expected message and position.
#[test]
fn invalid_corpus() {
    let dir = root().join("tests/fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "the corpus has {} files", files.len());
    for file in files {
        let rel = file
            .strip_prefix(root())
            .expect("inside repo")
            .to_string_lossy()
            .into_owned();
        let text = read(&rel);
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .expect("# expect: header");
        let run = shibori(&["check", &rel]);
        assert_eq!(run.code, 1, "{rel}: exit {}\n{}", run.code, run.stderr);
        assert!(!run.stderr.contains("panicked"), "{rel}: {}", run.stderr);
        if let Some(n) = expect.strip_suffix(" errors") {
            let count = run
                .stderr
                .lines()
                .filter(|l| l.starts_with("error:"))
                .count();
            assert_eq!(
                count.to_string(),
                n,
                "{rel}: all errors at once\n{}",
                run.stderr
            );
            continue;
        }
        assert!(
            run.stderr.contains(expect),
            "{rel}: expected `{expect}` in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.starts_with("error:") || run.stderr.contains("\nerror:"),
            "{rel}"
        );
        if let Some(at) = text.lines().nth(1).and_then(|l| l.strip_prefix("# at: ")) {
            let mark = format!("--> {rel}:{at}");
            assert!(
                run.stderr.contains(&mark),
                "{rel}: expected `{mark}` in\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn diagnostics_snapshot() {
    let run = shibori(&["check", "tests/fixtures/invalid/multiple-errors.yaml"]);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn check_json_reports_positions() {
    let run = shibori(&["check", "tests/fixtures/invalid/host-bits.yaml", "--json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["valid"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["severity"].as_str(),
            d["path"].as_str(),
            d["line"].as_u64(),
            d["column"].as_u64()
        ),
        (Some("error"), Some("subnets.app.cidr"), Some(15), Some(11))
    );
    assert!(d["help"]
        .as_str()
        .is_some_and(|h| h.contains("10.0.1.0/24")));
}

#[test]
fn stdin_and_json_input() {
    let yaml = read("examples/seed-ssh/intent.yaml");
    let from_file = shibori(&["plan", "examples/seed-ssh/intent.yaml", "--json"]).stdout;
    let from_stdin = shibori_stdin(&["plan", "-", "--json"], Some(&yaml));
    assert_eq!(from_stdin.code, 0, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file);
    let value: serde_json::Value = serde_yaml::from_str(&yaml).expect("yaml");
    let json = serde_json::to_string_pretty(&value).expect("json");
    let from_json = shibori_stdin(&["plan", "-", "--json"], Some(&json));
    assert_eq!(from_json.code, 0, "{}", from_json.stderr);
    assert_eq!(from_json.stdout, from_file);
}

#[test]
fn exit_codes_for_usage_and_io() {
    assert_eq!(shibori(&["frobnicate"]).code, 2);
    assert_eq!(shibori(&["plan"]).code, 2);
    let missing = shibori(&["check", "does/not/exist.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("does/not/exist.yaml"),
        "{}",
        missing.stderr
    );
    let binary = shibori_stdin(&["check", "-"], Some("\u{0}\u{1}garbage: [\u{7f}"));
    assert_eq!(binary.code, 1, "{}", binary.stderr);
    assert_eq!(shibori(&["--version"]).code, 0);
}

/// Rule economy (docs/semantics.md#network-acl-entries): the merge example needs at least
/// 3× fewer entries than naive.
#[test]
fn merge_example_reduces_nacl_entries() {
    let run = shibori(&["plan", "examples/merge-economy/intent.yaml", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    let emitted = plan["nacl_entries"].as_array().map_or(0, Vec::len) as u64;
    let naive = plan["nacl_entries_unmerged"].as_u64().unwrap_or(0);
    assert!(emitted * 3 <= naive, "{naive} naive vs {emitted} emitted");
}

/// An I/O error names the OS's reason once, not once per layer of the error chain.
#[test]
fn io_errors_say_the_os_reason_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "").expect("write");
    let out = file.join("render");
    let run = shibori(&[
        "render",
        "examples/seed-ssh/intent.yaml",
        "--format",
        "terraform",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("Not a directory").count(),
        1,
        "{}",
        run.stderr
    );
}
