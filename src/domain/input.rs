//! The rules every input obeys, in one place: lists, text and dates.
//!
//! - **Lists**: at most [`MAX_LIST`] values in any list of any input (filter criteria, linked
//!   records, themes, a sync's `ingetrokken`; a sync batch has its own maximum of 1000 items).
//! - **Text**: no control characters (Unicode category Cc, NUL included); free text
//!   ([`FREE_TEXT_FIELDS`]: descriptions) may hold tab, line feed and carriage return. Every string
//!   has a maximum length in characters: its field's own (declared with the input type, fitting
//!   the database column) or, for strings without one (ids, codes, keys), [`MAX_LINE`];
//!   free text [`MAX_FREE_TEXT`].
//! - **Dates**: between [`FIRST_DATE`] and [`LAST_DATE`] inclusive, in inputs, filters
//!   and syncs alike (both databases store and order those the same way); so are the moments
//!   (`DateTime`, in UTC) of filters.
//!
//! [`form`] applies all of them to an input as GraphQL sees it (its `to_value()`), so a new
//! field of an input type is checked without anyone remembering to: the resolvers run it before
//! they open a write session, in time linear in the input's size, and report each problem with
//! the path of its field.

use crate::error::FieldProblem;
use async_graphql::Value;
use chrono::NaiveDate;

/// The most values in one list of an input.
pub const MAX_LIST: usize = 1000;
/// The longest free text (descriptions), in characters.
pub const MAX_FREE_TEXT: usize = 4000;
/// The longest string of a field without a maximum of its own (ids, theme codes, keys).
pub const MAX_LINE: usize = 500;
/// The earliest date an input may hold.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
/// The latest date an input may hold.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2999, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};
/// Fields of free text: they may hold tabs and line breaks.
pub const FREE_TEXT_FIELDS: &[&str] = &["beschrijving", "omschrijving"];
/// Fields that hold a `Date`.
pub const DATE_FIELDS: &[&str] = &[
    "startdatum",
    "einddatum",
    "startdatumVanaf",
    "startdatumTotEnMet",
    "einddatumVanaf",
    "einddatumTotEnMet",
];

/// Fields that hold a `DateTime` (filters): their moment in UTC must lie within the same dates.
pub const DATETIME_FIELDS: &[&str] = &["gewijzigdSinds", "vanaf", "tot"];

