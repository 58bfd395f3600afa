//! `shibori render`: snapshots of every example × format, the checked-in outputs kept
//! current, determinism, failure modes, and an injection corpus that must come out of
//! every format parseable and intact.

mod common;

use common::{examples, root, shibori};
use std::path::Path;
use std::process::Command;

const FORMATS: [&str; 4] = ["terraform", "terraform-json", "cloudformation", "cdk-json"];
const INJECTION: &str = "tests/fixtures/render/injection.yaml";

/// Renders into a fresh directory and returns it with its files, sorted, as one text.
fn render_to_temp(intent: &str, format: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join(format);
    let run = shibori(&[
        "render",
        intent,
        "--format",
        format,
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code, 0, "render {intent} {format}: {}", run.stderr);
    // The manifest lists the files snapshotted here; `render::manifest` tests it.
    let mut files: Vec<_> = std::fs::read_dir(&out)
        .expect("out dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !p.ends_with(shibori::render::manifest::NAME))
        .collect();
    files.sort();
    let mut all = String::new();
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
        all.push_str(&format!("=== {}\n", name.unwrap_or_default()));
        all.push_str(&std::fs::read_to_string(&f).expect("read rendered file"));
    }
    (dir, all)
}

#[test]
fn snapshots_of_every_example_and_format() {
    for (name, intent) in examples() {
        for format in FORMATS {
            let (_dir, all) = render_to_temp(&intent, format);
            insta::assert_snapshot!(format!("render-{name}-{format}"), all);
        }
    }
}

#[test]
fn checked_in_outputs_are_current() {
    for (name, intent) in examples() {
        for format in FORMATS {
            let out = format!("examples/{name}/{format}");
            let run = shibori(&[
                "render", &intent, "--format", format, "--out", &out, "--check",
            ]);
            assert_eq!(
                run.code, 0,
                "{out} is stale; run `shibori render {intent} --format {format} --out {out}`:\n{}",
                run.stderr
            );
        }
    }
}

#[test]
fn check_reports_drift_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("cfn");
    let out_s = out.to_str().expect("utf-8 path");
    let intent = "examples/seed-ssh/intent.yaml";
    let args = [
        "render",
        intent,
        "-f",
        "cloudformation",
        "-o",
        out_s,
        "--check",
    ];
    let run = shibori(&args);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("tokyo-ssh.yaml (missing)"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "--check must write nothing");

    assert_eq!(shibori(&args[..6]).code, 0);
    assert_eq!(shibori(&args).code, 0);
    std::fs::write(out.join("tokyo-ssh.yaml"), "edited\n").expect("edit");
    let run = shibori(&args);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("tokyo-ssh.yaml (differs)"),
        "{}",
        run.stderr
    );
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    for format in FORMATS {
        let (_a, first) = render_to_temp("examples/multi-az-saml/intent.yaml", format);
        let (_b, second) = render_to_temp("examples/multi-az-saml/intent.yaml", format);
        assert_eq!(first, second, "{format} is not deterministic");
    }
}

