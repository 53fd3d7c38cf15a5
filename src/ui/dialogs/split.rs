//! `S`: split a person. Mode "split all" (a radio picks the id that keeps the properties) or
//! "extract" (checkboxes pick the ids to move), and the warning with how many persons it creates.
use super::{Item, buttons, draw_items, frame_popup, inner_width, marker, width_for, wrapped};
use crate::app::dialog::{Field, SplitDialog, SplitKind};
use crate::text::{fit, pad};
use crate::ui::{Ui, thousands};
use ratatui::Frame;
use ratatui::text::{Line, Span};

/// Most ids listed at once (the list scrolls with its cursor).
const MAX_ROWS: usize = 8;

pub fn render(frame: &mut Frame, ui: &Ui, d: &SplitDialog, hints: &str) {
    let t = ui.theme;
    let outer = width_for(ui, 72);
    let w = inner_width(outer);
    let title = format!("Split persons — {}", d.target.name);
    let mut items = Vec::new();

    let mode_focused = d.focus == Field::Mode;
    let mut mode = vec![marker(ui, mode_focused), Span::styled("Mode  ", t.title)];
    for (kind, text) in [(SplitKind::All, "Split all distinct ids"), (SplitKind::Extract, "Extract some")] {
        if kind == d.kind {
            mode.push(Span::styled(format!("[{text}]"), if mode_focused { t.selection } else { t.accent }));
        } else {
            mode.push(Span::styled(format!(" {text} "), t.muted));
        }
        if kind == SplitKind::All {
            mode.push(Span::styled(" | ", t.muted));
        }
    }
    items.push(Item::Line(Line::from(mode)));
    let explain = match d.kind {
        SplitKind::All => "Every distinct id becomes its own person; (•) keeps the current properties.",
        SplitKind::Extract => "The checked ids move to new persons; the rest and the properties stay.",
    };
    items.push(Item::Blank);
    items.extend(wrapped(explain, w, t.muted, 2).into_iter().map(Item::Line));

    let ids = &d.target.distinct_ids;
    let ids_focused = d.focus == Field::Ids;
    let rows = ids.len().min(MAX_ROWS);
    let cursor = d.cursor.min(ids.len().saturating_sub(1));
    let scroll = (cursor + 1).saturating_sub(rows);
    for (i, id) in ids.iter().enumerate().skip(scroll).take(rows) {
        let on = match d.kind {
            SplitKind::All => d.main == i,
            SplitKind::Extract => d.chosen.contains(&i),
        };
        let mark = match (d.kind, on) {
            (SplitKind::All, true) => "(•)",
            (SplitKind::All, false) => "( )",
            (SplitKind::Extract, true) => "[x]",
            (SplitKind::Extract, false) => "[ ]",
        };
        let here = ids_focused && i == cursor;
        let text = pad(&format!("{mark} {}", fit(id, w.saturating_sub(6))), w.saturating_sub(2));
        items.push(Item::Line(Line::from(vec![
            marker(ui, here),
            Span::styled(text, if here { t.selection } else { t.text }),
        ])));
    }
    let hidden = ids.len() - rows;
    if hidden > 0 {
        let text = format!("  {} of {} ids shown · j/k scrolls", rows, thousands(ids.len() as u64));
        items.push(Item::Line(Line::styled(text, t.muted)));
    }
    items.push(Item::Blank);

    let ready = d.write();
    match &ready {
        Ok(_) => {
            let n = d.new_persons();
            let text = format!(
                "⚠ This creates {} new person{}. Charts may change, even historically.",
                thousands(n as u64),
                if n == 1 { "" } else { "s" }
            );
            items.extend(wrapped(&text, w, t.warn, 2).into_iter().map(Item::Line));
        }
        Err(why) => items.extend(wrapped(why, w, t.muted, 2).into_iter().map(Item::Line)),
    }
    items.push(Item::Blank);

    let height = items.iter().map(Item::height).sum::<u16>() + 3;
    let area = frame_popup(frame, ui, outer, height, &title, hints);
    let split = buttons(ui, "Split", d.focus, ready.is_ok(), false);
    draw_items(frame, ui, area, items, split);
}
