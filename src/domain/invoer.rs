//! The rules every input obeys, in one place: lists, text and dates.
//!
//! - **Lists**: at most [`MAX_LIJST`] values in any list of any input (filter criteria, linked
//!   records, themes, a sync's `ingetrokken`; a sync batch has its own maximum of 1000 items).
//! - **Text**: no control characters (Unicode category Cc, NUL included); free text
//!   ([`VRIJE_TEKST`]: descriptions) may hold tab, line feed and carriage return. Every string
//!   has a maximum length in characters: its field's own (declared with the input type, fitting
//!   the database column) or, for strings without one (ids, codes, keys), [`MAX_REGEL`];
//!   free text [`MAX_TEKST`].
//! - **Dates**: between [`EERSTE_DATUM`] and [`LAATSTE_DATUM`] inclusive, in inputs, filters
//!   and syncs alike (both databases store and order those the same way); so are the moments
//!   (`DateTime`, in UTC) of filters.
//!
//! [`vorm`] applies all of them to an input as GraphQL sees it (its `to_value()`), so a new
//! field of an input type is checked without anyone remembering to: the resolvers run it before
//! they open a write session, in time linear in the input's size, and report each problem with
//! the path of its field.

use crate::error::FieldProblem;
use async_graphql::Value;
use chrono::NaiveDate;

/// The most values in one list of an input.
pub const MAX_LIJST: usize = 1000;
/// The longest free text (descriptions), in characters.
pub const MAX_TEKST: usize = 4000;
/// The longest string of a field without a maximum of its own (ids, theme codes, keys).
pub const MAX_REGEL: usize = 500;
/// The earliest date an input may hold.
pub const EERSTE_DATUM: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};
/// The latest date an input may hold.
pub const LAATSTE_DATUM: NaiveDate = match NaiveDate::from_ymd_opt(2999, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};
/// Fields of free text: they may hold tabs and line breaks.
pub const VRIJE_TEKST: &[&str] = &["beschrijving", "omschrijving"];
/// Fields that hold a `Date`.
pub const DATUMVELDEN: &[&str] = &[
    "startdatum",
    "einddatum",
    "startdatumVanaf",
    "startdatumTotEnMet",
    "einddatumVanaf",
    "einddatumTotEnMet",
];

/// Fields that hold a `DateTime` (filters): their moment in UTC must lie within the same dates.
pub const TIJDSTIPVELDEN: &[&str] = &["gewijzigdSinds", "vanaf", "tot"];

