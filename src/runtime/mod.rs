//! The TUI runtime: terminal setup and restore (`terminal`), the event loop that feeds `Msg`s to
//! `app::update` and draws `ui::view` when something changed (`event_loop`), the executor that
//! runs `Cmd`s as tokio tasks (`tasks`), the clipboard (`clipboard`), and `Headless`, the same
//! app without a terminal for tests and benchmarks. The entry points (`cli`, `main`), tests and
//! benches import this; `app` and `ui` never do.
mod clipboard;
mod event_loop;
mod headless;
mod switch;
mod tasks;
mod terminal;

pub use event_loop::{Connected, SPINNER_INTERVAL, Start, TuiSettings, run};
pub use headless::Headless;
pub use switch::Profiles;
pub use tasks::{DemoOptions, start_sandbox};
pub use terminal::{Interrupted, Signals};
