//! The TUI in a real terminal: the built `hogdex` binary runs in a pseudo-terminal, a background
//! thread feeds everything it writes into a vt100 parser, and the tests wait (bounded) for text to
//! appear on the parsed screen. Checks that matter only in a real terminal: hostile text never
//! reaches it as control sequences, the terminal is restored on exit and on SIGTERM, tiny sizes
//! don't panic, and copying without a display goes through the terminal (OSC 52).
mod common;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest wait for anything to show up (a debug build under a loaded CI machine).
const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(20);

/// Records what the program asked the terminal to do besides drawing.
#[derive(Default)]
struct Recorder {
    bells: usize,
    titles: Vec<Vec<u8>>,
    /// Decoded OSC 52 clipboard writes.
    copied: Vec<String>,
}

impl vt100::Callbacks for Recorder {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles.push(title.to_vec());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(name.to_vec());
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        use base64::Engine;
        let text = base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_default();
        self.copied.push(String::from_utf8_lossy(&text).into_owned());
    }
}

type Screen = Arc<Mutex<vt100::Parser<Recorder>>>;

/// `hogdex` running in a pseudo-terminal.
struct Tty {
    screen: Screen,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    drained: Arc<AtomicBool>,
    _home: tempfile::TempDir,
}

impl Tty {
    /// Starts `hogdex args…` in a `cols`×`rows` terminal with a clean environment: no PostHog
    /// settings, no colour, HOME and the XDG dirs in a temporary directory.
    fn spawn(args: &[&str], cols: u16, rows: u16) -> Tty {
        Self::spawn_with(args, cols, rows, None, true, &[])
    }

    /// [`Tty::spawn`] with a config file (`$XDG_CONFIG_HOME/hogdex/config.toml`) and/or colour.
    fn spawn_with(
        args: &[&str],
        cols: u16,
        rows: u16,
        config: Option<&str>,
        no_color: bool,
        env: &[(&str, &str)],
    ) -> Tty {
        let home = tempfile::tempdir().unwrap();
        if let Some(text) = config {
            std::fs::create_dir_all(home.path().join("config/hogdex")).unwrap();
            std::fs::write(home.path().join("config/hogdex/config.toml"), text).unwrap();
        }
        let pty = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_hogdex"));
        cmd.args(args);
        cmd.cwd(home.path());
        for var in [
            "POSTHOG_PERSONAL_API_KEY",
            "POSTHOG_HOST",
            "POSTHOG_PROJECT_ID",
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "TMUX",
            "SSH_CONNECTION",
            "SSH_TTY",
            "SSH_CLIENT",
        ] {
            cmd.env_remove(var);
        }
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home.path());
        cmd.env("HOGDEX_KEYRING", "off");
        for (var, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            cmd.env(var, home.path().join(dir));
        }
        for (var, value) in env {
            cmd.env(var, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("hogdex starts");
        drop(pty.slave);

        let screen: Screen =
            Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(rows, cols, 0, Recorder::default())));
        let drained = Arc::new(AtomicBool::new(false));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (sink, done) = (screen.clone(), drained.clone());
        // Always drain the terminal, so the child never blocks on a full buffer (even at exit).
        std::thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().process(&buf[..n]),
                }
            }
            done.store(true, Ordering::SeqCst);
        });
        let writer = pty.master.take_writer().unwrap();
        Tty { screen, writer, master: pty.master, child, drained, _home: home }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Types bytes as if on the keyboard.
    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until every one of `texts` is on the screen at once; panics with the screen if not.
    fn wait_for_all(&mut self, texts: &[&str]) {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.contents();
            if texts.iter().all(|t| screen.contains(t)) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("hogdex exited ({status:?}) while waiting for {texts:?}; screen:\n{screen}");
            }
            assert!(Instant::now() < deadline, "timed out waiting for {texts:?}; screen:\n{screen}");
            std::thread::sleep(POLL);
        }
    }

    fn wait_for(&mut self, text: &str) {
        self.wait_for_all(&[text]);
    }

    /// Waits for the process to end and for its last output to be parsed; returns the exit code.
    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "hogdex did not exit; screen:\n{}", self.contents());
            std::thread::sleep(POLL);
        };
        while !self.drained.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "the terminal output never ended");
            std::thread::sleep(POLL);
        }
        status.exit_code()
    }

    /// Changes the terminal size (the program gets SIGWINCH) and the parser's with it.
    fn resize(&mut self, cols: u16, rows: u16) {
        // vt100 0.16 panics when a line wraps on a 1-row or 1-column screen (a frame drawn for the
        // previous size may still be in flight), so its screen is never smaller than 2×2.
        self.screen.lock().unwrap().screen_mut().set_size(rows.max(2), cols.max(2));
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
    }

    /// Blanks the parsed screen, resizes, and waits until the program has drawn into it (a new
    /// size always gets a full frame), so every size in a sequence really is drawn.
    fn resize_and_wait_for_a_frame(&mut self, cols: u16, rows: u16) {
        self.screen.lock().unwrap().process(b"\x1b[2J");
        self.resize(cols, rows);
        let deadline = Instant::now() + WAIT;
        while self.contents().trim().is_empty() {
            assert!(self.alive(), "hogdex died at {cols}×{rows}");
            assert!(Instant::now() < deadline, "nothing drawn at {cols}×{rows}");
            std::thread::sleep(POLL);
        }
    }

    /// How many cells have a foreground or background colour.
    fn coloured_cells(&self) -> usize {
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter_map(|(r, c)| screen.cell(r, c))
            .filter(|cell| cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default)
            .count()
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The terminal is back to normal: main screen, and the line discipline is cooked again.
    fn assert_restored(&self) {
        let parser = self.screen.lock().unwrap();
        assert!(!parser.screen().alternate_screen(), "still on the alternate screen");
        assert!(!parser.screen().hide_cursor(), "the cursor is still hidden");
        drop(parser);
        if let Some(termios) = self.master.get_termios() {
            let flags = format!("{:?}", termios.local_flags);
            let has = |flag: &str| flags.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == flag);
            assert!(has("ICANON") && has("ECHO"), "raw mode was left on: {flags}");
        }
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
    }
}

