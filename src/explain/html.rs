//! The handout as one self-contained HTML page: the Markdown handout's text and tables
//! (converted with pulldown-cmark, so both formats say the same), with the Mermaid
//! block replaced by SVG diagrams laid out by `layout`. No script, no network, no font
//! file; print CSS for A4.

use super::diagrams;
use super::layout::{self, Diagram};
use super::markdown;
use super::matrix;
use super::svg::{self, xml};
use super::Handout;
use pulldown_cmark::{html, Options, Parser};

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 14px; line-height: 1.4;
  color: #111; background: #fff; max-width: 1264px; margin: 0 auto; padding: 8px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 1.4em; } h3 { font-size: 15px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; white-space: nowrap; }
figure { margin: 10px 0 18px; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: #333; margin-top: 4px; }
@media print {
  @page { size: A4; margin: 10mm; }
  body { max-width: none; font-size: 10px; padding: 0; }
  h1 { font-size: 16px; } h2 { font-size: 13px; break-after: avoid; } h3 { font-size: 11px; break-after: avoid; }
  table { font-size: 8.5px; } tr { break-inside: avoid; }
  figure { break-inside: avoid; }
}
"#;

fn figure(d: &Diagram, id: &str) -> String {
    let laid = layout::lay_out(d);
    format!(
        "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n",
        svg::render(&laid, id, &d.title),
        xml(&d.title)
    )
}

/// The diagrams section as Markdown: a heading and raw HTML blocks (no blank lines
/// inside, so CommonMark passes each through whole).
fn section(h: &Handout, m: &matrix::Matrix) -> String {
    let mut out = String::from("\n## The path\n\n");
    out.push_str("Solid arrows carry requests; dashed arrows are the replies that the stateless network ACLs must let back. Because the endpoint translates every client address to its ENI's address (source NAT), security groups and network ACLs only ever see the target networks' addresses, never a user: separating user groups happens at authorization alone.\n\n");
    if let Some(note) = markdown::ipv6_note(h) {
        out.push_str(note);
        out.push('\n');
    }
    out.push_str(&figure(&diagrams::overview(h, m), "overview"));
    out.push('\n');
    for (i, d) in diagrams::per_user(h, m).iter().enumerate() {
        out.push_str(&figure(d, &format!("user{i}")));
        out.push('\n');
    }
    out
}

pub fn render(h: &Handout) -> String {
    let m = matrix::build(h);
    let md = markdown::render_with(h, &m, &section(h, &m));
    let mut body = String::with_capacity(md.len() * 2);
    html::push_html(&mut body, Parser::new_ext(&md, Options::ENABLE_TABLES));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}: AWS Client VPN access</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        xml(&h.plan.name)
    )
}

/// The overview diagram alone.
pub fn overview_svg(h: &Handout) -> String {
    let m = matrix::build(h);
    let d = diagrams::overview(h, &m);
    let laid = layout::lay_out(&d);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
        svg::render(&laid, "overview", &d.title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagrams of a plan, laid out: no two text boxes overlap, no text is below
    /// 12 px, and every box stays inside the image.
    pub fn check(h: &Handout) {
        let m = matrix::build(h);
        let mut all = vec![diagrams::overview(h, &m)];
        all.extend(diagrams::per_user(h, &m));
        for d in &all {
            let l = layout::lay_out(d);
            assert!(
                layout::overlaps(&l.texts).is_empty(),
                "{}: {:?}",
                d.title,
                layout::overlaps(&l.texts)
            );
            for t in &l.texts {
                assert!(t.size >= 12.0);
                let b = t.bbox();
                assert!(
                    b.x >= 0.0 && b.x + b.w <= l.width + 0.5,
                    "{} sticks out",
                    t.text
                );
            }
            // Text of a node stays inside its box.
            for p in &l.nodes {
                let r = p.rect;
                for t in &l.texts {
                    let b = t.bbox();
                    let inside_x = b.x >= r.x && b.x + b.w <= r.x + r.w + 0.5;
                    let overlaps = b.overlaps(&r);
                    assert!(!overlaps || inside_x, "{} crosses a box edge", t.text);
                }
            }
            // Arrows run left to right between boxes, never through one.
            for a in &l.arrows {
                assert!(a.x1 < a.x2);
                for p in &l.nodes {
                    let r = p.rect;
                    let through = a.x1 < r.x + r.w - 0.5
                        && r.x + 0.5 < a.x2
                        && r.y <= a.y
                        && a.y <= r.y + r.h;
                    assert!(!through, "an arrow crosses a box in {}", d.title);
                }
            }
        }
    }

    #[test]
    fn example_diagrams_have_room_for_every_label() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("examples"))
            .expect("examples")
            .filter_map(Result::ok)
            .map(|e| e.path().join("intent.yaml"))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        assert!(paths.len() >= 5);
        for path in paths {
            let path = path.display().to_string();
            let text = std::fs::read_to_string(&path).expect("example");
            let loaded = crate::intent::load(&crate::diagnostic::Source {
                name: path.clone(),
                text,
            })
            .expect("valid");
            let plan = crate::plan::plan(&loaded.intent).expect("plans");
            check(&Handout {
                plan: &plan,
                warnings: &[],
                nacl: &loaded.intent.nacl,
            });
        }
    }
}
