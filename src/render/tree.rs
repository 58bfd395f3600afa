//! A small document tree for CloudFormation templates, written out as block YAML or as
//! pretty JSON by hand. Templates of large plans hold tens of thousands of nodes: keys
//! here are mostly borrowed (`&'static str` or from the plan), maps are plain vectors in
//! insertion order, and intrinsics are nodes of their own so that nested stacks can
//! retarget them in place.
//!
//! The YAML is laid out exactly as serde_yaml 0.9 (libyaml) lays it out, scalar styles
//! included, with two deliberate differences (both in [`scalar_style`]): YAML 1.1
//! booleans such as `yes`/`off` and YAML 1.1 sexagesimal or `_`-grouped numbers are
//! quoted, because CloudFormation reads YAML 1.1-style and would turn them into
//! booleans or numbers; and the rare strings libyaml would write with a keep-chomping
//! block (`|+`) or with Unicode line separators are double-quoted instead.

use crate::yaml::resolve::{reads_as_non_string, yaml11_non_string};
use std::borrow::Cow;
use std::fmt::Write as _;

pub type Key<'a> = Cow<'a, str>;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Bool(bool),
    Null,
    /// `{ "Ref": id }`
    Ref(Cow<'a, str>),
    /// `{ "Fn::GetAtt": [id, attribute] }`
    GetAtt(Cow<'a, str>, Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Key<'a>, Node<'a>)>),
}

impl<'a> From<&'a str> for Node<'a> {
    fn from(s: &'a str) -> Self {
        Node::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Node<'_> {
    fn from(s: String) -> Self {
        Node::Str(Cow::Owned(s))
    }
}

impl From<bool> for Node<'_> {
    fn from(b: bool) -> Self {
        Node::Bool(b)
    }
}

macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Node<'_> {
            fn from(n: $t) -> Self {
                Node::Int(i64::from(n))
            }
        }
    )*};
}
int_from!(i32, i64, u32, u16);

/// `map! { "Key" => value, ... }`: a [`Node::Map`] with static keys, in order.
macro_rules! map {
    ($($k:expr => $v:expr),* $(,)?) => {
        $crate::render::tree::Node::Map(vec![
            $((::std::borrow::Cow::Borrowed($k), $crate::render::tree::Node::from($v))),*
        ])
    };
}
pub(crate) use map;

impl<'a> Node<'a> {
    pub fn as_map(&self) -> Option<&[(Key<'a>, Node<'a>)]> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node<'a>> {
        match self {
            Node::Map(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Appends `(key, value)`, or replaces the value of an existing `key` in place (the
/// first position wins, as in an insertion-ordered map).
pub fn insert<'a>(map: &mut Vec<(Key<'a>, Node<'a>)>, key: Key<'a>, value: Node<'a>) {
    match map.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v = value,
        None => map.push((key, value)),
    }
}

/// Drops repeated keys of a large map, keeping each key's first position and its last
/// value — what building it with [`insert`] would give, in linear time.
pub fn dedup<'a>(map: &mut Vec<(Key<'a>, Node<'a>)>) {
    let mut first = Vec::with_capacity(map.len());
    let mut dup = false;
    {
        let mut seen: super::FastMap<&str, usize> = super::FastMap::default();
        seen.reserve(map.len());
        for (i, (k, _)) in map.iter().enumerate() {
            let p = *seen.entry(k.as_ref()).or_insert(i);
            dup |= p != i;
            first.push(p);
        }
    }
    if !dup {
        return;
    }
    let mut slots: Vec<Option<(Key<'a>, Node<'a>)>> = Vec::with_capacity(map.len());
    for (i, (k, v)) in std::mem::take(map).into_iter().enumerate() {
        let p = first[i];
        if p == i {
            slots.push(Some((k, v)));
        } else {
            if let Some(Some((_, old))) = slots.get_mut(p) {
                *old = v;
            }
            slots.push(None);
        }
    }
    *map = slots.into_iter().flatten().collect();
}

// ---------------------------------------------------------------- YAML

/// The document as block YAML, ending with a newline.
pub fn to_yaml(root: &Node, capacity: usize) -> String {
    let mut y = Yaml {
        out: String::with_capacity(capacity),
        styles: StyleCache::new(),
    };
    match entries(root) {
        Some(e) if !e.is_empty() => write_entries(&mut y, &e, 0, false),
        _ => match root {
            Node::Seq(items) if !items.is_empty() => write_items(&mut y, items, 0, false),
            other => {
                write_inline(&mut y, other, 0);
            }
        },
    }
    y.out
}

/// The output, and the styles of the strings written so far.
struct Yaml<'n> {
    out: String,
    styles: StyleCache<'n>,
}

