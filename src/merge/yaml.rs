//! YAML hosts, edited as lines: shibori's entries of `Resources`, `Outputs` and
//! `Metadata` are cut out by line span and the new ones inserted where the old ones
//! ended (else at the end of the section), indented like the host's own entries. Every
//! other line of the host is copied byte for byte, comments and short-form intrinsics
//! included. A section written in flow style (`Resources: {…}`) is refused: there is no
//! line to cut at.

use super::{Doc, Host, MergeError, Snippet};
use crate::render::snippet::OWNER_KEY;
use crate::render::tree::{self, Node};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

struct Line<'t> {
    /// The line with its line break.
    text: &'t str,
    indent: usize,
    blank: bool,
    comment: bool,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|l| {
            let body = l.trim_end_matches(['\n', '\r']);
            let rest = body.trim_start_matches(' ');
            Line {
                text: l,
                indent: body.len() - rest.len(),
                blank: rest.trim().is_empty(),
                comment: rest.starts_with('#'),
            }
        })
        .collect()
}

/// The key of a `key: …` line (plain or quoted) and what follows its colon.
fn key_of(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start_matches(' ').trim_end_matches(['\n', '\r']);
    if let Some(q @ ('"' | '\'')) = s.chars().next() {
        let close = s[1..].find(q)? + 1;
        let after = s[close + 1..].trim_start();
        return after.strip_prefix(':').map(|rest| (&s[1..close], rest));
    }
    if s.starts_with(['-', '?', '{', '[', '%', '&', '*', '!', '|', '>']) {
        return None;
    }
    let bytes = s.as_bytes();
    let colon = (0..bytes.len()).find(|&i| {
        bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t')
    })?;
    Some((s[..colon].trim_end(), &s[colon + 1..]))
}

/// A top-level section: its key line and the end of its body (exclusive).
#[derive(Clone, Copy)]
struct Section {
    key: usize,
    end: usize,
}

fn sections(ls: &[Line]) -> BTreeMap<String, Section> {
    let starts: Vec<(usize, &str)> = ls
        .iter()
        .enumerate()
        .filter(|(_, l)| l.indent == 0 && !l.blank && !l.comment)
        .filter_map(|(i, l)| key_of(l.text).map(|(k, _)| (i, k)))
        .collect();
    let mut out = BTreeMap::new();
    for (n, (i, k)) in starts.iter().enumerate() {
        // A document marker ends the section too.
        let next = starts.get(n + 1).map_or(ls.len(), |(j, _)| *j);
        let end = (i + 1..next)
            .find(|&j| ls[j].indent == 0 && ls[j].text.starts_with("---"))
            .unwrap_or(next);
        out.entry(k.to_string()).or_insert(Section { key: *i, end });
    }
    out
}

/// Indentation of a section's entries: that of its first entry, else `fallback`.
fn child_indent(ls: &[Line], s: Section, fallback: usize) -> usize {
    (s.key + 1..s.end)
        .map(|i| &ls[i])
        .find(|l| !l.blank && !l.comment && l.indent > 0)
        .map_or(fallback, |l| l.indent)
}

/// The edits of one section: lines to drop and the text to insert before a line.
struct Edit {
    drop: BTreeSet<usize>,
    at: usize,
    text: String,
}

/// Cuts the entries named `owned` (and shibori's marker comment) out of section `s`,
/// and inserts `text` where the last of the remaining content ends.
/// What shibori owns in a section: entry keys and its marker comment.
struct Owned<'o> {
    keys: &'o BTreeSet<String>,
    marker: &'o str,
}

fn edit_section(
    host: &Doc,
    ls: &[Line],
    (name, s): (&str, Section),
    indent: usize,
    owned: Owned,
    text: String,
) -> Result<Edit, MergeError> {
    let after = key_of(ls[s.key].text).map_or("", |(_, rest)| rest.trim());
    if !after.is_empty() && !after.starts_with('#') {
        return Err(host.shape(format!(
            "`{name}` is written in flow style on line {}; `shibori merge` edits block-style YAML (one entry per line), or merge into the JSON form of the template",
            s.key + 1
        )));
    }
    let mut drop = BTreeSet::new();
    let body = s.key + 1..s.end;
    for i in body.clone() {
        let l = &ls[i];
        if l.comment && l.indent == indent && l.text.trim() == owned.marker.trim() {
            drop.insert(i);
            continue;
        }
        if l.blank || l.comment || l.indent != indent {
            continue;
        }
        let Some((k, _)) = key_of(l.text) else {
            continue;
        };
        if !owned.keys.contains(k) {
            continue;
        }
        // The entry runs to the next line at its own indentation or less; trailing
        // blank lines stay with the host.
        let mut end = (i + 1..s.end)
            .find(|&j| !ls[j].blank && ls[j].indent <= indent)
            .unwrap_or(s.end);
        while end > i + 1 && ls[end - 1].blank {
            end -= 1;
        }
        drop.extend(i..end);
    }
    let at = body
        .clone()
        .rev()
        .find(|&i| !drop.contains(&i) && !ls[i].blank && ls[i].indent > 0)
        .map_or(s.key + 1, |i| i + 1);
    // Where shibori's entries were, when they were the last ones.
    let at = match body.clone().rev().find(|&i| drop.contains(&i)) {
        Some(last) if last >= at => last + 1,
        _ => at,
    };
    Ok(Edit { drop, at, text })
}

