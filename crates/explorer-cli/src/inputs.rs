//! Reading manifest files and directories.

use std::fs;
use std::path::{Path, PathBuf};

use explorer_core::load::Source;
use explorer_core::LoadError;

/// Manifests, and the shell scripts that may give their apply order (`deploy.sh`).
fn is_manifest(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yml" | "yaml" | "sh")
    )
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err(format!("{}: directories nested too deep", dir.display()));
    }
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        // Symlinked directories are not followed (no cycles); symlinked files are read.
        let link = fs::symlink_metadata(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        if link.is_dir() {
            walk(&p, out, depth + 1)?;
        } else if is_manifest(&p) && fs::metadata(&p).is_ok_and(|m| m.is_file()) {
            out.push(p);
        }
    }
    Ok(())
}

/// What was read: the sources, and the files that are not UTF-8 text (load errors, so the
/// other files still load and the error is reported with the rest).
pub struct Read {
    pub sources: Vec<Source>,
    pub errors: Vec<LoadError>,
}

/// Files named on the command line, and *.yml / *.yaml under directories (sorted), read as
/// UTF-8. Refuses inputs larger than `max_bytes` before reading them.
pub fn read_sources(paths: &[String], max_bytes: usize) -> Result<Read, String> {
    let mut files = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let meta = fs::metadata(path).map_err(|e| format!("cannot read {p}: {e}"))?;
        if meta.is_dir() {
            walk(path, &mut files, 0)?;
        } else {
            files.push(path.to_path_buf());
        }
    }
    let mut total: u64 = 0;
    for f in &files {
        total += fs::metadata(f).map(|m| m.len()).unwrap_or(0);
    }
    if total > max_bytes as u64 {
        return Err(format!(
            "input too large: {total} bytes in {} file(s), the limit is {max_bytes} bytes",
            files.len()
        ));
    }
    let mut read = Read {
        sources: Vec::new(),
        errors: Vec::new(),
    };
    for f in &files {
        let bytes = fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        match Source::from_bytes(f.to_string_lossy().into_owned(), bytes) {
            Ok(s) => read.sources.push(s),
            Err(e) => read.errors.push(e),
        }
    }
    Ok(read)
}
