//! Tests of the themes, the slot list and the colour-spec grammar.
use super::*;

fn themes() -> Vec<(&'static str, Theme)> {
    THEME_NAMES.iter().map(|&n| (n, Theme::named(n).expect(n))).collect()
}

fn colors(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn slots_list_every_field_in_order() {
    let names: Vec<&str> = Theme::default().slots().into_iter().map(|(n, _)| n).collect();
    assert_eq!(SLOTS, names.as_slice());
    assert_eq!(SLOTS.len(), 28);
    let mut sorted = SLOTS.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), SLOTS.len(), "duplicate slot names");
    let mut t = Theme::plain();
    for &slot in SLOTS {
        assert!(t.slot_mut(slot).is_some(), "{slot}");
    }
}

#[test]
fn every_theme_name_resolves_and_themes_differ() {
    let all = themes();
    assert_eq!(all.len(), 3);
    assert_eq!(Theme::named("dark"), Some(Theme::dark()));
    assert_eq!(Theme::named("light"), Some(Theme::light()));
    assert_eq!(Theme::named("high-contrast"), Some(Theme::high_contrast()));
    assert_eq!(Theme::default(), Theme::dark());
    for (i, (a, ta)) in all.iter().enumerate() {
        for (b, tb) in &all[i + 1..] {
            assert_ne!(ta, tb, "{a} and {b} are the same theme");
        }
        assert_ne!(*ta, Theme::plain(), "{a} is plain");
    }
}

#[test]
fn named_is_case_insensitive_and_rejects_unknown_names() {
    assert_eq!(Theme::named("HIGH_CONTRAST"), Some(Theme::high_contrast()));
    assert_eq!(Theme::named("high_contrast"), Some(Theme::high_contrast()));
    assert_eq!(Theme::named("Light"), Some(Theme::light()));
    assert_eq!(Theme::named("plain"), Some(Theme::plain()));
    assert_eq!(Theme::named("NONE"), Some(Theme::plain()));
    assert_eq!(Theme::named("solarized"), None);
    assert_eq!(Theme::named(""), None);
}

#[test]
fn plain_has_no_colour_in_any_slot() {
    for (slot, style) in Theme::plain().slots() {
        assert_eq!((style.fg, style.bg), (None, None), "plain().{slot}");
    }
}

#[test]
fn light_never_draws_white_or_gray_text_on_the_terminal_background() {
    for (slot, style) in Theme::light().slots() {
        match style.bg {
            // Text on the terminal's (white) background.
            None => assert!(
                !matches!(style.fg, Some(Color::White | Color::Gray | Color::LightYellow | Color::Yellow)),
                "light().{slot} = {style:?}"
            ),
            // Text on its own background: an explicit foreground that differs from it.
            Some(bg) => assert!(style.fg.is_some_and(|fg| fg != bg), "light().{slot} = {style:?}"),
        }
    }
    let light = Theme::light();
    for style in [light.selection, light.selection_unfocused] {
        assert!(style.bg.is_some() && style.fg.is_some(), "selection must set both colours");
    }
}

#[test]
fn high_contrast_has_no_dark_gray_or_dim_and_strong_backgrounds() {
    let hc = Theme::high_contrast();
    for (slot, style) in hc.slots() {
        assert_ne!(style.fg, Some(Color::DarkGray), "high_contrast().{slot}");
        assert_ne!(style.bg, Some(Color::DarkGray), "high_contrast().{slot}");
        assert!(!style.add_modifier.contains(Modifier::DIM), "high_contrast().{slot} is dim");
    }
    assert!(hc.selection.bg.is_some() && hc.danger_focused.bg.is_some());
    assert_ne!(hc.selection, hc.selection_unfocused);
    assert_ne!(hc.border_focused.fg, hc.border.fg);
    assert!(hc.border_focused.add_modifier.contains(Modifier::BOLD));
    assert!(hc.muted.fg.is_some_and(|c| matches!(c, Color::Gray | Color::White)));
}

