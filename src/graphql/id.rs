//! Global object ids and cursors: opaque strings, encrypted under the database's keys.
//!
//! **Ids.** A global id names a type and a row. Its 16 bytes are one AES-256 block under the
//! id key: a format byte, the type's tag, the row id (4 bytes) and ten zero bytes, encrypted and
//! written in base64url (22 characters). So an id says nothing about the row number, two
//! consecutive records' ids share no visible order, and an id nobody was given cannot be made:
//! decoding checks the format byte, the tag and the ten zero bytes, so a random, truncated or
//! tampered string is refused (a chance of 2⁻⁸⁸ that one passes), and names no record. A
//! refused id is a `BAD_USER_INPUT` ("not an id of this API"); a valid id of a record that does
//! not exist, or that the caller may not see, is `NOT_FOUND`, with the same message either way.
//!
//! **Cursors** (positions in a list or in the change log) are sealed with AES-256-GCM-SIV under
//! the cursor key, with what they are for (`lijst`, `audit`, `feed`) as associated data: a
//! forged, tampered or borrowed cursor fails authentication and is `BAD_USER_INPUT` naming the
//! argument. The nonce is fixed, which GCM-SIV allows (RFC 8452 §9: it then only shows whether
//! two cursors are equal), so the same position always has the same cursor.
//!
//! **The keys** live in the database (table `sleutels`, 32 random bytes each, made by migration
//! 20), so every API process on one database, and every restart, makes and reads the same ids,
//! and a fresh database has its own keys. They are read once per process
//! ([`crate::db::Database::sleutels`]) and each GraphQL request runs with them in a task-local
//! ([`met_sleutels`]), so the code that writes or reads an id needs no handle.

use crate::error::ApiError;
use aes::Aes256;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};
use aes_gcm_siv::Aes256GcmSiv;
use aes_gcm_siv::aead::{Aead, Payload};
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::sync::Arc;

/// A decoded global id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalId {
    pub typename: &'static str,
    pub id: i32,
}

/// The type names that have global ids (the implementations of `Node`); an id carries the
/// index + 1 of its type as its tag, so this order must never change (append only).
pub const TYPES: &[&str] = &[
    "Rijkspartner",
    "Kennisinstelling",
    "Programmabureau",
    "Fieldlab",
    "Lectoraat",
    "Minor",
    "Community",
    "Opdracht",
];

/// The first byte of an id's plaintext: the id format.
const FORMAAT: u8 = 1;

/// The keys of ids and cursors (see the module documentation).
pub struct Sleutels {
    ids: Aes256,
    cursors: Aes256GcmSiv,
}

impl std::fmt::Debug for Sleutels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sleutels(..)")
    }
}

impl Sleutels {
    /// Keys from 32 bytes for ids and 32 bytes for cursors.
    pub fn new(ids: &[u8; 32], cursors: &[u8; 32]) -> Self {
        Self {
            ids: Aes256::new_from_slice(ids).expect("a 32-byte key"),
            cursors: Aes256GcmSiv::new_from_slice(cursors).expect("a 32-byte key"),
        }
    }

    /// Keys from their hex text, as the table `sleutels` keeps them.
    pub fn uit_hex(ids: &str, cursors: &str) -> Option<Self> {
        Some(Self::new(&hex32(ids)?, &hex32(cursors)?))
    }

    /// The keys of this database (made by migration 20).
    pub async fn laden(db: &crate::db::Database) -> Result<Self, sea_orm::DbErr> {
        let (ids, cursors) = db.sleutels_hex().await?;
        Self::uit_hex(&ids, &cursors).ok_or_else(|| {
            sea_orm::DbErr::Custom("the keys in table sleutels are not 64 hex digits".into())
        })
    }

    /// The id of row `id` of `typename` (one of [`TYPES`]).
    pub fn id(&self, typename: &str, id: i32) -> ID {
        let tag = TYPES
            .iter()
            .position(|t| *t == typename)
            .map(|i| i as u8 + 1)
            .unwrap_or_else(|| panic!("{typename} has no global ids"));
        let mut blok = [0u8; 16];
        blok[0] = FORMAAT;
        blok[1] = tag;
        blok[2..6].copy_from_slice(&id.to_be_bytes());
        let mut blok = aes::Block::from(blok);
        self.ids.encrypt_block(&mut blok);
        ID(URL_SAFE_NO_PAD.encode(blok))
    }

    /// The type and row an id of [`Sleutels::id`] names, if it is one.
    pub fn lees_id(&self, id: &str) -> Option<GlobalId> {
        let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
        let mut blok: [u8; 16] = bytes.try_into().ok()?;
        let mut b = aes::Block::from(blok);
        self.ids.decrypt_block(&mut b);
        blok = b.into();
        if blok[0] != FORMAAT || blok[6..].iter().any(|b| *b != 0) {
            return None;
        }
        let typename = TYPES.get(usize::from(blok[1]).checked_sub(1)?)?;
        let id = i32::from_be_bytes(blok[2..6].try_into().ok()?);
        Some(GlobalId { typename, id })
    }

