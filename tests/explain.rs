//! `shibori explain` end to end: handout snapshots (Markdown and dot) for every example,
//! the first seed's acceptance criteria, determinism, `--out`, invalid intents; and
//! `shibori completions`.

mod common;
use common::{examples, read, root, shibori, shibori_stdin};
use std::path::Path;

/// The examples, plus intents that stress escaping and the warnings section.
fn intents() -> Vec<(String, String)> {
    let mut out = examples();
    let dir = root().join("tests/fixtures/explain");
    let mut extra: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/explain")
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".yaml")?.to_string();
            Some((
                format!("fixture-{stem}"),
                format!("tests/fixtures/explain/{name}"),
            ))
        })
        .collect();
    extra.sort();
    out.extend(extra);
    out
}

#[test]
fn handout_snapshots() {
    for (name, path) in intents() {
        let md = shibori(&["explain", &path]);
        assert_eq!(md.code, 0, "{name}: {}", md.stderr);
        insta::assert_snapshot!(format!("explain-markdown-{name}"), md.stdout);
        let dot = shibori(&["explain", &path, "--format", "dot"]);
        assert_eq!(dot.code, 0, "{name}: {}", dot.stderr);
        insta::assert_snapshot!(format!("explain-dot-{name}"), dot.stdout);
    }
}

#[test]
fn handout_is_byte_identical_across_runs() {
    for (name, path) in intents() {
        for format in ["markdown", "dot", "html", "svg"] {
            let a = shibori(&["explain", &path, "-f", format]).stdout;
            let b = shibori(&["explain", &path, "-f", format]).stdout;
            assert_eq!(a, b, "{name} {format}");
        }
    }
}

#[test]
fn handout_has_one_mermaid_block_and_dot_is_one_digraph() {
    for (name, path) in intents() {
        let md = shibori(&["explain", &path]).stdout;
        assert_eq!(
            md.matches("```mermaid\nflowchart LR\n").count(),
            1,
            "{name}"
        );
        let dot = shibori(&["explain", &path, "-f", "dot"]).stdout;
        assert!(
            dot.starts_with("digraph ") && dot.ends_with("}\n"),
            "{name}"
        );
    }
}

/// Acceptance: the first seed's handout shows its 4 NACL entries, each with its half of
/// the pair, and the NAT address table of client 172.31.0.x → ENI 192.168.10.x →
/// 192.168.1.63:22 and back.
#[test]
fn seed_handout_shows_nacl_pairs_and_the_nat_address_table() {
    let md = shibori(&["explain", "examples/seed-ssh/intent.yaml"]).stdout;
    let nacl: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("### Network ACL entries (4)"))
        .filter(|l| l.starts_with("| `acl-"))
        .collect();
    assert_eq!(nacl.len(), 4, "{md}");
    let row = |acl: &str, dir: &str, half: &str, why: &str| {
        nacl.iter().any(|l| {
            l.contains(acl)
                && l.contains(&format!("| {dir} |"))
                && l.contains(&format!("| **{half}** |"))
                && l.contains(why)
                && l.contains("`tcp/22`: `ssh`")
        })
    };
    assert!(row(
        "acl-0aaaaaaaaaaaaaaaa",
        "egress",
        "request",
        "request leaves the ENI's subnet"
    ));
    assert!(row(
        "acl-0cccccccccccccccc",
        "ingress",
        "request",
        "request enters the destination subnet"
    ));
    assert!(row(
        "acl-0cccccccccccccccc",
        "egress",
        "reply",
        "reply leaves the destination subnet"
    ));
    assert!(row(
        "acl-0aaaaaaaaaaaaaaaa",
        "ingress",
        "reply",
        "reply enters the ENI's subnet"
    ));

    let table: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("## One flow, address by address"))
        .take_while(|l| !l.starts_with("## Every rule"))
        .filter(|l| l.starts_with("| "))
        .collect();
    let hop = |src: &str, dst: &str| {
        table
            .iter()
            .any(|l| l.contains(&format!("| `{src}` | `{dst}` |")))
    };
    // Before the NAT: the client's address; after it: the ENI's; the reply returns to
    // the ephemeral port, and the endpoint restores the client's address.
    assert!(hop("172.31.0.1:50000", "192.168.1.63:22"), "{table:#?}");
    assert!(hop("192.168.10.4:50000", "192.168.1.63:22"));
    assert!(hop("192.168.1.63:22", "192.168.10.4:50000"));
    assert!(hop("192.168.1.63:22", "172.31.0.1:50000"));
    assert!(md.contains("**The addresses and the client port are examples**"));
    assert!(md.contains("source NAT"));
    assert!(md.contains("attach security group `tokyo-ssh-ssh` to the instances"));
}

