//! How deeply a GraphQL document nests, found by a lexical scan before it is parsed.
//!
//! async-graphql's parser recurses once per level of nesting: in selection sets, and in values
//! (lists, input objects), variable types and default values, where it has no limit of its own.
//! About 1,700 nested list brackets overflow a worker thread's stack, and a stack overflow
//! aborts the whole process. So every document is scanned first: one pass over its bytes, no
//! recursion, a stack of open brackets that never grows past the limit. Its time is linear in
//! the size of the document and its memory is bounded by the limits, whatever the document.
//!
//! Strings, block strings and comments are skipped, so brackets inside them do not count. A
//! document that is not well formed is not judged here: the parser reports it, and it never
//! nests deeper than the prefix this scan has already measured.

/// Deepest nesting of selection sets (fields and inline fragments) in one definition. The
/// parser refuses more than 64 levels; refused here first, with a limit and a code.
pub const MAX_SELECTIEDIEPTE: usize = 64;

/// Deepest nesting of values: lists and input objects in arguments, variable types and
/// default values. The deepest input of the schema nests 3 levels.
pub const MAX_INVOERDIEPTE: usize = 16;

/// What kind of nesting a document goes too deep in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeDiep {
    /// Selection sets: more than [`MAX_SELECTIEDIEPTE`] levels.
    Selecties,
    /// Values: more than [`MAX_INVOERDIEPTE`] levels.
    Waarden,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Haakje {
    /// `(`: arguments or variable definitions; everything inside is a value or a type.
    Rond,
    /// `[`: a list value or a list type.
    Lijst,
    /// `{` inside parentheses: an input object.
    Object,
    /// `{` outside parentheses: a selection set.
    Selectie,
}

/// Scans `document`; `Err` when it nests deeper than the limits allow.
pub fn scan(document: &str) -> Result<(), TeDiep> {
    let bytes = document.as_bytes();
    let mut open: Vec<Haakje> = Vec::new();
    let (mut rond, mut waarden, mut selecties) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let soort = match bytes[i] {
            b'#' => {
                i = einde_commentaar(bytes, i);
                continue;
            }
            b'"' => {
                i = einde_string(bytes, i);
                continue;
            }
            b'(' => Some(Haakje::Rond),
            b'[' => Some(Haakje::Lijst),
            b'{' if rond > 0 => Some(Haakje::Object),
            b'{' => Some(Haakje::Selectie),
            b')' | b']' | b'}' => {
                match open.pop() {
                    Some(Haakje::Rond) => rond -= 1,
                    Some(Haakje::Lijst | Haakje::Object) => waarden -= 1,
                    Some(Haakje::Selectie) => selecties -= 1,
                    None => {}
                }
                None
            }
            _ => None,
        };
        if let Some(soort) = soort {
            match soort {
                Haakje::Rond => rond += 1,
                Haakje::Lijst | Haakje::Object => waarden += 1,
                Haakje::Selectie => selecties += 1,
            }
            if selecties > MAX_SELECTIEDIEPTE {
                return Err(TeDiep::Selecties);
            }
            if waarden > MAX_INVOERDIEPTE {
                return Err(TeDiep::Waarden);
            }
            open.push(soort);
        }
        i += 1;
    }
    Ok(())
}

/// The position after the comment that starts at `i` (it ends at a line break).
fn einde_commentaar(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .map_or(bytes.len(), |n| i + n)
}

/// The position after the string or block string that starts at `i`; the end of the document
/// when it is not closed.
fn einde_string(bytes: &[u8], i: usize) -> usize {
    if bytes[i..].starts_with(b"\"\"\"") {
        let mut j = i + 3;
        while j < bytes.len() {
            if bytes[j..].starts_with(b"\\\"\"\"") {
                j += 4;
            } else if bytes[j..].starts_with(b"\"\"\"") {
                return j + 3;
            } else {
                j += 1;
            }
        }
        return bytes.len();
    }
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            // A string does not span lines; the parser refuses it there.
            b'\n' | b'\r' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn genest(n: usize, open: &str, sluit: &str, binnen: &str) -> String {
        format!("{}{binnen}{}", open.repeat(n), sluit.repeat(n))
    }

    #[test]
    fn natural_documents_pass() {
        assert_eq!(scan("{ me { ingelogd } }"), Ok(()));
        assert_eq!(
            scan(
                "query($f: [[Int!]!] = [[1]]) { opdrachten(filter: { themas: [\"A\"] }, \
                 first: 10) { nodes { naam ... on Opdracht { id } } } }"
            ),
            Ok(())
        );
    }

    #[test]
    fn values_nested_past_the_limit_are_refused() {
        let lijst = |n| format!("{{ __typename(a: {}) }}", genest(n, "[", "]", "1"));
        assert_eq!(scan(&lijst(MAX_INVOERDIEPTE)), Ok(()));
        assert_eq!(scan(&lijst(MAX_INVOERDIEPTE + 1)), Err(TeDiep::Waarden));
        assert_eq!(scan(&lijst(100_000)), Err(TeDiep::Waarden));
        let object = format!("{{ a(b: {}) }}", genest(17, "{a:", "}", "1"));
        assert_eq!(scan(&object), Err(TeDiep::Waarden));
        let typ = format!("query($v: {}) {{ a }}", genest(17, "[", "]", "Int"));
        assert_eq!(scan(&typ), Err(TeDiep::Waarden));
    }

    #[test]
    fn selection_sets_nested_past_the_limit_are_refused() {
        let diep = |n| genest(n, "{ a ", "}", "b");
        assert_eq!(scan(&diep(MAX_SELECTIEDIEPTE)), Ok(()));
        assert_eq!(scan(&diep(MAX_SELECTIEDIEPTE + 1)), Err(TeDiep::Selecties));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let veel = "[".repeat(1000);
        assert_eq!(scan(&format!("{{ a(b: \"{veel}\") }}")), Ok(()));
        assert_eq!(
            scan(&format!("{{ a(b: \"\"\"{veel}\\\"\"\"{veel}\"\"\") }}")),
            Ok(())
        );
        assert_eq!(scan(&format!("{{ a # {veel}\n }}")), Ok(()));
        assert_eq!(scan(&format!("{{ a(b: \"\\\"{veel}\") }}")), Ok(()));
    }

    #[test]
    fn unbalanced_documents_end_the_scan_without_panicking() {
        assert_eq!(scan("}}}]]))"), Ok(()));
        assert_eq!(scan("{ a(b: \"open"), Ok(()));
        assert_eq!(scan("\"\"\"open"), Ok(()));
        assert_eq!(scan("\"\\"), Ok(()));
    }
}
