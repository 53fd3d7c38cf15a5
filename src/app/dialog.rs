//! Dialogs for everything that writes: their state and pure logic (validation, the exact JSON
//! preview, the minimal diff of a whole-properties edit). Every dialog ends in `Write` values;
//! nothing here sends anything.
use super::input::TextInput;
use crate::api::{BulkTarget, DeleteOptions, PersonId, PersonListItem, SplitMode};
use crate::typed_value::ValueType;
use crate::writes::Write;
use ratatui_textarea::TextArea;
use serde_json::{Map, Value};

/// A multi-line editor (ratatui-textarea) that compares by content.
#[derive(Clone, Debug, Default)]
pub struct Editor(pub TextArea<'static>);

impl PartialEq for Editor {
    fn eq(&self, other: &Self) -> bool {
        self.0.lines() == other.0.lines()
    }
}

impl Editor {
    /// An editor holding `text`, with the cursor at its end (where an edit usually starts).
    pub fn with_text(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(String::from).collect();
        let mut area = TextArea::new(lines);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        Self(area)
    }
    pub fn text(&self) -> String {
        self.0.lines().join("\n")
    }
}

/// The person a dialog acts on, as shown to the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub uuid: String,
    pub name: String,
    pub distinct_ids: Vec<String>,
}

impl Target {
    pub fn id(&self) -> Option<PersonId> {
        PersonId::parse(&self.uuid)
    }
}

/// Which part of a dialog has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Key,
    Value,
    Type,
    Confirm,
    Option1,
    Option2,
    Mode,
    Ids,
    Ok,
    Cancel,
}

/// `e` (edit) or `a` (add) one property.
#[derive(Clone, Debug, PartialEq)]
pub struct PropertyDialog {
    pub target: Target,
    /// Adding a new key (the key is editable) rather than editing one.
    pub adding: bool,
    pub key: TextInput,
    pub value: Editor,
    pub value_type: ValueType,
    pub focus: Field,
    /// Why the last attempt failed (the typed text is kept; Enter retries).
    pub error: Option<String>,
    /// A write is in flight.
    pub sending: Option<u64>,
}

impl PropertyDialog {
    pub fn fields(&self) -> Vec<Field> {
        let mut f = Vec::new();
        if self.adding {
            f.push(Field::Key);
        }
        f.extend([Field::Value, Field::Type, Field::Ok, Field::Cancel]);
        f
    }

    /// The exact JSON value that would be sent, or why it cannot be.
    pub fn parsed(&self) -> Result<Value, String> {
        self.value_type.parse(&self.value.text())
    }

    /// The preview line: `{"key": "plan", "value": "pro"}` as sent to update_property.
    pub fn preview(&self) -> Result<String, String> {
        let key = self.key.text.trim();
        if key.is_empty() {
            return Err("the key is empty".into());
        }
        let value = self.parsed()?;
        Ok(serde_json::json!({ "key": key, "value": value }).to_string())
    }

    /// The write to send when the input is valid.
    pub fn write(&self, allow_dollar: bool) -> Result<Write, String> {
        let key = self.key.text.trim().to_string();
        if key.is_empty() {
            return Err("give the property a key".into());
        }
        if key.starts_with('$') && !allow_dollar {
            return Err(DOLLAR_READ_ONLY.into());
        }
        let value = self.parsed()?;
        let person = self.target.id().ok_or("this person has no usable id")?;
        Ok(Write::UpdateProperty { person, key, value })
    }
}

pub const DOLLAR_READ_ONLY: &str = "PostHog's own $-properties are read-only here, as in PostHog (allow_dollar_edits in the config overrides)";

/// `E`: the whole properties object as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonDialog {
    pub target: Target,
    /// The properties when the editor opened (the diff base).
    pub original: Map<String, Value>,
    pub editor: Editor,
    pub error: Option<String>,
}

/// The minimal change between two property objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PropertyDiff {
    /// Added or changed keys with their new values (in the edited order).
    pub set: Vec<(String, Option<Value>, Value)>,
    /// Removed keys with their old values.
    pub unset: Vec<(String, Value)>,
}

impl PropertyDiff {
    pub fn between(before: &Map<String, Value>, after: &Map<String, Value>) -> Self {
        let set = after
            .iter()
            .filter(|(k, v)| before.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), before.get(k).cloned(), v.clone()))
            .collect();
        let unset = before
            .iter()
            .filter(|(k, _)| !after.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self { set, unset }
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.unset.is_empty()
    }

    /// `$`-keys this diff touches.
    pub fn dollar_keys(&self) -> Vec<&str> {
        self.set
            .iter()
            .map(|(k, ..)| k.as_str())
            .chain(self.unset.iter().map(|(k, _)| k.as_str()))
            .filter(|k| k.starts_with('$'))
            .collect()
    }

    /// The fewest calls: one update_property for a single change, a PATCH for several, and one
    /// delete_property per removed key.
    pub fn writes(&self, person: PersonId) -> Vec<Write> {
        let mut out = Vec::new();
        match self.set.as_slice() {
            [] => {}
            [(key, _, value)] => {
                out.push(Write::UpdateProperty { person, key: key.clone(), value: value.clone() })
            }
            many => out.push(Write::PatchProperties {
                person,
                properties: many.iter().map(|(k, _, v)| (k.clone(), v.clone())).collect(),
            }),
        }
        out.extend(self.unset.iter().map(|(k, _)| Write::DeleteProperty { person, key: k.clone() }));
        out
    }
}

