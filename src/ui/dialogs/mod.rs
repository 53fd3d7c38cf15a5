//! Dialogs for everything that writes (`app::dialog`): property edit/add, whole-JSON edit, person
//! deletion, split, and yes/no confirmations; and the insight forms (`:funnel` …). Each is a
//! centred popup over the screen, drawn from the dialog's state alone; the keys shown in its
//! bottom border are the ones `keys` returns, which the hint bar shows too. Only `ui` imports this.
mod confirm;
mod delete;
mod insight;
mod json;
mod property;
mod split;

use super::{Ui, field, popup};
use crate::app::dialog::{Dialog, Editor, Field};
use crate::app::input::TextInput;
use crate::text::{fit, is_unsafe_char, sanitize, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

/// Said under an editor whose text holds characters a terminal must not receive (they are drawn as
/// `�` or not at all, and kept as they are unless deleted).
const HIDDEN_CHARS: &str = "⚠ the text holds control or bidi characters the editor cannot show (drawn as � or hidden); they are kept unless deleted";

/// Draws the open dialog over everything below it.
pub fn render(frame: &mut Frame, ui: &Ui, dialog: &Dialog) {
    if ui.screen.is_empty() {
        return;
    }
    let hints = keys(dialog).iter().map(|(k, d)| format!("{k} {d}")).collect::<Vec<_>>().join(" · ");
    match dialog {
        Dialog::Property(d) => property::render(frame, ui, d, &hints),
        Dialog::Json(d) => json::render(frame, ui, d, &hints),
        Dialog::Delete(d) => delete::render(frame, ui, d, &hints),
        Dialog::Split(d) => split::render(frame, ui, d, &hints),
        Dialog::Confirm(d) => confirm::render(frame, ui, d, &hints),
        Dialog::Insight(f) => insight::render(frame, ui, f, &hints),
    }
}

/// The keys that work in the dialog right now, `(key, what it does)`, most important first.
pub fn keys(dialog: &Dialog) -> Vec<(&'static str, &'static str)> {
    match dialog {
        Dialog::Insight(f) => {
            let enter = if f.focus == f.fields.len() + 1 { "cancel" } else { "run" };
            vec![("Tab", "next field"), ("Enter", enter), ("Esc", "cancel")]
        }
        Dialog::Property(d) => {
            let mut k = vec![("Tab", "next field"), ("ctrl-t", "type")];
            if d.focus == Field::Type {
                k.push(("←/→", "type"));
            }
            let enter = if d.focus == Field::Cancel { "cancel" } else { "save" };
            k.extend([("Enter", enter), ("Esc", "cancel")]);
            k
        }
        Dialog::Json(_) => vec![("ctrl-s", "review changes"), ("Esc", "cancel")],
        Dialog::Delete(d) => {
            let mut k = vec![("Tab", "next")];
            if matches!(d.focus, Field::Option1 | Field::Option2) {
                k.push(("space", "toggle"));
            }
            let enter = if d.focus == Field::Cancel { "cancel" } else { "delete" };
            k.extend([("Enter", enter), ("Esc", "cancel")]);
            k
        }
        Dialog::Split(d) => {
            let mut k = vec![("Tab", "next")];
            match d.focus {
                Field::Mode => k.push(("←/→", "mode")),
                Field::Ids => k.extend([("j/k", "move"), ("space", "choose")]),
                _ => {}
            }
            let enter = if d.focus == Field::Cancel { "cancel" } else { "split" };
            k.extend([("Enter", enter), ("Esc", "cancel")]);
            k
        }
        Dialog::Confirm(d) => {
            let enter = if d.focus == Field::Ok { "confirm" } else { "cancel" };
            vec![("Tab", "switch"), ("Enter", enter), ("Esc", "cancel")]
        }
    }
}

/// The popup with its border, title and key hints; returns the area inside it, with one column of
/// padding on each side.
fn frame_popup(frame: &mut Frame, ui: &Ui, width: u16, height: u16, title: &str, hints: &str) -> Rect {
    let t = ui.theme;
    let area = popup(frame, ui.screen, width, height);
    let room = (area.width as usize).saturating_sub(4);
    let block = Block::bordered()
        .border_style(t.border_focused)
        .title(Line::styled(format!(" {} ", fit(title, room.saturating_sub(2))), t.title))
        .title_bottom(Line::styled(format!(" {} ", fit(hints, room.saturating_sub(2))), t.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    Rect { x: inner.x.saturating_add(1), width: inner.width.saturating_sub(2), ..inner }
}

/// A dialog's width: `want`, but never wider than the screen less a margin.
fn width_for(ui: &Ui, want: u16) -> u16 {
    want.min(ui.screen.width.saturating_sub(4)).max(ui.screen.width.min(20))
}

/// The inner width (text columns) of a dialog `outer` wide.
fn inner_width(outer: u16) -> usize {
    outer.saturating_sub(4) as usize
}

/// Lays rows out top to bottom inside an area, clipping what does not fit.
struct Stack {
    area: Rect,
    y: u16,
}

impl Stack {
    fn new(area: Rect) -> Self {
        Self { area, y: area.y }
    }

    /// The next `h` rows (fewer, or none, when the area is used up).
    fn take(&mut self, h: u16) -> Rect {
        let h = h.min(self.area.bottom().saturating_sub(self.y));
        let r = Rect { y: self.y, height: h, ..self.area };
        self.y += h;
        r
    }

    fn line(&mut self, frame: &mut Frame, line: Line) {
        let r = self.take(1);
        if !r.is_empty() {
            frame.render_widget(Paragraph::new(line), r);
        }
    }

    fn blank(&mut self) {
        self.take(1);
    }
}

/// What a dialog shows, row by row, so its height is known before it is drawn.
enum Item<'a> {
    Line(Line<'a>),
    Blank,
    /// A one-line text field after a label; the terminal cursor sits in it when focused.
    Input {
        label: Span<'a>,
        input: &'a TextInput,
        focused: bool,
        after: Vec<Span<'a>>,
    },
    /// A bordered multi-line editor `rows` high inside its border.
    Editor {
        title: Line<'a>,
        editor: &'a Editor,
        focused: bool,
        rows: u16,
    },
}

impl Item<'_> {
    fn height(&self) -> u16 {
        match self {
            Item::Editor { rows, .. } => rows + 2,
            _ => 1,
        }
    }
}

/// Draws `items` from the top of `area` and the buttons on its last row.
fn draw_items(frame: &mut Frame, ui: &Ui, area: Rect, items: Vec<Item>, buttons: Line) {
    if area.is_empty() {
        return;
    }
    let body = Rect { height: area.height - 1, ..area };
    let mut stack = Stack::new(body);
    for item in items {
        match item {
            Item::Line(l) => stack.line(frame, l),
            Item::Blank => stack.blank(),
            Item::Input { label, input, focused, after } => {
                let r = stack.take(1);
                if !r.is_empty() {
                    let line = field::input_line(frame, r, label, input, focused, after);
                    frame.render_widget(Paragraph::new(line), r);
                }
            }
            Item::Editor { title, editor, focused, rows } => {
                let r = stack.take(rows + 2);
                draw_editor(frame, ui, r, title, editor, focused);
            }
        }
    }
    let row = Rect { y: area.bottom() - 1, height: 1, ..area };
    frame.render_widget(Paragraph::new(buttons).centered(), row);
}

/// The textarea in a bordered box. With focus it shows its own cursor; without, a copy is drawn
/// with no cursor so only the focused field looks editable.
fn draw_editor(frame: &mut Frame, ui: &Ui, area: Rect, title: Line, editor: &Editor, focused: bool) {
    if area.is_empty() {
        return;
    }
    let t = ui.theme;
    let block =
        Block::bordered().border_style(if focused { t.border_focused } else { t.border }).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    draw_textarea(frame, inner, editor, focused);
}

/// The bare textarea (no border). Cells that would put an unsafe character (control, bidi
/// override) on screen are replaced with a visible `�`.
fn draw_textarea(frame: &mut Frame, area: Rect, editor: &Editor, focused: bool) {
    if area.is_empty() {
        return;
    }
    if focused {
        // The textarea itself, so its scroll position follows the cursor from frame to frame.
        frame.render_widget(&editor.0, area);
    } else {
        let mut copy = editor.0.clone();
        copy.set_cursor_style(Style::new());
        copy.set_cursor_line_style(Style::new());
        frame.render_widget(&copy, area);
    }
    scrub(frame, area);
}

fn scrub(frame: &mut Frame, area: Rect) {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            if cell.symbol().chars().any(is_unsafe_char) {
                cell.set_symbol("�");
            }
        }
    }
}

