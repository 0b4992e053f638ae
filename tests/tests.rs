//! chancery's integration tests: one test binary, one module per area.
//!
//! The modules live in `tests/suite/` rather than beside this file: Cargo compiles every `.rs`
//! file directly in `tests/` as a test binary of its own, and these modules share `common`.
//!
//! Nothing here writes into the repository (every site is copied into a temporary folder
//! first), except the theme checkers that `theme.rs` installs once into the git-ignored
//! `tests/js/node_modules`.
//! `UPDATE_EXPECTED=1 cargo test` rewrites the `expected/` files of the fixture sites.

#[path = "suite/common.rs"]
mod common;

#[path = "suite/build.rs"]
mod build;

#[path = "suite/errors.rs"]
mod errors;

#[path = "suite/cli.rs"]
mod cli;

#[path = "suite/links.rs"]
mod links;

#[path = "suite/browser.rs"]
mod browser;

#[path = "suite/search.rs"]
mod search;

#[path = "suite/cache.rs"]
mod cache;

#[path = "suite/import.rs"]
mod import;

#[path = "suite/safety.rs"]
mod safety;

#[path = "suite/check.rs"]
mod check;

#[path = "suite/input.rs"]
mod input;

#[path = "suite/properties.rs"]
mod properties;

#[path = "suite/serve.rs"]
mod serve;

#[path = "suite/theme.rs"]
mod theme;
