//! The clipboard: one long-lived `arboard::Clipboard` (on X11/Wayland the process owns what it
//! copied, so dropping it would lose the text), created lazily on the first copy. When there is no
//! usable system clipboard (no display, SSH, headless) the text goes to the terminal instead as an
//! OSC 52 sequence, which the event loop writes between frames. Only a user's `Cmd::Copy` gets here.
use base64::Engine;
use std::sync::Mutex;

/// Longest OSC 52 payload (base64 bytes) sent; many terminals drop larger ones (k9s' default).
pub const OSC52_MAX: usize = 74_994;

/// How a copy reached the user's clipboard, as `Msg::Copied` reports it.
pub const VIA_SYSTEM: &str = "put on the system clipboard";
/// OSC 52 cannot report success: say what was done (and, in tmux, what it needs).
pub const VIA_OSC52: &str = "sent via OSC 52";
pub const VIA_OSC52_TMUX: &str = "sent via OSC 52 (tmux needs set-clipboard on)";

#[derive(Default)]
enum Native {
    #[default]
    Untried,
    Ready(arboard::Clipboard),
    /// Creating it failed once; not retried.
    Unavailable,
}

/// The process's system clipboard, shared with the blocking tasks that write it.
#[derive(Default)]
pub struct Clipboard {
    native: Mutex<Native>,
}

impl Clipboard {
    /// Whether the system clipboard is worth trying: not over SSH (it would be the remote host's),
    /// and on Linux/BSD only with a display.
    pub fn native_plausible() -> bool {
        let var = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        if var("SSH_CONNECTION") || var("SSH_TTY") || var("SSH_CLIENT") {
            return false;
        }
        if cfg!(any(target_os = "macos", target_os = "windows")) {
            return true;
        }
        var("DISPLAY") || var("WAYLAND_DISPLAY")
    }

    /// Puts `text` on the system clipboard. Blocking (X11 may take a while): call it from
    /// `spawn_blocking`. The clipboard object is created once and kept.
    pub fn set_native(&self, text: &str) -> Result<(), String> {
        let mut native = self.native.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if matches!(*native, Native::Untried) {
            *native = match arboard::Clipboard::new() {
                Ok(c) => Native::Ready(c),
                Err(_) => Native::Unavailable,
            };
        }
        match &mut *native {
            Native::Ready(c) => c.set_text(text).map_err(|e| e.to_string()),
            _ => Err("no system clipboard".into()),
        }
    }
}

/// The OSC 52 "set clipboard" sequence for `text` (BEL-terminated, selection `c`). Inside tmux
/// the plain sequence (used with `set-clipboard on`) is followed by a passthrough-wrapped copy
/// (used with `allow-passthrough on`). Errors when the text is too large for terminals to take.
pub fn osc52(text: &str, in_tmux: bool) -> Result<Vec<u8>, String> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    if b64.len() > OSC52_MAX {
        return Err(format!(
            "no system clipboard, and {} KB is too large to copy through the terminal (OSC 52)",
            text.len() / 1024
        ));
    }
    let plain = format!("\x1b]52;c;{b64}\x07");
    let mut out = plain.clone().into_bytes();
    if in_tmux {
        // tmux passthrough: ESC P tmux; <sequence with every ESC doubled> ESC \
        out.extend_from_slice(b"\x1bPtmux;\x1b");
        out.extend_from_slice(plain.as_bytes());
        out.extend_from_slice(b"\x1b\\");
    }
    Ok(out)
}

/// Whether we run inside tmux.
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52("hi\x1b", false).unwrap(), b"\x1b]52;c;aGkb\x07");
    }

    #[test]
    fn osc52_in_tmux_adds_a_passthrough_copy() {
        let out = osc52("hi", true).unwrap();
        assert_eq!(out, b"\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
    }

    #[test]
    fn osc52_refuses_huge_payloads() {
        let big = "x".repeat(OSC52_MAX);
        let err = osc52(&big, false).unwrap_err();
        assert!(err.contains("too large"), "{err}");
    }
}
