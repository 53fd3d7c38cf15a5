//! The app's pure core (TEA): `Model` holds all state, `update(&mut Model, Msg) -> Vec<Cmd>` is
//! synchronous and does no I/O, and the action registry maps keys to actions. May import `api`
//! (types only), `text` and ratatui's key/layout types; never `runtime` or `ui`.
pub mod actions;
pub mod browser;
mod cmd;
pub mod dialog;
pub mod history;
pub mod input;
pub mod insight;
pub mod inspector;
pub mod keymap;
pub mod layout;
mod model;
mod msg;
pub mod palette;
pub mod search;
pub mod time;
mod update;

pub use cmd::{Cmd, Slot, Timer};
pub use model::*;
pub use msg::Msg;
pub use update::{PREFETCH_DEBOUNCE, SEARCH_DEBOUNCE, error_text, init, update};
