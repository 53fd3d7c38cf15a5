//! Ids that may go into a URL path. Only integers and UUIDs become path segments; anything else
//! is a distinct id, which only ever travels in a query parameter.
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// A person id PostHog accepts in `/persons/{id}/`: the integer pk or the UUID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonId {
    Pk(i64),
    Uuid(Uuid),
}

impl PersonId {
    /// Parses an integer pk or a UUID; `None` for anything else (e.g. a distinct id).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>()
            && !s.starts_with('+')
        {
            return Some(PersonId::Pk(n));
        }
        Uuid::parse_str(s).ok().map(PersonId::Uuid)
    }
    /// The path segment: digits or a hyphenated lowercase UUID, nothing else.
    pub fn path_segment(&self) -> String {
        match self {
            PersonId::Pk(n) => n.to_string(),
            PersonId::Uuid(u) => u.hyphenated().to_string(),
        }
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path_segment())
    }
}

/// What a user typed to name a person: an id, or a distinct id to resolve with `?distinct_id=`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonRef {
    Id(PersonId),
    DistinctId(String),
}

impl FromStr for PersonRef {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match PersonId::parse(s) {
            Some(id) => PersonRef::Id(id),
            None => PersonRef::DistinctId(s.to_string()),
        })
    }
}

/// The project in `/api/projects/{project}/`: an integer or `@current`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProjectRef {
    #[default]
    Current,
    Id(i64),
}

impl ProjectRef {
    pub fn path_segment(&self) -> String {
        match self {
            ProjectRef::Current => "@current".into(),
            ProjectRef::Id(n) => n.to_string(),
        }
    }
}

impl FromStr for ProjectRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() || s == "@current" {
            return Ok(ProjectRef::Current);
        }
        s.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(ProjectRef::Id)
            .ok_or_else(|| format!("`{s}` is not a project id; use a number like 12345 or @current"))
    }
}

impl fmt::Display for ProjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path_segment())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ints_and_uuids_become_path_ids() {
        assert_eq!(PersonId::parse("42"), Some(PersonId::Pk(42)));
        let u = "0190f0c2-1111-7000-8000-000000000001";
        assert_eq!(PersonId::parse(u).unwrap().path_segment(), u);
        assert_eq!(PersonId::parse("../../users/@me"), None);
        assert_eq!(PersonId::parse("+42"), None);
        assert_eq!(
            "../../users/@me".parse::<PersonRef>().unwrap(),
            PersonRef::DistinctId("../../users/@me".into())
        );
    }

    #[test]
    fn project_refs() {
        assert_eq!("@current".parse::<ProjectRef>().unwrap(), ProjectRef::Current);
        assert_eq!("7".parse::<ProjectRef>().unwrap(), ProjectRef::Id(7));
        assert!("abc".parse::<ProjectRef>().is_err());
        assert!("-1".parse::<ProjectRef>().is_err());
    }
}