/// `D`: delete one person, or every marked person.
#[derive(Clone, Debug, PartialEq)]
pub struct DeleteDialog {
    pub persons: Vec<PersonListItem>,
    /// Marked persons the current search does not show.
    pub hidden_by_search: usize,
    pub delete_events: bool,
    pub delete_recordings: bool,
    pub confirm: TextInput,
    pub focus: Field,
}

impl DeleteDialog {
    pub fn bulk(&self) -> bool {
        self.persons.len() > 1
    }
    /// Typing `delete` is required for bulk deletes and whenever data beyond the profile goes.
    pub fn needs_typing(&self) -> bool {
        self.bulk() || self.delete_events || self.delete_recordings
    }
    pub fn confirmed(&self) -> bool {
        !self.needs_typing() || self.confirm.text.trim() == "delete"
    }
    pub fn fields(&self) -> Vec<Field> {
        let mut f = vec![Field::Option1, Field::Option2];
        if self.needs_typing() {
            f.push(Field::Confirm);
        }
        f.extend([Field::Ok, Field::Cancel]);
        f
    }
    pub fn options(&self) -> DeleteOptions {
        DeleteOptions {
            delete_events: self.delete_events,
            delete_recordings: self.delete_recordings,
            keep_person: false,
        }
    }
    pub fn write(&self) -> Option<Write> {
        let options = self.options();
        match self.persons.as_slice() {
            [] => None,
            [one] => PersonId::parse(one.uuid()).map(|person| Write::DeletePerson { person, options }),
            many => {
                let ids = many.iter().filter_map(|p| uuid::Uuid::parse_str(p.uuid()).ok()).collect();
                Some(Write::BulkDelete { target: BulkTarget::Ids(ids), options })
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitKind {
    /// Every distinct id becomes its own person; `main` keeps the properties.
    All,
    /// Only the chosen ids move off.
    Extract,
}

/// `S`: split a person with several distinct ids.
#[derive(Clone, Debug, PartialEq)]
pub struct SplitDialog {
    pub target: Target,
    pub kind: SplitKind,
    /// Index of the id that keeps the properties (split all).
    pub main: usize,
    /// Indices of the ids to move (extract).
    pub chosen: std::collections::BTreeSet<usize>,
    /// The highlighted id in the list.
    pub cursor: usize,
    pub focus: Field,
}

impl SplitDialog {
    /// How many persons the split creates.
    pub fn new_persons(&self) -> usize {
        match self.kind {
            SplitKind::All => self.target.distinct_ids.len().saturating_sub(1),
            SplitKind::Extract => self.chosen.len(),
        }
    }
    pub fn mode(&self) -> SplitMode {
        match self.kind {
            SplitKind::All => SplitMode::All { main: self.target.distinct_ids.get(self.main).cloned() },
            SplitKind::Extract => SplitMode::Extract(
                self.chosen.iter().filter_map(|i| self.target.distinct_ids.get(*i).cloned()).collect(),
            ),
        }
    }
    /// The write, once the choice is complete (extract needs at least one id, and not all of them).
    pub fn write(&self) -> Result<Write, String> {
        let person = self.target.id().ok_or("this person has no usable id")?;
        if self.kind == SplitKind::Extract {
            if self.chosen.is_empty() {
                return Err("choose the distinct ids to move (space)".into());
            }
            if self.chosen.len() == self.target.distinct_ids.len() {
                return Err("keep at least one distinct id on the person (or split all)".into());
            }
        }
        Ok(Write::Split { person, mode: self.mode() })
    }
}

/// A yes/no question about prepared writes (delete property, delete events, reset, a JSON diff,
/// restoring from the journal).
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmDialog {
    pub title: String,
    pub lines: Vec<String>,
    pub writes: Vec<Write>,
    /// The person to re-check once the writes are accepted, with what to expect.
    pub expect: Vec<(String, Expect)>,
    pub focus: Field,
}

/// What a write should make visible once PostHog has ingested it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// The property has this value (`None`: the property is gone).
    Property { key: String, value: Option<Value> },
    /// The person has exactly these distinct ids.
    DistinctIds(Vec<String>),
}

impl Expect {
    /// Whether two expectations are about the same thing (a newer one replaces the older).
    pub fn same_subject(&self, other: &Expect) -> bool {
        match (self, other) {
            (Expect::Property { key: a, .. }, Expect::Property { key: b, .. }) => a == b,
            (Expect::DistinctIds(_), Expect::DistinctIds(_)) => true,
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Property(PropertyDialog),
    Json(JsonDialog),
    Delete(DeleteDialog),
    Split(SplitDialog),
    Confirm(ConfirmDialog),
    /// `:funnel`, `:correlation`, `:lifecycle`.
    Insight(super::insight::InsightForm),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target() -> Target {
        Target {
            uuid: "0190f0c2-0000-7000-8000-000000000001".into(),
            name: "Ana".into(),
            distinct_ids: vec!["a".into(), "b".into(), "c".into()],
        }
    }

    fn prop(key: &str, value: &str, ty: ValueType) -> PropertyDialog {
        PropertyDialog {
            target: target(),
            adding: false,
            key: TextInput::new(key),
            value: Editor::with_text(value),
            value_type: ty,
            focus: Field::Value,
            error: None,
            sending: None,
        }
    }

    #[test]
    fn typed_values_preview_exactly_what_is_sent() {
        assert_eq!(
            prop("code", "007", ValueType::String).preview().unwrap(),
            r#"{"key":"code","value":"007"}"#
        );
        assert_eq!(prop("code", "007", ValueType::Number).preview().unwrap(), r#"{"key":"code","value":7}"#);
        assert!(prop("n", "abc", ValueType::Number).preview().unwrap_err().contains("not a number"));
        let w = prop("phone", "+44 20", ValueType::String).write(false).unwrap();
        assert!(matches!(w, Write::UpdateProperty { value, .. } if value == json!("+44 20")));
        assert_eq!(prop("$browser", "x", ValueType::String).write(false).unwrap_err(), DOLLAR_READ_ONLY);
        assert!(prop("$browser", "x", ValueType::String).write(true).is_ok());
        assert!(prop(" ", "x", ValueType::String).write(false).is_err());
    }

    #[test]
    fn diff_is_minimal() {
        let before = json!({"a": 1, "b": "x", "c": true}).as_object().unwrap().clone();
        let after = json!({"a": 1, "b": "y", "d": null}).as_object().unwrap().clone();
        let d = PropertyDiff::between(&before, &after);
        assert_eq!(d.set, vec![("b".into(), Some(json!("x")), json!("y")), ("d".into(), None, json!(null))]);
        assert_eq!(d.unset, vec![("c".into(), json!(true))]);
        let id = target().id().unwrap();
        let writes = d.writes(id);
        assert!(matches!(&writes[0], Write::PatchProperties { properties, .. } if properties.len() == 2));
        assert!(matches!(&writes[1], Write::DeleteProperty { key, .. } if key == "c"));
        let one = PropertyDiff::between(
            &before,
            &json!({"a": 2, "b": "x", "c": true}).as_object().unwrap().clone(),
        );
        assert!(matches!(one.writes(id).as_slice(), [Write::UpdateProperty { key, .. }] if key == "a"));
        assert!(PropertyDiff::between(&before, &before).is_empty());
    }

    #[test]
    fn delete_needs_typing_for_bulk_and_for_extra_data() {
        let p: PersonListItem =
            serde_json::from_value(json!({"id": "0190f0c2-0000-7000-8000-000000000001"})).unwrap();
        let mut d = DeleteDialog {
            persons: vec![p.clone()],
            hidden_by_search: 0,
            delete_events: false,
            delete_recordings: false,
            confirm: TextInput::default(),
            focus: Field::Cancel,
        };
        assert!(d.confirmed(), "a plain single delete needs no typing");
        d.delete_events = true;
        assert!(!d.confirmed());
        d.confirm.set("delete");
        assert!(d.confirmed());
        assert!(matches!(d.write(), Some(Write::DeletePerson { options, .. }) if options.delete_events));
        let mut p2 = p.clone();
        p2.id = "0190f0c2-0000-7000-8000-000000000002".into();
        let bulk =
            DeleteDialog { persons: vec![p, p2], confirm: TextInput::default(), delete_events: false, ..d };
        assert!(bulk.needs_typing() && !bulk.confirmed());
        assert!(
            matches!(bulk.write(), Some(Write::BulkDelete { target: BulkTarget::Ids(ids), .. }) if ids.len() == 2)
        );
    }

    #[test]
    fn split_counts_and_validates() {
        let mut s = SplitDialog {
            target: target(),
            kind: SplitKind::All,
            main: 1,
            chosen: Default::default(),
            cursor: 0,
            focus: Field::Cancel,
        };
        assert_eq!(s.new_persons(), 2);
        assert_eq!(s.mode(), SplitMode::All { main: Some("b".into()) });
        s.kind = SplitKind::Extract;
        assert!(s.write().is_err());
        s.chosen.insert(2);
        assert_eq!(s.new_persons(), 1);
        assert!(matches!(s.write(), Ok(Write::Split { mode: SplitMode::Extract(ids), .. }) if ids == ["c"]));
        s.chosen.extend([0, 1]);
        assert!(s.write().is_err(), "cannot move every id");
    }
}
