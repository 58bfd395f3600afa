//! A laid-out diagram as SVG: boxes, horizontal arrows, text and the legend. Every
//! string from the intent is escaped for XML; nothing needs a script or a font file.

use super::layout::{Arrow, Kind, Laid, Swatch};
use std::fmt::Write as _;

/// Text for an XML element or attribute.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// (fill, stroke, dashed border) per kind.
fn style(k: Kind) -> (&'static str, &'static str, bool) {
    match k {
        Kind::Client => ("#eef2f7", "#4a5a6e", false),
        Kind::Endpoint => ("#e8f0fe", "#1a56c4", false),
        Kind::Eni => ("#e6f4ea", "#1e7d3a", false),
        Kind::Nacl => ("#fff4e0", "#a05f00", false),
        Kind::SecurityGroup => ("#f3e8fd", "#7b2cbf", false),
        Kind::Gateway => ("#f4f4f4", "#666666", true),
        Kind::Target => ("#ffffff", "#222222", false),
        Kind::Surplus => ("#fdecea", "#c62828", true),
    }
}

fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn arrow(out: &mut String, a: &Arrow, id: &str) {
    // Requests point right, replies left.
    let (x1, x2) = if a.reply { (a.x2, a.x1) } else { (a.x1, a.x2) };
    let _ = writeln!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}" marker-end="url(#{id}-{})"/>"#,
        n(x1),
        n(a.y),
        n(x2),
        n(a.y),
        if a.reply { "reply" } else { "request" },
        if a.reply { "r" } else { "q" }
    );
}

/// The SVG element; `id` keeps marker IDs unique when a page holds several diagrams.
pub fn render(l: &Laid, id: &str, title: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        w = n(l.width),
        h = n(l.height),
        t = xml(title)
    );
    let _ = writeln!(
        out,
        r##"<style>.request{{stroke:#222;stroke-width:1.6}}.reply{{stroke:#a05f00;stroke-width:1.6;stroke-dasharray:5 3}}text{{fill:#111}}</style>
<defs><marker id="{id}-q" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#222"/></marker><marker id="{id}-r" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#a05f00"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        n(l.width),
        n(l.height)
    );
    for p in &l.nodes {
        let (fill, stroke, dashed) = style(p.kind);
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.4"{}/>"#,
            n(p.rect.x),
            n(p.rect.y),
            n(p.rect.w),
            n(p.rect.h),
            if dashed {
                r#" stroke-dasharray="6 3""#
            } else {
                ""
            }
        );
    }
    for a in &l.arrows {
        arrow(&mut out, a, id);
    }
    for s in &l.swatches {
        match s {
            Swatch::Box(k, r) => {
                let (fill, stroke, dashed) = style(*k);
                let _ = writeln!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.4"{}/>"#,
                    n(r.x),
                    n(r.y),
                    n(r.w),
                    n(r.h),
                    if dashed {
                        r#" stroke-dasharray="6 3""#
                    } else {
                        ""
                    }
                );
            }
            Swatch::Arrow(a) => arrow(&mut out, a, id),
        }
    }
    for t in &l.texts {
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="{}"{}{}>{}</text>"#,
            n(t.x),
            n(t.y),
            n(t.size),
            if t.bold { r#" font-weight="bold""# } else { "" },
            if t.anchor_middle {
                r#" text-anchor="middle""#
            } else {
                ""
            },
            xml(&t.text)
        );
    }
    out.push_str("</svg>\n");
    out
}
