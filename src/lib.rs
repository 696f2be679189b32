//! gongshi (公示): village and community "两委" election notices → a static public-notice
//! website. Pipeline: load → validate → render → publish.

pub mod cache;
pub mod dates;
pub mod diag;
pub mod images;
pub mod keys;
pub mod load;
pub mod manifest;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod options;
pub mod pipeline;
pub mod place;
pub mod plan;
pub mod privacy;
pub mod progress;
pub mod publish;
pub mod render;
pub mod reuse;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod stats;
pub mod theme;
pub mod validate;
pub mod yaml;
pub mod yamlspan;
