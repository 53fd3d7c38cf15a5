//! The config file: parsing (valid and each kind of invalid), profile and key resolution, the
//! permission warning, and that the key appears in no output.
use hogdex::config::{CliInputs, Config, KeyPlan, resolve};
use std::path::Path;
use std::process::Command;

const KEY: &str = "phx_config_test_secret_0123456789";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A config dir with `config.toml` holding `text` (mode 0600 unless `mode` says otherwise).
fn config_dir(text: &str, mode: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("hogdex")).unwrap();
    let file = dir.path().join("hogdex/config.toml");
    std::fs::write(&file, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
    dir
}

fn hogdex(config: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hogdex"));
    cmd.args(args);
    for var in
        ["POSTHOG_PERSONAL_API_KEY", "POSTHOG_HOST", "POSTHOG_PROJECT_ID", "HOGDEX_PROFILE", "HOGDEX_LOG"]
    {
        cmd.env_remove(var);
    }
    cmd.env("XDG_CONFIG_HOME", config).env("XDG_STATE_HOME", state.path()).env("HOGDEX_KEYRING", "off");
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn the_example_config_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/config.example.toml");
    let config = Config::load(&path).unwrap();
    assert!(config.loaded);
    assert_eq!(config.default_profile.as_deref(), Some("us"));
    for name in ["us", "eu", "selfhosted", "prod"] {
        assert!(config.profiles.contains_key(name), "{name}");
    }
    assert_eq!(config.profiles["prod"].read_only, Some(true));
    assert_eq!(config.settings.delete_grace_secs, 5);
    assert_eq!(config.colors["selection"], "white on blue bold");
}

#[test]
fn the_example_config_documents_every_setting_colour_slot_and_action() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/config.example.toml"))
            .unwrap();
    let words: std::collections::HashSet<&str> =
        text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).collect();
    for setting in [
        "delete_grace_secs",
        "allow_dollar_edits",
        "hide_dollar",
        "events_range",
        "mouse",
        "clipboard",
        "theme",
        "log_level",
        "api_key_command",
        "api_key",
        "read_only",
        "default_profile",
    ] {
        assert!(words.contains(setting), "setting {setting} is not documented");
    }
    for slot in hogdex::ui::theme::SLOTS {
        assert!(words.contains(slot), "colour slot {slot} is not documented");
    }
    for action in hogdex::app::actions::Action::ids() {
        assert!(words.contains(action), "action {action} is not documented");
    }
}

#[test]
fn a_missing_file_is_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(&dir.path().join("nope.toml")).unwrap();
    assert!(!config.loaded && config.profiles.is_empty());
    assert_eq!(config.settings.delete_grace_secs, 5);
}

#[test]
fn a_valid_config_drives_info() {
    let dir = config_dir(
        "default_profile = \"work\"\n[profiles.work]\nhost = \"eu\"\nproject = 42\nread_only = true\n\
         api_key_command = \"touch ran-the-command; echo phx_x\"\n\
         [settings]\ntheme = \"light\"\n[keys]\nhelp = \"x\"\n",
        0o600,
    );
    let run = hogdex(dir.path(), &["info"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = dir.path().join("hogdex/config.toml");
    assert!(run.stdout.contains(&format!("{} (read)", file.display())), "{}", run.stdout);
    assert!(run.stdout.contains("work"), "{}", run.stdout);
    assert!(run.stdout.contains("api_key_command (not run by info)"), "{}", run.stdout);
    assert!(run.stdout.contains("https://eu.posthog.com") && run.stdout.contains("42"), "{}", run.stdout);
    assert!(run.stdout.contains("read-only"), "{}", run.stdout);
    assert!(run.stdout.contains("light"), "{}", run.stdout);
    assert!(run.stdout.contains("profiles     work (read-only)"), "{}", run.stdout);
    assert!(run.stdout.contains("1 action(s) remapped; key `x` is bound to both"), "{}", run.stdout);
    assert!(!Path::new("ran-the-command").exists() && !dir.path().join("ran-the-command").exists());
}

/// Each kind of invalid config: the message names the file, the line and the key, and hogdex
/// exits 2.
#[test]
fn invalid_configs_are_precise_and_exit_2() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("syntax", "[profiles.a]\nhost = \"us\"\nproject = = 3\n", &[":3:"]),
        ("unknown key", "[profiles.a]\nhost = \"us\"\nhots = \"eu\"\n", &[":3:", "hots"]),
        ("wrong type", "[settings]\n\ndelete_grace_secs = \"ten\"\n", &[":3:", "settings.delete_grace_secs"]),
        ("bad project", "[profiles.a]\nproject = \"current\"\n", &[":2:", "profiles.a.project", "@current"]),
        ("unknown default", "default_profile = \"b\"\n[profiles.a]\n", &[":1:", "unknown profile `b`", "a"]),
    ];
    for (what, text, needles) in cases {
        let dir = config_dir(text, 0o600);
        let run = hogdex(dir.path(), &["info"], &[]);
        assert_eq!(run.code, 2, "{what}: {}", run.all());
        let file = dir.path().join("hogdex/config.toml").display().to_string();
        assert!(run.stderr.contains(&file), "{what}: {}", run.stderr);
        for needle in *needles {
            assert!(run.stderr.contains(needle), "{what}: {needle:?} not in {}", run.stderr);
        }
        assert!(run.stderr.lines().count() <= 3, "{what}: {}", run.stderr);
    }
}