#[test]
fn single_file_format_goes_to_stdout_and_multi_file_needs_out() {
    let run = shibori(&[
        "render",
        "examples/seed-ssh/intent.yaml",
        "-f",
        "cloudformation",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        common::read("examples/seed-ssh/cloudformation/tokyo-ssh.yaml")
    );
    let run = shibori(&["render", "examples/seed-ssh/intent.yaml", "-f", "terraform"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--out"), "{}", run.stderr);
}

fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).expect("prefix").display().to_string();
        out.push((rel, std::fs::read(&e).expect("read")));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)
        .expect("read_dir")
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn invalid_intent_exits_1_and_leaves_out_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tf");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("main.tf"), "# mine\n").expect("write");
    let before = snapshot_dir(dir.path());
    for format in FORMATS {
        let run = shibori(&[
            "render",
            "tests/fixtures/invalid/client-cidr-overlaps-vpc.yaml",
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("error"), "{}", run.stderr);
        assert_eq!(snapshot_dir(dir.path()), before, "{format} touched --out");
    }
}

#[test]
fn unwritable_out_exits_2_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A directory cannot be created below a regular file, even by root.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").expect("write");
    let out = blocker.join("out");
    for format in FORMATS {
        let run = shibori(&[
            "render",
            "examples/seed-ssh/intent.yaml",
            "--format",
            format,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        assert_eq!(run.code, 2, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains(&blocker.display().to_string()),
            "{format}: {}",
            run.stderr
        );
    }
}

#[test]
fn seed_example_acceptance_counts() {
    let t = common::read("examples/seed-ssh/cloudformation/tokyo-ssh.yaml");
    let count = |ty: &str| t.matches(&format!("Type: {ty}\n")).count();
    assert_eq!(count("AWS::EC2::NetworkAclEntry"), 4);
    assert_eq!(count("AWS::EC2::ClientVpnAuthorizationRule"), 1);
    assert_eq!(count("AWS::EC2::ClientVpnRoute"), 0);
}

// ---------------------------------------------------------------- injection corpus

struct Corpus {
    banner: String,
    log_group: String,
    log_stream: String,
    groups: Vec<String>,
}

fn corpus() -> Corpus {
    let v: serde_yaml::Value =
        serde_yaml::from_str(&common::read(INJECTION)).expect("corpus is YAML");
    let s = |v: &serde_yaml::Value| v.as_str().expect("string").to_string();
    Corpus {
        banner: s(&v["endpoint"]["client_login_banner"]),
        log_group: s(&v["endpoint"]["connection_log"]["group"]),
        log_stream: s(&v["endpoint"]["connection_log"]["stream"]),
        groups: v["targets"][0]["groups"]
            .as_sequence()
            .expect("groups")
            .iter()
            .map(s)
            .collect(),
    }
}

fn render_injection(format: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = shibori(&[
        "render",
        INJECTION,
        "--format",
        format,
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code, 0, "{format}: {}", run.stderr);
    dir
}

/// Terraform reads `$${` and `%%{` in a template literal as `${` and `%{`.
fn untemplate(s: &str) -> String {
    s.replace("$${", "${").replace("%%{", "%{")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn injection_survives_cloudformation_yaml_and_json() {
    let c = corpus();
    let yaml_dir = render_injection("cloudformation");
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(yaml_dir.path().join("inject.yaml")).expect("read"),
    )
    .expect("CloudFormation YAML parses");
    let json_dir = render_injection("cdk-json");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(json_dir.path().join("inject.template.json")).expect("read"),
    )
    .expect("CDK JSON parses");
    let yaml = serde_json::to_value(&yaml).expect("YAML as JSON");
    assert_eq!(yaml, json, "YAML and JSON templates differ");

    let ep = &json["Resources"]["ClientVpnEndpoint"]["Properties"];
    assert_eq!(ep["ClientLoginBannerOptions"]["BannerText"], c.banner);
    assert_eq!(
        ep["ConnectionLogOptions"]["CloudwatchLogGroup"],
        c.log_group
    );
    assert_eq!(
        ep["ConnectionLogOptions"]["CloudwatchLogStream"],
        c.log_stream
    );
    let groups: Vec<String> = json["Resources"]
        .as_object()
        .expect("resources")
        .values()
        .filter_map(|r| r["Properties"]["AccessGroupId"].as_str())
        .map(str::to_string)
        .collect();
    assert_eq!(sorted(groups), sorted(c.groups.clone()));

    cfn_lint(&[
        &yaml_dir.path().join("inject.yaml"),
        &json_dir.path().join("inject.template.json"),
    ]);
}

#[test]
fn injection_survives_terraform_json() {
    let c = corpus();
    let dir = render_injection("terraform-json");
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(f)).expect("read"))
            .expect("Terraform JSON parses")
    };
    let vpn = read("client_vpn.tf.json");
    let ep = &vpn["resource"]["aws_ec2_client_vpn_endpoint"]["this"];
    let text = |v: &serde_json::Value| untemplate(v.as_str().expect("string"));
    assert_eq!(
        text(&ep["client_login_banner_options"]["banner_text"]),
        c.banner
    );
    assert_eq!(
        text(&ep["connection_log_options"]["cloudwatch_log_group"]),
        c.log_group
    );
    assert_eq!(
        text(&ep["connection_log_options"]["cloudwatch_log_stream"]),
        c.log_stream
    );
    let rules = vpn["locals"]["authorization_rules"]
        .as_object()
        .expect("rules");
    let groups: Vec<String> = rules
        .values()
        .map(|r| text(&r["access_group_id"]))
        .collect();
    assert_eq!(sorted(groups), sorted(c.groups.clone()));
    for (key, r) in rules {
        assert!(
            untemplate(key).ends_with(&text(&r["access_group_id"])),
            "key {key} lost its group"
        );
    }
}