#[test]
fn handout_names_groups_warnings_and_requirements() {
    let md = shibori(&["explain", "examples/multi-az-saml/intent.yaml"]).stdout;
    assert!(
        md.contains("| target | asked for | dba | developers | sre |"),
        "a matrix column per group"
    );
    assert!(
        md.contains("| `vpn-a` | `192.168.50.0/24` |"),
        "outside target via the route"
    );
    assert!(md.contains("need a route to 192.168.50.0/24"));
    let warned = shibori(&["explain", "tests/fixtures/explain/warnings.yaml"]).stdout;
    assert!(warned.contains("- **warning**: surplus: group `admins`"));
    assert!(warned.contains("**Full tunnel**"));
    assert!(warned.contains("## Quotas"));
}

#[test]
fn invalid_intent_exits_1_with_the_diagnostics_of_check_and_writes_nothing() {
    for fixture in [
        "unknown-key",
        "wrong-type",
        "host-bits",
        "multiple-errors",
        "nacl-quota-exceeded",
        "yaml-syntax",
    ] {
        let path = format!("tests/fixtures/invalid/{fixture}.yaml");
        let check = shibori(&["check", &path]);
        assert_eq!(check.code, 1, "{fixture}");
        let dir = tempfile::tempdir().expect("tempdir");
        for format in ["markdown", "dot"] {
            let out = dir.path().join("handout.out");
            let out_str = out.to_string_lossy().into_owned();
            let run = shibori(&["explain", &path, "-f", format, "--out", &out_str]);
            assert_eq!(run.code, 1, "{fixture}");
            assert_eq!(
                run.stderr, check.stderr,
                "{fixture}: same diagnostics as check"
            );
            assert!(run.stdout.is_empty(), "{fixture}");
            assert!(!out.exists(), "{fixture}: nothing written");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            0,
            "{fixture}: no debris"
        );
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn out_writes_the_same_bytes_atomically_and_replaces_the_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("handout.md");
    std::fs::write(&md, "old content").expect("seed file");
    let md_str = md.to_string_lossy().into_owned();
    let run = shibori(&["explain", "examples/seed-ssh/intent.yaml", "--out", &md_str]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let stdout = shibori(&["explain", "examples/seed-ssh/intent.yaml"]).stdout;
    assert_eq!(std::fs::read_to_string(&md).expect("written"), stdout);
    let dot = dir.path().join("graph.dot");
    let dot_str = dot.to_string_lossy().into_owned();
    assert_eq!(
        shibori(&[
            "explain",
            "examples/seed-ssh/intent.yaml",
            "-f",
            "dot",
            "-o",
            &dot_str,
            "--fsync"
        ])
        .code,
        0
    );
    assert!(std::fs::read_to_string(&dot)
        .expect("written")
        .starts_with("digraph"));
    assert_eq!(
        entries(dir.path()),
        vec!["graph.dot", "handout.md"],
        "no temporary files left"
    );
}

#[test]
fn out_into_a_missing_directory_is_an_io_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("missing/handout.md");
    let run = shibori(&[
        "explain",
        "examples/seed-ssh/intent.yaml",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("error:"));
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn explain_reads_stdin() {
    let text = read("examples/seed-ssh/intent.yaml");
    let run = shibori_stdin(&["explain", "-"], Some(&text));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        shibori(&["explain", "examples/seed-ssh/intent.yaml"]).stdout
    );
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = shibori(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.len() > 500, "{shell}: script too short");
        for word in ["shibori", "explain", "schema", "completions", "format"] {
            assert!(run.stdout.contains(word), "{shell}: no `{word}`");
        }
    }
    assert_eq!(
        shibori(&["completions", "tcsh"]).code,
        2,
        "unknown shell is a usage error"
    );
}

/// The handout's reachability matrix evaluates the plan's rules; `verify` evaluates the
/// rendered artifact read back. Both must find the same ports for every user kind,
/// target, target network and protocol.
#[test]
fn reachability_matrix_agrees_with_verify_cell_by_cell() {
    for (name, path) in intents() {
        if transit_gateway(&path) {
            // The matrix evaluates endpoints associated with target networks; a transit
            // gateway attachment's flows are proven by `verify` (tests/verify_mutations.rs).
            continue;
        }
        matrix_agrees_with_verify(&name, &read(&path));
    }
}

fn matrix_agrees_with_verify(name: &str, text: &str) {
    use shibori::diagnostic::Source;
    use shibori::explain::{reach, Handout};
    use shibori::render::RenderFormat;
    use shibori::verify::read::{read as read_artifact, Artifact};
    use std::collections::BTreeMap;

    {
        let loaded = shibori::intent::load(&Source {
            name: name.to_string(),
            text: text.to_string(),
        })
        .unwrap_or_else(|_| panic!("{name}: invalid"));
        let plan = shibori::plan::plan(&loaded.intent).unwrap_or_else(|_| panic!("{name}"));
        let handout = Handout {
            plan: &plan,
            warnings: &[],
            nacl: &loaded.intent.nacl,
        };
        let cell = |who: &Option<String>, target: &str, network: &str, proto: String| {
            (
                who.clone().unwrap_or_else(|| "(no group)".into()),
                target.to_string(),
                network.to_string(),
                proto,
            )
        };
        let mine: BTreeMap<_, String> = reach::evaluate(&handout)
            .into_iter()
            .map(|c| {
                (
                    cell(
                        &c.who,
                        &plan.targets[c.target].name,
                        &c.network,
                        c.proto.to_string(),
                    ),
                    format!("{:?}", c.ports.ranges()),
                )
            })
            .collect();
        assert!(!mine.is_empty(), "{name}: nobody reaches anything");
        for format in [RenderFormat::Cloudformation, RenderFormat::TerraformJson] {
            let files = shibori::render::render(&plan, format).expect("render");
            let artifact = Artifact::from_files(
                format.name(),
                files.into_iter().map(|f| (f.path, f.contents)).collect(),
            );
            let (_, rs) = read_artifact(&artifact).expect("read back");
            let theirs: BTreeMap<_, String> = shibori::verify::reach(&loaded.intent, &rs)
                .into_iter()
                .map(|r| {
                    (
                        cell(&r.who, &r.target, &r.network, r.proto.to_string()),
                        format!("{:?}", r.ports.ranges()),
                    )
                })
                .collect();
            assert_eq!(mine, theirs, "{name} vs verify of {}", format.name());
        }
    }
}

/// The examples' HTML handouts are checked in (people read them on GitHub and print
/// them): they must be what `explain --format html` writes today.
#[test]
fn checked_in_html_handouts_are_current() {
    for (name, path) in examples() {
        let html = shibori(&["explain", &path, "--format", "html"]);
        assert_eq!(html.code, 0, "{name}: {}", html.stderr);
        let file = format!("examples/{name}/handout.html");
        assert!(
            read(&file) == html.stdout,
            "{file} is stale: run `shibori explain {path} --format html --out {file}`"
        );
    }
}

/// One self-contained page: no script, nothing fetched, every diagram inline; the
/// overview alone as SVG.
#[test]
fn html_handout_is_self_contained_and_svg_is_the_overview() {
    for (name, path) in intents() {
        let html = shibori(&["explain", &path, "-f", "html"]).stdout;
        assert!(
            html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"),
            "{name}"
        );
        assert!(!html.to_lowercase().contains("<script"), "{name}");
        assert!(
            !html.contains("src=") && !html.contains("href=\"http"),
            "{name}"
        );
        assert!(html.contains("<h2>Who can reach what</h2>"), "{name}");
        let at = |s: &str| html.find(s).unwrap_or(usize::MAX);
        assert!(
            at("Who can reach what") < at("<svg"),
            "{name}: the matrix comes first"
        );
        assert!(
            transit_gateway(&path) || html.matches("<svg ").count() >= 2,
            "{name}: overview and one per group"
        );
        let svg = shibori(&["explain", &path, "-f", "svg"]).stdout;
        assert!(
            svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"),
            "{name}"
        );
        assert_eq!(svg.matches("<svg ").count(), 1, "{name}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 32, ..Default::default() })]

    /// Generated intents: shared and separate ACLs, hosts inside subnets, outside
    /// targets nested in one another, groups and all users, strict and open egress.
    #[test]
    fn matrix_agrees_with_verify_on_generated_intents(
        acls in proptest::collection::vec(0u8..3, 4),
        targets in proptest::collection::vec((0u8..6, proptest::option::of(0u8..4), 0usize..5, 0u8..3), 1..6),
        strict in proptest::bool::ANY,
        tns in 1usize..=2,
    ) {
        const PORTS: [&str; 5] = ["ssh", "https", "tcp/8000-8080", "udp/53", "icmp"];
        let mut y = String::from("version: 1\nname: prop\nvpc: {cidr: 10.0.0.0/16}\nendpoint:\n  client_cidr: 172.16.0.0/22\n  authentication: saml\n");
        if strict {
            y.push_str("  egress: strict\n");
        }
        y.push_str("subnets:\n");
        for (i, a) in acls.iter().enumerate() {
            y.push_str(&format!("  s{i}: {{cidr: 10.0.{i}.0/24"));
            if i < tns {
                y.push_str(&format!(", az: eu-west-1{}", ["a", "b"][i]));
            }
            if *a > 0 {
                y.push_str(&format!(", network_acl: acl-0000000000000000{a}"));
            }
            y.push_str("}\n");
        }
        y.push_str(&format!("target_networks: [{}]\ntargets:\n", (0..tns).map(|i| format!("s{i}")).collect::<Vec<_>>().join(", ")));
        for (n, (place, host, port, groups)) in targets.iter().enumerate() {
            let place = *place as usize;
            let dest = match place {
                0..=3 => match host {
                    Some(h) => format!("subnet: s{place}, hosts: [10.0.{place}.{}/28]", 16 * (u32::from(*h) + 1)),
                    None => format!("subnet: s{place}"),
                },
                4 => "cidr: 192.168.0.0/16".to_string(),
                _ => format!("cidr: 192.168.{}.0/24", n + 1),
            };
            let g = ["[]", "[a]", "[a, b]"][*groups as usize];
            y.push_str(&format!("  - {{name: t{n}, {dest}, ports: [{}], groups: {g}}}\n", PORTS[*port]));
        }
        let valid = shibori::intent::load(&shibori::diagnostic::Source { name: "gen".into(), text: y.clone() })
            .ok()
            .and_then(|l| shibori::plan::plan(&l.intent).ok())
            .is_some();
        proptest::prop_assume!(valid);
        matrix_agrees_with_verify("generated", &y);
    }
}

/// Whether the intent attaches its endpoint to a transit gateway (see
/// `docs/transit-gateway.md`): the reachability matrix does not evaluate that model yet.
fn transit_gateway(path: &str) -> bool {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .contains("attachment: transit-gateway")
}
