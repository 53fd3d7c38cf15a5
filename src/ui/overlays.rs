//! Popups drawn over the main screen: help (from the action registry and the palette commands),
//! the message history, a full value (detail), and the command palette with its completions. The
//! journal and the project-wide activity have files of their own.
use super::{Ui, field, popup};
use crate::app::actions::{ActionSpec, Context, KeySpec};
use crate::app::input::TextInput;
use crate::app::keymap::{CONTEXTS, label};
use crate::app::palette::matches;
use crate::app::{Level, Overlay};
use crate::text::{fit, pad, sanitize};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

/// Width of the key column in help.
const KEYS_W: usize = 16;
/// Most completions listed above the palette line.
const MAX_COMPLETIONS: usize = 8;

pub fn render(frame: &mut Frame, ui: &Ui, overlay: &Overlay) {
    match overlay {
        Overlay::Journal { .. } => return super::journal::render(frame, ui, overlay),
        Overlay::Activity => return super::project_activity::render(frame, ui),
        Overlay::Picker(_) => return super::picker::render(frame, ui, overlay),
        _ => {}
    }
    let s = ui.screen;
    let area = popup(frame, s, s.width.saturating_sub(4).min(88), s.height.saturating_sub(2));
    let t = ui.theme;
    let (title, lines, scroll, wrap) = match overlay {
        Overlay::Help { scroll } => (" Help ".to_string(), help_lines(ui), *scroll, false),
        Overlay::Messages { scroll } => (" Messages ".to_string(), message_lines(ui), *scroll, true),
        Overlay::Detail { title, text, scroll } => {
            let width = area.width.saturating_sub(10) as usize;
            let inner = area.width.saturating_sub(2) as usize;
            (format!(" {} ", fit(title, width)), detail_lines(text, inner), *scroll, false)
        }
        Overlay::Journal { .. } | Overlay::Activity | Overlay::Picker(_) => return,
    };
    let block = Block::bordered()
        .border_style(t.border_focused)
        .title(Line::styled(title, t.title))
        .title_bottom(Line::styled(super::overlay_hint(ui.model, "scroll", None, None), t.muted));
    let visible = block.inner(area).height as usize;
    let scroll = scroll.min(lines.len().saturating_sub(visible)).min(u16::MAX as usize) as u16;
    let mut para = Paragraph::new(lines).block(block).scroll((scroll, 0));
    if wrap {
        para = para.wrap(Wrap { trim: false });
    }
    frame.render_widget(para, area);
}

/// The current context's actions first, then every other context's, then the palette commands.
pub fn help_lines<'a>(ui: &Ui) -> Vec<Line<'a>> {
    let (m, t) = (ui.model, ui.theme);
    let current = ui.base_context();
    let mut shown: Vec<&'static ActionSpec> = Vec::new();
    let mut lines = Vec::new();
    type Rows<'k> = Vec<(&'static ActionSpec, &'k [KeySpec])>;
    let mut section = |lines: &mut Vec<Line<'a>>, title: &str, rows: Rows<'_>| {
        let rows: Vec<_> =
            rows.into_iter().filter(|(s, _)| !shown.iter().any(|x| std::ptr::eq(*x, *s))).collect();
        if rows.is_empty() {
            return;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(title.to_string(), t.heading));
        for (s, keys) in rows {
            shown.push(s);
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", pad(&label(keys), KEYS_W)), t.key),
                Span::raw(format!(" {}", s.desc)),
            ]));
        }
    };
    section(&mut lines, &format!("{} (here)", current.title()), m.keymap.for_context(current, m.read_only));
    let welcome = m.screen == crate::app::Screen::Welcome;
    // The welcome screen's keys only matter there.
    for ctx in CONTEXTS.into_iter().filter(|c| welcome || *c != Context::Welcome) {
        section(&mut lines, ctx.title(), m.keymap.rows_of(ctx, m.read_only));
    }
    lines.push(Line::default());
    lines.push(Line::styled("Commands (press : then type)", t.heading));
    for c in crate::app::palette::available(m.read_only) {
        let name = if c.args.is_empty() { format!(":{}", c.name) } else { format!(":{} {}", c.name, c.args) };
        lines.push(Line::from(vec![
            Span::styled(format!("  {}", pad(&name, KEYS_W + 12)), t.key),
            Span::raw(format!(" {}", c.desc)),
        ]));
    }
    lines
}

fn message_lines<'a>(ui: &Ui) -> Vec<Line<'a>> {
    let (m, t) = (ui.model, ui.theme);
    if m.messages.is_empty() {
        return vec![Line::styled("No messages yet", t.muted)];
    }
    m.messages
        .iter()
        .rev()
        .map(|msg| {
            let level = match msg.level {
                Level::Info => "info ",
                Level::Warn => "warn ",
                Level::Error => "error",
            };
            Line::from(vec![
                Span::styled(msg.at.format("%H:%M:%S ").to_string(), t.muted),
                Span::styled(level, t.level(msg.level)),
                Span::raw(" "),
                Span::raw(sanitize(&msg.text).into_owned()),
            ])
        })
        .collect()
}

/// The value's own lines, each made safe (a lone `\r` at a line end is dropped with the `\n`).
/// The value, hard-wrapped exactly as `update` counts it for scrolling.
fn detail_lines<'a>(text: &str, width: usize) -> Vec<Line<'a>> {
    crate::app::layout::wrap(text, width).into_iter().map(Line::raw).collect()
}

/// The `:` line over the hint bar, with matching commands listed above it.
pub fn palette(frame: &mut Frame, ui: &Ui, input: &TextInput, line_area: Rect) {
    if line_area.is_empty() {
        return;
    }
    let t = ui.theme;
    let found = matches(&input.text);
    let mut lines: Vec<Line> = found
        .iter()
        .take(MAX_COMPLETIONS)
        .map(|c| {
            let name = format!(":{} {}", c.name, c.args);
            Line::from(vec![
                Span::styled(pad(&name, 30), t.key),
                Span::styled(format!(" {}", c.desc), t.muted),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled("no such command · Tab lists commands", t.warn));
    }
    let width = line_area.width.min(72);
    let height = (lines.len() as u16 + 2).min(line_area.y.saturating_sub(ui.screen.y));
    if height > 2 {
        let area = Rect::new(line_area.x, line_area.y - height, width, height);
        frame.render_widget(ratatui::widgets::Clear, area);
        let block =
            Block::bordered().border_style(t.border_focused).title(Line::styled(" Commands ", t.title));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
    frame.render_widget(ratatui::widgets::Clear, line_area);
    let line = field::input_line(frame, line_area, Span::styled(":", t.accent), input, true, Vec::new());
    frame.render_widget(Paragraph::new(line), line_area);
}
