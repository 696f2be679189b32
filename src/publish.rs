//! Stage 4: publishing. Everything is written to a staging folder beside the output and
//! swapped in only when the whole build succeeded, so a failed build leaves the previous
//! output exactly as it was.

use std::io;
use std::path::{Path, PathBuf};

/// Marks a folder as gongshi's output, so a build never replaces a folder it did not make.
pub const MARKER: &str = ".gongshi-output";

pub struct Staging {
    pub dir: PathBuf,
    output: PathBuf,
    done: bool,
}

/// Why the output folder may not be used.
pub fn check_output(root: &Path, output: &Path) -> Result<(), String> {
    let abs_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let abs_out = absolute(output);
    let content = abs_root.join("content");
    if abs_out == abs_root || abs_root.starts_with(&abs_out) {
        return Err(format!(
            "输出文件夹 {} 是网站根目录或它的上级，生成时会覆盖它。",
            output.display()
        ));
    }
    if abs_out.starts_with(&content) || abs_out.starts_with(abs_root.join("themes")) {
        return Err(format!(
            "输出文件夹 {} 在 content 或 themes 里面。",
            output.display()
        ));
    }
    if abs_out.is_dir() && !abs_out.join(MARKER).exists() {
        let non_empty = std::fs::read_dir(&abs_out)
            .map(|mut d| d.any(|e| e.is_ok_and(|e| e.file_name() != ".gitkeep")))
            .unwrap_or(false);
        if non_empty {
            return Err(format!(
                "输出文件夹 {} 里已有别的文件，不是 gongshi 生成的；为免误删，没有覆盖它。",
                output.display()
            ));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let joined = base.join(p);
    // The folder may not exist yet: canonicalise its parent.
    match (
        joined.parent().and_then(|x| x.canonicalize().ok()),
        joined.file_name(),
    ) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => joined,
    }
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(MARKER), "gongshi\n")?;
        // Keep a repository's placeholder so the generated folder stays tracked but empty.
        if output.join(".gitkeep").exists() {
            std::fs::write(dir.join(".gitkeep"), "")?;
        }
        Ok(Staging {
            dir,
            output,
            done: false,
        })
    }

    /// Swap the staged output in. The old output is moved aside first and removed after.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self
            .output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let name = self
            .output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        let had_old = self.output.exists();
        if had_old {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_old {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.done = true;
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