/// A mapping's entries; intrinsics are one-entry mappings.
enum Entries<'n, 'a> {
    Map(&'n [(Key<'a>, Node<'a>)]),
    Ref(&'n str),
    GetAtt(&'n str, &'n str),
}

impl Entries<'_, '_> {
    fn is_empty(&self) -> bool {
        matches!(self, Entries::Map(m) if m.is_empty())
    }
}

fn entries<'n, 'a>(n: &'n Node<'a>) -> Option<Entries<'n, 'a>> {
    match n {
        Node::Map(m) => Some(Entries::Map(m)),
        Node::Ref(id) => Some(Entries::Ref(id)),
        Node::GetAtt(id, attr) => Some(Entries::GetAtt(id, attr)),
        _ => None,
    }
}

/// Indentation comes from one static run of spaces: a copy instead of a push per column.
const SPACES: &str = "                                                                ";

fn pad(out: &mut String, mut n: usize) {
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// Decimal digits without going through `core::fmt`, which is most of the cost of
/// writing the many small numbers (ports, rule numbers) of a template.
fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    crate::plan::text::push_u64(out, n.unsigned_abs());
}

/// Entries of a block mapping whose keys sit at column `indent`; with `inline`, the
/// first key continues the current line (after `- ` or `: `).
fn write_entries<'n>(y: &mut Yaml<'n>, e: &Entries<'n, '_>, indent: usize, inline: bool) {
    let mut first = inline;
    let mut entry = |y: &mut Yaml<'n>, k: &'n str, v: &'n Node| {
        if !std::mem::take(&mut first) {
            pad(&mut y.out, indent);
        }
        write_key_value(y, k, v, indent);
    };
    match e {
        Entries::Map(m) => {
            for (k, v) in m.iter() {
                entry(y, k, v);
            }
        }
        // `Ref: id`, as `write_key_value` writes a plain key and a scalar value.
        Entries::Ref(id) => {
            if !inline {
                pad(&mut y.out, indent);
            }
            y.out.push_str("Ref:");
            write_inline_str(y, id, indent);
        }
        Entries::GetAtt(id, attr) => {
            if !inline {
                pad(&mut y.out, indent);
            }
            y.out.push_str("Fn::GetAtt:\n");
            for s in [id, attr] {
                pad(&mut y.out, indent);
                y.out.push_str("- ");
                if write_scalar(y, s, indent + 2, false) {
                    continue;
                }
                y.out.push('\n');
            }
        }
    }
}

/// libyaml writes keys longer than 128 bytes, or of several lines, as explicit
/// `? key` / `: value` pairs.
const MAX_SIMPLE_KEY: usize = 128;

fn write_key_value<'n>(y: &mut Yaml<'n>, k: &'n str, v: &'n Node, indent: usize) {
    let style = y.styles.style(k, true);
    // A plain key has no line break, so only the rare quoted key needs the scan.
    if k.len() > MAX_SIMPLE_KEY || (style != Style::Plain && k.contains(is_break)) {
        y.out.push_str("? ");
        if !write_scalar(y, k, indent + 2, false) {
            y.out.push('\n');
        }
        pad(&mut y.out, indent);
        y.out.push(':');
        // The value is a node in a fresh context, indented below `? `.
        write_compact(y, v, indent);
        return;
    }
    write_styled(&mut y.out, k, style, indent);
    y.out.push(':');
    match v {
        // A sequence under a key is not indented further.
        Node::Seq(items) if !items.is_empty() => {
            y.out.push('\n');
            write_items(y, items, indent, false);
        }
        _ => match entries(v) {
            Some(e) if !e.is_empty() => {
                y.out.push('\n');
                write_entries(y, &e, indent + 2, false);
            }
            _ => write_inline(y, v, indent),
        },
    }
}

/// Items of a block sequence whose `-` sit at column `indent`.
fn write_items<'n>(y: &mut Yaml<'n>, items: &'n [Node], indent: usize, inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline {
            pad(&mut y.out, indent);
        }
        y.out.push('-');
        write_compact(y, item, indent);
    }
}

/// A node after `- ` or `: ` (of an explicit key) at column `indent`: a collection
/// starts on the same line, its entries at `indent + 2`.
fn write_compact<'n>(y: &mut Yaml<'n>, v: &'n Node, indent: usize) {
    match v {
        Node::Seq(items) if !items.is_empty() => {
            y.out.push(' ');
            write_items(y, items, indent + 2, true);
        }
        _ => match entries(v) {
            Some(e) if !e.is_empty() => {
                y.out.push(' ');
                write_entries(y, &e, indent + 2, true);
            }
            _ => write_inline(y, v, indent),
        },
    }
}

