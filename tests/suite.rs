//! The integration tests as one binary (one link, one pool of test threads; presets run once for all, `common`).

mod common;

mod claims;
mod cli;
mod config;
mod dynamics;
mod fields;
mod figures;
mod gradients;
mod lessons;
mod presets;
mod robustness;
mod sweep;
mod verdicts;
