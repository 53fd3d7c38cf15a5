//! Insight persons in the person list: the `:funnel`, `:correlation` and `:lifecycle` forms, the
//! requests they build, and the breadcrumb that says where the list came from.
use super::input::TextInput;
use crate::api::{CorrelationParams, FunnelParams, LifecycleParams, LifecycleType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InsightKind {
    Funnel,
    Correlation,
    Lifecycle,
}

/// A filled-in insight request.
#[derive(Clone, Debug, PartialEq)]
pub enum InsightRequest {
    Funnel(FunnelParams),
    Correlation(CorrelationParams),
    Lifecycle(LifecycleParams),
}

impl InsightRequest {
    /// Where the list came from, e.g. "funnel $pageview → signed_up · converted at step 2".
    pub fn breadcrumb(&self) -> String {
        match self {
            InsightRequest::Funnel(f) => {
                let how = if f.step < 0 { "dropped off before step" } else { "converted at step" };
                format!("funnel {} · {how} {}", f.steps.join(" → "), f.step.abs())
            }
            InsightRequest::Correlation(c) => format!(
                "correlation {} · did {} · {}",
                c.funnel.steps.join(" → "),
                c.event,
                if c.converted { "converted" } else { "dropped off" }
            ),
            InsightRequest::Lifecycle(l) => {
                format!("lifecycle {} on {}", l.lifecycle_type.as_str(), l.target_date)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    pub label: &'static str,
    pub input: TextInput,
    pub hint: &'static str,
}

/// The small form a palette command opens.
#[derive(Clone, Debug, PartialEq)]
pub struct InsightForm {
    pub kind: InsightKind,
    pub fields: Vec<FormField>,
    /// Index of the focused field; `fields.len()` is Run, `+1` is Cancel.
    pub focus: usize,
    pub error: Option<String>,
}

fn field(label: &'static str, value: &str, hint: &'static str) -> FormField {
    FormField { label, input: TextInput::new(value), hint }
}

impl InsightForm {
    pub fn new(kind: InsightKind, today: chrono::NaiveDate) -> Self {
        let yesterday = (today - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        let fields = match kind {
            InsightKind::Funnel => vec![
                field("steps", "$pageview,signed_up,purchase", "event names, in order, comma-separated"),
                field("step", "2", "the step number (1 = first)"),
                field("dropped off", "no", "yes: persons who did not reach that step"),
                field("from", "-30d", "date or relative (-30d)"),
                field("to", "", "date or relative; empty: now"),
            ],
            InsightKind::Correlation => vec![
                field("steps", "$pageview,signed_up,purchase", "the funnel's events, comma-separated"),
                field("event", "$identify", "persons who also did this event"),
                field("converted", "yes", "no: persons who dropped off"),
                field("from", "-30d", "date or relative (-30d)"),
                field("to", "", "date or relative; empty: now"),
            ],
            InsightKind::Lifecycle => vec![
                field("target date", &yesterday, "YYYY-MM-DD (a period start)"),
                field("type", "new", "new, returning, resurrecting or dormant"),
                field("from", "-30d", "the range around the target date"),
            ],
        };
        Self { kind, fields, focus: 0, error: None }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            InsightKind::Funnel => "Funnel persons",
            InsightKind::Correlation => "Funnel correlation persons",
            InsightKind::Lifecycle => "Lifecycle persons",
        }
    }

    fn value(&self, i: usize) -> String {
        self.fields.get(i).map(|f| f.input.text.trim().to_string()).unwrap_or_default()
    }

    /// The request, or what is wrong with the form (nothing is sent then).
    pub fn request(&self) -> Result<InsightRequest, String> {
        let yes = |s: &str| matches!(s.to_ascii_lowercase().as_str(), "y" | "yes" | "true");
        let steps = || -> Result<Vec<String>, String> {
            let steps: Vec<String> =
                self.value(0).split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            if steps.len() < 2 { Err("a funnel needs at least two steps".into()) } else { Ok(steps) }
        };
        let from = |i: usize| Some(self.value(i)).filter(|v| !v.is_empty());
        match self.kind {
            InsightKind::Funnel => {
                let steps = steps()?;
                let n: i32 = self.value(1).parse().map_err(|_| "the step must be a number".to_string())?;
                if n < 1 || n as usize > steps.len() {
                    return Err(format!("the step must be between 1 and {}", steps.len()));
                }
                let dropped = yes(&self.value(2));
                if dropped && n == 1 {
                    return Err("nobody drops off before step 1; choose step 2 or later".into());
                }
                let step = if dropped { -n } else { n };
                Ok(InsightRequest::Funnel(FunnelParams {
                    steps,
                    step,
                    date_from: from(3),
                    date_to: from(4),
                    ..Default::default()
                }))
            }
            InsightKind::Correlation => {
                let steps = steps()?;
                let event = self.value(1);
                if event.is_empty() {
                    return Err("give the event to correlate".into());
                }
                let last = steps.len() as i32;
                let funnel = FunnelParams {
                    steps,
                    step: last,
                    date_from: from(3),
                    date_to: from(4),
                    ..Default::default()
                };
                Ok(InsightRequest::Correlation(CorrelationParams {
                    funnel,
                    event,
                    converted: yes(&self.value(2)),
                    ..Default::default()
                }))
            }
            InsightKind::Lifecycle => {
                let target_date = self.value(0);
                chrono::NaiveDate::parse_from_str(&target_date, "%Y-%m-%d")
                    .map_err(|_| format!("{target_date:?} is not a date (YYYY-MM-DD)"))?;
                let lifecycle_type: LifecycleType = self.value(1).parse().map_err(|e: String| e)?;
                Ok(InsightRequest::Lifecycle(LifecycleParams {
                    target_date,
                    lifecycle_type,
                    interval: None,
                    date_from: from(2),
                    date_to: None,
                    events: Vec::new(),
                    limit: None,
                    offset: None,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn forms_build_requests_and_explain_mistakes() {
        let f = InsightForm::new(InsightKind::Funnel, today());
        let InsightRequest::Funnel(p) = f.request().unwrap() else { panic!() };
        assert_eq!((p.steps.len(), p.step, p.date_to.clone()), (3, 2, None));
        let mut ranged = f.clone();
        ranged.fields[4].input.set("2026-11-20");
        assert!(
            matches!(ranged.request().unwrap(), InsightRequest::Funnel(p) if p.date_to.as_deref() == Some("2026-11-20"))
        );
        let mut dropped = f.clone();
        dropped.fields[2].input.set("yes");
        assert!(matches!(dropped.request().unwrap(), InsightRequest::Funnel(p) if p.step == -2));
        dropped.fields[1].input.set("1");
        assert!(dropped.request().unwrap_err().contains("step 2"));
        let mut bad = f.clone();
        bad.fields[0].input.set("$pageview");
        assert!(bad.request().unwrap_err().contains("two steps"));
        let l = InsightForm::new(InsightKind::Lifecycle, today());
        assert!(
            matches!(l.request().unwrap(), InsightRequest::Lifecycle(p) if p.target_date == "2026-11-27")
        );
        let mut bad = l.clone();
        bad.fields[1].input.set("zombie");
        assert!(bad.request().is_err());
        let c = InsightForm::new(InsightKind::Correlation, today());
        assert!(c.request().unwrap().breadcrumb().starts_with("correlation"));
    }
}