#[test]
fn parse_style_examples() {
    let ok = |s: &str| parse_style(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
    let b = Modifier::BOLD;
    assert_eq!(ok("yellow bold"), Style::new().fg(Color::Yellow).add_modifier(b));
    assert_eq!(ok("white on blue bold"), Style::new().fg(Color::White).bg(Color::Blue).add_modifier(b));
    assert_eq!(ok("#ff8800"), Style::new().fg(Color::Rgb(0xff, 0x88, 0x00)));
    assert_eq!(ok("on red"), Style::new().bg(Color::Red));
    assert_eq!(ok("dim"), Style::new().add_modifier(Modifier::DIM));
    assert_eq!(
        ok("238 on 17 underline"),
        Style::new().fg(Color::Indexed(238)).bg(Color::Indexed(17)).add_modifier(Modifier::UNDERLINED)
    );
    assert_eq!(ok(""), Style::new());
    assert_eq!(ok("   "), Style::new());
    assert_eq!(ok("none"), Style::new());
    assert_eq!(ok("NONE"), Style::new());
}

#[test]
fn parse_style_spellings() {
    let fg = |s: &str| parse_style(s).map(|st| st.fg);
    for s in ["darkgray", "dark-gray", "dark_grey", "DarkGray", "DARK-GREY"] {
        assert_eq!(fg(s), Ok(Some(Color::DarkGray)), "{s}");
    }
    for s in ["light-red", "lightred", "Light_Red", "bright-red"] {
        assert_eq!(fg(s), Ok(Some(Color::LightRed)), "{s}");
    }
    assert_eq!(fg("grey"), Ok(Some(Color::Gray)));
    assert_eq!(fg("default"), Ok(Some(Color::Reset)));
    assert_eq!(fg("reset"), Ok(Some(Color::Reset)));
    assert_eq!(fg("#FFffFF"), Ok(Some(Color::Rgb(255, 255, 255))));
    assert_eq!(fg("0"), Ok(Some(Color::Indexed(0))));
    assert_eq!(fg("255"), Ok(Some(Color::Indexed(255))));
    assert_eq!(
        parse_style("Italic Underlined Reversed crossed-out strikethrough").map(|s| s.add_modifier),
        Ok(Modifier::ITALIC | Modifier::UNDERLINED | Modifier::REVERSED | Modifier::CROSSED_OUT)
    );
    assert_eq!(parse_style("bold yellow"), parse_style("yellow bold"));
}

#[test]
fn parse_style_errors_name_the_bad_word() {
    for (spec, word) in [
        ("purple", "`purple`"),
        ("on", "`on`"),
        ("#12345", "`#12345`"),
        ("300", "`300`"),
        ("bold on", "`on`"),
        ("red on purple", "`purple`"),
        ("on bold", "`bold`"),
        ("#12345g", "`#12345g`"),
        ("red blue", "`blue`"),
        ("on red on blue", "`on blue`"),
    ] {
        let err = parse_style(spec).expect_err(spec);
        assert!(err.contains(word), "{spec:?} → {err}");
        assert!(!err.contains('\n'), "{spec:?} → multi-line error");
    }
    assert!(parse_style("purple").unwrap_err().contains("light-blue"), "lists what is accepted");
}

#[test]
fn parse_style_never_panics_or_echoes_unbounded_input() {
    let long = "x".repeat(10_000);
    let err = parse_style(&long).unwrap_err();
    assert!(err.len() < 600, "{} bytes", err.len());
    let err = parse_style("\x1b[31mred").unwrap_err();
    assert!(!err.contains('\x1b') && err.contains("\\e"), "{err}");
    for spec in
        ["#", "#ééé", "#ffffffff", "99999999999999999999999", "on on", "-1", "é", "\u{202e}", "#+fffff"]
    {
        assert!(parse_style(spec).is_err(), "{spec:?}");
    }
}

#[test]
fn with_colors_replaces_only_the_named_slot() {
    let base = Theme::dark();
    let themed = base.with_colors(&colors(&[("selection", "black on yellow")])).unwrap();
    assert_eq!(themed.selection, Style::new().fg(Color::Black).bg(Color::Yellow));
    for ((slot, before), (_, after)) in base.slots().into_iter().zip(themed.slots()) {
        if slot != "selection" {
            assert_eq!(before, after, "{slot} changed");
        }
    }
    assert_eq!(base.with_colors(&BTreeMap::new()), Ok(base));
    let dashed = base.with_colors(&colors(&[("Border-Focused", "none")])).unwrap();
    assert_eq!(dashed.border_focused, Style::new());
}

#[test]
fn with_colors_reports_bad_entries() {
    let err = Theme::dark().with_colors(&colors(&[("selectoin", "red")])).unwrap_err();
    assert_eq!(err.slot, "selectoin");
    assert!(err.message.contains("unknown colour slot `selectoin`"), "{err}");
    for slot in SLOTS {
        assert!(err.message.contains(slot), "{slot} not listed: {err}");
    }
    assert!(err.to_string().starts_with("colors.selectoin: "), "{err}");

    let err = Theme::dark().with_colors(&colors(&[("muted", "purple")])).unwrap_err();
    assert_eq!(err.slot, "muted");
    assert!(err.to_string().starts_with("colors.muted: ") && err.message.contains("`purple`"), "{err}");

    let key = format!("\x1b{}", "k".repeat(500));
    let err = Theme::dark().with_colors(&colors(&[(&key, "red")])).unwrap_err();
    assert!(err.slot.chars().count() <= 40 && !err.slot.contains('\x1b'), "{err}");
    assert!(!err.to_string().contains(&"k".repeat(100)), "{err}");
}
