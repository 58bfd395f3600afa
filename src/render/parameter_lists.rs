//! A nested-stack parent over CloudFormation's 200 parameters: with one subnet per
//! target, every subnet's network ACL (and subnet) ID an intent leaves open is an input,
//! so a thousand targets mean a thousand inputs. The IDs only the children use are then
//! taken as comma-separated lists (`NetworkAclIds1`, `SubnetIds1`, …), and the parent
//! passes each child the one element it needs with `Fn::Select`, under the child
//! parameter's usual name (docs/architecture.md#nested-stacks).

use super::tree::{Key, Node};
use crate::plan::{InputKind, Plan};
use std::borrow::Cow;
use std::collections::BTreeSet;

type Entries<'a> = Vec<(Key<'a>, Node<'a>)>;

/// IDs per list: 150 subnet IDs (24 characters and a comma each) stay below the 4,096
/// bytes CloudFormation accepts in one parameter value.
const PER_LIST: usize = 150;
/// A list's description names its elements in order, within CloudFormation's 4,000
/// characters of parameter description.
const DESCRIPTION: usize = 3_900;

/// The kinds of input that grow with the subnets, with the stem of their lists' names
/// (a lowercase `s`, so no subnet's input is named like a list).
const LISTED: [(InputKind, &str, &str); 2] = [
    (InputKind::NetworkAclId, "NetworkAclIds", "Network ACL IDs"),
    (InputKind::SubnetId, "SubnetIds", "Subnet IDs"),
];

/// Replaces the parameters of `params` that only the children use (not in `used`) by
/// lists when there are more than `max`, and rewrites what `stacks` pass them.
pub fn pack<'a>(
    plan: &'a Plan,
    params: &mut Entries<'a>,
    stacks: &mut [(Key<'a>, Node<'a>)],
    used: &BTreeSet<&str>,
    max: usize,
) {
    if params.len() <= max {
        return;
    }
    // (parameter, list name, index) of every packed parameter, in parameter order.
    let mut packed: Vec<(String, String, usize)> = Vec::new();
    let mut lists: Entries<'a> = Vec::new();
    // What the children are passed, in the order they are passed it: a child's elements
    // then sit side by side, in one list or two.
    let mut passed: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for (_, stack) in stacks.iter() {
        let Some(Node::Map(m)) = stack.get("Properties").and_then(|p| p.get("Parameters")) else {
            continue;
        };
        for (_, v) in m {
            if let Node::Ref(name) = v {
                if !used.contains(name.as_ref()) && seen.insert(name.to_string()) {
                    passed.push(name.to_string());
                }
            }
        }
    }
    for (kind, stem, what) in LISTED {
        let of_kind: BTreeSet<&str> = plan
            .inputs
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.logical_id.as_str())
            .collect();
        let names: Vec<&str> = passed
            .iter()
            .map(String::as_str)
            .filter(|k| of_kind.contains(k) && params.iter().any(|(p, _)| p == k))
            .collect();
        let mut start = 0;
        while start < names.len() {
            let mut end = start;
            let mut length = 0;
            // At least one name per list, however long.
            while end < names.len()
                && end - start < PER_LIST
                && (end == start || length + names[end].len() + 2 <= DESCRIPTION - 200)
            {
                length += names[end].len() + 2;
                end += 1;
            }
            let list = format!("{stem}{}", lists.len() + 1);
            let order = names[start..end].join(", ");
            lists.push((Cow::Owned(list.clone()), definition(kind, what, &order)));
            for (i, n) in names[start..end].iter().enumerate() {
                packed.push((n.to_string(), list.clone(), i));
            }
            start = end;
        }
    }
    if packed.is_empty() {
        return;
    }
    params.retain(|(k, _)| !packed.iter().any(|(p, _, _)| p == k));
    params.extend(lists);
    for (_, stack) in stacks.iter_mut() {
        let Some(Node::Map(passed)) = stack
            .get_mut("Properties")
            .and_then(|p| p.get_mut("Parameters"))
        else {
            continue;
        };
        for (_, v) in passed.iter_mut() {
            let Node::Ref(name) = v else { continue };
            if let Some((_, list, i)) = packed.iter().find(|(p, _, _)| p == name) {
                *v = select(*i, list.clone());
            }
        }
    }
}

/// The kind of IDs a list parameter of `pack` holds, and what they are, by its name.
pub fn kind_of(name: &str) -> Option<(InputKind, &'static str)> {
    LISTED.iter().find_map(|&(kind, stem, what)| {
        let n = name.strip_prefix(stem)?;
        (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some((kind, what))
    })
}

fn definition<'a>(kind: InputKind, what: &str, order: &str) -> Node<'a> {
    let description = format!("{what}, comma-separated, in this order: {order}");
    let mut d: Entries = Vec::with_capacity(4);
    if kind == InputKind::SubnetId {
        d.push(("Type".into(), "List<AWS::EC2::Subnet::Id>".into()));
        d.push(("Description".into(), description.into()));
    } else {
        // The pattern applies to each element of a comma-delimited list.
        d.push(("Type".into(), "CommaDelimitedList".into()));
        d.push(("Description".into(), description.into()));
        d.push(("AllowedPattern".into(), kind.pattern().into()));
        d.push((
            "ConstraintDescription".into(),
            format!("each must be {}", kind.format_hint()).into(),
        ));
    }
    Node::Map(d)
}

/// `{ "Fn::Select": [i, { "Ref": list }] }`
fn select<'a>(i: usize, list: String) -> Node<'a> {
    Node::Map(vec![(
        "Fn::Select".into(),
        Node::Seq(vec![
            Node::Int(i64::try_from(i).unwrap_or(i64::MAX)),
            Node::Ref(Cow::Owned(list)),
        ]),
    )])
}
