//! The view: `view(&Model, &mut Frame)` draws the whole screen as a pure function of the model.
//! Nothing here changes state, sends requests or reads clocks; placement comes from
//! `app::layout::areas` so `update` and the view agree on viewport sizes. Every string that came
//! from a server goes through `text::sanitize`/`fit` before it reaches a `Span`.
mod dialogs;
mod field;
mod hints;
mod history;
mod inspector;
mod journal;
mod list;
mod overlays;
mod picker;
mod project_activity;
mod status;
pub mod theme;
use crate::app::actions::Action;
mod welcome;

pub use theme::Theme;

use crate::app::actions::Context;
use crate::app::history::Tab;
use crate::app::{Focus, Model, Screen, layout};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

/// Below this size the layout is replaced by a short "too small" message.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 8;

/// Draws the model with the default theme.
pub fn view(model: &Model, frame: &mut Frame) {
    view_with(model, frame, &Theme::default());
}

/// Draws the model with a given theme (`Theme::plain()` for `NO_COLOR`).
pub fn view_with(model: &Model, frame: &mut Frame, theme: &Theme) {
    let screen = frame.area();
    if screen.is_empty() {
        return;
    }
    if screen.width < MIN_WIDTH || screen.height < MIN_HEIGHT {
        too_small(frame, screen, theme);
        return;
    }
    let ui = Ui { model, theme, screen };
    let areas = layout::areas(model);
    let (status, hints) = (ui.clip(areas.status), ui.clip(areas.hints));
    status::render(frame, &ui, status);
    match model.screen {
        Screen::Welcome => {
            let top = status.bottom().min(hints.y);
            welcome::render(frame, &ui, ui.clip(Rect::new(screen.x, top, screen.width, hints.y - top)));
        }
        Screen::Main => {
            field::search(frame, &ui, ui.clip(areas.search), areas.search_error.map(|r| ui.clip(r)));
            if let Some(area) = areas.list {
                list::render(frame, &ui, ui.clip(area));
            }
            if let Some(area) = areas.inspector {
                match model.tab {
                    Tab::Properties => inspector::render(frame, &ui, ui.clip(area)),
                    _ => history::render(frame, &ui, ui.clip(area)),
                }
            }
        }
    }
    hints::render(frame, &ui, hints);
    if let Some(dialog) = &model.dialog {
        dialogs::render(frame, &ui, dialog);
    }
    if let Some(overlay) = &model.overlay {
        overlays::render(frame, &ui, overlay);
    }
    if let Some(input) = &model.palette {
        overlays::palette(frame, &ui, input, hints);
    }
}

/// What every drawing function needs.
pub(crate) struct Ui<'a> {
    pub model: &'a Model,
    pub theme: &'a Theme,
    /// The frame's area; every rect is clipped to it so a stale model size cannot draw outside.
    pub screen: Rect,
}

impl Ui<'_> {
    pub fn clip(&self, r: Rect) -> Rect {
        r.intersection(self.screen)
    }

    /// The context under any overlay (the pane with focus, or the welcome screen).
    pub fn base_context(&self) -> Context {
        match (self.model.screen, self.model.focus) {
            (Screen::Welcome, _) => Context::Welcome,
            (Screen::Main, Focus::List) => Context::List,
            (Screen::Main, Focus::Inspector) if self.model.tab == Tab::Properties => Context::Inspector,
            (Screen::Main, Focus::Inspector) => Context::History,
        }
    }
}

/// A popup of `width`×`height` (clamped to the screen) centred on it, cleared.
/// An overlay's bottom line with the keys in effect there: `j/k move · Enter <open> · Esc close`
/// (`open` and `extra` are left out when `None`).
pub(crate) fn overlay_hint(
    model: &Model,
    verb: &str,
    open: Option<&str>,
    extra: Option<(Action, &str)>,
) -> String {
    let key = |a: Action| model.keymap.first_key(a, Context::Overlay);
    let mut parts = vec![format!("{}/{} {verb}", key(Action::Down), key(Action::Up))];
    if let Some(open) = open {
        parts.push(format!("{} {open}", key(Action::Open)));
    }
    if let Some((action, what)) = extra {
        parts.push(format!("{} {what}", key(action)));
    }
    parts.push(format!("{} close", key(Action::Back)));
    format!(" {} ", parts.join(" · "))
}

pub(crate) fn popup(frame: &mut Frame, screen: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(screen.width);
    let h = height.min(screen.height);
    let area = Rect::new(screen.x + (screen.width - w) / 2, screen.y + (screen.height - h) / 2, w, h);
    frame.render_widget(Clear, area);
    area
}

fn too_small(frame: &mut Frame, screen: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("terminal too small", theme.warn),
        Line::styled(
            format!("need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}", screen.width, screen.height),
            theme.muted,
        ),
        Line::styled("q quits", theme.muted),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), screen);
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The screen `model` draws on a `w`×`h` test terminal with `theme` (tests).
#[cfg(test)]
pub(crate) fn render_buffer(model: &Model, w: u16, h: u16, theme: &Theme) -> ratatui::buffer::Buffer {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view_with(model, f, theme)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen's text, one line per row (tests).
#[cfg(test)]
pub(crate) fn render_to_string(model: &Model, w: u16, h: u16) -> String {
    let buf = render_buffer(model, w, h, &Theme::default());
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
