//! The integration tests, as one test binary: each module runs the built `gongshi` on fixture
//! folders in temporary directories (or calls the library), and the program and Typst are linked
//! once for all of them (mdBook's `tests/testsuite/` is the model).
//!
//! `cargo test --test testsuite build::` runs one module; `cargo test` runs everything.

mod common;

mod build;
mod clipboard;
mod hostile;
mod incremental;
mod memo;
mod posters;
mod rules;
mod serve;
mod wechat;
mod yaml_fast;
