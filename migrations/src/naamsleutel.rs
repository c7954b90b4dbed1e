//! The comparison key of a record's name (`naam_sleutel`): two names with the same key look the
//! same to a reader, so the database allows one of them (unique indexes from migration 10).
//!
//! The key is computed here, in the migrations crate, because migration 10 fills it for the rows
//! that exist; the service computes it with this same function (`src/domain/naam.rs`), so the
//! keys written by the migration and by the service cannot disagree. Changing this function
//! means a new migration that recomputes every key.
//!
//! Steps: Unicode NFC; the UTS #39 skeleton (which drops default-ignorable characters such as a
//! zero-width space and maps confusables to one prototype: a Cyrillic "е" to a Latin "e", a
//! digit "1" to "l"); lower case; the skeleton again (so that case and look-alikes combine:
//! "I" and "l"); whitespace of any kind collapsed to one space and trimmed; control characters
//! dropped. It never fails: names the service refuses still get a key, which is what the
//! migration needs for rows written before the rule existed.

use unicode_normalization::UnicodeNormalization;
use unicode_security::skeleton;

/// The comparison key of `naam` (see the module docs).
pub fn naam_sleutel(naam: &str) -> String {
    let nfc: String = naam.nfc().collect();
    let klein: String = skeleton(&nfc).flat_map(char::to_lowercase).collect();
    let skelet: String = skeleton(&klein)
        .filter(|c| c.is_whitespace() || !c.is_control())
        .collect();
    skelet
        .split(char::is_whitespace)
        .filter(|woord| !woord.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .nfc()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::naam_sleutel;

    #[test]
    fn look_alikes_share_a_key() {
        let basis = naam_sleutel("GovTech Lab");
        for naam in [
            "GOVTECH LAB",
            " GovTech\u{2003}Lab\u{feff}",
            "GovT\u{435}ch Lab",
            "GovTech\0 Lab",
        ] {
            assert_eq!(naam_sleutel(naam), basis, "{naam:?}");
        }
        assert_ne!(naam_sleutel("GovTech Lab 2"), basis);
        assert_eq!(naam_sleutel("Lab I"), naam_sleutel("lab l"));
    }
}
