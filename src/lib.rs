//! hogdex: a terminal UI and scripting CLI for PostHog persons, with a PostHog-compatible
//! sandbox server for demos and tests.
pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod journal;
pub mod keyring;
pub mod logging;
pub mod runtime;
pub mod sandbox;
pub mod text;
pub mod typed_value;
pub mod ui;
pub mod writes;