/// ` value\n` for a scalar or an empty collection; `indent` is the column of the key or
/// `-` that owns it.
fn write_inline<'n>(y: &mut Yaml<'n>, v: &'n Node, indent: usize) {
    if let Node::Str(s) = v {
        return write_inline_str(y, s, indent);
    }
    y.out.push(' ');
    match v {
        Node::Str(_) => {}
        Node::Int(n) => push_int(&mut y.out, *n),
        Node::Bool(b) => y.out.push_str(if *b { "true" } else { "false" }),
        Node::Null => y.out.push_str("null"),
        Node::Seq(_) => y.out.push_str("[]"),
        Node::Map(_) | Node::Ref(_) | Node::GetAtt(..) => y.out.push_str("{}"),
    }
    y.out.push('\n');
}

/// ` value\n` for a string (see [`write_inline`]).
fn write_inline_str<'n>(y: &mut Yaml<'n>, s: &'n str, indent: usize) {
    y.out.push(' ');
    if !write_scalar(y, s, indent + 2, false) {
        y.out.push('\n');
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`, with the indentation indicator when the text starts with a space or a
    /// line break, and `-` when it does not end with a line break.
    Literal,
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out, for the block context.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

/// libyaml's `IS_PRINTABLE` (with Unicode output on, as serde_yaml sets it).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let (mut block_indicators, mut line_breaks, mut special) = (false, false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut chars = s.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let followed_by_whitespace = is_blankz(next);
        let last = next.is_none();
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        first = false;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// How the quick test sees a byte: most are [`ORDINARY`]; spaces, colons and hashes
/// matter by their neighbours; anything else (controls, DEL, non-ASCII) is left to the
/// full analysis.
const ORDINARY: u8 = 0;
const SPACE: u8 = 1;
const COLON: u8 = 2;
const HASH: u8 = 3;
const OTHER: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut i = 0x20;
    while i < 0x7f {
        t[i] = match i as u8 {
            b' ' => SPACE,
            b':' => COLON,
            b'#' => HASH,
            _ => ORDINARY,
        };
        i += 1;
    }
    t
};

/// The style of a one-line string of printable ASCII, which nearly every string of a
/// template is, in one pass over its bytes; `None` for any other string. For such
/// strings libyaml's analysis reduces to: plain unless an indicator or a leading or
/// trailing space forbids it, and single-quoted otherwise (never double-quoted, never
/// a block); and the style is the same for keys and values.
fn quick_style(s: &str) -> Option<Style> {
    let b = s.as_bytes();
    let (&first, rest) = b.split_first()?;
    let mut indicator = match CLASS[usize::from(first)] {
        ORDINARY => match first {
            b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
            | b'%' | b'@' | b'`' => true,
            // `-` and `?` are indicators when a blank follows (the end counts).
            b'-' | b'?' if matches!(rest.first(), None | Some(b' ')) => true,
            b'-' => b.starts_with(b"---"),
            b'.' => b.starts_with(b"..."),
            _ => false,
        },
        SPACE | HASH => true,
        COLON => false,
        _ => return None,
    };
    let mut prev = first;
    let mut words = rest.chunks_exact(8);
    for w in &mut words {
        if word_is_ordinary(w) {
            prev = w[7];
        } else {
            indicator |= scan_indicators(w, &mut prev)?;
        }
    }
    indicator |= scan_indicators(words.remainder(), &mut prev)?;
    // A colon at the end is followed by a blank, too; so is one standing alone.
    if indicator || prev == b':' || prev == b' ' {
        return Some(Style::SingleQuoted);
    }
    Some(if resolves_to_non_string(s) {
        Style::SingleQuoted
    } else {
        Style::Plain
    })
}

/// Whether a byte of `bytes` (following `prev`, which it updates) makes an indicator
/// of the scalar; `None` when a byte needs the full analysis.
fn scan_indicators(bytes: &[u8], prev: &mut u8) -> Option<bool> {
    let mut indicator = false;
    for &c in bytes {
        match CLASS[usize::from(c)] {
            ORDINARY | COLON => {}
            // `: ` starts a mapping value and ` #` a comment.
            SPACE => indicator |= *prev == b':',
            HASH => indicator |= *prev == b' ',
            _ => return None,
        }
        *prev = c;
    }
    Some(indicator)
}

