//! The fast YAML reader against serde_yaml, its oracle: whatever it accepts, serde_yaml
//! must read to exactly the same value; and the files shibori meets every day (the
//! examples' intents, every rendered CloudFormation template) must take the fast path,
//! or the speed-up silently disappears.

use proptest::prelude::*;
use shibori::intent::file::IntentFile;
use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    yaml_files(Path::new("examples"), &mut paths);
    yaml_files(Path::new("tests/fixtures"), &mut paths);
    assert!(paths.len() > 50, "corpus too small: {}", paths.len());
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read corpus file");
            (p, text)
        })
        .collect()
}

/// The oracle property for one text: fast ⇒ serde_yaml agrees, as JSON values and as
/// an intent. Returns whether the fast path took it.
fn agrees(text: &str) -> Result<bool, String> {
    let fast = shibori::yaml::from_str::<serde_json::Value>(text);
    if let Some(fast) = &fast {
        match serde_yaml::from_str::<serde_json::Value>(text) {
            Ok(slow) if &slow == fast => {}
            Ok(slow) => return Err(format!("value differs:\nfast {fast}\nslow {slow}")),
            Err(e) => return Err(format!("fast read {fast}, serde_yaml failed: {e}")),
        }
    }
    if let Some(fast) = shibori::yaml::from_str::<IntentFile>(text) {
        match serde_yaml::from_str::<IntentFile>(text) {
            Ok(slow) if format!("{slow:?}") == format!("{fast:?}") => {}
            Ok(slow) => return Err(format!("intent differs:\nfast {fast:?}\nslow {slow:?}")),
            Err(e) => return Err(format!("fast read an intent, serde_yaml failed: {e}")),
        }
    }
    Ok(fast.is_some())
}

#[test]
fn agrees_with_serde_yaml_on_the_corpus() {
    for (path, text) in corpus() {
        if let Err(e) = agrees(&text) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn example_intents_and_rendered_templates_take_the_fast_path() {
    let mut checked = 0;
    for (path, text) in corpus() {
        let p = path.to_string_lossy();
        let everyday = p.starts_with("examples")
            && (p.ends_with("intent.yaml") || p.contains("/cloudformation/"));
        if everyday {
            assert!(
                shibori::yaml::from_str::<serde_json::Value>(&text).is_some(),
                "{p} falls back to serde_yaml"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} everyday files");
}

#[test]
fn agrees_on_awkward_scalars() {
    for value in [
        "80",
        "0",
        "-1",
        "-0",
        "007",
        "0x1f",
        "+5",
        "1e3",
        ".5",
        "1.0",
        ".inf",
        "-.inf",
        ".nan",
        "inf",
        "nan",
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "TRUE",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "y",
        "n",
        "1:30",
        "1_000",
        "2010-09-09",
        "10.0.0.0/8",
        "tcp/22",
        "1024-65535",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "'80'",
        "\"80\"",
        "''",
        "\"\"",
        "'it''s'",
        "a#b",
        "a # b",
        "a,b",
        "a]b",
        "-x",
        "--x",
        "x:y",
        "http://x/y",
        "arn:aws:logs:*:*:*",
        "a  b",
        "::/0",
        "::",
        "::1/128",
        "2600:1f18::/56",
        ":x",
        ":",
        ": x",
        ":x # c",
    ] {
        for text in [
            format!("k: {value}\n"),
            format!("- {value}\n"),
            format!("{value}: v\n"),
            format!("k: [{value}]\n"),
            format!("k: [a, {value}, b]\n"),
        ] {
            if let Err(e) = agrees(&text) {
                panic!("{text:?}: {e}");
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize, usize),
    DuplicateLine(usize),
    Indent(usize, usize),
    Dedent(usize),
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        let n = s.len().max(1);
        match *e {
            Edit::Insert(at, c) => {
                let at = floor(&s, at % n);
                s.insert(at, c);
            }
            Edit::Delete(at, len) => {
                let a = floor(&s, at % n);
                let b = floor(&s, (a + len).min(s.len()));
                s.replace_range(a..b, "");
            }
            Edit::DuplicateLine(i) | Edit::Indent(i, _) | Edit::Dedent(i) => {
                let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
                let i = i % lines.len();
                match *e {
                    Edit::DuplicateLine(_) => lines.insert(i, lines[i].clone()),
                    Edit::Indent(_, k) => lines[i].insert_str(0, &" ".repeat(k)),
                    _ => {
                        let l = &lines[i];
                        lines[i] = l.strip_prefix(' ').unwrap_or(l).to_string();
                    }
                }
                s = lines.join("\n");
            }
        }
    }
    s
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop::sample::select(vec![
        ':', ' ', '-', '#', '\'', '"', '[', ']', ',', '{', '}', '!', '&', '*', '|', '>', '\n', '~',
        '.', '0', '1', 'a', 'Z', '\t', '\\', '?', '%', '@', '`',
    ]);
    prop_oneof![
        (any::<usize>(), interesting).prop_map(|(a, c)| Edit::Insert(a, c)),
        (any::<usize>(), 1usize..4).prop_map(|(a, l)| Edit::Delete(a, l)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), 1usize..5).prop_map(|(a, k)| Edit::Indent(a, k)),
        any::<usize>().prop_map(Edit::Dedent),
    ]
}

proptest! {
    // PROPTEST_CASES=100000 for a long run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(4000),
        ..ProptestConfig::default()
    })]

    /// Random edits of real intents and templates: where the fast reader still reads
    /// the text, serde_yaml reads the same thing.
    #[test]
    fn agrees_with_serde_yaml_on_edited_files(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let corpus = small_corpus();
        let (_, text) = pick.get(corpus);
        let edited = apply(text, &edits);
        if let Err(e) = agrees(&edited) {
            prop_assert!(false, "{e}\n--- edited text ---\n{edited}");
        }
    }
}

/// Intents and short templates only, so that each case is quick.
fn small_corpus() -> &'static [(PathBuf, String)] {
    static CORPUS: std::sync::OnceLock<Vec<(PathBuf, String)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        corpus()
            .into_iter()
            .filter(|(_, t)| t.len() < 6_000)
            .collect()
    })
}