    /// Seals `inhoud` as a cursor for `doel`.
    pub fn cursor(&self, doel: &str, inhoud: &[u8]) -> String {
        let sealed = self
            .cursors
            .encrypt(
                &NONCE.into(),
                Payload {
                    msg: inhoud,
                    aad: doel.as_bytes(),
                },
            )
            .expect("AES-GCM-SIV seals any cursor-sized message");
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// The contents of a cursor sealed for `doel`, if it is one (authentic and unchanged).
    pub fn lees_cursor(&self, doel: &str, cursor: &str) -> Option<Vec<u8>> {
        let sealed = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        self.cursors
            .decrypt(
                &NONCE.into(),
                Payload {
                    msg: &sealed,
                    aad: doel.as_bytes(),
                },
            )
            .ok()
    }
}

/// The fixed nonce of cursors (deterministic sealing, see the module documentation).
const NONCE: [u8; 12] = [0; 12];

fn hex32(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.trim().as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut uit = [0u8; 32];
    for (i, paar) in hex.chunks(2).enumerate() {
        uit[i] = u8::from_str_radix(std::str::from_utf8(paar).ok()?, 16).ok()?;
    }
    Some(uit)
}

tokio::task_local! {
    static SLEUTELS: Arc<Sleutels>;
}

/// Runs `f` (a GraphQL request) with these keys for its ids and cursors.
pub async fn met_sleutels<F: Future>(sleutels: Arc<Sleutels>, f: F) -> F::Output {
    SLEUTELS.scope(sleutels, f).await
}

/// `f` with the keys of the running request.
pub(crate) fn met<T>(f: impl FnOnce(&Sleutels) -> T) -> T {
    SLEUTELS
        .try_with(|s| f(s))
        .expect("ids and cursors are made and read inside a request run with `met_sleutels`")
}

impl GlobalId {
    /// The global id of row `id` of `typename`, under the running request's key.
    pub fn encode(typename: &str, id: i32) -> ID {
        met(|s| s.id(typename, id))
    }

    /// The type and row `value` names; `BAD_USER_INPUT` on `field` if it is not an id of this
    /// API.
    pub fn decode(field: &str, value: &ID) -> Result<Self, ApiError> {
        met(|s| s.lees_id(value.as_str())).ok_or_else(|| {
            ApiError::bad_input(
                field,
                format!(
                    "'{}' is not an id of this API; use an id it returned",
                    value.as_str()
                ),
            )
        })
    }

    /// The kind of record the id names, as the change log calls it.
    pub fn record_type(&self) -> crate::domain::RecordType {
        use crate::domain::RecordType;
        match self.typename {
            "Fieldlab" => RecordType::Fieldlab,
            "Lectoraat" => RecordType::Lectoraat,
            "Minor" => RecordType::Minor,
            "Community" => RecordType::Community,
            "Opdracht" => RecordType::Opdracht,
            _ => RecordType::Organisatie,
        }
    }
}

/// Seals `inhoud` as a cursor for `doel`, under the running request's key.
pub fn cursor(doel: &str, inhoud: &[u8]) -> String {
    met(|s| s.cursor(doel, inhoud))
}

/// The contents of a cursor for `doel`; `BAD_USER_INPUT` on `field` if it is not one.
pub fn lees_cursor(field: &str, doel: &str, cursor: &str) -> Result<Vec<u8>, ApiError> {
    met(|s| s.lees_cursor(doel, cursor)).ok_or_else(|| {
        ApiError::bad_input(
            field,
            "not a cursor of this list; use a cursor from its edges or pageInfo",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sleutels() -> Sleutels {
        Sleutels::new(&[7; 32], &[9; 32])
    }

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let s = sleutels();
        let id = s.id("Fieldlab", 12);
        assert_eq!(id.len(), 22);
        assert_eq!(
            s.lees_id(&id),
            Some(GlobalId {
                typename: "Fieldlab",
                id: 12
            })
        );
        assert_ne!(s.id("Fieldlab", 13).as_str()[..4], id.as_str()[..4]);
        assert_eq!(s.lees_id("bm9wZQ"), None);
        assert_eq!(s.lees_id(&URL_SAFE_NO_PAD.encode("Fieldlab:12")), None);
        assert_eq!(s.lees_id("!!"), None);
        assert_eq!(s.lees_id(&URL_SAFE_NO_PAD.encode([0u8; 16])), None);
        let mut flipped = id.as_str().to_owned().into_bytes();
        flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.lees_id(std::str::from_utf8(&flipped).unwrap()), None);
        // Another database's key: not an id here.
        let ander = Sleutels::new(&[8; 32], &[9; 32]);
        assert_eq!(ander.lees_id(&id), None);
    }

    #[test]
    fn cursors_are_bound_to_their_purpose_and_refuse_tampering() {
        let s = sleutels();
        let c = s.cursor("lijst", b"{\"id\":3}");
        assert_eq!(
            s.lees_cursor("lijst", &c).as_deref(),
            Some(&b"{\"id\":3}"[..])
        );
        assert_eq!(s.lees_cursor("feed", &c), None);
        let mut t = c.clone().into_bytes();
        t[0] = if t[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            s.lees_cursor("lijst", std::str::from_utf8(&t).unwrap()),
            None
        );
        assert_eq!(s.lees_cursor("lijst", "eyJpZCI6M30"), None);
    }

    #[test]
    fn hex_keys() {
        assert!(Sleutels::uit_hex(&"ab".repeat(32), &"01".repeat(32)).is_some());
        assert!(Sleutels::uit_hex("abc", &"01".repeat(32)).is_none());
    }
}