/// Whether all eight bytes are printable ASCII other than space and `#`, tested at
/// once (the usual SWAR bit tricks): such bytes cannot make an indicator, since a colon
/// is one only before a blank, which would be a later, non-ordinary byte.
fn word_is_ordinary(w: &[u8]) -> bool {
    let x = word(w);
    let below_bang = x.wrapping_sub(ONES * 0x21) & !x & HIGH != 0;
    x & HIGH == 0
        && !below_bang
        && !has_zero_byte(x ^ (ONES * 0x7f))
        && !has_zero_byte(x ^ (ONES * u64::from(b'#')))
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes as one word (`w` holds eight).
fn word(w: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(w);
    u64::from_le_bytes(bytes)
}

/// Whether a byte of `x` is zero; exact as a yes or no, though not per byte.
fn has_zero_byte(x: u64) -> bool {
    x.wrapping_sub(ONES) & !x & HIGH != 0
}

/// Whether a non-empty string, written plain, would read back as something other than
/// a string, by either rule set; the resolvers run only for the few first bytes that
/// can start such a scalar.
fn resolves_to_non_string(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        // Only keywords (`null`, `true`, `yes`, `off`, at most five letters) do.
        Some(c) if c.is_ascii_alphabetic() => {
            b.len() <= 5 && (reads_as_non_string(s) || yaml11_non_string(s))
        }
        // An IPv4 address with a prefix length is never a number; CIDRs are common.
        Some(c)
            if c.is_ascii_digit()
                && b.contains(&b'/')
                && b.iter()
                    .all(|&c| c.is_ascii_digit() || c == b'.' || c == b'/') =>
        {
            false
        }
        Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~') => {
            reads_as_non_string(s) || yaml11_non_string(s)
        }
        _ => false,
    }
}

/// The style a string is written in, as a mapping key (`key`) or a value.
pub fn scalar_style(s: &str, key: bool) -> Style {
    quick_style(s).unwrap_or_else(|| full_style(s, key))
}

/// libyaml's choice (with the differences described at the top of the module) for any
/// string, by the full analysis.
fn full_style(s: &str, key: bool) -> Style {
    // Line separators other than `\n` make libyaml's single-quoted and literal output
    // fold; escaping them in double quotes keeps every byte as is.
    if !s.is_ascii() && s.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return Style::DoubleQuoted;
    }
    let a = analyze(s);
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if reads_as_non_string(s) || yaml11_non_string(s) {
        Style::SingleQuoted
    } else {
        Style::Plain
    };
    if key && a.multiline {
        style = Style::DoubleQuoted;
    }
    if style == Style::Plain && !a.block_plain_allowed {
        style = Style::SingleQuoted;
    }
    if style == Style::SingleQuoted && !a.single_quoted_allowed {
        style = Style::DoubleQuoted;
    }
    if style == Style::Literal && (!a.block_allowed || key || s.ends_with("\n\n") || s == "\n") {
        style = Style::DoubleQuoted;
    }
    style
}

/// Styles of the strings met so far in one document, by address and length. A
/// template repeats the same few strings thousands of times — keys such as `Type` or
/// `Properties`, resource types, the IDs under `Ref` — and most are borrowed from one
/// place (the renderer's literals, the plan), so their address identifies them: the
/// tree is borrowed, unchanged, for as long as the writer and its cache live, so no
/// two different texts share an address and a length. A direct-mapped table keeps the
/// lookup to a few instructions; a string seen once only costs its slot.
///
/// The lifetime `'n` is the borrow of that tree: only strings that live at least as
/// long as the cache can be asked about, so no address can be freed and reused for
/// another text while the cache remembers it. The compiler holds the invariant.
struct StyleCache<'n> {
    slots: Box<[(usize, usize, Style); STYLE_SLOTS]>,
    texts: std::marker::PhantomData<&'n str>,
}

const STYLE_SLOTS: usize = 256;

impl<'n> StyleCache<'n> {
    fn new() -> Self {
        // Length 0 marks a free slot: empty strings are never cached.
        StyleCache {
            slots: Box::new([(0, 0, Style::Plain); STYLE_SLOTS]),
            texts: std::marker::PhantomData,
        }
    }

