//! The welcome screen, shown when nothing is configured: how to connect, or try the demo.
use super::{Ui, popup};
use crate::text::sanitize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub fn render(frame: &mut Frame, ui: &Ui, area: Rect) {
    if area.is_empty() {
        return;
    }
    let t = ui.theme;
    let keys = &ui.model.keymap;
    let key = |a: crate::app::actions::Action| {
        Span::styled(keys.first_key(a, crate::app::actions::Context::Welcome), t.key)
    };
    let env = |name: &'static str, value: &'static str, note: &'static str| {
        Line::from(vec![
            Span::raw("  export "),
            Span::styled(name, t.accent),
            Span::raw(format!("={value}")),
            Span::styled(note, t.muted),
        ])
    };
    let mut lines = vec![
        Line::styled("Browse and inspect PostHog persons from the terminal.", t.text),
        Line::default(),
        Line::styled("To connect to your PostHog project, set:", t.text),
        env("POSTHOG_PERSONAL_API_KEY", "phx_…", ""),
        env("POSTHOG_HOST", "us", "    # us, eu or your URL"),
        env("POSTHOG_PROJECT_ID", "12345", ""),
        Line::styled("and run hogdex again.", t.text),
        Line::default(),
        Line::from(vec![
            Span::raw("Press "),
            key(crate::app::actions::Action::StartDemo),
            Span::raw(" to try the demo sandbox, "),
            key(crate::app::actions::Action::Help),
            Span::raw(" for help, "),
            key(crate::app::actions::Action::Quit),
            Span::raw(" to quit."),
        ]),
    ];
    if !ui.model.profiles.is_empty() {
        let n = ui.model.profiles.len();
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::raw("Or press "),
            key(crate::app::actions::Action::PickProfile),
            Span::raw(format!(" to use one of the {n} profile(s) in your config file.")),
        ]));
    }
    if let Some(err) = &ui.model.welcome_error {
        lines.push(Line::default());
        lines.push(Line::styled(format!("✗ {}", sanitize(err)), t.error));
    }
    let width = area.width.saturating_sub(2).min(76);
    let inner_w = width.saturating_sub(4).max(1) as usize;
    // Word wrapping can need a line more than the plain division says.
    let wrapped: usize =
        lines.iter().map(|l| if l.width() <= inner_w { 1 } else { l.width().div_ceil(inner_w) + 1 }).sum();
    let height = (wrapped as u16 + 2).min(area.height);
    let block = Block::bordered()
        .border_style(t.border_focused)
        .title(Line::styled(" Welcome to hogdex ", t.title))
        .padding(ratatui::widgets::Padding::horizontal(1));
    let popup_area = popup(frame, area, width, height);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), popup_area);
}
