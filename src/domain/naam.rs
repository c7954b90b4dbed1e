//! The name rule of every named record (fieldlabs, lectoraten, minoren, communities, and the
//! titles of opdrachten), in one place: used by every create and update, by the sync (through
//! the same checks) and by the demo seed (through the entities' save hook).
//!
//! A name is stored **normalised**: Unicode NFC, every run of whitespace (spaces, no-break
//! spaces, tabs, line breaks, ideographic spaces, …) collapsed to one space, trimmed. A name
//! with a **control character** (a NUL byte, an escape) or an **invisible character** (a
//! zero-width space or joiner, a byte-order mark, a soft hyphen, a bidirectional control, a
//! variation selector, a Hangul filler: the default-ignorable code points), a private-use
//! character or a noncharacter is refused, naming the code point.
//!
//! Names are **unique by their key** ([`sleutel`]): case, spacing, invisible characters and
//! confusable letters (a Cyrillic "е" for a Latin "e") do not count, so "GovTech Lab" and
//! "govtech lab" are the same name. The key is stored in `naam_sleutel`, which carries the
//! unique index (migration 10); the key function lives in the migrations crate so that the
//! keys the migration filled and the ones the service writes agree.

use unicode_normalization::UnicodeNormalization;

/// The comparison key of a name: two names with the same key look the same to a reader.
pub fn sleutel(naam: &str) -> String {
    migrations::naamsleutel::naam_sleutel(naam)
}

/// Whether `c` is invisible: its UTS #39 skeleton is empty (default-ignorable code points),
/// or it is a private-use character or a noncharacter.
fn is_invisible(c: char) -> bool {
    let mut buf = [0u8; 4];
    let code = c as u32;
    unicode_security::skeleton(c.encode_utf8(&mut buf))
        .next()
        .is_none()
        || matches!(code, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFDD0..=0xFDEF)
        || code & 0xFFFE == 0xFFFE
}

/// The normalised form of `naam` (see the module docs), or why it is refused: a message a
/// person can act on. `max` is the most characters the normalised name may have.
pub fn normalise(naam: &str, max: usize) -> Result<String, String> {
    for c in naam.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_control() {
            return Err(format!(
                "contains the control character U+{:04X}; remove it",
                c as u32
            ));
        }
        if is_invisible(c) {
            return Err(format!(
                "contains the invisible character U+{:04X} (zero-width or formatting characters \
                 make names that look alike); remove it",
                c as u32
            ));
        }
    }
    let normalised: String = naam
        .nfc()
        .collect::<String>()
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if normalised.is_empty() {
        return Err("is required and must not be blank".into());
    }
    if normalised.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::{normalise, sleutel};

    #[test]
    fn spacing_is_collapsed_and_the_name_is_nfc() {
        assert_eq!(
            normalise("  GovTech\u{a0} \tLab ", 200).unwrap(),
            "GovTech Lab"
        );
        assert_eq!(normalise("Cafe\u{301}", 200).unwrap(), "Caf\u{e9}");
    }

    #[test]
    fn control_and_invisible_characters_are_refused() {
        for naam in [
            "GovTech Lab\u{200b}",
            "Gov\u{200d}Tech",
            "\u{feff}GovTech",
            "GovTech\0Lab",
            "Gov\u{1b}Tech",
            "Gov\u{202e}Tech",
            "Gov\u{ad}Tech",
            "Gov\u{e000}Tech",
            "Gov\u{3164}Tech",
        ] {
            assert!(normalise(naam, 200).is_err(), "{naam:?}");
        }
        assert!(normalise("Lab voor Data & AI (Zuid-Holland), 2e editie", 200).is_ok());
        assert!(normalise("Ørsted-lab für Ärzte", 200).is_ok());
    }

    #[test]
    fn look_alikes_have_one_key() {
        assert_eq!(sleutel("GovTech Lab"), sleutel("GovT\u{435}ch lab"));
    }
}
