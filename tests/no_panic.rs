//! Nothing panics on any input: random text, and valid intents with one value replaced
//! by junk, go through parse → validate → plan and come out as diagnostics or a plan;
//! random and mutated artifacts go through the readers and come out as a rule set or a
//! read error. A bounded proptest run stands in for a fuzzer (no nightly toolchain).
//! Every command exits 2, without a panic, when stdout is closed or full.

mod common;

use proptest::prelude::*;
use shibori::diagnostic::Source;
use shibori::verify::read::{cloudformation, terraform_module, Artifact};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn pipeline(text: &str) {
    let source = Source {
        name: "fuzz.yaml".into(),
        text: text.to_string(),
    };
    if let Ok(loaded) = shibori::intent::load(&source) {
        let _ = shibori::plan::plan(&loaded.intent);
    }
}

const SEED: &str = include_str!("../examples/multi-az-saml/intent.yaml");
const CFN: &str = include_str!("../examples/multi-az-saml/cloudformation/prod-access.yaml");
const TF: &str = include_str!("../examples/multi-az-saml/terraform/security_groups.tf");
const TF_JSON: &str =
    include_str!("../examples/multi-az-saml/terraform-json/security_groups.tf.json");

/// Every reader on `text`, as the file name each expects.
fn readers(text: &str) {
    let one = |name: &str| {
        let files = BTreeMap::from([(PathBuf::from(name), text.to_string())]);
        Artifact::from_files("fuzz", files)
    };
    let _ = cloudformation::parse(Path::new("t.yaml"), text);
    let _ = cloudformation::parse(Path::new("t.json"), text);
    let _ = cloudformation::read(&one("t.yaml"), Path::new("t.yaml"));
    let _ = terraform_module::read(&one("main.tf"), &[PathBuf::from("main.tf")]);
    let _ = terraform_module::read(&one("main.tf.json"), &[PathBuf::from("main.tf.json")]);
}

/// `text` with the bytes `start..start + len` replaced by `junk`, on character bounds.
fn splice(text: &str, start: usize, len: usize, junk: &str) -> String {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (a, b) = (floor(start), floor(start + len));
    format!("{}{junk}{}", &text[..a], &text[b..])
}

fn junk() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[".repeat(5000)),
        Just("{".repeat(5000)),
        Just("&a [x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n".to_string()),
        Just("count = 1e300".to_string()),
        Just("${".repeat(300)),
        Just("<<EOT\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r".to_string()),
        Just("\"".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_text(text in "\\PC{0,200}") {
        pipeline(&text);
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        pipeline(&String::from_utf8_lossy(&bytes));
    }

    /// Replace one scalar of a valid intent with junk: the diagnostics must place it.
    #[test]
    fn mutated_values(line in 0usize..80, junk in prop_oneof![
        Just("0.0.0.0/0".to_string()), Just("-1".to_string()), Just("[]".to_string()), Just("{}".to_string()),
        Just("255.255.255.255/33".to_string()), Just("tcp/0-65535".to_string()), Just("\"\"".to_string()),
        "[a-z0-9./-]{0,12}", "\\PC{0,8}"]) {
        let mut lines: Vec<String> = SEED.lines().map(str::to_string).collect();
        if let Some(l) = lines.get_mut(line) {
            if let Some(i) = l.find(": ") {
                l.truncate(i + 2);
                l.push_str(&junk);
            }
        }
        pipeline(&lines.join("\n"));
    }

    /// Hostile shapes spliced into the intent anywhere.
    #[test]
    fn spliced_intents(start in 0usize..4000, len in 0usize..40, junk in junk()) {
        pipeline(&splice(SEED, start, len, &junk));
    }

    #[test]
    fn random_artifacts(text in "\\PC{0,300}") {
        readers(&text);
    }

    /// Shibori's own artifacts with hostile shapes spliced in anywhere.
    #[test]
    fn spliced_artifacts(which in 0usize..3, start in 0usize..20_000, len in 0usize..40, junk in junk()) {
        let seed = [CFN, TF, TF_JSON][which];
        readers(&splice(seed, start % seed.len().max(1), len, &junk));
    }
}

/// Closed (broken pipe) and full stdout: an I/O error of the run, exit 2, no panic.
#[cfg(unix)]
#[test]
fn unwritable_stdout_exits_2() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let intent = common::read("examples/seed-ssh/intent.yaml");
    let commands: [&[&str]; 5] = [
        &["plan", "-"],
        &["plan", "-", "--json"],
        &["check", "-", "--json"],
        &["verify", "-"],
        &["explain", "-"],
    ];
    let check = |args: &[&str], run: std::process::Output| {
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to stdout"),
            "{args:?}: {stderr}"
        );
    };
    for args in commands {
        // The reader of stdout is gone before the intent arrives on stdin: the
        // command's first write meets a broken pipe.
        let mut child = Command::new(env!("CARGO_BIN_EXE_shibori"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn shibori");
        drop(child.stdout.take());
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(intent.as_bytes()).expect("write stdin");
        }
        check(args, child.wait_with_output().expect("wait"));
    }
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let run = Command::new(env!("CARGO_BIN_EXE_shibori"))
        .arg("schema")
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run shibori");
    check(&["schema"], run);
}