fn hcl_string(expr: &hcl::Expression) -> String {
    use hcl::eval::Evaluate;
    match expr.evaluate(&hcl::eval::Context::new()) {
        Ok(hcl::Value::String(s)) => s,
        other => panic!("not a string literal: {expr:?} → {other:?}"),
    }
}

fn hcl_attr<'a>(body: &'a hcl::Body, name: &str) -> &'a hcl::Expression {
    body.attributes()
        .find(|a| a.key() == name)
        .map(|a| a.expr())
        .unwrap_or_else(|| panic!("attribute {name} missing"))
}

fn hcl_block<'a>(body: &'a hcl::Body, ident: &str, labels: &[&str]) -> &'a hcl::Body {
    body.blocks()
        .find(|b| {
            b.identifier() == ident
                && b.labels()
                    .iter()
                    .map(|l| l.as_str())
                    .eq(labels.iter().copied())
        })
        .map(|b| b.body())
        .unwrap_or_else(|| panic!("block {ident} {labels:?} missing"))
}

#[test]
fn injection_survives_terraform_hcl() {
    let c = corpus();
    let dir = render_injection("terraform");
    let text = std::fs::read_to_string(dir.path().join("client_vpn.tf")).expect("read");
    let body: hcl::Body = hcl::from_str(&text).expect("HCL parses");
    let ep = hcl_block(&body, "resource", &["aws_ec2_client_vpn_endpoint", "this"]);
    let banner = hcl_block(ep, "client_login_banner_options", &[]);
    assert_eq!(hcl_string(hcl_attr(banner, "banner_text")), c.banner);
    let log = hcl_block(ep, "connection_log_options", &[]);
    assert_eq!(
        hcl_string(hcl_attr(log, "cloudwatch_log_group")),
        c.log_group
    );
    assert_eq!(
        hcl_string(hcl_attr(log, "cloudwatch_log_stream")),
        c.log_stream
    );

    let locals = hcl_block(&body, "locals", &[]);
    let hcl::Expression::Object(rules) = hcl_attr(locals, "authorization_rules") else {
        panic!("authorization_rules is not an object");
    };
    let mut groups = Vec::new();
    for (key, rule) in rules {
        let hcl::Expression::Object(fields) = rule else {
            panic!("rule is not an object");
        };
        let group = fields
            .iter()
            .find(|(k, _)| matches!(k, hcl::ObjectKey::Identifier(i) if i.as_str() == "access_group_id"))
            .map(|(_, v)| hcl_string(v))
            .expect("access_group_id");
        let key = match key {
            hcl::ObjectKey::Expression(e) => hcl_string(e),
            hcl::ObjectKey::Identifier(i) => i.to_string(),
            other => panic!("unexpected key {other:?}"),
        };
        assert!(key.ends_with(&group), "key {key} lost its group {group}");
        groups.push(group);
    }
    assert_eq!(sorted(groups), sorted(c.groups.clone()));
    terraform_fmt_check(dir.path());
}

// ---------------------------------------------------------------- external tools