/// `[ label ]` styled by focus and by whether it can be pressed.
fn button<'a>(ui: &Ui, label: &str, focused: bool, enabled: bool, danger: bool) -> Span<'a> {
    let t = ui.theme;
    let style = match (enabled, focused, danger) {
        (true, true, true) => t.danger_focused,
        (true, true, false) => t.selection,
        (true, false, true) => t.danger,
        (true, false, false) => t.text,
        (false, true, _) => t.disabled.add_modifier(Modifier::REVERSED),
        (false, false, _) => t.disabled,
    };
    Span::styled(format!("[ {label} ]"), style)
}

/// The OK-like button and Cancel, two spaces apart.
fn buttons<'a>(ui: &Ui, ok: &str, focus: Field, enabled: bool, danger: bool) -> Line<'a> {
    Line::from(vec![
        button(ui, ok, focus == Field::Ok, enabled, danger),
        Span::raw("  "),
        button(ui, "Cancel", focus == Field::Cancel, true, false),
    ])
}

/// The gutter in front of a field: `▶ ` when it has focus.
fn marker<'a>(ui: &Ui, focused: bool) -> Span<'a> {
    if focused { Span::styled("▶ ", ui.theme.accent) } else { Span::raw("  ") }
}

/// Greedy word wrap of untrusted text to `max` columns (long words are cut), each line made safe.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let safe = sanitize(text);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in safe.split(' ') {
        let w = width(word);
        if used > 0 && used + 1 + w <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            out.push(std::mem::take(&mut line));
        }
        // A word longer than the line is cut into pieces.
        let mut piece = String::new();
        let mut pw = 0;
        for c in word.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]));
            if pw + cw > max && pw > 0 {
                out.push(std::mem::take(&mut piece));
                pw = 0;
            }
            piece.push(c);
            pw += cw;
        }
        line = piece;
        used = pw;
    }
    out.push(line);
    out
}

/// Wrapped lines of `text` in one style, at most `limit` of them (the last ends in `…` if cut).
fn wrapped<'a>(text: &str, max: usize, style: Style, limit: usize) -> Vec<Line<'a>> {
    let mut lines = wrap(text, max);
    if lines.len() > limit {
        lines.truncate(limit.max(1));
        if let Some(last) = lines.last_mut() {
            *last = fit(&format!("{last}…"), max);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

/// Untrusted names joined with `sep` within `max` columns, then `+N more`.
fn join_fit(items: &[String], max: usize, sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let rest = items.len() - i - 1;
        let more = if rest > 0 { format!("{sep}+{rest} more") } else { String::new() };
        // Each item is cut so one long name cannot crowd out the others.
        let piece = fit(item, (max / 3).clamp(8, 40));
        let add = if out.is_empty() { piece.clone() } else { format!("{sep}{piece}") };
        if width(&out) + width(&add) + width(&more) > max {
            let more = format!("+{} more", items.len() - i);
            return if out.is_empty() { fit(&more, max) } else { format!("{out}{sep}{more}") };
        }
        out.push_str(&add);
    }
    out
}

/// `5 s`, `1.5 s`.
fn seconds(d: std::time::Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

#[cfg(test)]
mod tests;
