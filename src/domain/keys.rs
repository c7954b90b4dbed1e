//! The natural keys of organisations: [`Oin`] (rijkspartners), [`SchacHome`]
//! (kennisinstellingen), [`Instellingscode`], and [`OrganisatieSleutel`], the key a caller or a
//! token gives (an OIN or a schacHome).
//!
//! Why newtypes that only parsing builds: a key is checked once, where it enters (a token, an
//! argument, a sync item, the command line), and code further in cannot be handed an unchecked
//! string by mistake. Why the key's own [`KeyError`] rather than [`crate::error::ApiError`]: a
//! key does not know which input it came from, so its error carries only the message; the
//! caller that does know turns it into the one error type with its field (a `BAD_USER_INPUT` of
//! `sleutel` or `opdrachtgever`, an `UNAUTHENTICATED` token) or, on the command line, prints it.

use std::fmt;

/// Why a natural key was refused; the message says what a valid one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(String);

/// Organisatie-identificatienummer: the 20-position identifier of a Dutch government
/// organisation. The first 8 positions name the source register (`00000001` RSIN, `00000003`
/// KvK, `00000004` SubOIN, `00000099` test); the demo data uses the test prefix only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Oin(String);

impl Oin {
    /// The register prefix of OINs that are for testing only.
    pub const TEST_PREFIX: &'static str = "00000099";

    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let value = input.trim();
        if value.len() == 20
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            Ok(Self(value.to_owned()))
        } else {
            Err(KeyError(format!(
                "'{value}' is not an OIN: an OIN has exactly 20 positions, digits and capital \
                 letters (e.g. 00000001003214345000)"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The schacHome of a kennisinstelling: its internet domain as SURFconext logins carry it
/// (`hanze.nl`). Stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchacHome(String);

impl SchacHome {
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let value = input.trim().to_ascii_lowercase();
        let label_ok = |label: &str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        let labels: Vec<&str> = value.split('.').collect();
        if value.len() <= 253 && labels.len() >= 2 && labels.iter().all(|l| label_ok(l)) {
            Ok(Self(value))
        } else {
            Err(KeyError(format!(
                "'{}' is not a schacHome: a schacHome is an internet domain such as hanze.nl \
                 (letters, digits and hyphens, at least one dot, no scheme or path)",
                input.trim()
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Instellingscode (formerly BRIN): two digits and two capital letters, e.g. `21PK`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Instellingscode(String);

impl Instellingscode {
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let value = input.trim();
        let b = value.as_bytes();
        if b.len() == 4
            && b[..2].iter().all(u8::is_ascii_digit)
            && b[2..].iter().all(u8::is_ascii_uppercase)
        {
            Ok(Self(value.to_owned()))
        } else {
            Err(KeyError(format!(
                "'{value}' is not an instellingscode: two digits followed by two capital \
                 letters, e.g. 21PK"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The natural key of an organisation as a caller gives it: an OIN (rijkspartner) or a
/// schacHome (kennisinstelling). Anything that is neither is refused with both explanations.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrganisatieSleutel {
    Oin(Oin),
    SchacHome(SchacHome),
}

impl OrganisatieSleutel {
    pub fn parse(input: &str) -> Result<Self, KeyError> {
        if input.contains('.') {
            SchacHome::parse(input).map(Self::SchacHome)
        } else {
            Oin::parse(input).map(Self::Oin).map_err(|_| {
                KeyError(format!(
                    "'{}' is neither an OIN (20 digits and capital letters) nor a schacHome (an \
                     internet domain such as hanze.nl)",
                    input.trim()
                ))
            })
        }
    }
}

impl fmt::Display for OrganisatieSleutel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Oin(oin) => f.write_str(oin.as_str()),
            Self::SchacHome(schac) => f.write_str(schac.as_str()),
        }
    }
}

/// The kenmerk of a fieldlab, lectoraat or minor: its owner's stable code for it, unique among
/// the records of its type, by which a sync names it. 2 to 40 capital letters, digits and hyphens,
/// not starting with a hyphen; lower case is taken as upper case (`fl-data` is `FL-DATA`).
/// The database checks the same shape (migration 26).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Kenmerk(String);

impl Kenmerk {
    pub const MAX_LEN: usize = 40;

    pub fn parse(input: &str) -> Result<Self, KeyError> {
        let value = input.trim().to_ascii_uppercase();
        let shape = (2..=Self::MAX_LEN).contains(&value.len())
            && !value.starts_with('-')
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'-');
        if shape {
            Ok(Self(value))
        } else {
            Err(KeyError(
                "a kenmerk has 2 to 40 letters, digits and hyphens and does not start with a hyphen \
                 (e.g. FL-DATA-UTRECHT); letters are taken as capitals"
                    .into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oin_has_twenty_digits_or_capitals() {
        assert!(Oin::parse("00000099000000000001").is_ok());
        assert!(Oin::parse("0000009900000000000A").is_ok());
        assert!(Oin::parse("0000009900000000001").is_err(), "19 positions");
        assert!(Oin::parse("000000990000000000011").is_err(), "21 positions");
        assert!(Oin::parse("0000009900000000000a").is_err(), "lower case");
        assert!(Oin::parse("00000099-00000000001").is_err(), "punctuation");
    }

    #[test]
    fn a_schac_home_is_a_lower_cased_domain() {
        assert_eq!(SchacHome::parse("Hanze.NL").unwrap().as_str(), "hanze.nl");
        assert!(SchacHome::parse("tilburguniversity.edu").is_ok());
        assert!(SchacHome::parse("hanze").is_err(), "no dot");
        assert!(SchacHome::parse("https://hanze.nl").is_err(), "scheme");
        assert!(SchacHome::parse("-hanze.nl").is_err(), "leading hyphen");
        assert!(SchacHome::parse("hanze..nl").is_err(), "empty label");
    }

    #[test]
    fn an_instellingscode_is_two_digits_and_two_capitals() {
        assert!(Instellingscode::parse("21PK").is_ok());
        assert!(Instellingscode::parse("21pk").is_err());
        assert!(Instellingscode::parse("2PKK").is_err());
    }

    #[test]
    fn an_organisation_key_is_an_oin_or_a_schac_home() {
        assert!(matches!(
            OrganisatieSleutel::parse("hanze.nl"),
            Ok(OrganisatieSleutel::SchacHome(_))
        ));
        assert!(matches!(
            OrganisatieSleutel::parse("00000099000000000001"),
            Ok(OrganisatieSleutel::Oin(_))
        ));
        let err = OrganisatieSleutel::parse("BZK").unwrap_err();
        assert!(err.to_string().contains("neither an OIN"));
    }

    #[test]
    fn a_kenmerk_is_taken_in_capitals_and_refused_outside_its_shape() {
        assert_eq!(Kenmerk::parse(" fl-data-2 ").unwrap().as_str(), "FL-DATA-2");
        for bad in [
            "",
            "A",
            "-AB",
            "AB CD",
            "AB_CD",
            "ÄB",
            &"A".repeat(41),
            "AB\0",
        ] {
            assert!(Kenmerk::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Kenmerk::parse(&"A".repeat(40)).is_ok());
    }
}
