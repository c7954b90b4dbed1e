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
pub const MAX_SELECTION_DEPTH: usize = 64;

/// Deepest nesting of values: lists and input objects in arguments, variable types and
/// default values. The deepest input of the schema nests 3 levels.
pub const MAX_INPUT_DEPTH: usize = 16;

/// What kind of nesting a document goes too deep in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooDeep {
    /// Selection sets: more than [`MAX_SELECTION_DEPTH`] levels.
    Selections,
    /// Values: more than [`MAX_INPUT_DEPTH`] levels.
    Values,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Bracket {
    /// `(`: arguments or variable definitions; everything inside is a value or a type.
    Paren,
    /// `[`: a list value or a list type.
    List,
    /// `{` inside parentheses: an input object.
    Object,
    /// `{` outside parentheses: a selection set.
    Selection,
}

/// Scans `document`; `Err` when it nests deeper than the limits allow.
pub fn scan(document: &str) -> Result<(), TooDeep> {
    let bytes = document.as_bytes();
    let mut open: Vec<Bracket> = Vec::new();
    let (mut parens, mut values, mut selections) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let kind = match bytes[i] {
            b'#' => {
                i = comment_end(bytes, i);
                continue;
            }
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'(' => Some(Bracket::Paren),
            b'[' => Some(Bracket::List),
            b'{' if parens > 0 => Some(Bracket::Object),
            b'{' => Some(Bracket::Selection),
            b')' | b']' | b'}' => {
                match open.pop() {
                    Some(Bracket::Paren) => parens -= 1,
                    Some(Bracket::List | Bracket::Object) => values -= 1,
                    Some(Bracket::Selection) => selections -= 1,
                    None => {}
                }
                None
            }
            _ => None,
        };
        if let Some(kind) = kind {
            match kind {
                Bracket::Paren => parens += 1,
                Bracket::List | Bracket::Object => values += 1,
                Bracket::Selection => selections += 1,
            }
            if selections > MAX_SELECTION_DEPTH {
                return Err(TooDeep::Selections);
            }
            if values > MAX_INPUT_DEPTH {
                return Err(TooDeep::Values);
            }
            open.push(kind);
        }
        i += 1;
    }
    Ok(())
}

/// The position after the comment that starts at `i` (it ends at a line break).
fn comment_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .map_or(bytes.len(), |n| i + n)
}

/// The position after the string or block string that starts at `i`; the end of the document
/// when it is not closed.
fn string_end(bytes: &[u8], i: usize) -> usize {
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

    fn nested(n: usize, open: &str, close: &str, inner: &str) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
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
        let list = |n| format!("{{ __typename(a: {}) }}", nested(n, "[", "]", "1"));
        assert_eq!(scan(&list(MAX_INPUT_DEPTH)), Ok(()));
        assert_eq!(scan(&list(MAX_INPUT_DEPTH + 1)), Err(TooDeep::Values));
        assert_eq!(scan(&list(100_000)), Err(TooDeep::Values));
        let object = format!("{{ a(b: {}) }}", nested(17, "{a:", "}", "1"));
        assert_eq!(scan(&object), Err(TooDeep::Values));
        let typ = format!("query($v: {}) {{ a }}", nested(17, "[", "]", "Int"));
        assert_eq!(scan(&typ), Err(TooDeep::Values));
    }

    #[test]
    fn selection_sets_nested_past_the_limit_are_refused() {
        let deep = |n| nested(n, "{ a ", "}", "b");
        assert_eq!(scan(&deep(MAX_SELECTION_DEPTH)), Ok(()));
        assert_eq!(
            scan(&deep(MAX_SELECTION_DEPTH + 1)),
            Err(TooDeep::Selections)
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let many = "[".repeat(1000);
        assert_eq!(scan(&format!("{{ a(b: \"{many}\") }}")), Ok(()));
        assert_eq!(
            scan(&format!("{{ a(b: \"\"\"{many}\\\"\"\"{many}\"\"\") }}")),
            Ok(())
        );
        assert_eq!(scan(&format!("{{ a # {many}\n }}")), Ok(()));
        assert_eq!(scan(&format!("{{ a(b: \"\\\"{many}\") }}")), Ok(()));
    }

    #[test]
    fn unbalanced_documents_end_the_scan_without_panicking() {
        assert_eq!(scan("}}}]]))"), Ok(()));
        assert_eq!(scan("{ a(b: \"open"), Ok(()));
        assert_eq!(scan("\"\"\"open"), Ok(()));
        assert_eq!(scan("\"\\"), Ok(()));
    }
}
