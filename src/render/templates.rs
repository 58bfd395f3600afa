//! The Tera templates of `templates/`, compiled into the binary.

use super::RenderError;
use std::sync::OnceLock;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "terraform/README.md",
        include_str!("../../templates/terraform/README.md.tera"),
    ),
    (
        "cdk-json/README.md",
        include_str!("../../templates/cdk-json/README.md.tera"),
    ),
];

fn engine() -> Result<&'static tera::Tera, RenderError> {
    static ENGINE: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut t = tera::Tera::default();
            // Markdown, not HTML: values are escaped for Markdown before they get here.
            t.autoescape_on(Vec::new());
            t.add_raw_templates(TEMPLATES.iter().copied())
                .map_err(|e| format!("{e:?}"))?;
            Ok(t)
        })
        .as_ref()
        .map_err(|e| RenderError::Template(e.clone()))
}

pub fn render(name: &str, ctx: &tera::Context) -> Result<String, RenderError> {
    engine()?
        .render(name, ctx)
        .map_err(|e| RenderError::Template(format!("{name}: {e:?}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_compile() {
        assert!(super::engine().is_ok());
    }
}