/// The maximum length of text fields of an input type: (path without list indexes, maximum),
/// e.g. `("contactpersoon.naam", 200)`, `("opdrachten.naam", 300)`.
pub type Maxima = [(&'static str, usize)];

/// The maxima of a contact person (`contactpersoon.naam`, `contactpersoon.email`).
pub const CONTACTPERSOON: &Maxima = &[("contactpersoon.naam", 200), ("contactpersoon.email", 254)];

/// What is wrong with a text, if anything: a control character (outside tab and line breaks in
/// free text) or more than `max` characters. One pass over the text.
pub fn tekstprobleem(waarde: &str, vrij: bool, max: usize) -> Option<String> {
    let mut lengte = 0usize;
    let mut verboden = None;
    for c in waarde.chars() {
        lengte += 1;
        if verboden.is_none() && c.is_control() && !(vrij && matches!(c, '\t' | '\n' | '\r')) {
            verboden = Some((c, lengte));
        }
    }
    if let Some((c, plek)) = verboden {
        return Some(if vrij {
            format!(
                "must not contain control characters other than tab and line breaks (found \
                 U+{:04X} at character {plek})",
                c as u32
            )
        } else {
            format!(
                "must be one line of text without control characters (found U+{:04X} at \
                 character {plek})",
                c as u32
            )
        });
    }
    (lengte > max).then(|| format!("must be at most {max} characters (this one has {lengte})"))
}

/// What is wrong with a date, if anything: outside [`EERSTE_DATUM`] ..= [`LAATSTE_DATUM`].
pub fn datumprobleem(datum: NaiveDate) -> Option<String> {
    (!(EERSTE_DATUM..=LAATSTE_DATUM).contains(&datum)).then(|| {
        format!("must be between {EERSTE_DATUM} and {LAATSTE_DATUM} (this one is {datum})")
    })
}

/// What is wrong with a list of `aantal` values, if anything.
pub fn lijstprobleem(aantal: usize, max: usize) -> Option<String> {
    (aantal > max)
        .then(|| format!("holds at most {max} values (this one has {aantal}); send fewer"))
}

/// Checks every list, string and date in `waarde` (an input's `to_value()`), reporting each
/// problem with its path below `pad`. `maxima` gives the text fields' own maximum lengths, by
/// path below `pad` without list indexes. A list over the maximum is reported once and not
/// looked into, so the work stays linear in the input's size.
pub fn vorm(pad: &str, waarde: &Value, maxima: &[&Maxima], uit: &mut Vec<FieldProblem>) {
    loop_vorm(pad, "", "", waarde, maxima, uit);
}

fn loop_vorm(
    pad: &str,
    sleutel: &str,
    veld: &str,
    waarde: &Value,
    maxima: &[&Maxima],
    uit: &mut Vec<FieldProblem>,
) {
    let fout = |uit: &mut Vec<FieldProblem>, melding: String| {
        uit.push(FieldProblem {
            field: pad.to_owned(),
            message: melding,
        })
    };
    match waarde {
        Value::List(lijst) => {
            if let Some(m) = lijstprobleem(lijst.len(), MAX_LIJST) {
                fout(uit, m);
                return;
            }
            for (i, w) in lijst.iter().enumerate() {
                loop_vorm(&format!("{pad}[{i}]"), sleutel, veld, w, maxima, uit);
            }
        }
        Value::Object(velden) => {
            for (naam, w) in velden {
                let kind = if pad.is_empty() {
                    naam.to_string()
                } else {
                    format!("{pad}.{naam}")
                };
                let kindveld = if sleutel.is_empty() {
                    naam.to_string()
                } else {
                    format!("{sleutel}.{naam}")
                };
                loop_vorm(&kind, &kindveld, naam, w, maxima, uit);
            }
        }
        Value::String(s) if DATUMVELDEN.contains(&veld) => {
            if let Some(m) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(datumprobleem)
            {
                fout(uit, m);
            }
        }
        Value::String(s) if TIJDSTIPVELDEN.contains(&veld) => {
            // The value is written in UTC; a year past 9999 has no RFC 3339 form at all.
            let probleem = match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(t) => datumprobleem(t.naive_utc().date()),
                Err(_) => Some(format!(
                    "must be between {EERSTE_DATUM} and {LAATSTE_DATUM} in UTC (this one is {s})"
                )),
            };
            if let Some(m) = probleem {
                fout(uit, m);
            }
        }
        Value::String(s) => {
            let vrij = VRIJE_TEKST.contains(&veld);
            let max = maxima
                .iter()
                .flat_map(|m| m.iter())
                .find(|(p, _)| *p == sleutel)
                .map(|(_, max)| *max)
                .unwrap_or(if vrij { MAX_TEKST } else { MAX_REGEL });
            if let Some(m) = tekstprobleem(s, vrij, max) {
                fout(uit, m);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{Name, indexmap::IndexMap};

    fn object(velden: Vec<(&str, Value)>) -> Value {
        let mut m = IndexMap::new();
        for (k, v) in velden {
            m.insert(Name::new(k), v);
        }
        Value::Object(m)
    }

    #[test]
    fn text_rules() {
        assert_eq!(tekstprobleem("Datalab", false, 200), None);
        assert!(
            tekstprobleem("Lab\0", false, 200)
                .unwrap()
                .contains("U+0000")
        );
        assert!(tekstprobleem("a\nb", false, 200).is_some());
        assert_eq!(tekstprobleem("a\r\n\tb", true, 200), None);
        assert!(tekstprobleem("a\u{7}", true, 200).is_some());
        assert!(
            tekstprobleem("a\u{85}", true, 200).is_some(),
            "C1 controls too"
        );
        assert_eq!(tekstprobleem(&"é".repeat(200), false, 200), None);
        assert!(
            tekstprobleem(&"é".repeat(201), false, 200)
                .unwrap()
                .contains("at most 200 characters")
        );
    }

    #[test]
    fn date_bounds() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(datumprobleem(d("1900-01-01")), None);
        assert_eq!(datumprobleem(d("2999-12-31")), None);
        assert!(datumprobleem(d("1899-12-31")).is_some());
        assert!(datumprobleem(d("3000-01-01")).is_some());
        assert!(datumprobleem(d("-262143-01-01")).is_some());
    }

    #[test]
    fn vorm_reports_paths_and_does_not_look_into_long_lists() {
        let invoer = object(vec![
            ("naam", Value::from("x".repeat(201))),
            ("beschrijving", Value::from("regel\nregel")),
            ("contactpersoon", object(vec![("naam", Value::from("A\0"))])),
            ("themas", Value::List(vec![Value::from("A\0"); 2])),
            ("uitvoerders", Value::List(vec![Value::from("\0"); 1001])),
            ("startdatum", Value::from("3000-01-01")),
        ]);
        let mut uit = Vec::new();
        vorm("", &invoer, &[&[("naam", 200)], CONTACTPERSOON], &mut uit);
        let velden: Vec<&str> = uit.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            velden,
            [
                "naam",
                "contactpersoon.naam",
                "themas[0]",
                "themas[1]",
                "uitvoerders",
                "startdatum"
            ]
        );
        let mut uit = Vec::new();
        vorm("filter", &invoer, &[], &mut uit);
        assert_eq!(uit[0].field, "filter.contactpersoon.naam", "naam fits 500");
    }
}
