//! Writing a rendering to disk: every file goes to a temporary file in its final
//! directory first, and only when all of them are written are they renamed into place,
//! so a failed run leaves no half-written file behind.
//!
//! Durability against a power cut is opt-in ([`Durability::Fsync`]). The files are
//! derived, byte for byte, from the intent, so losing them costs one more render; and
//! the failure fsync guards against, an emptied file after a crash, is what ext4's
//! default `auto_da_alloc` already prevents for a file replaced by rename. fsync cost
//! about 20 ms of a 55 ms render of 17 templates, more than all the planning.

use super::RenderedFile;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Whether a write waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Temporary file and rename: atomic for readers and after a failed run.
    #[default]
    Atomic,
    /// Also fsync each file before its rename and the directories after: the new
    /// files survive a power cut once the command has returned.
    Fsync,
}

/// A file whose content on disk is not what the rendering would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Missing(PathBuf),
    Differs(PathBuf),
}

impl Drift {
    pub fn path(&self) -> &Path {
        match self {
            Drift::Missing(p) | Drift::Differs(p) => p,
        }
    }
}

fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.shibori-{}.tmp", std::process::id()))
}

fn write_temp(path: &Path, contents: &str, durability: Durability) -> std::io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(contents.as_bytes())?;
    match durability {
        Durability::Atomic => Ok(()),
        Durability::Fsync => f.sync_all(),
    }
}

/// Writes `files` under `dir` (created if missing), atomically per file and all-or-
/// nothing up to the final renames.
pub fn write_all(
    dir: &Path,
    files: &[RenderedFile],
    durability: Durability,
) -> Result<(), WriteError> {
    let targets: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    let mut made: Vec<&Path> = Vec::new();
    for target in &targets {
        let parent = target.parent().unwrap_or(dir);
        if made.contains(&parent) {
            continue;
        }
        fs::create_dir_all(parent).map_err(|source| WriteError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
        made.push(parent);
    }
    let staged: Vec<(PathBuf, &Path)> = targets
        .iter()
        .map(|t| (temp_path(t), t.as_path()))
        .collect();
    let cleanup = |staged: &[(PathBuf, &Path)]| {
        for (tmp, _) in staged {
            let _ = fs::remove_file(tmp);
        }
    };
    // With fsync most of the time goes to waiting for the disk; the files are
    // independent, so a few threads let the file system flush them together. Without
    // it the work is the copy into the page cache, worth a thread per core.
    let threads = match durability {
        Durability::Fsync => 4,
        Durability::Atomic => crate::parallel::cores().min(4),
    };
    let work: Vec<(&(PathBuf, &Path), &RenderedFile)> = staged.iter().zip(files).collect();
    let written = crate::parallel::par_map_on(threads, work, |((tmp, target), f)| {
        if fs::read(target).is_ok_and(|b| b == f.contents.as_bytes()) {
            return Ok(false);
        }
        write_temp(tmp, &f.contents, durability)
            .map(|()| true)
            .map_err(|e| (target.to_path_buf(), e))
    });
    let outcome: Result<Vec<usize>, (PathBuf, std::io::Error)> = written
        .into_iter()
        .enumerate()
        .try_fold(Vec::new(), |mut unchanged, (i, w)| {
            if !w? {
                unchanged.push(i);
            }
            Ok(unchanged)
        });
    let unchanged = match outcome {
        Ok(u) => u,
        Err((path, source)) => {
            cleanup(&staged);
            return Err(WriteError::Write { path, source });
        }
    };
    // A file that already holds exactly these bytes is left alone: nothing to make
    // atomic, no fsync, and its modification time stays.
    let staged: Vec<(PathBuf, &Path)> = staged
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !unchanged.contains(i))
        .map(|(_, s)| s)
        .collect();
    for (i, (tmp, target)) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(tmp, target) {
            cleanup(&staged[i..]);
            return Err(WriteError::Write {
                path: target.to_path_buf(),
                source,
            });
        }
    }
    if durability == Durability::Fsync {
        // A rename is durable only once its directory is.
        for parent in made {
            fs::File::open(parent)
                .and_then(|d| d.sync_all())
                .map_err(|source| WriteError::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
        }
    }
    Ok(())
}

/// Compares `files` with what is under `dir`; writes nothing.
pub fn check(dir: &Path, files: &[RenderedFile]) -> Result<Vec<Drift>, WriteError> {
    let mut drift = Vec::new();
    for f in files {
        let target = dir.join(&f.path);
        match fs::read(&target) {
            Ok(bytes) if bytes == f.contents.as_bytes() => {}
            Ok(_) => drift.push(Drift::Differs(target)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(target))
            }
            Err(source) => {
                return Err(WriteError::Read {
                    path: target,
                    source,
                })
            }
        }
    }
    Ok(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str, c: &str) -> RenderedFile {
        RenderedFile {
            path: PathBuf::from(p),
            contents: c.to_string(),
        }
    }

    #[test]
    fn writes_then_checks_clean() {
        for durability in [Durability::Atomic, Durability::Fsync] {
            let dir = tempfile::tempdir().unwrap();
            let files = vec![file("a.tf", "x\n"), file("sub/b.json", "{}\n")];
            write_all(dir.path(), &files, durability).unwrap();
            assert!(check(dir.path(), &files).unwrap().is_empty());
            let leftovers: Vec<_> = fs::read_dir(dir.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .collect();
            assert!(leftovers.is_empty());
        }
    }

    #[test]
    fn leaves_files_with_the_same_bytes_alone() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![file("a.tf", "x\n"), file("b.tf", "y\n")];
        write_all(dir.path(), &files, Durability::Atomic).unwrap();
        let a = dir.path().join("a.tf");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1);
        fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(old)
            .unwrap();
        write_all(
            dir.path(),
            &[file("a.tf", "x\n"), file("b.tf", "z\n")],
            Durability::Fsync,
        )
        .unwrap();
        assert_eq!(fs::metadata(&a).unwrap().modified().unwrap(), old);
        assert_eq!(fs::read_to_string(dir.path().join("b.tf")).unwrap(), "z\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn check_reports_missing_and_differing() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &[file("a.tf", "old\n")], Durability::Atomic).unwrap();
        let drift = check(dir.path(), &[file("a.tf", "new\n"), file("b.tf", "x")]).unwrap();
        assert_eq!(
            drift,
            vec![
                Drift::Differs(dir.path().join("a.tf")),
                Drift::Missing(dir.path().join("b.tf"))
            ]
        );
    }
}