    /// [`scalar_style`], remembered for the strings of the quick test (whose style is
    /// the same as a key and as a value).
    fn style(&mut self, s: &'n str, key: bool) -> Style {
        let addr = s.as_ptr() as usize;
        // Fibonacci hashing: the top bits of the product mix all bits of the address.
        let hash = (addr ^ s.len()).wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as usize);
        let slot = &mut self.slots[hash >> (usize::BITS - STYLE_SLOTS.trailing_zeros())];
        if slot.0 == addr && slot.1 == s.len() {
            return slot.2;
        }
        match quick_style(s) {
            Some(style) => {
                *slot = (addr, s.len(), style);
                style
            }
            None => full_style(s, key),
        }
    }
}

/// Writes `s` in its style; block scalars' lines are indented to `indent`. Returns
/// whether the output already ends with a line break.
fn write_scalar<'n>(y: &mut Yaml<'n>, s: &'n str, indent: usize, key: bool) -> bool {
    let style = y.styles.style(s, key);
    write_styled(&mut y.out, s, style, indent)
}

/// Writes `s` in the given style (see [`write_scalar`]).
fn write_styled(out: &mut String, s: &str, style: Style, indent: usize) -> bool {
    match style {
        Style::Plain => out.push_str(s),
        Style::SingleQuoted => {
            out.push('\'');
            for (i, part) in s.split('\'').enumerate() {
                if i > 0 {
                    out.push_str("''");
                }
                out.push_str(part);
            }
            out.push('\'');
        }
        Style::DoubleQuoted => write_double_quoted(out, s),
        Style::Literal => {
            out.push('|');
            if s.starts_with([' ', '\n']) {
                out.push('2');
            }
            let trailing_break = s.ends_with('\n');
            if !trailing_break {
                out.push('-');
            }
            out.push('\n');
            let mut at_line_start = true;
            for c in s.chars() {
                if c == '\n' {
                    out.push('\n');
                    at_line_start = true;
                } else {
                    if at_line_start {
                        pad(out, indent);
                    }
                    out.push(c);
                    at_line_start = false;
                }
            }
            return trailing_break;
        }
    }
    false
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if is_printable(c) && !is_break(c) && c != '"' && c != '\\' {
            out.push(c);
            continue;
        }
        out.push('\\');
        match c {
            '\0' => out.push('0'),
            '\u{7}' => out.push('a'),
            '\u{8}' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\u{b}' => out.push('v'),
            '\u{c}' => out.push('f'),
            '\r' => out.push('r'),
            '\u{1b}' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            c => {
                let n = u32::from(c);
                let _ = if n <= 0xff {
                    write!(out, "x{n:02X}")
                } else if n <= 0xffff {
                    write!(out, "u{n:04X}")
                } else {
                    write!(out, "U{n:08X}")
                };
            }
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------- JSON

/// The document as JSON laid out as `serde_json::to_string_pretty` lays it out (two
/// spaces, `"key": value`), without a final line break.
pub fn to_json_pretty(root: &Node, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    write_json(&mut out, root, 0);
    out
}

fn write_json(out: &mut String, n: &Node, indent: usize) {
    match n {
        Node::Str(s) => json_string(out, s),
        Node::Int(i) => push_int(out, *i),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Null => out.push_str("null"),
        Node::Ref(id) => {
            out.push_str("{\n");
            pad(out, indent + 2);
            out.push_str("\"Ref\": ");
            json_string(out, id);
            out.push('\n');
            pad(out, indent);
            out.push('}');
        }
        Node::GetAtt(id, attr) => {
            out.push_str("{\n");
            pad(out, indent + 2);
            out.push_str("\"Fn::GetAtt\": [\n");
            pad(out, indent + 4);
            json_string(out, id);
            out.push_str(",\n");
            pad(out, indent + 4);
            json_string(out, attr);
            out.push('\n');
            pad(out, indent + 2);
            out.push_str("]\n");
            pad(out, indent);
            out.push('}');
        }
        Node::Seq(items) if items.is_empty() => out.push_str("[]"),
        Node::Map(m) if m.is_empty() => out.push_str("{}"),
        Node::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(out, indent + 2);
                write_json(out, item, indent + 2);
            }
            out.push('\n');
            pad(out, indent);
            out.push(']');
        }
        Node::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                pad(out, indent + 2);
                json_string(out, k);
                out.push_str(": ");
                write_json(out, v, indent + 2);
            }
            out.push('\n');
            pad(out, indent);
            out.push('}');
        }
    }
}

