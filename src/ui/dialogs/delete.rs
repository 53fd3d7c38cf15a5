//! `D`: delete one person (name, UUID, distinct ids) or every marked person (count, how many the
//! search hides, some names), with the events/recordings options, PostHog's warning about reusing
//! distinct ids, the typed `delete` confirmation when required, and the grace period.
use super::{
    Item, buttons, draw_items, frame_popup, inner_width, join_fit, marker, seconds, width_for, wrapped,
};
use crate::app::dialog::{DeleteDialog, Field};
use crate::text::{fit, width};
use crate::ui::list::person_name;
use crate::ui::{Ui, thousands};
use ratatui::Frame;
use ratatui::text::{Line, Span};

pub fn render(frame: &mut Frame, ui: &Ui, d: &DeleteDialog, hints: &str) {
    let (m, t) = (ui.model, ui.theme);
    let outer = width_for(ui, 72);
    let w = inner_width(outer);
    let n = d.persons.len();
    let name = |p: &crate::api::PersonListItem| person_name(m, p);
    let title =
        if d.bulk() { format!("Delete {} persons", thousands(n as u64)) } else { "Delete person".into() };

    let mut items = Vec::new();
    match d.persons.as_slice() {
        [] => items.push(Item::Line(Line::styled("No person selected", t.muted))),
        [p] => {
            let shown = name(p);
            let mut head = vec![Span::styled(fit(&shown, w), t.accent)];
            if let Some(serde_json::Value::String(email)) = p.properties.get("email")
                && *email != shown
            {
                let room = w.saturating_sub(width(&head[0].content) + 3);
                head.push(Span::styled(format!(" · {}", fit(email, room)), t.muted));
            }
            items.push(Item::Line(Line::from(head)));
            items.push(Item::Line(Line::from(vec![
                Span::styled("uuid  ", t.muted),
                Span::raw(fit(p.uuid(), w.saturating_sub(6))),
            ])));
            let ids = if p.distinct_ids.is_empty() {
                "none".to_string()
            } else {
                join_fit(&p.distinct_ids, w.saturating_sub(6), " · ")
            };
            items.push(Item::Line(Line::from(vec![Span::styled("ids   ", t.muted), Span::raw(ids)])));
        }
        many => {
            let names: Vec<String> = many.iter().map(name).collect();
            let lead = format!("{} persons: ", thousands(n as u64));
            items.push(Item::Line(Line::from(vec![
                Span::styled(lead.clone(), t.accent),
                Span::raw(join_fit(&names, w.saturating_sub(lead.len()), ", ")),
            ])));
            if d.hidden_by_search > 0 {
                let hidden = d.hidden_by_search;
                let text = format!(
                    "⚠ {} of them {} not in the current search",
                    thousands(hidden as u64),
                    if hidden == 1 { "is" } else { "are" }
                );
                items.extend(wrapped(&text, w, t.warn, 2).into_iter().map(Item::Line));
            }
        }
    }
    items.push(Item::Blank);

    for (field, on, text) in [
        (Field::Option1, d.delete_events, "also delete events"),
        (Field::Option2, d.delete_recordings, "also delete recordings"),
    ] {
        let focused = d.focus == field;
        let text = format!("[{}] {text}", if on { "x" } else { " " });
        items.push(Item::Line(Line::from(vec![
            marker(ui, focused),
            Span::styled(text, if focused { t.selection } else { t.text }),
        ])));
    }
    let note = "PostHog deletes events and recordings later, on a schedule (off-peak batches).";
    items.extend(wrapped(note, w.saturating_sub(2), t.muted, 2).into_iter().map(|l| {
        let mut spans = vec![Span::raw("  ")];
        spans.extend(l.spans);
        Item::Line(Line::from(spans).style(t.muted))
    }));
    items.push(Item::Blank);
    let warning = "⚠ Deleted persons' distinct ids cannot be reused — use split instead";
    items.extend(wrapped(warning, w, t.warn, 2).into_iter().map(Item::Line));

    items.push(Item::Blank);
    if d.needs_typing() {
        let focused = d.focus == Field::Confirm;
        let label = format!("{}type delete to confirm: ", if focused { "▶ " } else { "  " });
        let after = if d.confirmed() { vec![Span::styled("  ✓", t.success)] } else { Vec::new() };
        items.push(Item::Input {
            label: Span::styled(label, if focused { t.accent } else { t.title }),
            input: &d.confirm,
            focused,
            after,
        });
    }
    let grace = if m.grace.is_zero() {
        "sent at once (no grace period)".to_string()
    } else {
        let undo = m.keymap.first_key(crate::app::actions::Action::Undo, crate::app::actions::Context::List);
        format!("sent after a {} grace period — {undo} undoes", seconds(m.grace))
    };
    items.push(Item::Line(Line::styled(grace, t.muted)));
    items.push(Item::Blank);

    let height = items.iter().map(Item::height).sum::<u16>() + 3;
    let area = frame_popup(frame, ui, outer, height, &title, hints);
    let delete = buttons(ui, "Delete", d.focus, d.confirmed() && !d.persons.is_empty(), true);
    draw_items(frame, ui, area, items, delete);
}