#[test]
fn an_unknown_profile_lists_the_known_ones_and_exits_2() {
    let dir = config_dir("[profiles.alpha]\n[profiles.beta]\n", 0o600);
    for (args, env) in [
        (&["--profile", "gamma", "info"][..], &[][..]),
        (&["persons", "list"][..], &[("HOGDEX_PROFILE", "gamma")][..]),
    ] {
        let run = hogdex(dir.path(), args, env);
        assert_eq!(run.code, 2, "{}", run.all());
        assert!(run.stderr.contains("gamma") && run.stderr.contains("alpha, beta"), "{}", run.stderr);
    }
}

#[test]
fn key_resolution_order_is_flag_env_command_keyring_file() {
    let config = Config::parse(
        "[profiles.p]\napi_key_command = \"pass show x\"\napi_key = \"phx_f\"\n\
         [profiles.f]\napi_key = \"phx_f\"\n",
    )
    .unwrap();
    let mut cli = CliInputs { profile: Some("p".into()), key_given: Some(true), ..Default::default() };
    assert_eq!(resolve(&cli, &config).unwrap().key, KeyPlan::Given { from_flag: true });
    cli.key_given = Some(false);
    assert_eq!(resolve(&cli, &config).unwrap().key, KeyPlan::Given { from_flag: false });
    cli.key_given = None;
    assert_eq!(resolve(&cli, &config).unwrap().key, KeyPlan::Command("pass show x".into()));
    cli.profile = Some("f".into());
    assert_eq!(resolve(&cli, &config).unwrap().key, KeyPlan::Stored { file: true }, "keyring, then file");
    cli.profile = None;
    assert_eq!(resolve(&cli, &config).unwrap().key, KeyPlan::Stored { file: false }, "keyring only");
}

#[test]
fn info_names_the_key_source_without_the_key() {
    let text = format!("default_profile = \"p\"\n[profiles.p]\napi_key = \"{KEY}\"\n");
    let dir = config_dir(&text, 0o600);
    let run = hogdex(dir.path(), &["info"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("api_key in the config file"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "no warning for a 0600 file: {}", run.stderr);
    let run = hogdex(dir.path(), &["info"], &[("POSTHOG_PERSONAL_API_KEY", "phx_from_env_secret")]);
    assert!(run.stdout.contains("from POSTHOG_PERSONAL_API_KEY"), "{}", run.stdout);
    let run = hogdex(dir.path(), &["--api-key", "phx_from_flag_secret", "info"], &[]);
    assert!(run.stdout.contains("--api-key"), "{}", run.stdout);
    for secret in [KEY, "phx_from_env_secret", "phx_from_flag_secret"] {
        assert!(!run.all().contains(secret));
    }
}

#[cfg(unix)]
#[test]
fn a_key_in_a_world_readable_config_is_warned_about() {
    let text = format!("default_profile = \"p\"\n[profiles.p]\napi_key = \"{KEY}\"\n");
    let dir = config_dir(&text, 0o644);
    let run = hogdex(dir.path(), &["info"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("readable by other users") && run.stderr.contains("chmod 600"),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains(KEY));
    // Without a key in the file, its mode does not matter.
    let dir = config_dir("[profiles.p]\nhost = \"eu\"\n", 0o644);
    assert!(hogdex(dir.path(), &["info"], &[]).stderr.is_empty());
}

#[test]
fn the_key_never_appears_when_commands_fail() {
    // A failing api_key_command: its exit status and stderr, never its stdout.
    let text = format!(
        "default_profile = \"p\"\n[profiles.p]\napi_key_command = \"echo {KEY}; echo 'gpg: decryption failed' >&2; exit 4\"\n"
    );
    let dir = config_dir(&text, 0o600);
    let run = hogdex(dir.path(), &["persons", "list"], &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("exit status 4") && run.stderr.contains("gpg: decryption failed"),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains(KEY), "{}", run.all());
    // A key from the command or the file that the host refuses to take: the error has no key.
    for text in [
        format!(
            "[profiles.p]\nhost = \"http://127.0.0.1:9\"\nproject = 1\napi_key_command = \"echo {KEY}\"\n"
        ),
        format!("[profiles.p]\nhost = \"http://127.0.0.1:9\"\nproject = 1\napi_key = \"{KEY}\"\n"),
    ] {
        let dir = config_dir(&text, 0o600);
        let run = hogdex(dir.path(), &["--profile", "p", "--timeout", "2", "persons", "list"], &[]);
        assert_ne!(run.code, 0, "{}", run.all());
        assert!(!run.all().contains(KEY), "{}", run.all());
    }
}

#[test]
fn settings_and_profile_values_yield_to_flags() {
    let config =
        Config::parse("[profiles.p]\nhost = \"eu\"\nproject = 9\n[settings]\ndelete_grace_secs = 12\n")
            .unwrap();
    let cli = CliInputs { profile: Some("p".into()), ..Default::default() };
    let r = resolve(&cli, &config).unwrap();
    assert_eq!((r.host.as_str(), r.project.as_str(), r.delete_grace), ("eu", "9", 12));
    let cli = CliInputs {
        profile: Some("p".into()),
        host: Some("us".into()),
        project: Some("@current".into()),
        delete_grace: Some(0),
        ..Default::default()
    };
    let r = resolve(&cli, &config).unwrap();
    assert_eq!((r.host.as_str(), r.project.as_str(), r.delete_grace), ("us", "@current", 0));
}

#[test]
fn a_selected_profile_without_any_key_says_how_to_give_it_one() {
    let dir = config_dir("default_profile = \"p\"\n[profiles.p]\nhost = \"eu\"\n", 0o600);
    let run = hogdex(dir.path(), &["persons", "list"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for needle in ["profile p has no API key", "hogdex login --profile p", "HOGDEX_KEYRING=off"] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    // `info` reports it instead of failing.
    let run = hogdex(dir.path(), &["info"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("not set"), "{}", run.stdout);
}
