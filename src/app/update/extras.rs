//! Palette features over the person list: insight persons (`:funnel`, `:correlation`,
//! `:lifecycle`) with a breadcrumb, the project-wide `:activity`, and `:export`.
use super::list;
use crate::api::{ActivityPage, ActorsPage, ApiError, Page};
use crate::app::actions::Action;
use crate::app::dialog::Dialog;
use crate::app::insight::{InsightForm, InsightKind, InsightRequest};
use crate::app::model::{Export, ExportFormat, Level, Model, Overlay, PAGE_SIZE};
use crate::app::search::parse_query;
use crate::app::{Cmd, Slot};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Near the end of the activity overlay, the next page loads.
const MORE_MARGIN: usize = 10;

pub fn open_form(model: &mut Model, kind: InsightKind) -> Vec<Cmd> {
    model.dialog = Some(Dialog::Insight(InsightForm::new(kind, model.now.date_naive())));
    Vec::new()
}

/// Keys in an insight form: Tab moves, typing edits, Enter runs (or cancels on Cancel), Esc cancels.
pub fn form_key(model: &mut Model, mut f: InsightForm, key: KeyEvent) -> (Option<Dialog>, Vec<Cmd>) {
    let n = f.fields.len() + 2; // fields, Run, Cancel
    match key.code {
        KeyCode::Esc => return (None, Vec::new()),
        KeyCode::Tab | KeyCode::Down => f.focus = (f.focus + 1) % n,
        KeyCode::BackTab | KeyCode::Up => f.focus = (f.focus + n - 1) % n,
        KeyCode::Enter if f.focus == n - 1 => return (None, Vec::new()),
        KeyCode::Enter => match f.request() {
            Err(e) => f.error = Some(e),
            Ok(request) => return (None, start(model, request)),
        },
        _ => {
            if let Some(field) = f.fields.get_mut(f.focus)
                && super::fields::edit(&mut field.input, &key) == Some(true)
            {
                f.error = None;
            }
        }
    }
    (Some(Dialog::Insight(f)), Vec::new())
}

/// The list shows the insight's persons; Esc goes back to the search.
fn start(model: &mut Model, request: InsightRequest) -> Vec<Cmd> {
    model.list.generation += 1;
    model.list.loading = true;
    model.list.loading_more = false;
    model.list.error = None;
    model.list.source = request.breadcrumb();
    model.list.insight = Some(request.clone());
    model.busy.insert(Slot::List);
    super::focus(model, crate::app::model::Focus::List);
    vec![Cmd::LoadInsight { generation: model.list.generation, request }]
}

pub fn insight_loaded(
    model: &mut Model,
    generation: u64,
    append: bool,
    result: Result<ActorsPage, ApiError>,
) -> Vec<Cmd> {
    // PostHog's `count` is the page length, not a total: the list shows no total for insights.
    let page = result.map(|a| Page { results: a.persons, next: a.next, previous: None, count: None });
    list::loaded(model, generation, append, page)
}

/// `:activity`: every person's activity, newest first.
pub fn open_activity(model: &mut Model) -> Vec<Cmd> {
    let p = &mut model.project_activity;
    p.data = None;
    p.selected = 0;
    p.scroll = 0;
    p.error = None;
    p.loading = true;
    p.generation += 1;
    model.overlay = Some(Overlay::Activity);
    model.busy.insert(Slot::ProjectActivity);
    vec![Cmd::LoadProjectActivity { generation: model.project_activity.generation, next: None }]
}

pub fn activity_loaded(
    model: &mut Model,
    generation: u64,
    append: bool,
    result: Result<ActivityPage, ApiError>,
) -> Vec<Cmd> {
    let pane = &mut model.project_activity;
    super::history::absorb_activity(
        pane,
        &mut model.busy,
        &model.keymap,
        Slot::ProjectActivity,
        generation,
        append,
        result,
    );
    Vec::new()
}