/// The shared fixture persons (alice, bob, a hostile one…) as a file for `--demo-fixtures`.
fn fixtures_file(dir: &Path) -> String {
    let path = dir.join("fixtures.json");
    std::fs::write(&path, serde_json::to_vec(&common::fixtures()).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn demo(dir: &Path, cols: u16, rows: u16) -> Tty {
    let fixtures = fixtures_file(dir);
    Tty::spawn(&["--demo", "--demo-persons", "200", "--demo-fixtures", &fixtures], cols, rows)
}

/// Searches from the list and waits until the search's only result is listed.
fn search_one(tty: &mut Tty, query: &str, row_text: &str) {
    tty.send("/");
    tty.send(query);
    tty.send("\r");
    tty.wait_for_all(&[&format!("search: {query}"), "1 of 1", row_text]);
}

#[test]
fn search_copy_open_a_person_and_quit_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut tty = demo(dir.path(), 120, 40);
    tty.wait_for_all(&["all persons", "of 204"]);

    search_one(&mut tty, "alice@fixture", "alice@fixture.test");
    // No display in the test environment: `y` copies through the terminal (OSC 52).
    tty.send("y");
    tty.wait_for("OSC 52");
    assert_eq!(tty.screen.lock().unwrap().callbacks().copied, [common::ALICE]);
    tty.send("\r");
    tty.wait_for_all(&[common::ALICE, "alice@fixture.test", "+44 20 7946 0958", "alice-2"]);

    tty.send("q"); // leaves the full-screen inspector
    tty.wait_for("search: alice@fixture");
    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
    assert!(!tty.contents().contains("alice@fixture"), "the TUI's screen is gone:\n{}", tty.contents());
}

#[test]
fn hostile_text_is_shown_escaped_and_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut tty = demo(dir.path(), 120, 40);
    tty.wait_for("all persons");

    search_one(&mut tty, "mallory", "Mallory \\e]0;TITLE");
    tty.send("\r");
    tty.wait_for_all(&[common::HOSTILE, "Mallory \\e]0;TITLE\\a\\e[2J\\a", "bell\\a and clear\\e[2J"]);
    tty.wait_for_all(&["abc\\u{202e}exe.txt", "hostile-\\e[2J"]);

    let screen = tty.contents();
    assert!(screen.starts_with(" hogdex"), "the header survived (no clear from a value):\n{screen}");
    let parser = tty.screen.lock().unwrap();
    let rec = parser.callbacks();
    assert_eq!(rec.bells, 0, "a value rang the bell");
    assert!(rec.titles.is_empty(), "a value set the window title: {:?}", rec.titles);
    assert!(rec.copied.is_empty(), "a value wrote the clipboard: {:?}", rec.copied);
    drop(parser);

    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn welcome_screen_without_configuration() {
    let mut tty = Tty::spawn(&[], 100, 30);
    tty.wait_for_all(&["POSTHOG_PERSONAL_API_KEY", "demo"]);
    tty.send("q");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn the_welcome_screen_starts_the_demo() {
    let mut tty = Tty::spawn(&["--demo-persons", "20"], 100, 30);
    tty.wait_for("POSTHOG_PERSONAL_API_KEY");
    tty.send("d");
    tty.wait_for_all(&["all persons", "of 20", "DEMO"]);
    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn tiny_and_resized_terminals_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut tty = demo(dir.path(), 20, 5);
    tty.wait_for("20×5");
    for (cols, rows) in [(1, 1), (120, 40), (1, 1), (20, 5), (2, 40), (120, 1), (120, 40)] {
        tty.resize_and_wait_for_a_frame(cols, rows);
    }
    tty.wait_for_all(&["all persons", "of 204"]);
    assert!(tty.alive());
    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal_and_exits_non_zero() {
    let mut tty = Tty::spawn(&[], 100, 30);
    tty.wait_for("POSTHOG_PERSONAL_API_KEY");
    let pid = tty.child.process_id().expect("a pid").to_string();
    let kill = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(kill.success());
    assert_eq!(tty.wait_exit(), 128 + 15);
    tty.assert_restored();
    assert!(tty.contents().contains("stopped by SIGTERM"), "{}", tty.contents());
}

#[test]
fn editing_a_property_in_the_demo_is_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let mut tty = demo(dir.path(), 120, 40);
    tty.wait_for_all(&["all persons", "of 204"]);
    search_one(&mut tty, "alice@fixture", "alice@fixture.test");
    tty.send("\r");
    tty.wait_for_all(&[common::ALICE, "+44 20 7946 0958"]);

    // Filter the inspector down to `plan`: the only selectable row, so `e` edits it.
    tty.send("/plan\r");
    tty.wait_for("Properties (1 of 4)");
    tty.send("e");
    tty.wait_for(r#"{"key":"plan","value":"pro"}"#); // the preview of what would be sent
    tty.send("\x7f\x7f\x7fteam-007");
    tty.wait_for(r#"{"key":"plan","value":"team-007"}"#);
    tty.send("\r");
    // The demo sandbox applies writes after 1.5 s; hogdex re-checks until it sees the new value.
    tty.wait_for_all(&["team-007", "✓ saved", "✓ Confirmed by PostHog: plan is saved"]);

    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
    let journal = std::fs::read_to_string(tty._home.path().join("state/hogdex/journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1, "{journal}");
    assert!(journal.contains(r#""request":{"key":"plan","value":"team-007"}"#), "{journal}");
}

#[test]
fn the_timeline_tab_shows_how_a_plan_changed() {
    let dir = tempfile::tempdir().unwrap();
    let day = |n: i64| (chrono::Utc::now() - chrono::Duration::days(n)).to_rfc3339();
    let person = serde_json::json!([{
        "uuid": "0190f0c2-0000-7000-8000-0000000071e1",
        "distinct_ids": ["tina-1"],
        "created_at": day(20),
        "properties": {"email": "tina@timeline.test", "name": "Tina Timeline"},
        "events": [
            {"event": "$identify", "timestamp": day(4), "set": {"plan": "free"}},
            {"event": "$set", "timestamp": day(3), "set": {"plan": "pro"}},
            {"event": "$set", "timestamp": day(1), "set": {"plan": "enterprise"}},
        ],
    }]);
    let path = dir.path().join("timeline.json");
    std::fs::write(&path, serde_json::to_vec(&person).unwrap()).unwrap();
    let mut tty =
        Tty::spawn(&["--demo", "--demo-persons", "20", "--demo-fixtures", path.to_str().unwrap()], 120, 40);
    tty.wait_for("all persons");
    search_one(&mut tty, "tina@timeline", "tina@timeline.test");
    tty.send("\r");
    tty.wait_for("Tina Timeline");
    tty.send("3");
    // The header counts the points; the newest one (selected) changed the plan.
    let points = |screen: &str| {
        let at = screen.find(" points")?;
        let digits: String = screen[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse::<usize>().ok()
    };
    let deadline = Instant::now() + WAIT;
    loop {
        let screen = tty.contents();
        if points(&screen).is_some_and(|n| n >= 2) && screen.contains("~ plan: pro → enterprise") {
            break;
        }
        assert!(tty.alive(), "hogdex exited; screen:\n{screen}");
        assert!(Instant::now() < deadline, "no timeline with a plan change; screen:\n{screen}");
        std::thread::sleep(POLL);
    }
    assert!(tty.contents().contains("[3 Timeline]"), "{}", tty.contents());
    tty.send("\x03");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn no_color_draws_without_any_colour_and_a_theme_draws_with_colour() {
    // NO_COLOR wins over the config file's theme and colours.
    let config = "[settings]\ntheme = \"light\"\n[colors]\nselection = \"white on red\"\n";
    let mut tty = Tty::spawn_with(&["--demo", "--demo-persons", "50"], 100, 30, Some(config), true, &[]);
    tty.wait_for_all(&["? help", "q back / quit"]);
    assert_eq!(tty.coloured_cells(), 0, "NO_COLOR: not one coloured cell");
    tty.send("q");
    assert_eq!(tty.wait_exit(), 0);

    let mut tty = Tty::spawn_with(&["--demo", "--demo-persons", "50"], 100, 30, Some(config), false, &[]);
    tty.wait_for_all(&["? help", "q back / quit"]);
    assert!(tty.coloured_cells() > 0, "without NO_COLOR the theme's colours are drawn");
    tty.send("q");
    assert_eq!(tty.wait_exit(), 0);
}

#[test]
fn remapped_keys_from_the_config_file_work_and_are_shown() {
    // `x` deletes events by default: taking it for help is a conflict, reported at startup.
    let config = "[keys]\nhelp = [\"x\", \"F1\"]\nquit = \"Q\"\n";
    let mut tty = Tty::spawn_with(&["--demo", "--demo-persons", "50"], 120, 30, Some(config), true, &[]);
    tty.wait_for_all(&["x help", "Q back / quit"]);
    tty.send(":messages\r");
    tty.wait_for("warn  Keys: key `x` is bound to both delete_events and help");
    // (Esc and the next key in one read would be alt-key: wait for the list's hints first.)
    tty.send("\x1b");
    tty.wait_for("/ search persons");
    tty.send("q");
    tty.send("x");
    tty.wait_for("Help");
    assert!(tty.alive(), "q no longer quits");
    tty.send("\x1b");
    tty.wait_for("/ search persons");
    tty.send("Q");
    assert_eq!(tty.wait_exit(), 0);
    tty.assert_restored();
}

#[test]
fn a_bad_config_file_is_one_precise_line_and_exit_2() {
    let config = "[settings]\ntheme = \"solarized\"\n";
    let mut tty = Tty::spawn_with(&["--demo"], 100, 30, Some(config), true, &[]);
    assert_eq!(tty.wait_exit(), 2);
    tty.wait_for_all(&["config.toml:2:1", "settings.theme", "unknown theme"]);
}

#[test]
fn login_reads_the_key_without_echo_and_a_signal_restores_the_terminal() {
    let memory = [("HOGDEX_KEYRING", "memory")];
    let mut tty = Tty::spawn_with(&["login"], 100, 10, None, true, &memory);
    tty.wait_for("PostHog personal API key for profile default:");
    tty.send("phx_typoX");
    tty.send("\x7f\x7f");
    tty.send("ed_secret\r");
    tty.wait_for("Stored the key for profile default");
    assert_eq!(tty.wait_exit(), 0);
    let screen = tty.contents();
    assert!(!screen.contains("phx_") && !screen.contains("secret"), "the key was echoed:\n{screen}");
    tty.assert_restored();

    let mut tty = Tty::spawn_with(&["login"], 100, 10, None, true, &memory);
    tty.wait_for("PostHog personal API key");
    tty.send("phx_half");
    // The prompt is in raw mode now; SIGTERM must not leave the terminal that way.
    let pid = tty.child.process_id().expect("a pid");
    assert!(std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success());
    assert_eq!(tty.wait_exit(), 143);
    tty.wait_for("nothing was stored");
    tty.assert_restored();
}