/// The maximum length of text fields of an input type: (path without list indexes, maximum),
/// e.g. `("contactpersoon.naam", 200)`, `("opdrachten.naam", 300)`.
pub type Maxima = [(&'static str, usize)];

/// The maxima of a contact person (`contactpersoon.naam`, `contactpersoon.email`).
pub const CONTACTPERSOON: &Maxima = &[("contactpersoon.naam", 200), ("contactpersoon.email", 254)];

/// What is wrong with a text, if anything: a control character (outside tab and line breaks in
/// free text) or more than `max` characters. One pass over the text.
pub fn text_problem(value: &str, free: bool, max: usize) -> Option<String> {
    let mut length = 0usize;
    let mut forbidden = None;
    for c in value.chars() {
        length += 1;
        if forbidden.is_none() && c.is_control() && !(free && matches!(c, '\t' | '\n' | '\r')) {
            forbidden = Some((c, length));
        }
    }
    if let Some((c, position)) = forbidden {
        return Some(if free {
            format!(
                "must not contain control characters other than tab and line breaks (found \
                 U+{:04X} at character {position})",
                c as u32
            )
        } else {
            format!(
                "must be one line of text without control characters (found U+{:04X} at \
                 character {position})",
                c as u32
            )
        });
    }
    (length > max).then(|| format!("must be at most {max} characters (this one has {length})"))
}

/// What is wrong with a date, if anything: outside [`FIRST_DATE`] ..= [`LAST_DATE`].
pub fn date_problem(date: NaiveDate) -> Option<String> {
    (!(FIRST_DATE..=LAST_DATE).contains(&date))
        .then(|| format!("must be between {FIRST_DATE} and {LAST_DATE} (this one is {date})"))
}

/// What is wrong with a list of `count` values, if anything.
pub fn list_problem(count: usize, max: usize) -> Option<String> {
    (count > max).then(|| format!("holds at most {max} values (this one has {count}); send fewer"))
}

/// Checks every list, string and date in `value` (an input's `to_value()`), reporting each
/// problem with its path below `path`. `maxima` gives the text fields' own maximum lengths, by
/// path below `path` without list indexes. A list over the maximum is reported once and not
/// looked into, so the work stays linear in the input's size.
pub fn form(path: &str, value: &Value, maxima: &[&Maxima], out: &mut Vec<FieldProblem>) {
    form_at(path, "", "", value, maxima, out);
}

fn form_at(
    path: &str,
    key: &str,
    field: &str,
    value: &Value,
    maxima: &[&Maxima],
    out: &mut Vec<FieldProblem>,
) {
    let report = |out: &mut Vec<FieldProblem>, message: String| {
        out.push(FieldProblem {
            field: path.to_owned(),
            message,
        })
    };
    match value {
        Value::List(list) => {
            if let Some(m) = list_problem(list.len(), MAX_LIST) {
                report(out, m);
                return;
            }
            for (i, w) in list.iter().enumerate() {
                form_at(&format!("{path}[{i}]"), key, field, w, maxima, out);
            }
        }
        Value::Object(fields) => {
            for (name, w) in fields {
                let child = if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                };
                let child_key = if key.is_empty() {
                    name.to_string()
                } else {
                    format!("{key}.{name}")
                };
                form_at(&child, &child_key, name, w, maxima, out);
            }
        }
        Value::String(s) if DATE_FIELDS.contains(&field) => {
            if let Some(m) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(date_problem)
            {
                report(out, m);
            }
        }
        Value::String(s) if DATETIME_FIELDS.contains(&field) => {
            // The value is written in UTC; a year past 9999 has no RFC 3339 form at all.
            let problem = match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(t) => date_problem(t.naive_utc().date()),
                Err(_) => Some(format!(
                    "must be between {FIRST_DATE} and {LAST_DATE} in UTC (this one is {s})"
                )),
            };
            if let Some(m) = problem {
                report(out, m);
            }
        }
        Value::String(s) => {
            let free = FREE_TEXT_FIELDS.contains(&field);
            let max = maxima
                .iter()
                .flat_map(|m| m.iter())
                .find(|(p, _)| *p == key)
                .map(|(_, max)| *max)
                .unwrap_or(if free { MAX_FREE_TEXT } else { MAX_LINE });
            if let Some(m) = text_problem(s, free, max) {
                report(out, m);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{Name, indexmap::IndexMap};

    fn object(fields: Vec<(&str, Value)>) -> Value {
        let mut m = IndexMap::new();
        for (k, v) in fields {
            m.insert(Name::new(k), v);
        }
        Value::Object(m)
    }

    #[test]
    fn text_rules() {
        assert_eq!(text_problem("Datalab", false, 200), None);
        assert!(
            text_problem("Lab\0", false, 200)
                .unwrap()
                .contains("U+0000")
        );
        assert!(text_problem("a\nb", false, 200).is_some());
        assert_eq!(text_problem("a\r\n\tb", true, 200), None);
        assert!(text_problem("a\u{7}", true, 200).is_some());
        assert!(
            text_problem("a\u{85}", true, 200).is_some(),
            "C1 controls too"
        );
        assert_eq!(text_problem(&"é".repeat(200), false, 200), None);
        assert!(
            text_problem(&"é".repeat(201), false, 200)
                .unwrap()
                .contains("at most 200 characters")
        );
    }

    #[test]
    fn date_bounds() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(date_problem(d("1900-01-01")), None);
        assert_eq!(date_problem(d("2999-12-31")), None);
        assert!(date_problem(d("1899-12-31")).is_some());
        assert!(date_problem(d("3000-01-01")).is_some());
        assert!(date_problem(d("-262143-01-01")).is_some());
    }

    #[test]
    fn form_reports_paths_and_does_not_look_into_long_lists() {
        let input = object(vec![
            ("naam", Value::from("x".repeat(201))),
            ("beschrijving", Value::from("regel\nregel")),
            ("contactpersoon", object(vec![("naam", Value::from("A\0"))])),
            ("themas", Value::List(vec![Value::from("A\0"); 2])),
            ("uitvoerders", Value::List(vec![Value::from("\0"); 1001])),
            ("startdatum", Value::from("3000-01-01")),
        ]);
        let mut out = Vec::new();
        form("", &input, &[&[("naam", 200)], CONTACTPERSOON], &mut out);
        let fields: Vec<&str> = out.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "naam",
                "contactpersoon.naam",
                "themas[0]",
                "themas[1]",
                "uitvoerders",
                "startdatum"
            ]
        );
        let mut out = Vec::new();
        form("filter", &input, &[], &mut out);
        assert_eq!(out[0].field, "filter.contactpersoon.naam", "naam fits 500");
    }
}
