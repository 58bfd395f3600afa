//! A layered left-to-right layout made for the one shape these diagrams have: a fixed
//! pipeline of layers (clients → endpoint → ENIs → ACLs → security groups → targets).
//! Every layer is a column and every path a horizontal lane; a node spans the run of
//! adjacent lanes that pass through it. Arrows are horizontal segments between
//! neighbouring nodes of a lane, so they never cross one another or a node, and no text
//! sits on an arrow: ports are written once, in the nodes. Text widths are estimated
//! from DejaVu Sans metrics (the font the page asks for), rounded up.

/// Font sizes in CSS pixels at scale 1 (the page never scales a diagram below it
/// at 1280 px width).
pub const TEXT: f64 = 13.0;
pub const TITLE: f64 = 14.0;
pub const HEADER: f64 = 13.0;
pub const LINE: f64 = 18.0;
const PAD_X: f64 = 8.0;
const PAD_Y: f64 = 8.0;
const GAP_X: f64 = 26.0;
/// Node text lines wider than this wrap at spaces (an ID never breaks).
/// The widths tried, widest first, until the diagram fits `BUDGET`.
const MAX_LINES: [f64; 5] = [220.0, 190.0, 160.0, 140.0, 120.0];
/// The width a diagram may have and still show 13 px text at 12 px or more on a page
/// 1280 px wide (the page's content is 1264 px; it is drawn at scale 1 up to that).
pub const BUDGET: f64 = 1264.0;
const GAP_Y: f64 = 14.0;
pub const MARGIN: f64 = 12.0;
/// Offset of the request and reply arrows from the middle of their lanes.
const PAIR: f64 = 7.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Client,
    Endpoint,
    Eni,
    Nacl,
    SecurityGroup,
    /// Route tables and gateways that shibori does not manage.
    Gateway,
    Target,
    /// A target the user reaches without the intent asking for it.
    Surplus,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub col: usize,
    pub first_lane: usize,
    pub last_lane: usize,
    pub kind: Kind,
    pub title: String,
    pub lines: Vec<String>,
}

/// What a diagram shows, before geometry.
#[derive(Debug, Clone, Default)]
pub struct Diagram {
    pub title: String,
    /// Column headers; `\n` separates lines.
    pub columns: Vec<String>,
    pub lanes: usize,
    pub nodes: Vec<Node>,
    /// Pairs of nodes (by index) whose stateless replies must come back.
    pub replies: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    #[cfg(test)]
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// One line of text, placed: its box is what the overlap test compares.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub x: f64,
    /// Baseline.
    pub y: f64,
    pub size: f64,
    pub bold: bool,
    pub text: String,
    pub anchor_middle: bool,
}

