//! The search box language: plain words use PostHog's `search` (substring over email, name, UUID
//! and distinct ids); `email:` and `id:` are exact; `key=value`, `key!=value`, `key~text`, `key?`
//! and `key!?` are property filters. Tokens combine with AND; double quotes keep spaces.
use crate::api::{ListParams, PropertyFilter, parse_filter};

/// A parsed search, ready to become list parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub email: Option<String>,
    pub distinct_id: Option<String>,
    pub filters: Vec<PropertyFilter>,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.email.is_none() && self.distinct_id.is_none() && self.filters.is_empty()
    }

    /// The list request for this query's first page.
    pub fn params(&self, limit: u32) -> ListParams {
        ListParams {
            search: self.text.clone(),
            distinct_id: self.distinct_id.clone(),
            email: self.email.clone(),
            properties: self.filters.clone(),
            limit: Some(limit),
            offset: None,
            include_total: true,
        }
    }
}

/// Parses the search box. Errors say what is wrong; nothing is sent for a malformed query.
pub fn parse_query(input: &str) -> Result<SearchQuery, String> {
    let mut q = SearchQuery::default();
    let mut words = Vec::new();
    for token in tokenize(input)? {
        if let Some(rest) = token.strip_prefix("email:") {
            if rest.is_empty() {
                return Err("`email:` needs an address, e.g. email:ana@example.com".into());
            }
            set_once(&mut q.email, rest, "email:")?;
        } else if let Some(rest) = token.strip_prefix("id:") {
            if rest.is_empty() {
                return Err("`id:` needs a distinct id, e.g. id:user-42".into());
            }
            set_once(&mut q.distinct_id, rest, "id:")?;
        } else if is_filter(&token) {
            q.filters.push(parse_filter(&token).map_err(|e| e.to_string())?);
        } else {
            words.push(token);
        }
    }
    if !words.is_empty() {
        q.text = Some(words.join(" "));
    }
    Ok(q)
}

fn set_once(slot: &mut Option<String>, value: &str, prefix: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("`{prefix}` appears twice; PostHog matches one exact value"));
    }
    *slot = Some(value.to_string());
    Ok(())
}

fn is_filter(token: &str) -> bool {
    token.contains('=') || token.contains('~') || token.ends_with('?')
}

/// Splits on whitespace; `"…"` keeps spaces (quotes may appear mid-token: `name~"ana b"`).
fn tokenize(input: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                quoted = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if !cur.is_empty() || quoted {
                    tokens.push(std::mem::take(&mut cur));
                }
                quoted = false;
            }
            c => cur.push(c),
        }
    }
    if in_quotes {
        return Err("a `\"` is not closed".into());
    }
    if !cur.is_empty() || quoted {
        tokens.push(cur);
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Operator;

    #[test]
    fn plain_text_is_posthog_search() {
        let q = parse_query("  ali  ").unwrap();
        assert_eq!(q.text.as_deref(), Some("ali"));
        assert_eq!(parse_query("ana maria").unwrap().text.as_deref(), Some("ana maria"));
        assert!(parse_query("   ").unwrap().is_empty());
    }

    #[test]
    fn prefixes_are_exact_and_filters_combine() {
        let q = parse_query("email:a@b.com").unwrap();
        assert_eq!(q.email.as_deref(), Some("a@b.com"));
        assert_eq!(parse_query("id:user-42").unwrap().distinct_id.as_deref(), Some("user-42"));
        let q = parse_query("plan=pro country=DE name~ali phone? fax!? ana").unwrap();
        let ops: Vec<_> = q.filters.iter().map(|f| (f.key.as_str(), f.operator)).collect();
        assert_eq!(
            ops,
            [
                ("plan", Operator::Exact),
                ("country", Operator::Exact),
                ("name", Operator::Icontains),
                ("phone", Operator::IsSet),
                ("fax", Operator::IsNotSet)
            ]
        );
        assert_eq!(q.text.as_deref(), Some("ana"));
        let p = q.params(50);
        assert!(p.include_total);
        assert_eq!(p.properties.len(), 5);
    }

    #[test]
    fn quotes_keep_spaces() {
        let q = parse_query(r#"name~"ana b" "two words""#).unwrap();
        assert_eq!(q.filters[0].value, serde_json::json!("ana b"));
        assert_eq!(q.text.as_deref(), Some("two words"));
    }

    #[test]
    fn malformed_input_explains_itself() {
        for bad in ["=pro", "name~", "email:", "id:", "plan=\"pro", "email:a@b email:c@d", "?"] {
            let err = parse_query(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad}");
        }
        assert!(parse_query("=pro").unwrap_err().contains("no property key"));
        assert!(parse_query("plan=\"pro").unwrap_err().contains("not closed"));
    }
}
