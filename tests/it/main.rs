//! kanava's integration tests: one binary, a tiny fixture site per behaviour.

mod harness;

mod audiences;
mod bad_input;
mod build;
mod catalog;
mod cli;
mod config_safety;
mod determinism;
mod encrypt;
mod feeds;
mod fuzz;
mod hosting;
mod i18n;
mod incremental;
mod isolation;
mod languages;
mod materials;
mod output_safety;
mod paths;
#[cfg(feature = "search")]
mod pfwriter;
mod serve;
mod stages;
mod tidy;
