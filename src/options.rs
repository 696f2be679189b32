//! What the command line passes down to a build: every setting the stages read comes from
//! here (or from content), never from the environment.

use jiff::civil;
use std::path::PathBuf;

use crate::plan::Targets;

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    /// The day statuses and date rules are computed for (default: today in China).
    pub today: civil::Date,
    /// Which outputs to build; files of the others are kept from the previous output.
    pub targets: Targets,
    /// Draw a progress line (stderr is a terminal).
    pub progress: bool,
    pub switches: Switches,
}

/// Switches for testing and bug reports (the command line reads them from `GONGSHI_*`
/// environment variables; see `main.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    /// Reuse posters from `.gongshi-cache/posters` (`GONGSHI_NO_POSTER_CACHE` turns it off).
    pub poster_cache: bool,
    /// Posters may use the machine's fonts (`GONGSHI_NO_SYSTEM_FONTS` turns it off).
    pub system_fonts: bool,
    /// Which YAML parser reads content (`GONGSHI_FULL_YAML` forces serde-saphyr for every
    /// file).
    pub yaml: crate::yaml::Route,
}

impl Default for Switches {
    fn default() -> Switches {
        Switches {
            poster_cache: true,
            system_fonts: true,
            yaml: crate::yaml::Route::FastFirst,
        }
    }
}
