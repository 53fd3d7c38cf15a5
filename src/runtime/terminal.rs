//! Terminal setup and restore: raw mode, the alternate screen and bracketed paste on (mouse
//! capture starts off so people can select text; `m` turns it on through [`set_mouse`], and
//! restore always turns it off). The terminal is restored on normal exit, on
//! panic (a hook that restores, runs the previous hook, then exits 101) and on
//! SIGTERM/SIGINT/SIGHUP.
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{
    cursor, event,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Whether the terminal is currently set up by us (so restore runs once, from whoever is first).
static ACTIVE: AtomicBool = AtomicBool::new(false);
static PANIC_HOOK: Once = Once::new();

/// Puts the terminal into TUI mode and returns a ratatui terminal drawing to stdout. On error the
/// terminal is restored before returning.
pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = || -> io::Result<Tui> {
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        ratatui::crossterm::execute!(
            out,
            EnterAlternateScreen,
            event::EnableBracketedPaste,
            event::DisableMouseCapture,
            // Not `Terminal::clear`: it asks the terminal where the cursor is, and that answer
            // can't be read while crossterm's `EventStream` owns the input.
            terminal::Clear(terminal::ClearType::All)
        )?;
        let mut tui = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        tui.hide_cursor()?;
        Ok(tui)
    };
    setup().inspect_err(|_| restore())
}

/// Turns mouse capture on or off.
pub fn set_mouse(out: &mut impl Write, on: bool) -> io::Result<()> {
    if on {
        ratatui::crossterm::execute!(out, event::EnableMouseCapture)
    } else {
        ratatui::crossterm::execute!(out, event::DisableMouseCapture)
    }
}

/// Gives the terminal back: mouse capture and bracketed paste off, main screen, cursor visible,
/// raw mode off. Safe to call more than once and from a panic hook; errors are ignored (nothing
/// to report to).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = ratatui::crossterm::execute!(
        out,
        event::DisableBracketedPaste,
        event::DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let was_active = ACTIVE.load(Ordering::SeqCst);
            restore();
            previous(info);
            if was_active {
                // A panic in any task while the TUI runs ends the process: carrying on would
                // draw on a restored terminal, or wait forever for the task's message.
                std::process::exit(101);
            }
        }));
    });
}

/// Restores the terminal when dropped (normal exit and `?` early returns).
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// The termination signals the TUI answers by restoring the terminal and exiting.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(i32, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Starts listening for SIGTERM, SIGINT and SIGHUP (the default actions would kill the
    /// process with the terminal still in raw mode).
    pub fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let kinds =
                [(15, SignalKind::terminate()), (2, SignalKind::interrupt()), (1, SignalKind::hangup())];
            let mut streams = Vec::new();
            for (num, kind) in kinds {
                streams.push((num, signal(kind)?));
            }
            Ok(Self { streams })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for one of the signals and returns its number.
    pub async fn recv(&mut self) -> i32 {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|(num, s)| {
                let num = *num;
                Box::pin(async move {
                    s.recv().await;
                    num
                })
            });
            futures::future::select_all(waits).await.0
        }
        #[cfg(not(unix))]
        std::future::pending().await
    }
}

/// The TUI ended because of a signal; the process should exit with `128 + signal`.
#[derive(Debug)]
pub struct Interrupted {
    pub signal: i32,
}

impl Interrupted {
    pub fn exit_code(&self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(1)
    }
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.signal {
            1 => "SIGHUP",
            2 => "SIGINT",
            15 => "SIGTERM",
            _ => "a signal",
        };
        write!(f, "stopped by {name}")
    }
}

impl std::error::Error for Interrupted {}
