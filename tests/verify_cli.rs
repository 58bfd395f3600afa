//! `shibori verify` end to end: every example renders in memory and verifies clean in
//! all four formats; an intent that itself implies surplus is reported consistently by
//! `check`, `plan` and `verify`, with the fix; an unreadable artifact exits 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shibori(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shibori"))
        .args(["--color", "never"])
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn examples_verify_clean_in_memory() {
    let mut examples: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("intent.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    examples.sort();
    assert!(examples.len() >= 4);
    for ex in &examples {
        let intent = format!("examples/{ex}/intent.yaml");
        let (code, out, err) = shibori(&["verify", &intent]);
        assert_eq!(code, 0, "{ex}:\n{out}\n{err}");
        for f in ["terraform ", "terraform-json ", "cloudformation "] {
            assert!(out.contains(f), "{ex}: {f} missing in\n{out}");
        }
        assert_eq!(out.matches(": ok").count(), 4, "{out}");
    }
}

#[test]
fn intent_implied_surplus_is_reported_everywhere() {
    let intent = "tests/fixtures/verify/implied-surplus.yaml";
    let (code, _, err) = shibori(&["check", intent]);
    assert_eq!(code, 0, "a warning, not an error");
    assert!(err.contains("surplus") && err.contains("`hosts:`"), "{err}");
    let (_, _, err) = shibori(&["plan", intent]);
    assert!(err.contains("surplus") && err.contains("`hosts:`"), "{err}");
    let (code, out, err) = shibori(&["verify", intent]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("surplus"),
        "verify repeats the plan's warning:\n{err}"
    );
    for who_what in [
        "group `developers` can reach target `ssh` tcp/22",
        "group `sre` can reach target `web` tcp/443",
    ] {
        assert!(out.contains(who_what), "{who_what} in\n{out}");
    }
    assert!(
        out.contains("the intent itself implies this")
            && out.contains("`hosts:`")
            && out.contains("split the subnet"),
        "{out}"
    );
    // Every format says the same.
    assert_eq!(
        out.matches("group `developers` can reach target `ssh`")
            .count(),
        4,
        "{out}"
    );
}

#[test]
fn json_output_lists_findings() {
    let (code, out, _) = shibori(&[
        "verify",
        "tests/fixtures/verify/implied-surplus.yaml",
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["clean"], false);
    let f = &v["artifacts"][0]["findings"][0];
    assert_eq!(f["kind"], "surplus");
    assert_eq!(f["layer"], "authorization");
    assert!(f["target"].is_string() && f["who"].is_string() && f["target_network"].is_string());
}

#[test]
fn unreadable_artifact_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("broken.tf"), "resource \"x\" {{{").unwrap();
    let dir = tmp.path().to_string_lossy().to_string();
    let (code, _, err) = shibori(&[
        "verify",
        "examples/seed-ssh/intent.yaml",
        "--artifact",
        &dir,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot"), "{err}");
    let missing = Path::new(&dir).join("nope").to_string_lossy().to_string();
    let (code, _, err) = shibori(&[
        "verify",
        "examples/seed-ssh/intent.yaml",
        "--artifact",
        &missing,
    ]);
    assert_eq!(code, 2);
    // The file and the OS's reason once each, not wrapped in a second "cannot read".
    assert_eq!(err.matches("cannot read").count(), 1, "{err}");
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}

/// Copies `from`'s files (not recursing) into `to`.
fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// The evasion corpus: each case is the seed's rendered artifact (`tf-*` Terraform,
/// `tfjson-*` Terraform JSON, `cfn-*` CloudFormation) with the case's files laid over
/// it, in a form Terraform or CloudFormation deploys (or rejects). Every one must exit 1
/// and say, in the lines of `expect.txt`, what it read or could not read.
#[test]
fn evasion_corpus_exits_1() {
    let corpus = root().join("tests/fixtures/verify/evasions");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let format = match name.split('-').next() {
            Some("tf") => "terraform",
            Some("tfjson") => "terraform-json",
            Some("cfn") => "cloudformation",
            other => panic!("{name}: unknown format prefix {other:?}"),
        };
        let expect = std::fs::read_to_string(case.join("expect.txt"))
            .unwrap_or_else(|_| panic!("{name}: no expect.txt"));
        let tmp = tempfile::tempdir().unwrap();
        let art = tmp.path().join("artifact");
        copy_files(&root().join("examples/seed-ssh").join(format), &art);
        copy_files(case, &art);
        std::fs::remove_file(art.join("expect.txt")).unwrap();
        let (code, out, err) = shibori(&[
            "verify",
            "examples/seed-ssh/intent.yaml",
            "--artifact",
            &art.to_string_lossy(),
        ]);
        let missing: Vec<&str> = expect
            .lines()
            .filter(|l| !l.trim().is_empty() && !out.contains(l.trim()))
            .collect();
        if code != 1 || !missing.is_empty() {
            failures.push(format!(
                "{name}: exit {code}, missing {missing:?}\n{out}{err}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Terraform applies a folder, never one file: `--artifact main.tf` reads its siblings.
#[test]
fn terraform_file_stands_for_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    copy_files(&root().join("examples/seed-ssh/terraform"), tmp.path());
    copy_files(
        &root().join("tests/fixtures/verify/evasions/tf-route"),
        tmp.path(),
    );
    std::fs::remove_file(tmp.path().join("expect.txt")).unwrap();
    let file = tmp
        .path()
        .join("client_vpn.tf")
        .to_string_lossy()
        .to_string();
    let (code, out, err) = shibori(&[
        "verify",
        "examples/seed-ssh/intent.yaml",
        "--artifact",
        &file,
    ]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("resource type `aws_route`"), "{out}");
}

/// A byte order mark before a template (YAML or JSON), as some Windows editors save it:
/// CloudFormation and cfn-lint read such a template, and so does verify.
#[test]
fn template_with_byte_order_mark_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    for (dir, file) in [
        ("cloudformation", "tokyo-ssh.yaml"),
        ("cdk-json", "tokyo-ssh.template.json"),
    ] {
        let from = root().join("examples/seed-ssh").join(dir).join(file);
        let text = std::fs::read_to_string(&from).unwrap();
        let to = tmp.path().join(file);
        std::fs::write(&to, format!("\u{feff}{text}")).unwrap();
        let (code, out, err) = shibori(&[
            "verify",
            "examples/seed-ssh/intent.yaml",
            "--artifact",
            &to.to_string_lossy(),
        ]);
        assert_eq!(code, 0, "{file}: {out}{err}");
    }
}
