//! The TUI runtime: terminal setup and restore (`terminal`), the event loop that feeds `Msg`s to
//! `app::update` and draws `ui::view` when something changed (`event_loop`), the executor that
//! runs `Cmd`s as tokio tasks (`tasks`) and the clipboard (`clipboard`). Only the binary's entry
//! points (`cli`, `main`) import this; `app` and `ui` never do.
mod clipboard;
mod event_loop;
mod tasks;
mod terminal;

pub use event_loop::{Connected, SPINNER_INTERVAL, Start, run};
pub use tasks::{DemoOptions, start_sandbox};
pub use terminal::Interrupted;