fn tool_available(name: &str, arg: &str) -> bool {
    Command::new(name)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn cfn_lint(paths: &[&Path]) {
    if !tool_available("cfn-lint", "--version") {
        eprintln!("SKIPPED: cfn-lint not installed (pip install cfn-lint); CI installs it");
        return;
    }
    let out = Command::new("cfn-lint")
        .args(paths)
        .output()
        .expect("run cfn-lint");
    assert!(
        out.status.success(),
        "cfn-lint findings:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn terraform_fmt_check(dir: &Path) {
    if !tool_available("terraform", "version") {
        eprintln!("SKIPPED: terraform not installed; `terraform fmt -check` did not run");
        return;
    }
    let out = Command::new("terraform")
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(dir)
        .output()
        .expect("run terraform fmt");
    assert!(
        out.status.success(),
        "terraform fmt would change:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn examples_pass_cfn_lint_and_terraform_fmt() {
    let mut templates = Vec::new();
    for (name, _) in examples() {
        let dir = root().join("examples").join(&name);
        for sub in ["cloudformation", "cdk-json"] {
            for f in walk(&dir.join(sub)) {
                if f.extension().is_some_and(|e| e == "yaml" || e == "json") {
                    templates.push(f);
                }
            }
        }
        terraform_fmt_check(&dir.join("terraform"));
    }
    let refs: Vec<&Path> = templates.iter().map(|p| p.as_path()).collect();
    cfn_lint(&refs);
}

/// Intents that exercise what the examples do not: an existing endpoint and security
/// group, inputs for ACLs, and the injection corpus.
#[test]
fn render_fixtures_are_snapshotted_and_tool_clean() {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/render"))
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    for name in names {
        let intent = format!("tests/fixtures/render/{name}");
        let stem = name.trim_end_matches(".yaml");
        let mut templates = Vec::new();
        let mut keep = Vec::new();
        for format in FORMATS {
            let (dir, all) = render_to_temp(&intent, format);
            insta::assert_snapshot!(format!("fixture-{stem}-{format}"), all);
            let out = dir.path().join(format);
            if format == "terraform" {
                terraform_fmt_check(&out);
            }
            if format == "cloudformation" || format == "cdk-json" {
                templates.extend(
                    walk(&out)
                        .into_iter()
                        .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "json")),
                );
            }
            keep.push(dir);
        }
        let refs: Vec<&Path> = templates.iter().map(|p| p.as_path()).collect();
        cfn_lint(&refs);
    }
}

/// The generator of `benches/gen_large_intent.py`, for `n` targets.
fn large_intent(n: usize) -> String {
    let mut s = String::from(
        "version: 1\nname: large\nvpc:\n  cidr: 10.0.0.0/16\nendpoint:\n  client_cidr: 172.16.0.0/20\n  split_tunnel: true\n  authentication: saml\n  egress: strict\nsubnets:\n",
    );
    for i in 0..5 {
        let az = ['a', 'b', 'c', 'd', 'e'][i];
        s += &format!("  vpn-{i}:\n    cidr: 10.0.{i}.0/24\n    az: eu-west-1{az}\n");
    }
    for i in 0..8 {
        s += &format!("  app-{i}:\n    cidr: 10.0.{}.0/24\n", 8 + i);
    }
    s += "target_networks: [vpn-0, vpn-1, vpn-2, vpn-3, vpn-4]\nnacl:\n  quota: 40\ntargets:\n";
    for t in 0..n {
        s += &format!(
            "  - name: t{t}\n    subnet: app-{}\n    hosts: [10.0.{}.{}/32]\n    ports: [ssh, https]\n    groups: [g{}]\n",
            t % 8,
            8 + t % 8,
            4 + t / 8,
            t % 20
        );
    }
    s
}

/// A render of a smaller intent into a larger render's directory leaves exactly its own
/// files (and the manifest); before it, `--check` names the leftovers as extra.
#[test]
fn rerendering_smaller_leaves_exactly_the_new_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let intent = dir.path().join("large.yaml");
    std::fs::write(&intent, large_intent(300)).expect("write intent");
    let out = dir.path().join("cfn");
    let out = out.to_str().expect("utf-8");
    let large = intent.to_str().expect("utf-8 path");
    let small = "examples/seed-ssh/intent.yaml";
    let run = shibori(&["render", large, "-f", "cloudformation", "-o", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(Path::new(out).join("notes.txt"), "mine\n").expect("write");
    let run = shibori(&[
        "render",
        small,
        "-f",
        "cloudformation",
        "-o",
        out,
        "--check",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("large.yaml (extra"), "{}", run.stderr);
    let run = shibori(&["render", small, "-f", "cloudformation", "-o", out]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut left: Vec<String> = walk(Path::new(out))
        .iter()
        .map(|p| p.strip_prefix(out).expect("inside").display().to_string())
        .collect();
    left.sort();
    assert_eq!(left, [".shibori-manifest", "notes.txt", "tokyo-ssh.yaml"]);
    let run = shibori(&[
        "render",
        small,
        "-f",
        "cloudformation",
        "-o",
        out,
        "--check",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn large_plans_become_nested_stacks_within_limits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let intent = dir.path().join("large.yaml");
    std::fs::write(&intent, large_intent(300)).expect("write intent");
    let intent = intent.to_str().expect("utf-8 path");
    let out = dir.path().join("cfn");
    let run = shibori(&[
        "render",
        intent,
        "-f",
        "cloudformation",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let load = |p: &Path| -> serde_yaml::Value {
        serde_yaml::from_str(&std::fs::read_to_string(p).expect("read")).expect("YAML")
    };
    let parent = load(&out.join("large.yaml"));
    let resources = |t: &serde_yaml::Value| t["Resources"].as_mapping().expect("resources").clone();
    let stacks: Vec<String> = resources(&parent)
        .values()
        .filter(|r| r["Type"] == "AWS::CloudFormation::Stack")
        .map(|r| {
            r["Properties"]["TemplateURL"]
                .as_str()
                .expect("url")
                .to_string()
        })
        .collect();
    assert!(stacks.len() >= 2, "expected nested stacks, got {stacks:?}");
    let mut total = resources(&parent).len() - stacks.len();
    let mut templates = vec![out.join("large.yaml")];
    for url in &stacks {
        let path = out.join(url.trim_start_matches("./"));
        let child = load(&path);
        let n = resources(&child).len();
        assert!(n <= 500, "{url} has {n} resources");
        assert!(child["Outputs"].as_mapping().map_or(0, |o| o.len()) <= 200);
        total += n;
        templates.push(path);
    }
    assert!(resources(&parent).len() <= 500);
    // Nothing lost: every rule of the single template is in exactly one stack.
    let run = shibori(&["plan", intent, "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan JSON");
    let n = |k: &str| plan[k].as_array().map_or(0, Vec::len);
    let groups = plan["security_groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["id"].is_null())
        .count();
    let expected = groups
        + n("security_group_rules")
        + n("nacl_entries")
        + n("authorization_rules")
        + n("routes")
        + n("associations")
        + 1;
    assert_eq!(total, expected);
    let refs: Vec<&Path> = templates.iter().map(|p| p.as_path()).collect();
    cfn_lint(&refs);

    let run = shibori(&["render", intent, "-f", "cloudformation"]);
    assert_eq!(run.code, 2, "nested stacks cannot go to stdout");
}

/// The generator of `benches/gen_spread_intent.py`: `n` targets, each in a subnet of its
/// own whose network ACL is an input, so the ACLs and their IDs grow with the targets.
fn spread_intent(n: usize) -> String {
    let mut s = String::from(
        "version: 1\nname: spread\nvpc:\n  cidr: 10.0.0.0/8\nendpoint:\n  client_cidr: 172.16.0.0/20\n  split_tunnel: true\n  authentication: saml\n  egress: strict\nsubnets:\n",
    );
    for (i, az) in ['a', 'b'].iter().enumerate() {
        s += &format!("  vpn-{i}:\n    cidr: 10.255.{i}.0/24\n    az: eu-west-1{az}\n");
    }
    for t in 0..n {
        s += &format!("  app-{t}:\n    cidr: 10.{}.{}.0/24\n", t / 256, t % 256);
    }
    s += "target_networks: [vpn-0, vpn-1]\ntargets:\n";
    for t in 0..n {
        s += &format!(
            "  - name: t{t}\n    subnet: app-{t}\n    hosts: [10.{}.{}.10/32]\n    ports: [ssh, https]\n    groups: [g{}]\n",
            t / 256,
            t % 256,
            t % 20
        );
    }
    s
}

/// One subnet (and network ACL) per target, 1,000 targets: every template, the parent
/// included, within CloudFormation's quotas, and `verify` proves the whole. (cfn-lint
/// runs over this render in `scripts/checks/cfn-lint.sh`: it takes minutes in one
/// process.)
#[test]
fn one_subnet_per_target_stays_within_every_template_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let intent = dir.path().join("spread.yaml");
    std::fs::write(&intent, spread_intent(1000)).expect("write intent");
    let intent = intent.to_str().expect("utf-8 path");
    for (format, ext) in [("cloudformation", ".yaml"), ("cdk-json", ".template.json")] {
        let out = dir.path().join(format);
        let run = shibori(&[
            "render",
            intent,
            "-f",
            format,
            "-o",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let templates: Vec<_> = walk(&out)
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(ext))
            .collect();
        assert!(templates.len() > 2, "{templates:?}");
        for path in &templates {
            let text = std::fs::read_to_string(path).expect("read");
            let t: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML or JSON");
            let n = |section: &str| t[section].as_mapping().map_or(0, |m| m.len());
            let name = path.display();
            assert!(
                n("Resources") <= 500,
                "{name}: {} resources",
                n("Resources")
            );
            assert!(
                n("Parameters") <= 200,
                "{name}: {} parameters",
                n("Parameters")
            );
            assert!(n("Outputs") <= 200, "{name}: {} outputs", n("Outputs"));
            assert_eq!(n("Mappings"), 0, "{name}");
            let json = serde_json::to_string(&t).expect("JSON");
            assert!(json.len() <= 1_000_000, "{name}: {} bytes", json.len());
            if let Some(ps) = t["Parameters"].as_mapping() {
                for (k, p) in ps {
                    let d = p["Description"].as_str().unwrap_or_default();
                    assert!(d.len() <= 4000, "{name}: {k:?} description {}", d.len());
                }
            }
        }
        let parent = out.join(format!("spread{ext}"));
        let run = shibori(&[
            "verify",
            intent,
            "--artifact",
            parent.to_str().expect("utf-8"),
        ]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
    }
}

/// The HCL and JSON modules are one model in two syntaxes: same files, same blocks.
#[test]
fn terraform_hcl_and_json_declare_the_same_blocks() {
    for (name, _) in examples() {
        let dir = root().join("examples").join(&name);
        for f in walk(&dir.join("terraform")) {
            if f.extension().is_none_or(|e| e != "tf") {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("read");
            let body: hcl::Body = hcl::from_str(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.display()));
            let mut hcl_blocks: Vec<String> = body
                .blocks()
                .map(|b| {
                    let labels: Vec<&str> = b.labels().iter().map(|l| l.as_str()).collect();
                    format!("{} {}", b.identifier(), labels.join(" "))
                })
                .collect();
            let file_name = f.file_name().map(|n| n.to_string_lossy().into_owned());
            let json_path = dir
                .join("terraform-json")
                .join(format!("{}.json", file_name.unwrap_or_default()));
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&json_path).expect("read json"))
                    .expect("JSON parses");
            let mut json_blocks = Vec::new();
            for (ident, v) in json.as_object().expect("object") {
                match ident.as_str() {
                    "resource" => {
                        for (ty, names) in v.as_object().expect("types") {
                            for n in names.as_object().expect("names").keys() {
                                json_blocks.push(format!("resource {ty} {n}"));
                            }
                        }
                    }
                    "variable" | "output" => {
                        for n in v.as_object().expect("names").keys() {
                            json_blocks.push(format!("{ident} {n}"));
                        }
                    }
                    other => json_blocks.push(format!("{other} ")),
                }
            }
            hcl_blocks.sort();
            json_blocks.sort();
            assert_eq!(hcl_blocks, json_blocks, "{}", f.display());
        }
    }
}

/// `verify --artifact` on a nested parent template follows its relative TemplateURLs.
#[test]
fn nested_parent_verifies_through_its_children() {
    let dir = tempfile::tempdir().expect("tempdir");
    let intent = dir.path().join("large.yaml");
    std::fs::write(&intent, large_intent(300)).expect("write intent");
    let intent = intent.to_str().expect("utf-8 path");
    for (format, parent) in [
        ("cloudformation", "large.yaml"),
        ("cdk-json", "large.template.json"),
    ] {
        let out = dir.path().join(format);
        let out = out.to_str().expect("utf-8");
        let run = shibori(&["render", intent, "-f", format, "-o", out]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let parent = format!("{out}/{parent}");
        let run = shibori(&["verify", intent, "--artifact", &parent]);
        assert_eq!(run.code, 0, "{format}: {}{}", run.stdout, run.stderr);
    }
}

#[test]
fn fsync_writes_the_same_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tf");
    let out_s = out.to_str().expect("utf-8 path");
    let intent = "examples/seed-ssh/intent.yaml";
    let run = shibori(&["render", intent, "-f", "terraform", "-o", out_s, "--fsync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = ["render", intent, "-f", "terraform", "-o", out_s, "--check"];
    assert_eq!(
        shibori(&check).code,
        0,
        "--fsync must write what render writes"
    );
    let both = shibori(&[
        "render",
        intent,
        "-f",
        "terraform",
        "-o",
        out_s,
        "--check",
        "--fsync",
    ]);
    assert_eq!(
        both.code, 2,
        "--check writes nothing, so --fsync makes no sense with it"
    );
}

// ------------------------------------------------------------ IPv6

/// The CloudFormation template of an intent, as JSON (`cdk-json` is the same tree).
fn cdk_template(intent: &str) -> serde_json::Value {
    let (_dir, all) = render_to_temp(intent, "cdk-json");
    let json = all
        .split("=== ")
        .find(|f| f.contains(".template.json\n"))
        .and_then(|f| f.split_once('\n'))
        .map(|(_, body)| body)
        .expect("a template in the cdk-json output");
    serde_json::from_str(json).expect("template JSON")
}

fn resources_of<'a>(
    t: &'a serde_json::Value,
    ty: &'a str,
) -> impl Iterator<Item = &'a serde_json::Value> + 'a {
    t["Resources"]
        .as_object()
        .expect("Resources")
        .values()
        .filter(move |r| r["Type"] == ty)
        .map(|r| &r["Properties"])
}

/// IPv6 CIDRs go in the IPv6 fields, ICMP towards IPv6 is ICMPv6 (protocol 58, types
/// 128/129, any code), and the endpoint carries its address types.
#[test]
fn ipv6_rules_use_the_ipv6_fields_and_icmpv6() {
    for intent in [
        "examples/dual-stack/intent.yaml",
        "examples/ipv6-only/intent.yaml",
    ] {
        let t = cdk_template(intent);
        let mut v6_entries = 0;
        for e in resources_of(&t, "AWS::EC2::NetworkAclEntry") {
            let (v4, v6) = (e.get("CidrBlock"), e.get("Ipv6CidrBlock"));
            assert!(
                v4.is_some() != v6.is_some(),
                "{intent}: one CIDR field: {e}"
            );
            if let Some(c) = v6 {
                v6_entries += 1;
                assert!(c.as_str().is_some_and(|c| c.contains(':')), "{intent}: {e}");
                if e.get("Icmp").is_some() {
                    assert_eq!(e["Protocol"], 58, "{intent}: {e}");
                    assert!([128, 129].contains(&e["Icmp"]["Type"].as_i64().unwrap_or(0)));
                    assert_eq!(e["Icmp"]["Code"], -1, "{intent}: {e}");
                }
            } else if e.get("Icmp").is_some() {
                assert_eq!(e["Protocol"], 1, "{intent}: {e}");
            }
        }
        assert!(v6_entries > 0, "{intent}: no IPv6 NACL entry");
        let mut icmpv6 = 0;
        for ty in [
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
        ] {
            for r in resources_of(&t, ty) {
                assert!(r.get("CidrIp").is_none() || r.get("CidrIpv6").is_none());
                if let Some(c) = r.get("CidrIpv6") {
                    assert!(c.as_str().is_some_and(|c| c.contains(':')), "{intent}: {r}");
                    if r["IpProtocol"] == "icmpv6" {
                        icmpv6 += 1;
                        assert_eq!((&r["FromPort"], &r["ToPort"]), (&128.into(), &(-1).into()));
                    }
                }
                if r.get("CidrIpv6").is_some() {
                    assert_ne!(
                        r["IpProtocol"], "icmp",
                        "{intent}: ICMPv4 towards IPv6: {r}"
                    );
                }
            }
        }
        assert!(icmpv6 > 0, "{intent}: no ICMPv6 rule");
        let endpoint = resources_of(&t, "AWS::EC2::ClientVpnEndpoint")
            .next()
            .expect("an endpoint");
        let ty = |k: &str| endpoint[k].as_str().unwrap_or_default().to_string();
        if intent.contains("ipv6-only") {
            assert_eq!(
                (ty("EndpointIpAddressType"), ty("TrafficIpAddressType")),
                ("ipv6".into(), "ipv6".into())
            );
            assert!(endpoint.get("ClientCidrBlock").is_none(), "{endpoint}");
        } else {
            assert_eq!(ty("TrafficIpAddressType"), "dual-stack");
            assert!(endpoint.get("ClientCidrBlock").is_some(), "{endpoint}");
        }
    }
}

/// IPv4-only templates and modules name no IPv6 field, and the endpoint no address type.
#[test]
fn ipv4_outputs_name_no_ipv6_field() {
    for (name, intent) in examples() {
        if name == "dual-stack" || name == "ipv6-only" {
            continue;
        }
        for format in FORMATS {
            let (_dir, all) = render_to_temp(&intent, format);
            for field in [
                "Ipv6CidrBlock",
                "CidrIpv6",
                "IpAddressType",
                "ipv6_cidr_block",
                "cidr_ipv6",
                "ip_address_type",
                "icmpv6",
            ] {
                assert!(!all.contains(field), "{name} {format}: {field}");
            }
        }
    }
}

fn aws_constraint(intent: &str) -> String {
    let (_dir, all) = render_to_temp(intent, "terraform");
    let versions = all
        .split("=== ")
        .find(|f| f.starts_with("versions.tf\n"))
        .expect("versions.tf");
    let line = versions
        .lines()
        .find(|l| l.trim_start().starts_with("version "))
        .expect("a version line");
    line.split('"')
        .nth(1)
        .expect("quoted constraint")
        .to_string()
}

/// The hashicorp/aws constraint rises only for what the module uses: the default for
/// IPv4, 6.11 for the endpoint's address types, 6.20 for IPv6 routes or authorizations.
#[test]
fn provider_constraint_rises_only_for_ipv6() {
    assert_eq!(aws_constraint("examples/seed-ssh/intent.yaml"), ">= 5.0");
    assert_eq!(
        aws_constraint("examples/full-tunnel-groups/intent.yaml"),
        ">= 5.0"
    );
    assert_eq!(aws_constraint("examples/dual-stack/intent.yaml"), ">= 6.20");
    assert_eq!(aws_constraint("examples/ipv6-only/intent.yaml"), ">= 6.20");
    // Clients reach the endpoint over IPv6, the tunnel carries IPv4 only: the address
    // type is written, no IPv6 route or authorization.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("intent.yaml");
    let seed = common::read("examples/seed-ssh/intent.yaml");
    let intent = seed.replacen(
        "endpoint:\n",
        "endpoint:\n  ip_address_type: dual-stack\n",
        1,
    );
    assert_ne!(intent, seed, "the seed example has an endpoint section");
    std::fs::write(&path, intent).expect("write intent");
    assert_eq!(aws_constraint(path.to_str().expect("utf-8")), ">= 6.11");
}
