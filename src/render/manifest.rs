//! `.shibori-manifest`: the files a rendering wrote into its output directory, one
//! relative path a line. A later rendering into the same directory removes the files
//! the previous one listed and it no longer writes (a smaller intent needs fewer nested
//! templates), and `render --check` reports them as extra. Files shibori did not list
//! are never touched: a directory may also hold the user's own files.

use super::RenderedFile;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

pub const NAME: &str = ".shibori-manifest";

const HEADER: &str =
    "# Written by `shibori render`: the files it wrote here. A later render removes\n# those it no longer writes; other files in this directory are left alone.\n";

/// The manifest of `files`, as one more file of the rendering.
pub fn file(files: &[RenderedFile]) -> RenderedFile {
    let mut contents = String::from(HEADER);
    let paths: BTreeSet<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .collect();
    for p in paths {
        contents.push_str(&p);
        contents.push('\n');
    }
    RenderedFile {
        path: PathBuf::from(NAME),
        contents,
    }
}

/// The paths the manifest in `dir` lists (none when there is no manifest). Only plain
/// relative paths count: an entry that climbs out of `dir` or is absolute is ignored.
fn listed(dir: &Path) -> Vec<PathBuf> {
    let Ok(text) = fs::read_to_string(dir.join(NAME)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(PathBuf::from)
        .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
        .collect()
}

/// Files an earlier rendering wrote into `dir` that `files` no longer includes, and
/// that are still there.
pub fn stale(dir: &Path, files: &[RenderedFile]) -> Vec<PathBuf> {
    let now: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    listed(dir)
        .into_iter()
        .filter(|p| !now.contains(p.as_path()))
        .filter(|p| fs::symlink_metadata(dir.join(p)).is_ok())
        .collect()
}

/// Removes `stale` files under `dir`, and the folders that this leaves empty.
pub fn remove(dir: &Path, stale: &[PathBuf]) {
    for p in stale {
        let _ = fs::remove_file(dir.join(p));
        let mut parent = p.parent();
        while let Some(folder) = parent.filter(|f| !f.as_os_str().is_empty()) {
            // Fails, and stops, on a folder that still holds something.
            if fs::remove_dir(dir.join(folder)).is_err() {
                break;
            }
            parent = folder.parent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::write::{check, write_rendering, Drift, Durability};

    fn file(p: &str) -> RenderedFile {
        RenderedFile {
            path: PathBuf::from(p),
            contents: format!("{p}\n"),
        }
    }

    fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().filter_map(Result::ok) {
                if e.path().is_dir() {
                    stack.push(e.path());
                }
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.push(rel);
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_smaller_rendering_leaves_exactly_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = [
            file("main.yaml"),
            file("nested/a.yaml"),
            file("nested/b.yaml"),
        ];
        write_rendering(dir.path(), &big, Durability::Atomic).unwrap();
        fs::write(dir.path().join("mine.txt"), "the user's\n").unwrap();
        let small = [file("main.yaml")];
        let drift = check(dir.path(), &small).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift::Extra(dir.path().join("nested/a.yaml")),
                Drift::Extra(dir.path().join("nested/b.yaml")),
            ]
        );
        write_rendering(dir.path(), &small, Durability::Atomic).unwrap();
        assert_eq!(tree(dir.path()), [NAME, "main.yaml", "mine.txt"]);
        assert!(check(dir.path(), &small).unwrap().is_empty());
    }

    #[test]
    fn entries_outside_the_directory_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(NAME), "../outside\n/etc/passwd\nkept\n").unwrap();
        assert_eq!(listed(dir.path()), [PathBuf::from("kept")]);
    }
}
