//! An artifact as a set of text files (a rendered module in memory, or read from disk),
//! so readers work the same on both and nested templates resolve by relative path.

use super::ReadError;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Artifact {
    /// Paths relative to the artifact's root.
    pub files: BTreeMap<PathBuf, String>,
    /// What to call the root in findings (a directory or file name).
    pub label: String,
}

impl Artifact {
    pub fn from_files(label: impl Into<String>, files: BTreeMap<PathBuf, String>) -> Self {
        Artifact {
            files,
            label: label.into(),
        }
    }

    /// Reads a file, or every file of a directory (not recursing into hidden folders or
    /// Terraform's `.terraform`).
    pub fn load(path: &Path) -> Result<Self, ReadError> {
        let io = |e: std::io::Error| ReadError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        let mut files = BTreeMap::new();
        if meta.is_dir() {
            let mut walk = Walk {
                inside: std::fs::canonicalize(path).map_err(io)?,
                seen: std::collections::BTreeSet::new(),
            };
            collect(path, Path::new(""), &mut files, 0, &mut walk)?;
        } else {
            let name = path
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("artifact"));
            let text = read_text(path)?;
            // A CloudFormation parent names its nested stacks by relative TemplateURL:
            // bring those files along (and theirs), relative to the parent's folder.
            let dir = path.parent().unwrap_or(Path::new(""));
            let mut queue: Vec<PathBuf> = template_urls(&text);
            files.insert(name, text);
            while let Some(rel) = queue.pop() {
                let rel = normalize(&rel);
                if files.contains_key(&rel) || files.len() > 1000 {
                    continue;
                }
                if let Ok(child) = read_text(&dir.join(&rel)) {
                    let base = rel.parent().map(Path::to_path_buf).unwrap_or_default();
                    queue.extend(template_urls(&child).into_iter().map(|u| base.join(u)));
                    files.insert(rel, child);
                }
            }
        }
        Ok(Artifact {
            files,
            label: path.display().to_string(),
        })
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(&normalize(path)).map(String::as_str)
    }
}

/// Relative `TemplateURL` values of a CloudFormation template (YAML or JSON), read
/// textually: enough to find the files, the reader parses them properly.
fn template_urls(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|l| {
            let rest = &l[l.find("TemplateURL")? + "TemplateURL".len()..];
            let v = rest.trim_start_matches(['"', '\'', ' ', ':']).trim();
            let v = v.trim_end_matches([',', ' ']).trim_matches(['"', '\'']);
            (!v.is_empty() && !v.contains("://") && !v.starts_with('{') && !v.starts_with('!'))
                .then(|| PathBuf::from(v))
        })
        .collect()
}

fn read_text(path: &Path) -> Result<String, ReadError> {
    // Only regular files: a FIFO or a device named `main.tf` would block or never end.
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(ReadError::Io {
            path: path.display().to_string(),
            message: "not a regular file".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|_| ReadError::Parse {
        path: path.display().to_string(),
        message: "not UTF-8 text".into(),
    })
}

/// Symbolic links are followed only inside the artifact's directory (`inside`, its
/// canonical path), and each directory is read once: links that loop back are cycles,
/// not more files.
struct Walk {
    inside: PathBuf,
    seen: std::collections::BTreeSet<PathBuf>,
}

fn collect(
    root: &Path,
    rel: &Path,
    files: &mut BTreeMap<PathBuf, String>,
    depth: usize,
    walk: &mut Walk,
) -> Result<(), ReadError> {
    if depth > 8 {
        return Ok(());
    }
    let dir = root.join(rel);
    let io = |p: &Path, e: std::io::Error| ReadError::Io {
        path: p.display().to_string(),
        message: e.to_string(),
    };
    if !walk
        .seen
        .insert(std::fs::canonicalize(&dir).map_err(|e| io(&dir, e))?)
    {
        return Ok(());
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| ReadError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut names: Vec<_> = entries.filter_map(Result::ok).collect();
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let sub = rel.join(&name);
        let full = root.join(&sub);
        let is_link = e.file_type().is_ok_and(|t| t.is_symlink());
        let is_dir = full.is_dir();
        if is_link && (is_dir || is_candidate(&sub)) {
            let target = std::fs::canonicalize(&full).map_err(|e| io(&full, e))?;
            if !target.starts_with(&walk.inside) {
                return Err(ReadError::Io {
                    path: full.display().to_string(),
                    message: format!(
                        "a symbolic link to {}, outside the artifact directory",
                        target.display()
                    ),
                });
            }
        }
        if is_dir {
            collect(root, &sub, files, depth + 1, walk)?;
        } else if is_candidate(&sub) {
            files.insert(sub, read_text(&full)?);
        }
    }
    Ok(())
}

fn is_candidate(p: &Path) -> bool {
    let s = p.to_string_lossy();
    [".tf", ".tf.json", ".json", ".yaml", ".yml", ".template"]
        .iter()
        .any(|ext| s.ends_with(ext))
}

/// `a/./b/../c` → `a/c`, so that nested template URLs find their files.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}
