//! Cohorts: static ones list their members, dynamic ones are property rules.

use super::filters::PropertyFilter;

pub enum CohortRule {
    /// Sorted person slots.
    Static(Vec<u32>),
    /// All filters must match (AND).
    Dynamic(Vec<PropertyFilter>),
}

pub struct Cohort {
    pub id: i64,
    pub name: String,
    pub rule: CohortRule,
    /// Cached at start-up like PostHog's periodic recalculation; `None` while "calculating".
    pub count: Option<i64>,
    pub deleted: bool,
}