/// Bytes serde_json escapes in strings.
static JSON_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A JSON string literal, escaped as serde_json escapes.
pub fn json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = next_json_escape(bytes, start) {
        out.push_str(&s[start..i]);
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The first byte at or after `i` that JSON escapes. Escapes are rare, so whole words
/// that hold none are skipped eight bytes at a time.
fn next_json_escape(bytes: &[u8], mut i: usize) -> Option<usize> {
    while let Some(w) = bytes.get(i..i + 8) {
        if !word_needs_json_escape(w) {
            i += 8;
            continue;
        }
        break;
    }
    bytes[i..]
        .iter()
        .position(|&b| JSON_ESCAPE[usize::from(b)])
        .map(|p| i + p)
}

/// Whether one of the eight bytes is a control character, `"` or `\` (as in
/// [`word_is_ordinary`]).
fn word_needs_json_escape(w: &[u8]) -> bool {
    let x = word(w);
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
    below_space
        || has_zero_byte(x ^ (ONES * u64::from(b'"')))
        || has_zero_byte(x ^ (ONES * u64::from(b'\\')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_value(n: &Node) -> serde_json::Value {
        use serde_json::{json, Value};
        match n {
            Node::Str(s) => Value::String(s.to_string()),
            Node::Int(i) => json!(i),
            Node::Bool(b) => json!(b),
            Node::Null => Value::Null,
            Node::Ref(id) => json!({ "Ref": id }),
            Node::GetAtt(id, a) => json!({ "Fn::GetAtt": [id, a] }),
            Node::Seq(items) => Value::Array(items.iter().map(serde_value).collect()),
            Node::Map(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), serde_value(v)))
                    .collect(),
            ),
        }
    }

    /// Strings whose style the YAML 1.1 rule changes on purpose.
    fn yaml11_only(s: &str) -> bool {
        !reads_as_non_string(s) && yaml11_non_string(s)
    }

    const TRICKY: &[&str] = &[
        "",
        " ",
        "a",
        "plain text",
        "10.0.0.0/24",
        "2010-09-09",
        "AWS::EC2::VPC::Id",
        "^acl-([0-9a-f]{8}|[0-9a-f]{17})$",
        "must be a network ACL ID: acl- and 8 or 17 hex digits",
        "shibori: web tcp/443",
        "-1",
        "-",
        "- item",
        "-x",
        "true",
        "True",
        "null",
        "~",
        "0",
        "007",
        "-007",
        "0x1F",
        "0o17",
        "0b101",
        "-0x1",
        "+1",
        "1e5",
        "1.5",
        ".5",
        "1.",
        ".inf",
        "-.inf",
        ".nan",
        "inf",
        "nan",
        "infinity",
        "1e999",
        "123456789012345678901234567890",
        "340282366920938463463374607431768211456",
        "${jndi}",
        "%{for x in y}",
        "a\"b",
        "back\\slash",
        "line\nbreak",
        "key: #value",
        "*alias",
        "&anchor",
        "!tag",
        "|pipe",
        ">fold",
        "'quoted'",
        "it's",
        "@at",
        "`tick",
        "#hash",
        "a #b",
        "a#b",
        "a:",
        "a: b",
        "a:b",
        ":a",
        "?a",
        "? a",
        ",a",
        "a,b",
        "[a]",
        "{a}",
        "---",
        "--- a",
        "...",
        "trailing ",
        " leading",
        "tab\there",
        "bell\u{7}",
        "esc\u{1b}",
        "nul\0",
        "del\u{7f}",
        "c1\u{80}",
        "nbsp\u{a0}x",
        "bom\u{feff}",
        "nonchar\u{fffe}",
        "café",
        "日本語",
        "emoji 🚀",
        "cr\rlf",
        "crlf\r\nx",
        "two\nlines",
        "ends\n",
        "ends twice\n\n",
        "\nstarts",
        " starts\nwith space",
        "space \nbreak",
        "break\n space",
        "a\n\nb",
        "Hi ${var.x} %{ if true }yes%{ endif } \"quoted\" back\\slash\nnext line: # not a comment * &anchor $${y}",
        "s: #1 *",
        "/aws/clientvpn/${x}-%{y}",
    ];

    #[test]
    fn yaml_matches_serde_yaml_for_tricky_values_and_keys() {
        for s in TRICKY.iter().copied().filter(|s| !yaml11_only(s)) {
            let long_key = format!("{s}{}", "K".repeat(130));
            let doc = Node::Map(vec![
                ("v".into(), Node::from(s)),
                ("seq".into(), Node::Seq(vec![Node::from(s), Node::Int(1)])),
                (
                    "nested".into(),
                    Node::Map(vec![(Cow::Borrowed(s), Node::from(s))]),
                ),
                (
                    "items".into(),
                    Node::Seq(vec![Node::Map(vec![
                        ("first-key".into(), Node::from(s)),
                        (Cow::Borrowed(s), Node::Ref(Cow::Borrowed(s))),
                    ])]),
                ),
                (
                    Cow::Owned(long_key.clone()),
                    Node::Map(vec![("x".into(), Node::from(s))]),
                ),
                (
                    Cow::Owned(long_key.clone() + "s"),
                    Node::Seq(vec![Node::from(s)]),
                ),
                (Cow::Owned(long_key + "v"), Node::from(s)),
            ]);
            let expected = serde_yaml::to_string(&serde_value(&doc)).unwrap();
            // libyaml writes keep-chomped blocks and U+2028 differently on purpose.
            if expected.contains("|+") || expected.contains("|2+") {
                continue;
            }
            assert_eq!(to_yaml(&doc, 0), expected, "value {s:?}");
        }
    }

    #[test]
    fn yaml_layout_matches_serde_yaml() {
        let doc = map! {
            "AWSTemplateFormatVersion" => "2010-09-09",
            "Empty" => Node::Map(vec![]),
            "EmptySeq" => Node::Seq(vec![]),
            "Resources" => map! {
                "A" => map! {
                    "Type" => "AWS::EC2::SecurityGroup",
                    "DependsOn" => Node::Seq(vec![Node::from("B"), Node::from("C")]),
                    "Properties" => map! {
                        "GroupId" => Node::GetAtt("Sg".into(), "GroupId".into()),
                        "Ids" => Node::Seq(vec![
                            Node::GetAtt("Sg".into(), "GroupId".into()),
                            Node::Ref("X".into()),
                            Node::Seq(vec![Node::from("a"), Node::Seq(vec![])]),
                            Node::Map(vec![]),
                            Node::Null,
                            Node::Bool(false),
                            Node::Int(-1),
                        ]),
                        "Nested" => Node::Seq(vec![Node::Seq(vec![Node::Ref("Z".into())])]),
                    },
                },
            },
        };
        let expected = serde_yaml::to_string(&serde_value(&doc)).unwrap();
        assert_eq!(to_yaml(&doc, 0), expected);
        let expected_json = serde_json::to_string_pretty(&serde_value(&doc)).unwrap();
        assert_eq!(to_json_pretty(&doc, 0), expected_json);
    }

    #[test]
    fn json_matches_serde_json_for_tricky_strings() {
        for s in TRICKY {
            let doc = Node::Map(vec![(Cow::Borrowed(*s), Node::from(*s))]);
            let expected = serde_json::to_string_pretty(&serde_value(&doc)).unwrap();
            assert_eq!(to_json_pretty(&doc, 0), expected, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn yaml_matches_serde_yaml_on_random_strings(
            s in "[ a-zA-Z0-9:#'\"\\\\.\n\t{}\\[\\],&*!|>%@`?~+_/-]{0,10}"
        ) {
            proptest::prop_assume!(!yaml11_only(&s));
            let doc = Node::Map(vec![
                ("value-of-it".into(), Node::from(s.as_str())),
                ("seq-of-it".into(), Node::Seq(vec![Node::from(s.as_str())])),
                (Cow::Borrowed(s.as_str()), Node::Int(1)),
            ]);
            let expected = serde_yaml::to_string(&serde_value(&doc)).unwrap();
            proptest::prop_assume!(!expected.contains("|+") && !expected.contains("|2+"));
            proptest::prop_assert_eq!(to_yaml(&doc, 0), expected);
        }
    }

    /// The quick test answers for a string only with the full analysis' answer, for keys
    /// and for values alike.
    fn assert_quick_agrees(s: &str) {
        if let Some(style) = quick_style(s) {
            assert_eq!(style, full_style(s, false), "value {s:?}");
            assert_eq!(style, full_style(s, true), "key {s:?}");
        }
    }

    #[test]
    fn the_quick_style_test_agrees_with_the_full_one() {
        let more = [
            "AWS::EC2::VPC::Id",
            "a: b",
            "a:",
            "a ",
            "ab#c",
            "yes",
            "Yes1",
            "FALSE",
            "10.0.0.0/24",
            "10.0.0.0/",
            "1/2",
            "1.5",
            "é",
            "::",
            ": ",
            "?",
            "?x",
            "-",
            "-x",
            "--x",
            "--- x",
            "....",
            "~",
            "~x",
            "shibori: t1 tcp/22",
            "x #y",
            "x# y",
            "+.5",
            "-.inf",
            "0o7",
            "1:2",
        ];
        for s in TRICKY.iter().chain(more.iter()) {
            assert_quick_agrees(s);
        }
        // Every printable ASCII byte in each position of short strings.
        for a in 0x20u8..0x7f {
            for b in 0x20u8..0x7f {
                let s = [a, b];
                let s = std::str::from_utf8(&s).unwrap();
                assert_quick_agrees(s);
                assert_quick_agrees(&s[..1]);
                assert_quick_agrees(&format!("x{s}"));
                assert_quick_agrees(&format!("{s}x"));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_match_serde_json_on_random_strings(
            s in "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é日 ]{0,40}"
        ) {
            let mut out = String::new();
            json_string(&mut out, &s);
            proptest::prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn the_json_word_test_agrees_on_random_words(w in proptest::array::uniform8(0u8..)) {
            let by_byte = w.iter().any(|&b| JSON_ESCAPE[usize::from(b)]);
            proptest::prop_assert_eq!(word_needs_json_escape(&w), by_byte);
        }

        #[test]
        fn the_word_test_agrees_on_random_words(w in proptest::array::uniform8(0u8..)) {
            let by_byte = w
                .iter()
                .all(|&b| matches!(CLASS[usize::from(b)], ORDINARY | COLON));
            proptest::prop_assert_eq!(word_is_ordinary(&w), by_byte);
        }

        #[test]
        fn quick_style_agrees_on_random_strings(
            s in "[ a-zA-Z0-9:#'\"\\\\.\n\t{}\\[\\],&*!|>%@`?~+_/-]{0,12}"
        ) {
            assert_quick_agrees(&s);
        }
    }

    #[test]
    fn the_word_test_agrees_with_the_byte_classes() {
        for pos in 0..8 {
            for c in 0..=255u8 {
                let mut w = *b"Ab:9-~.z";
                w[pos] = c;
                let by_byte = w
                    .iter()
                    .all(|&b| matches!(CLASS[usize::from(b)], ORDINARY | COLON));
                assert_eq!(word_is_ordinary(&w), by_byte, "{w:?}");
            }
        }
    }

    #[test]
    fn the_style_cache_answers_as_scalar_style() {
        // Slices of one text share addresses and differ in length; thousands of
        // strings overflow the table so that slots get reused.
        let text = TRICKY.concat();
        let mut strings: Vec<&str> = TRICKY.to_vec();
        for (start, _) in text.char_indices().step_by(3) {
            for (end, _) in text[start..].char_indices().skip(1).take(12) {
                strings.push(&text[start..start + end]);
            }
        }
        let mut cache = StyleCache::new();
        for round in 0..2 {
            for (i, s) in strings.iter().enumerate() {
                let key = (i + round) % 2 == 0;
                assert_eq!(cache.style(s, key), scalar_style(s, key), "{s:?} key {key}");
            }
        }
    }

    #[test]
    fn integers_are_written_in_full() {
        for n in [0, 7, -1, 10, 65535, -9_000_000, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn yaml11_booleans_and_numbers_are_quoted() {
        for s in [
            "yes", "No", "ON", "off", "y", "N", "1:30", "1_000", "-1_0.5",
        ] {
            assert_eq!(scalar_style(s, false), Style::SingleQuoted, "{s}");
        }
        for s in [
            "yesterday",
            "10.0.0.0/24",
            "192.168.0.2",
            "2010-09-09",
            "a:b",
        ] {
            assert_eq!(scalar_style(s, false), Style::Plain, "{s}");
        }
    }

    #[test]
    fn exotic_line_breaks_read_back_intact() {
        for s in [
            "ends twice\n\n",
            "\n",
            "l\u{2028}s",
            "n\u{85}l",
            "p\u{2029}",
        ] {
            let doc = Node::Map(vec![("v".into(), Node::from(s))]);
            let back: serde_json::Value = serde_yaml::from_str(&to_yaml(&doc, 0)).unwrap();
            assert_eq!(back["v"], *s);
        }
    }

    #[test]
    fn dedup_keeps_first_position_and_last_value() {
        let mut m: Vec<(Key, Node)> = vec![
            ("a".into(), Node::Int(1)),
            ("b".into(), Node::Int(2)),
            ("a".into(), Node::Int(3)),
            ("c".into(), Node::Int(4)),
            ("b".into(), Node::Int(5)),
        ];
        dedup(&mut m);
        assert_eq!(
            m,
            vec![
                ("a".into(), Node::Int(3)),
                ("b".into(), Node::Int(5)),
                ("c".into(), Node::Int(4)),
            ]
        );
    }
}
