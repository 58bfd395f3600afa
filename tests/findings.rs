//! The findings model end to end: every format of `check`, `verify` and `render --check`
//! (snapshots), SARIF validated against the vendored SARIF 2.1.0 schema, locations in the
//! intent and in the artifact, fingerprints that survive moved lines, every rule ID
//! documented in docs/findings.md, and the exit code of a panic.

mod common;

use common::{root, shibori};
use serde_json::Value;

const MUTATED: &str = "tests/fixtures/findings/seed-ssh-mutated.yaml";
const SEED: &str = "examples/seed-ssh/intent.yaml";

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

/// Parses a SARIF log and checks it against the schema.
fn valid_sarif(stdout: &str) -> Value {
    let log: Value = serde_json::from_str(stdout).expect("SARIF is JSON");
    let v = sarif_validator();
    let errors: Vec<String> = v
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    log
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn verify_sarif_points_at_the_target_and_at_the_resource() {
    let run = shibori(&["verify", SEED, "--artifact", MUTATED, "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "", "nothing but SARIF is written");
    let log = valid_sarif(&run.stdout);
    let rs = results(&log);
    let missing = rs
        .iter()
        .find(|r| r["ruleId"] == "SHB101")
        .expect("a missing flow");
    let loc = &missing["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], SEED);
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let target_line = std::fs::read_to_string(root().join(SEED))
        .unwrap()
        .lines()
        .position(|l| l.contains("- name: ssh"))
        .unwrap()
        + 1;
    assert_eq!(loc["region"]["startLine"], target_line);
    let excess: Vec<&Value> = rs.iter().filter(|r| r["ruleId"] == "SHB103").collect();
    assert_eq!(excess.len(), 2, "{rs:#?}");
    let text = std::fs::read_to_string(root().join(MUTATED)).unwrap();
    for r in excess {
        let loc = &r["locations"][0];
        assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], MUTATED);
        let resource = loc["logicalLocations"][0]["name"].as_str().unwrap();
        let line = loc["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap() as usize;
        assert_eq!(
            text.lines().nth(line - 1).unwrap().trim_end(),
            format!("  {resource}:"),
            "the resource's line"
        );
        assert!(r["partialFingerprints"]["shibori/v1"].is_string());
    }
    let rule_ids: Vec<&str> = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rule_ids.contains(&"SHB101") && rule_ids.contains(&"SHB201"));
    insta::assert_snapshot!("verify-sarif-mutated", run.stdout);
}

#[test]
fn verify_junit_has_one_case_per_flow() {
    let run = shibori(&["verify", SEED, "--artifact", MUTATED, "--format", "junit"]);
    assert_eq!(run.code, 1);
    assert!(run
        .stdout
        .contains("name=\"any user -&gt; ssh tcp/22 via vpn-a\""));
    insta::assert_snapshot!("verify-junit-mutated", run.stdout);
    // Rendered in memory, every flow of every format passes.
    let run = shibori(&[
        "verify",
        "examples/multi-az-saml/intent.yaml",
        "--format",
        "junit",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("<failure"), "{}", run.stdout);
    insta::assert_snapshot!("verify-junit-multi-az-saml", run.stdout);
}

#[test]
fn verify_json_carries_rule_ids_and_locations() {
    let run = shibori(&["verify", SEED, "--artifact", MUTATED, "--format", "json"]);
    assert_eq!(run.code, 1);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["clean"], false);
    assert_eq!(v["artifacts"][0]["findings"][0]["kind"], "missing");
    insta::assert_json_snapshot!("verify-json-mutated-findings", v["findings"]);
    let legacy = shibori(&["verify", SEED, "--artifact", MUTATED, "--json"]);
    assert_eq!(legacy.stdout, run.stdout, "--json is --format json");
}

#[test]
fn check_formats() {
    let bad = "tests/fixtures/invalid/multiple-errors.yaml";
    let sarif = shibori(&["check", bad, "--format", "sarif"]);
    assert_eq!(sarif.code, 1);
    let log = valid_sarif(&sarif.stdout);
    assert_eq!(results(&log).len(), 4);
    insta::assert_snapshot!("check-sarif-multiple-errors", sarif.stdout);
    let junit = shibori(&["check", bad, "--format", "junit"]);
    assert_eq!(junit.code, 1);
    insta::assert_snapshot!("check-junit-multiple-errors", junit.stdout);
    // Warnings only: valid, exit 0, warning-level results.
    let warn = shibori(&[
        "check",
        "tests/fixtures/explain/warnings.yaml",
        "--format",
        "sarif",
    ]);
    assert_eq!(warn.code, 0);
    let log = valid_sarif(&warn.stdout);
    assert!(results(&log).iter().all(|r| r["level"] == "warning"));
    let clean = shibori(&["check", SEED, "--format", "junit"]);
    assert_eq!(clean.code, 0);
    assert!(
        clean.stdout.contains("tests=\"1\" failures=\"0\""),
        "{}",
        clean.stdout
    );
    // Text stays what it was.
    let text = shibori(&["check", bad, "--format", "text"]);
    assert_eq!(text.stderr, shibori(&["check", bad]).stderr);
}

/// Every fixture of the invalid corpus reports under the rule of its section.
#[test]
fn invalid_corpus_rule_ids() {
    let expect = [
        ("authentication-unknown", "SHB002"),
        ("client-cidr-overlaps-vpc", "SHB010"),
        ("client-cidr-overlaps-target", "SHB010"),
        ("connect-handler-name", "SHB011"),
        ("duplicate-key", "SHB002"),
        ("empty", "SHB001"),
        ("groups-with-certificate", "SHB014"),
        ("host-bits", "SHB005"),
        ("hosts-outside-subnet", "SHB012"),
        ("intent-name-invalid", "SHB004"),
        ("ipv6-destination-without-ipv6-traffic", "SHB017"),
        ("ipv6-host-outside-subnet", "SHB012"),
        ("ipv6-only-with-client-cidr", "SHB017"),
        ("ipv6-target-network-without-ipv6-cidr", "SHB017"),
        ("nacl-quota-above-max", "SHB015"),
        ("nacl-quota-exceeded", "SHB016"),
        ("nacl-rule-number-overflow", "SHB016"),
        ("port-unknown-name", "SHB013"),
        ("subnets-overlap", "SHB008"),
        ("target-network-same-az", "SHB009"),
        ("version-unsupported", "SHB003"),
        ("vpc-id-malformed", "SHB006"),
        ("yaml-syntax", "SHB001"),
    ];
    for (fixture, rule) in expect {
        let path = format!("tests/fixtures/invalid/{fixture}.yaml");
        let run = shibori(&["check", &path, "--format", "json"]);
        assert_eq!(run.code, 1, "{fixture}");
        let v: Value = serde_json::from_str(&run.stdout).unwrap();
        let mut rules: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        rules.dedup();
        assert_eq!(rules, [rule], "{fixture}");
        assert_eq!(v["diagnostics"][0]["rule"], rule, "{fixture}");
    }
}

#[test]
fn fingerprints_ignore_moved_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/invalid/multiple-errors.yaml"))
        .unwrap();
    let moved = tmp.path().join("moved.yaml");
    std::fs::write(&moved, format!("# a comment\n# and another\n{text}")).unwrap();
    let a = shibori(&[
        "check",
        "tests/fixtures/invalid/multiple-errors.yaml",
        "--format",
        "sarif",
    ]);
    let b = shibori(&["check", moved.to_str().unwrap(), "--format", "sarif"]);
    let prints = |s: &str| -> Vec<(String, u64)> {
        let log: Value = serde_json::from_str(s).unwrap();
        results(&log)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["shibori/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (pa, pb) = (prints(&a.stdout), prints(&b.stdout));
    assert_eq!(pa.len(), pb.len());
    for ((fa, la), (fb, lb)) in pa.iter().zip(&pb) {
        assert_eq!(fa, fb, "same finding, same fingerprint");
        assert_eq!(la + 2, *lb, "the lines moved");
    }
    // Outside the working directory, the URI is absolute.
    let log: Value = serde_json::from_str(&b.stdout).unwrap();
    let uri = results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
}

#[test]
fn render_check_reports_drift_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let run = shibori(&["render", SEED, "--format", "cloudformation", "--out", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = |fmt: &str| {
        shibori(&[
            "render",
            SEED,
            "--format",
            "cloudformation",
            "--out",
            out,
            "--check",
            "--check-format",
            fmt,
        ])
    };
    let clean = check("sarif");
    assert_eq!(clean.code, 0);
    assert!(results(&valid_sarif(&clean.stdout)).is_empty());
    std::fs::write(tmp.path().join("tokyo-ssh.yaml"), "changed\n").unwrap();
    let drift = check("sarif");
    assert_eq!(drift.code, 1);
    let log = valid_sarif(&drift.stdout);
    assert_eq!(results(&log)[0]["ruleId"], "SHB201");
    let junit = check("junit");
    assert_eq!(junit.code, 1);
    assert!(
        junit.stdout.contains("<failure type=\"SHB201\""),
        "{}",
        junit.stdout
    );
    let json = check("json");
    let v: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["current"], false);
    // Text stays what it was.
    let text = check("text");
    assert!(
        text.stderr.contains("drift: ") && text.stderr.contains("(differs)"),
        "{}",
        text.stderr
    );
}

#[test]
fn every_rule_id_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/findings.md")).unwrap();
    for rule in shibori::findings::Rule::ALL {
        let heading = format!("## {} {}", rule.id(), rule.name());
        assert!(doc.contains(&heading), "docs/findings.md lacks `{heading}`");
        let section = doc.split(&heading).nth(1).unwrap();
        let section = section.split("\n## ").next().unwrap();
        assert!(section.contains("**Fix:**"), "{} has no fix", rule.id());
    }
}

#[test]
fn a_panic_exits_101_with_a_bug_report_request() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_shibori"));
    let out = cmd
        .args(["check", SEED])
        .current_dir(root())
        .env("SHIBORI_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("this is a bug in shibori") && err.contains("please report it"),
        "{err}"
    );
}
