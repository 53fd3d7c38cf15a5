//! Reading persons: the list query (filters, search, paging) and cohort membership.

use super::Store;
use super::cohorts::{Cohort, CohortRule};
use super::filters::{Needle, PropertyFilter, key_sym, person_filter_matches};
use super::person::Person;
use super::props::Sym;

/// What `GET /persons/` asked for. All conditions combine with AND.
#[derive(Default)]
pub struct ListQuery {
    pub distinct_id: Option<String>,
    pub email: Option<String>,
    pub search: Option<Needle>,
    pub filters: Vec<PropertyFilter>,
    pub limit: usize,
    pub offset: usize,
    pub want_total: bool,
}

impl ListQuery {
    fn is_unfiltered(&self) -> bool {
        self.distinct_id.is_none() && self.email.is_none() && self.search.is_none() && self.filters.is_empty()
    }
}

impl Store {
    /// Returns the page's slots and, when asked, the number of matching persons.
    pub fn list(&self, q: &ListQuery) -> (Vec<u32>, Option<usize>) {
        if q.is_unfiltered() {
            let page = self.order.iter().skip(q.offset).take(q.limit).copied().collect();
            return (page, q.want_total.then_some(self.order.len()));
        }
        if let Some(id) = &q.distinct_id {
            let syms = self.search_syms();
            let hit = self.slot_by_distinct_id(id).filter(|slot| self.matches(*slot, q, syms));
            let total = usize::from(hit.is_some());
            let page = hit.into_iter().skip(q.offset).take(q.limit).collect();
            return (page, q.want_total.then_some(total));
        }
        let syms = self.search_syms();
        let mut matching = self.order.iter().copied().filter(|s| self.matches(*s, q, syms));
        let skipped = matching.by_ref().take(q.offset).count();
        let page: Vec<u32> = matching.by_ref().take(q.limit).collect();
        let total = q.want_total.then(|| skipped + page.len() + matching.count());
        (page, total)
    }

    /// The symbols of `email` and `name`, looked up once per query.
    fn search_syms(&self) -> [Option<Sym>; 2] {
        [self.interner.lookup("email"), self.interner.lookup("name")]
    }

    fn matches(&self, slot: u32, q: &ListQuery, syms: [Option<Sym>; 2]) -> bool {
        let Some(person) = self.person(slot) else {
            return false;
        };
        if let Some(email) = &q.email {
            let have =
                syms[0].and_then(|sym| person.props.get(sym)).and_then(|v| v.view(&self.interner).as_text());
            if have.as_deref() != Some(email.as_str()) {
                return false;
            }
        }
        if let Some(needle) = &q.search {
            if !self.search_matches(person, needle, syms) {
                return false;
            }
        }
        q.filters.iter().all(|f| self.filter_matches(slot, person, f))
    }

    /// `search`: ILIKE over email, name, the UUID and every distinct id.
    pub fn search_matches(&self, person: &Person, needle: &Needle, syms: [Option<Sym>; 2]) -> bool {
        for sym in syms.into_iter().flatten() {
            let text = person.props.get(sym).and_then(|v| v.view(&self.interner).as_text());
            if text.is_some_and(|t| needle.is_in(&t)) {
                return true;
            }
        }
        let mut buf = uuid::Uuid::encode_buffer();
        if needle.is_in(person.uuid.hyphenated().encode_lower(&mut buf)) {
            return true;
        }
        person.distinct_ids.iter().any(|id| needle.is_in(id))
    }

    pub fn filter_matches(&self, slot: u32, person: &Person, filter: &PropertyFilter) -> bool {
        match filter {
            PropertyFilter::Person { key, op, values, patterns, needles, sym } => {
                let key = key_sym(&self.interner, key, sym);
                person_filter_matches(person, &self.interner, key, op, values, patterns, needles)
            }
            PropertyFilter::Cohort { id, negate } => {
                let member = id
                    .and_then(|id| self.cohorts.iter().find(|c| c.id == id && !c.deleted))
                    .is_some_and(|c| self.in_cohort(slot, person, c));
                member != *negate
            }
        }
    }

    pub fn in_cohort(&self, slot: u32, person: &Person, cohort: &Cohort) -> bool {
        match &cohort.rule {
            CohortRule::Static(members) => members.binary_search(&slot).is_ok(),
            CohortRule::Dynamic(filters) => filters.iter().all(|f| match f {
                PropertyFilter::Cohort { .. } => false,
                other => self.filter_matches(slot, person, other),
            }),
        }
    }

    /// Non-deleted cohorts the person belongs to, by id.
    pub fn cohorts_of(&self, slot: u32) -> Vec<&Cohort> {
        let Some(person) = self.person(slot) else {
            return Vec::new();
        };
        let mut out: Vec<&Cohort> =
            self.cohorts.iter().filter(|c| !c.deleted && self.in_cohort(slot, person, c)).collect();
        out.sort_by_key(|c| c.id);
        out
    }

    /// Cohort counts are computed on first use (like PostHog's periodic recalculation,
    /// they are not kept live afterwards).
    pub fn ensure_cohort_counts(&mut self) {
        if !self.cohort_counts_fresh {
            self.recount_cohorts();
            self.cohort_counts_fresh = true;
        }
    }

    fn recount_cohorts(&mut self) {
        let counts: Vec<Option<i64>> = self
            .cohorts
            .iter()
            .map(|c| {
                c.count.map(|_| match &c.rule {
                    CohortRule::Static(members) => {
                        members.iter().filter(|s| self.person(**s).is_some()).count() as i64
                    }
                    CohortRule::Dynamic(_) => self
                        .order
                        .iter()
                        .filter(|s| self.person(**s).is_some_and(|p| self.in_cohort(**s, p, c)))
                        .count() as i64,
                })
            })
            .collect();
        for (cohort, count) in self.cohorts.iter_mut().zip(counts) {
            cohort.count = count;
        }
    }
}
