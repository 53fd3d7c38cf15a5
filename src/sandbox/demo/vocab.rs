//! Demo vocabulary, compiled in from `assets/demo/`.

use std::sync::OnceLock;

pub struct City {
    pub code: &'static str,
    pub country: &'static str,
    pub city: &'static str,
    pub time_zone: &'static str,
}

pub struct Vocab {
    pub first_names: Vec<&'static str>,
    pub last_names: Vec<&'static str>,
    /// (company name, email domain)
    pub companies: Vec<(&'static str, &'static str)>,
    pub free_mail_domains: Vec<&'static str>,
    pub cities: Vec<City>,
    pub referring_domains: Vec<&'static str>,
    pub browsers: Vec<&'static str>,
    pub operating_systems: Vec<&'static str>,
    pub utm_sources: Vec<&'static str>,
    pub roles: Vec<&'static str>,
    pub pages: Vec<&'static str>,
    /// (first name, email) of the sandbox project's team; the first one owns the API key.
    pub team_members: Vec<(&'static str, &'static str)>,
    /// Values with control characters, bidi overrides, markup and very long text.
    pub hostile_values: Vec<String>,
}

fn lines(text: &'static str) -> Vec<&'static str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

fn pairs(text: &'static str) -> Vec<(&'static str, &'static str)> {
    lines(text).into_iter().filter_map(|l| l.split_once('|')).collect()
}

fn load() -> Vocab {
    let cities = lines(include_str!("../../../assets/demo/cities.txt"))
        .into_iter()
        .filter_map(|l| {
            let mut parts = l.split('|');
            Some(City {
                code: parts.next()?,
                country: parts.next()?,
                city: parts.next()?,
                time_zone: parts.next()?,
            })
        })
        .collect();
    Vocab {
        first_names: lines(include_str!("../../../assets/demo/first_names.txt")),
        last_names: lines(include_str!("../../../assets/demo/last_names.txt")),
        companies: pairs(include_str!("../../../assets/demo/companies.txt")),
        free_mail_domains: lines(include_str!("../../../assets/demo/email_domains.txt")),
        cities,
        referring_domains: lines(include_str!("../../../assets/demo/referring_domains.txt")),
        browsers: lines(include_str!("../../../assets/demo/browsers.txt")),
        operating_systems: lines(include_str!("../../../assets/demo/operating_systems.txt")),
        utm_sources: lines(include_str!("../../../assets/demo/utm_sources.txt")),
        roles: lines(include_str!("../../../assets/demo/roles.txt")),
        pages: lines(include_str!("../../../assets/demo/pages.txt")),
        team_members: pairs(include_str!("../../../assets/demo/team_members.txt")),
        hostile_values: serde_json::from_str(include_str!("../../../assets/demo/hostile_values.json"))
            .expect("assets/demo/hostile_values.json is a JSON array of strings"),
    }
}

pub fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(load)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_list_is_filled() {
        let v = super::vocab();
        for (name, len) in [
            ("first_names", v.first_names.len()),
            ("last_names", v.last_names.len()),
            ("companies", v.companies.len()),
            ("free_mail_domains", v.free_mail_domains.len()),
            ("cities", v.cities.len()),
            ("referring_domains", v.referring_domains.len()),
            ("browsers", v.browsers.len()),
            ("operating_systems", v.operating_systems.len()),
            ("utm_sources", v.utm_sources.len()),
            ("roles", v.roles.len()),
            ("pages", v.pages.len()),
            ("team_members", v.team_members.len()),
            ("hostile_values", v.hostile_values.len()),
        ] {
            assert!(len > 0, "{name} is empty");
        }
    }
}
