//! Demo cohorts: property-rule cohorts and static lists.

use rand::Rng;
use serde_json::json;

use super::person::rng_for;
use crate::sandbox::store::Store;
use crate::sandbox::store::cohorts::{Cohort, CohortRule};
use crate::sandbox::store::filters::parse_filters;

fn rules(json: serde_json::Value) -> CohortRule {
    CohortRule::Dynamic(parse_filters(&json.to_string()).expect("demo cohort rules parse"))
}

pub fn add(store: &mut Store, seed: u64, total: u32) {
    let mut beta = Vec::new();
    let mut churn = Vec::new();
    for index in 0..total {
        let mut rng = rng_for(seed, index, 5);
        let slot = index;
        if store.person(slot).is_none() {
            continue;
        }
        if rng.random_ratio(1, 50) {
            beta.push(slot);
        }
        if rng.random_ratio(1, 100) {
            churn.push(slot);
        }
    }
    let cohorts = [
        (
            "Paying customers",
            rules(
                json!([{"key": "plan", "value": ["pro", "startup", "enterprise"], "operator": "exact", "type": "person"}]),
            ),
        ),
        (
            "Enterprise accounts",
            rules(json!([{"key": "plan", "value": "enterprise", "operator": "exact", "type": "person"}])),
        ),
        (
            "UK users",
            rules(
                json!([{"key": "$geoip_country_code", "value": "GB", "operator": "exact", "type": "person"}]),
            ),
        ),
        (
            "Gmail users",
            rules(
                json!([{"key": "email", "value": "@gmail.com", "operator": "icontains", "type": "person"}]),
            ),
        ),
        (
            "Anonymous visitors",
            rules(
                json!([{"key": "email", "operator": "is_not_set", "value": "is_not_set", "type": "person"}]),
            ),
        ),
        ("Beta testers (static)", CohortRule::Static(beta)),
        ("Churn risk — manual list", CohortRule::Static(churn)),
    ];
    for (i, (name, rule)) in cohorts.into_iter().enumerate() {
        store.cohorts.push(Cohort {
            id: i as i64 + 1,
            name: name.into(),
            rule,
            count: Some(0),
            deleted: false,
        });
    }
    store.cohorts.push(Cohort {
        id: 8,
        name: "Recently active (calculating)".into(),
        rule: rules(json!([{"key": "plan", "operator": "is_set", "value": "is_set", "type": "person"}])),
        count: None,
        deleted: false,
    });
    store.cohorts.push(Cohort {
        id: 9,
        name: "Old import (deleted)".into(),
        rule: rules(json!([{"key": "plan", "operator": "is_set", "value": "is_set", "type": "person"}])),
        count: Some(0),
        deleted: true,
    });
}