/// Keys in the activity overlay: move, load more near the end, Enter opens the person.
pub fn activity_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let len = model.project_activity.data.as_ref().map_or(0, |f| f.items.len());
    let page = (model.height as usize).saturating_sub(8).max(1);
    let sel = model.project_activity.selected;
    let to = match action {
        Action::Down => sel + 1,
        Action::Up => sel.saturating_sub(1),
        Action::PageDown => sel + page,
        Action::PageUp => sel.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => len.saturating_sub(1),
        Action::Back | Action::Quit => {
            model.overlay = None;
            return Vec::new();
        }
        Action::Open => return open_entry(model),
        _ => return Vec::new(),
    };
    model.project_activity.selected = to.min(len.saturating_sub(1));
    // The popup shows its height less borders and the column header.
    let rows = (model.height as usize).saturating_sub(5);
    let p = &mut model.project_activity;
    p.scroll = crate::app::layout::follow(p.selected, p.scroll, rows);
    let p = &model.project_activity;
    match p.data.as_ref().and_then(|f| f.next.clone()) {
        Some(next) if !p.loading && p.error.is_none() && p.selected + MORE_MARGIN >= len => {
            model.project_activity.loading = true;
            model.busy.insert(Slot::ProjectActivity);
            vec![Cmd::LoadProjectActivity { generation: model.project_activity.generation, next: Some(next) }]
        }
        _ => Vec::new(),
    }
}

/// Enter on a project-wide entry: open its person when they still exist (the entry's item id is
/// the person's integer id; a deleted person is reported, not opened).
fn open_entry(model: &mut Model) -> Vec<Cmd> {
    let sel = model.project_activity.selected;
    let entry = model.project_activity.data.as_ref().and_then(|f| f.items.get(sel)).cloned();
    let Some(id) = entry.and_then(|e| e.item_id) else {
        model.push_message(Level::Warn, "This entry names no person");
        return Vec::new();
    };
    model.overlay = None;
    model.lookup_generation += 1;
    model.busy.insert(Slot::Lookup);
    vec![Cmd::FindPerson { generation: model.lookup_generation, query: id }]
}

/// `:export csv|json <file>`: the current search, all pages, into a new file readable only by you.
pub fn export(model: &mut Model, format: ExportFormat, file: &str) -> Vec<Cmd> {
    if model.list.insight.is_some() {
        model.push_message(
            Level::Warn,
            "Export works on searches; for insight persons use hogdex persons funnel|correlation|lifecycle --json",
        );
        return Vec::new();
    }
    if model.export.is_some() {
        model.push_message(Level::Warn, "An export is already running");
        return Vec::new();
    }
    let path = match file.strip_prefix("~/") {
        Some(rest) => {
            std::env::var_os("HOME").map_or_else(|| file.into(), |h| std::path::Path::new(&h).join(rest))
        }
        None => file.into(),
    };
    let query = match parse_query(&model.search.applied) {
        Ok(q) => q,
        Err(e) => {
            model.push_message(Level::Warn, e);
            return Vec::new();
        }
    };
    let mut params = query.params(PAGE_SIZE.max(1000));
    params.include_total = true;
    model.export = Some(Export { path: path.clone(), format, done: 0, total: model.list.total });
    model.push_message(Level::Info, format!("Exporting {} to {}…", model.list.source, path.display()));
    vec![Cmd::Export { format, path, params }]
}

pub fn export_progress(model: &mut Model, done: usize, total: Option<u64>) -> Vec<Cmd> {
    if let Some(e) = &mut model.export {
        e.done = done;
        e.total = total.or(e.total);
    }
    Vec::new()
}

pub fn export_done(model: &mut Model, result: Result<(std::path::PathBuf, usize), String>) -> Vec<Cmd> {
    model.export = None;
    match result {
        Ok((path, n)) => model.push_message(
            Level::Info,
            format!("Exported {n} persons to {} (readable only by you)", path.display()),
        ),
        Err(e) => model.push_message(Level::Error, format!("Export failed: {e}")),
    }
    Vec::new()
}