impl Text {
    #[cfg(test)]
    pub fn bbox(&self) -> Rect {
        let w = width(&self.text, self.size, self.bold);
        let x = if self.anchor_middle {
            self.x - w / 2.0
        } else {
            self.x
        };
        // Ascent ~0.93 em, descent ~0.24 em for DejaVu Sans.
        Rect {
            x,
            y: self.y - 0.93 * self.size,
            w,
            h: 1.17 * self.size,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Placed {
    pub kind: Kind,
    pub rect: Rect,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrow {
    pub x1: f64,
    pub x2: f64,
    pub y: f64,
    /// Dashed, pointing left.
    pub reply: bool,
}

/// The diagram with coordinates.
#[derive(Debug, Clone)]
pub struct Laid {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Placed>,
    pub arrows: Vec<Arrow>,
    pub texts: Vec<Text>,
    /// Legend swatches: a node kind's box, or an arrow.
    pub swatches: Vec<Swatch>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    Box(Kind, Rect),
    Arrow(Arrow),
}

/// Advance width of one character in em: DejaVu Sans Book's advances (units of
/// 1/2048 em), rounded up; unknown characters count as a full em.
fn advance(c: char) -> f64 {
    let units: u32 = match c {
        '0'..='9' => 1303,
        'a' => 1255,
        'b' | 'd' | 'g' | 'p' | 'q' => 1300,
        'c' => 1126,
        'e' => 1260,
        'f' => 721,
        'h' | 'n' | 'u' => 1298,
        'i' | 'j' | 'l' => 569,
        'k' => 1186,
        'm' => 1995,
        'o' => 1253,
        'r' => 842,
        's' => 1067,
        't' => 803,
        'v' | 'x' | 'y' => 1212,
        'w' => 1675,
        'z' => 1075,
        'I' | 'J' => 604,
        'M' => 1767,
        'W' => 2025,
        'A'..='Z' => 1612,
        ' ' | '\u{a0}' | '.' | ',' | '·' => 651,
        ':' | ';' | '/' | '\\' | '!' | '|' | '\'' => 690,
        '-' => 739,
        '(' | ')' | '[' | ']' | '{' | '}' => 799,
        '_' | '–' | '"' => 1024,
        '×' | '→' | '←' | '+' | '=' | '<' | '>' | '~' => 1716,
        '#' | '$' | '*' | '?' | '^' | '`' => 1303,
        _ => 2048,
    };
    f64::from(units) / 2048.0 * 1.02
}

/// A node line cut at spaces into lines no wider than `MAX_LINE`; a word wider than
/// that stays whole.
fn wrap(line: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in line.split(' ') {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && width(&candidate, size, bold) > max {
            out.push(std::mem::take(&mut cur));
            cur = word.to_string();
        } else {
            cur = candidate;
        }
    }
    out.push(cur);
    out
}

/// Estimated width in pixels; bold DejaVu is about a tenth wider.
pub fn width(s: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = s.chars().map(advance).sum();
    em * size * if bold { 1.12 } else { 1.0 }
}

fn node_size(n: &Node) -> (f64, f64) {
    let w = n
        .lines
        .iter()
        .map(|l| width(l, TEXT, false))
        .chain(n.title.split('\n').map(|t| width(t, TITLE, true)))
        .fold(0.0, f64::max);
    let h = LINE * (n.title.split('\n').count() + n.lines.len()) as f64;
    (w + 2.0 * PAD_X, h + 2.0 * PAD_Y)
}

/// Lays out `d`. Columns without nodes take no room.
pub fn lay_out(d: &Diagram) -> Laid {
    let mut last = None;
    for max in MAX_LINES {
        let l = lay_out_at(d, max);
        if l.width <= BUDGET {
            return l;
        }
        last = Some(l);
    }
    last.unwrap_or_else(|| lay_out_at(d, MAX_LINES[MAX_LINES.len() - 1]))
}

fn lay_out_at(d: &Diagram, max: f64) -> Laid {
    let wrapped: Vec<Node> = d
        .nodes
        .iter()
        .map(|n| Node {
            title: wrap(&n.title, TITLE, true, max).join("\n"),
            lines: n
                .lines
                .iter()
                .flat_map(|l| wrap(l, TEXT, false, max))
                .collect(),
            ..n.clone()
        })
        .collect();
    let d = &Diagram {
        nodes: wrapped,
        ..d.clone()
    };
    let cols = d.columns.len();
    let used: Vec<bool> = (0..cols)
        .map(|c| d.nodes.iter().any(|n| n.col == c))
        .collect();
    let sizes: Vec<(f64, f64)> = d.nodes.iter().map(node_size).collect();
    let mut col_w = vec![0.0f64; cols];
    for (n, (w, _)) in d.nodes.iter().zip(&sizes) {
        col_w[n.col] = col_w[n.col].max(*w);
    }
    for (c, h) in d.columns.iter().enumerate() {
        if used[c] {
            let hw = h
                .split('\n')
                .map(|l| width(l, HEADER, true))
                .fold(0.0, f64::max);
            col_w[c] = col_w[c].max(hw + 4.0);
        }
    }
    let mut col_x = vec![0.0f64; cols];
    let mut x = MARGIN;
    for c in 0..cols {
        col_x[c] = x;
        if used[c] {
            x += col_w[c] + GAP_X;
        }
    }
    let width = x - GAP_X + MARGIN;

    let title_y = MARGIN + TITLE;
    let header_lines = d
        .columns
        .iter()
        .enumerate()
        .filter(|(c, _)| used[*c])
        .map(|(_, h)| h.split('\n').count())
        .max()
        .unwrap_or(0);
    let top = title_y + 10.0 + LINE * header_lines as f64 + 6.0;

    // Lane heights: each lane as tall as its tallest single-lane node; spanning nodes
    // stretch their last lane when the lanes they span are too short.
    let lanes = d.lanes.max(1);
    let mut lane_h = vec![0.0f64; lanes];
    for (n, (_, h)) in d.nodes.iter().zip(&sizes) {
        if n.first_lane == n.last_lane && n.first_lane < lanes {
            lane_h[n.first_lane] = lane_h[n.first_lane].max(*h);
        }
    }
    let mut spanning: Vec<usize> = (0..d.nodes.len())
        .filter(|&i| d.nodes[i].first_lane != d.nodes[i].last_lane)
        .collect();
    spanning.sort_by_key(|&i| d.nodes[i].last_lane - d.nodes[i].first_lane);
    for i in spanning {
        let n = &d.nodes[i];
        let last = n.last_lane.min(lanes - 1);
        let have: f64 =
            lane_h[n.first_lane..=last].iter().sum::<f64>() + GAP_Y * (last - n.first_lane) as f64;
        if have < sizes[i].1 {
            lane_h[last] += sizes[i].1 - have;
        }
    }
    let mut lane_y = vec![0.0f64; lanes];
    let mut y = top;
    for l in 0..lanes {
        lane_y[l] = y;
        y += lane_h[l] + GAP_Y;
    }
    let bottom = y - GAP_Y;

    let mut texts = vec![Text {
        x: MARGIN,
        y: title_y,
        size: TITLE,
        bold: true,
        text: d.title.clone(),
        anchor_middle: false,
    }];
    for (c, h) in d.columns.iter().enumerate() {
        if !used[c] {
            continue;
        }
        for (k, l) in h.split('\n').enumerate() {
            texts.push(Text {
                x: col_x[c] + col_w[c] / 2.0,
                y: title_y + 10.0 + LINE * (k + 1) as f64 - 4.0,
                size: HEADER,
                bold: true,
                text: l.to_string(),
                anchor_middle: true,
            });
        }
    }

    let mut nodes = Vec::new();
    for n in &d.nodes {
        let last = n.last_lane.min(lanes - 1);
        let rect = Rect {
            x: col_x[n.col],
            y: lane_y[n.first_lane],
            w: col_w[n.col],
            h: lane_y[last] + lane_h[last] - lane_y[n.first_lane],
        };
        let block = LINE * (n.title.split('\n').count() + n.lines.len()) as f64;
        let mut ty = rect.y + (rect.h - block) / 2.0 - 4.0;
        for t in n.title.split('\n') {
            ty += LINE;
            texts.push(Text {
                x: rect.x + PAD_X,
                y: ty,
                size: TITLE,
                bold: true,
                text: t.to_string(),
                anchor_middle: false,
            });
        }
        for l in &n.lines {
            ty += LINE;
            texts.push(Text {
                x: rect.x + PAD_X,
                y: ty,
                size: TEXT,
                bold: false,
                text: l.clone(),
                anchor_middle: false,
            });
        }
        nodes.push(Placed { kind: n.kind, rect });
    }

    // Arrows: per lane, between consecutive nodes; lanes sharing a pair share an arrow.
    let mut pairs: Vec<((usize, usize), Vec<usize>)> = Vec::new();
    for l in 0..lanes {
        let mut in_lane: Vec<usize> = (0..d.nodes.len())
            .filter(|&i| d.nodes[i].first_lane <= l && l <= d.nodes[i].last_lane)
            .collect();
        in_lane.sort_by_key(|&i| d.nodes[i].col);
        for w in in_lane.windows(2) {
            let key = (w[0], w[1]);
            match pairs
                .iter_mut()
                .find(|(k, ls)| *k == key && ls.last() == Some(&(l - 1)))
            {
                Some((_, ls)) => ls.push(l),
                None => pairs.push((key, vec![l])),
            }
        }
    }
    let mut arrows = Vec::new();
    for ((a, b), ls) in pairs {
        let (first, last) = (ls[0], ls[ls.len() - 1]);
        let mid = (lane_y[first] + lane_y[last] + lane_h[last]) / 2.0;
        let (ra, rb) = (&nodes[a].rect, &nodes[b].rect);
        let reply = d.replies.contains(&(a, b));
        let (x1, x2) = (ra.x + ra.w, rb.x);
        if reply {
            arrows.push(Arrow {
                x1,
                x2,
                y: mid - PAIR,
                reply: false,
            });
            arrows.push(Arrow {
                x1,
                x2,
                y: mid + PAIR,
                reply: true,
            });
        } else {
            arrows.push(Arrow {
                x1,
                x2,
                y: mid,
                reply: false,
            });
        }
    }

    let mut laid = Laid {
        width,
        height: bottom,
        nodes,
        arrows,
        texts,
        swatches: Vec::new(),
    };
    legend(&mut laid, d);
    laid
}

/// The pairs of nodes an arrow joins: consecutive nodes of a lane, each pair once, in
/// lane order.
pub fn links(d: &Diagram) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for l in 0..d.lanes.max(1) {
        let mut in_lane: Vec<usize> = (0..d.nodes.len())
            .filter(|&i| d.nodes[i].first_lane <= l && l <= d.nodes[i].last_lane)
            .collect();
        in_lane.sort_by_key(|&i| d.nodes[i].col);
        for w in in_lane.windows(2) {
            if !out.contains(&(w[0], w[1])) {
                out.push((w[0], w[1]));
            }
        }
    }
    out
}

/// What each kind of box stands for, in the room's words.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Client => "VPN users",
        Kind::Endpoint => "Client VPN endpoint: authorization, routes",
        Kind::Eni => "endpoint ENIs: source NAT",
        Kind::Nacl => "network ACL (stateless)",
        Kind::SecurityGroup => "security group (stateful)",
        Kind::Gateway => "route table, gateway: not managed by shibori",
        Kind::Target => "target",
        Kind::Surplus => "surplus: reachable, not asked for",
    }
}

/// The in-image legend, below the lanes, wrapped to the diagram's width.
fn legend(l: &mut Laid, d: &Diagram) {
    const SW: f64 = 28.0;
    let mut items: Vec<(Option<Kind>, bool, &str)> = vec![(None, false, "request")];
    if !d.replies.is_empty() {
        items.push((None, true, "reply, let back by the network ACLs"));
    }
    let mut kinds: Vec<Kind> = Vec::new();
    for n in &d.nodes {
        if !kinds.contains(&n.kind) {
            kinds.push(n.kind);
        }
    }
    for k in kinds {
        items.push((Some(k), false, kind_name(k)));
    }
    let right = l.width.max(480.0) - MARGIN;
    let mut x = MARGIN;
    let mut y = l.height + 16.0;
    for (kind, reply, label) in items {
        let w = SW + 6.0 + width(label, TEXT, false) + 18.0;
        if x + w > right && x > MARGIN {
            x = MARGIN;
            y += LINE + 4.0;
        }
        match kind {
            Some(k) => l.swatches.push(Swatch::Box(
                k,
                Rect {
                    x,
                    y: y - 6.0,
                    w: SW,
                    h: 12.0,
                },
            )),
            None => l.swatches.push(Swatch::Arrow(Arrow {
                x1: x,
                x2: x + SW,
                y,
                reply,
            })),
        }
        l.texts.push(Text {
            x: x + SW + 6.0,
            y: y + 4.5,
            size: TEXT,
            bold: false,
            text: label.to_string(),
            anchor_middle: false,
        });
        x += w;
    }
    l.height = y + 12.0;
    l.width = l.width.max(480.0);
}

/// Pairs of text boxes that overlap (should be none).
#[cfg(test)]
pub fn overlaps(texts: &[Text]) -> Vec<(String, String)> {
    let boxes: Vec<Rect> = texts.iter().map(Text::bbox).collect();
    let mut out = Vec::new();
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            if boxes[i].overlaps(&boxes[j]) {
                out.push((texts[i].text.clone(), texts[j].text.clone()));
            }
        }
    }
    out
}
