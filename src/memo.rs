//! The whole-build memo: a rebuild of an unchanged province checks that nothing changed and
//! stops, instead of reading, checking and rendering 200,000 files to find the same bytes.
//!
//! After a successful build, `output/.gongshi-memo` records a key for everything the output
//! was made from, the index of the output it made, and the build's warnings. The next build
//! with the same key, whose output still holds every file of that index untouched, is done:
//! it reports the stored warnings again and writes nothing.
//!
//! The key covers: this program (its version, path, size and modification time), the day
//! the build is for, the base URL, the targets, the root and output folders, every folder and
//! file under `content/` and the root's `themes/` by name, kind, size, modification time,
//! change time and inode (a file saved, copied over, renamed or touched changes one of them;
//! the change time cannot be set back by hand or by `cp -p`/`rsync -t`), and, when posters
//! are built, the machine's fonts. A build whose inputs include a file changed in the two
//! seconds before it started stores no memo: on file systems with coarse timestamps such a
//! file could change again without its times changing.

use std::path::Path;
use std::time::SystemTime;

use crate::diag::Diagnostic;
use crate::options::BuildOptions;
use crate::reuse::stamps::{Digest, cutoff, walk};

pub const FILE: &str = ".gongshi-memo";
const VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    version: u32,
    /// Hex key of the inputs.
    key: String,
    /// Hex hash of the output's index as this build left it.
    index: String,
    files: usize,
    diagnostics: Vec<Diagnostic>,
}

/// The inputs as seen at one moment.
pub struct Inputs {
    key: blake3::Hash,
    /// Some input changed so recently that its times cannot be trusted to show the next change.
    recent: bool,
}

/// What a matching memo gives back.
pub struct Hit {
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
}

/// The inputs of a build with `opts`. `started` is when the build began (before any input
/// was read): a file changed within two seconds of it makes the result untrusted.
/// `content` is the digest of what the content scan already stamped ([`crate::load::scan`]
/// stamps every entry it reads the folder of); without it `content/` is walked here.
pub fn inputs(opts: &BuildOptions, started: SystemTime, content: Option<&Digest>) -> Inputs {
    let cutoff = cutoff(started);
    let mut recent = false;
    let mut tops = Vec::with_capacity(2);
    for top in ["content", "themes"] {
        let digest = match content {
            Some(d) if top == "content" => *d,
            _ => walk(&opts.root.join(top), cutoff),
        };
        recent |= digest.recent;
        tops.push((top, digest.hash()));
    }
    let t = opts.targets;
    let key = crate::reuse::keys::whole_build(
        &crate::reuse::program_fingerprint(),
        &crate::reuse::keys::BuildAsked {
            today: opts.today,
            full_yaml: opts.switches.yaml == crate::yaml::Route::FullOnly,
            base_url: opts.base_url.as_deref(),
            folders: [&opts.root, &opts.output],
        },
        &tops,
        crate::render::TARGETS
            .iter()
            .enumerate()
            .map(|(i, target)| (target.name(), t.has(crate::render::TargetId(i as u8)))),
        |h| {
            for (_, target) in t.iter() {
                target.memo_inputs(&opts.switches, h);
            }
        },
    );
    Inputs { key, recent }
}

fn read(output: &Path) -> Option<Stored> {
    let text = std::fs::read(output.join(FILE)).ok()?;
    let s: Stored = serde_json::from_slice(&text).ok()?;
    (s.version == VERSION).then_some(s)
}

/// Whether a memo exists at all (the walk is only worth it then).
pub fn exists(output: &Path) -> bool {
    output.join(FILE).is_file()
}

/// The previous build's result, when it was made from exactly `inputs` and its output is
/// still intact.
pub fn hit(output: &Path, inputs: &Inputs) -> Option<Hit> {
    if inputs.recent {
        return None;
    }
    let s = read(output)?;
    if s.key != inputs.key.to_hex().as_str() {
        return None;
    }
    let (files, index) = crate::publish::verify(output)?;
    if s.index != index.to_hex().as_str() || files != s.files {
        return None;
    }
    Some(Hit {
        diagnostics: s.diagnostics,
        files,
    })
}

/// Forget the memo: called before a build changes anything in `output`.
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(output.join(FILE));
}

/// Record a successful build made from `inputs` that left `files` files in `output` with an
/// index hashing to `index` (a no-op when the inputs are untrusted).
pub fn store(
    output: &Path,
    inputs: &Inputs,
    (files, index): (usize, blake3::Hash),
    diagnostics: &[Diagnostic],
) {
    forget(output);
    if inputs.recent {
        return;
    }
    let s = Stored {
        version: VERSION,
        key: inputs.key.to_hex().to_string(),
        index: index.to_hex().to_string(),
        files,
        diagnostics: diagnostics.to_vec(),
    };
    let Ok(bytes) = serde_json::to_vec(&s) else {
        return;
    };
    // Written beside and renamed, so a half-written memo is never read.
    let tmp = output.join(format!("{FILE}.{}", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, output.join(FILE)).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