fn node(v: &Json) -> Node<'static> {
    match v {
        Json::Null => Node::Null,
        Json::Bool(b) => Node::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map_or_else(|| Node::Str(Cow::Owned(n.to_string())), Node::Int),
        Json::String(s) => Node::Str(Cow::Owned(s.clone())),
        Json::Array(a) => Node::Seq(a.iter().map(node).collect()),
        Json::Object(m) => Node::Map(
            m.iter()
                .map(|(k, x)| (Cow::Owned(k.clone()), node(x)))
                .collect(),
        ),
    }
}

/// Block YAML of `entries`, every line indented by `indent`.
fn block<'e>(entries: impl Iterator<Item = (&'e String, &'e Json)>, indent: usize) -> String {
    let doc = Node::Map(
        entries
            .map(|(k, v)| (Cow::Owned(k.clone()), node(v)))
            .collect(),
    );
    let text = tree::to_yaml(&doc, 4096);
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() * 2);
    for l in text.split_inclusive('\n') {
        if l != "\n" {
            out.push_str(&pad);
        }
        out.push_str(l);
    }
    out
}

pub fn merge(
    host: &Doc,
    h: &Host,
    snip: &Snippet,
    record: Map<String, Json>,
) -> Result<String, MergeError> {
    let ls = lines(host.text);
    let secs = sections(&ls);
    let Some(&resources) = secs.get("Resources") else {
        return Err(host.shape("no block-style `Resources:` at the start of a line"));
    };
    let indent = child_indent(&ls, resources, 2);
    let marker = format!(
        "{}# shibori {}: generated from its intent (change the intent, then `shibori render --snippet` and `shibori merge` again)\n",
        " ".repeat(indent),
        snip.name
    );
    let mut edits = Vec::new();
    edits.push(edit_section(
        host,
        &ls,
        ("Resources", resources),
        indent,
        Owned {
            keys: &h.owned_resources,
            marker: &marker,
        },
        marker.clone() + &block(snip.resources.iter().map(|(k, v)| (k, v)), indent),
    )?);
    let outputs = block(snip.outputs.iter().map(|(k, v)| (k, v)), indent);
    // Sections the host lacks: `Outputs` at the end, `Metadata` before `Resources` and
    // the comments right above it.
    let mut append = String::new();
    match secs.get("Outputs") {
        Some(&s) => {
            let oi = child_indent(&ls, s, indent);
            let text = marker.replacen(&" ".repeat(indent), &" ".repeat(oi), 1)
                + &block(snip.outputs.iter().map(|(k, v)| (k, v)), oi);
            edits.push(edit_section(
                host,
                &ls,
                ("Outputs", s),
                oi,
                Owned {
                    keys: &h.owned_outputs,
                    marker: &marker,
                },
                text,
            )?);
        }
        None if !snip.outputs.is_empty() => {
            append = format!("Outputs:\n{}{}", marker, outputs);
        }
        None => {}
    }
    let mut owner = Map::new();
    owner.insert(OWNER_KEY.to_string(), Json::Object(record));
    match secs.get("Metadata") {
        Some(&s) => {
            let mi = child_indent(&ls, s, indent);
            let owned: BTreeSet<String> = [OWNER_KEY.to_string()].into();
            edits.push(edit_section(
                host,
                &ls,
                ("Metadata", s),
                mi,
                Owned {
                    keys: &owned,
                    marker: "",
                },
                block(owner.iter(), mi),
            )?);
        }
        None => {
            let mut at = resources.key;
            while at > 0 && ls[at - 1].indent == 0 && ls[at - 1].comment {
                at -= 1;
            }
            edits.push(Edit {
                drop: BTreeSet::new(),
                at,
                text: format!("Metadata:\n{}\n", block(owner.iter(), indent)),
            });
        }
    }
    // What is inserted ends its lines as the host does.
    if host.text.contains("\r\n") {
        for e in &mut edits {
            e.text = e.text.replace('\n', "\r\n");
        }
        append = append.replace('\n', "\r\n");
    }
    let mut out = String::with_capacity(host.text.len() + 64 * 1024);
    let dropped: BTreeSet<usize> = edits.iter().flat_map(|e| e.drop.iter().copied()).collect();
    for (i, l) in ls.iter().enumerate() {
        for e in edits.iter().filter(|e| e.at == i) {
            out.push_str(&e.text);
        }
        if !dropped.contains(&i) {
            out.push_str(l.text);
        }
    }
    let newline = if host.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    for text in edits
        .iter()
        .filter(|e| e.at >= ls.len())
        .map(|e| &e.text)
        .chain(Some(&append).filter(|a| !a.is_empty()))
    {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key_of("Resources:\n"), Some(("Resources", "")));
        assert_eq!(key_of("  Vpc:  # the VPC\n"), Some(("Vpc", "  # the VPC")));
        assert_eq!(key_of("'Quoted': x"), Some(("Quoted", " x")));
        assert_eq!(key_of("  - item"), None);
        assert_eq!(key_of("Fn::GetAtt: x"), Some(("Fn::GetAtt", " x")));
        assert_eq!(key_of("no colon"), None);
    }
}
