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
//! **Entry ids** (`AuditRegel.id`, `Wijziging.id`: change-log entries are not records) are
//! sealed the same way, with their type name as the purpose: one per entry and type, always
//! the same, and neither a cursor nor a record id.
//!
//! **The keys** live in the database (table `sleutels`, 32 random bytes each, made by migration
//! 20), so every API process on one database, and every restart, makes and reads the same ids,
//! and a fresh database has its own keys. They are read once per process
//! ([`crate::db::Database::keys_hex`]) and each GraphQL request runs with them in a task-local
//! ([`with_keys`]), so the code that writes or reads an id needs no handle.

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
    "Vraagstuk",
    "Promotietraject",
    "Bijeenkomst",
    "Kennismakelaar",
];

/// The first byte of an id's plaintext: the id format.
const FORMAT: u8 = 1;

/// The keys of ids and cursors (see the module documentation).
pub struct Keys {
    ids: Aes256,
    cursors: Aes256GcmSiv,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Keys from 32 bytes for ids and 32 bytes for cursors.
    pub fn new(ids: &[u8; 32], cursors: &[u8; 32]) -> Self {
        Self {
            ids: Aes256::new_from_slice(ids).expect("a 32-byte key"),
            cursors: Aes256GcmSiv::new_from_slice(cursors).expect("a 32-byte key"),
        }
    }

    /// Keys from their hex text, as the table `sleutels` keeps them.
    pub fn from_hex(ids: &str, cursors: &str) -> Option<Self> {
        Some(Self::new(&hex32(ids)?, &hex32(cursors)?))
    }

    /// The keys of this database (made by migration 20).
    pub async fn load(db: &crate::db::Database) -> Result<Self, sea_orm::DbErr> {
        let (ids, cursors) = db.keys_hex().await?;
        Self::from_hex(&ids, &cursors).ok_or_else(|| {
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
        let mut block = [0u8; 16];
        block[0] = FORMAT;
        block[1] = tag;
        block[2..6].copy_from_slice(&id.to_be_bytes());
        let mut block = aes::Block::from(block);
        self.ids.encrypt_block(&mut block);
        ID(URL_SAFE_NO_PAD.encode(block))
    }

    /// The type and row an id of [`Keys::id`] names, if it is one.
    pub fn read_id(&self, id: &str) -> Option<GlobalId> {
        let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
        let mut block: [u8; 16] = bytes.try_into().ok()?;
        let mut b = aes::Block::from(block);
        self.ids.decrypt_block(&mut b);
        block = b.into();
        if block[0] != FORMAT || block[6..].iter().any(|b| *b != 0) {
            return None;
        }
        let typename = TYPES.get(usize::from(block[1]).checked_sub(1)?)?;
        let id = i32::from_be_bytes(block[2..6].try_into().ok()?);
        Some(GlobalId { typename, id })
    }

    /// Seals `contents` as a cursor for `purpose`.
    pub fn cursor(&self, purpose: &str, contents: &[u8]) -> String {
        let sealed = self
            .cursors
            .encrypt(
                &NONCE.into(),
                Payload {
                    msg: contents,
                    aad: purpose.as_bytes(),
                },
            )
            .expect("AES-GCM-SIV seals any cursor-sized message");
        URL_SAFE_NO_PAD.encode(sealed)
    }

    /// The contents of a cursor sealed for `purpose`, if it is one (authentic and unchanged).
    pub fn read_cursor(&self, purpose: &str, cursor: &str) -> Option<Vec<u8>> {
        let sealed = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        self.cursors
            .decrypt(
                &NONCE.into(),
                Payload {
                    msg: &sealed,
                    aad: purpose.as_bytes(),
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
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

tokio::task_local! {
    static KEYS: Arc<Keys>;
}

/// Runs `f` (a GraphQL request) with these keys for its ids and cursors.
pub async fn with_keys<F: Future>(keys: Arc<Keys>, f: F) -> F::Output {
    KEYS.scope(keys, f).await
}

/// `f` with the keys of the running request.
pub(crate) fn with_request_keys<T>(f: impl FnOnce(&Keys) -> T) -> T {
    KEYS.try_with(|s| f(s))
        .expect("ids and cursors are made and read inside a request run with `with_keys`")
}

impl GlobalId {
    /// The global id of row `id` of `typename`, under the running request's key.
    pub fn encode(typename: &str, id: i32) -> ID {
        with_request_keys(|s| s.id(typename, id))
    }

    /// The type and row `value` names; `BAD_USER_INPUT` on `field` if it is not an id of this
    /// API.
    pub fn decode(field: &str, value: &ID) -> Result<Self, ApiError> {
        with_request_keys(|s| s.read_id(value.as_str())).ok_or_else(|| {
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
            "Vraagstuk" => RecordType::Vraagstuk,
            "Promotietraject" => RecordType::Promotietraject,
            "Bijeenkomst" => RecordType::Bijeenkomst,
            "Kennismakelaar" => RecordType::Kennismakelaar,
            _ => RecordType::Organisatie,
        }
    }
}

/// Seals `contents` as a cursor for `purpose`, under the running request's key.
pub fn cursor(purpose: &str, contents: &[u8]) -> String {
    with_request_keys(|s| s.cursor(purpose, contents))
}

/// The contents of a cursor for `purpose`; `BAD_USER_INPUT` on `field` if it is not one.
pub fn read_cursor(field: &str, purpose: &str, cursor: &str) -> Result<Vec<u8>, ApiError> {
    with_request_keys(|s| s.read_cursor(purpose, cursor)).ok_or_else(|| {
        ApiError::bad_input(
            field,
            "not a cursor of this list; use a cursor from its edges or pageInfo",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::new(&[7; 32], &[9; 32])
    }

    #[test]
    fn ids_round_trip_and_garbage_is_refused() {
        let s = keys();
        let id = s.id("Fieldlab", 12);
        assert_eq!(id.len(), 22);
        assert_eq!(
            s.read_id(&id),
            Some(GlobalId {
                typename: "Fieldlab",
                id: 12
            })
        );
        assert_ne!(s.id("Fieldlab", 13).as_str()[..4], id.as_str()[..4]);
        assert_eq!(s.read_id("bm9wZQ"), None);
        assert_eq!(s.read_id(&URL_SAFE_NO_PAD.encode("Fieldlab:12")), None);
        assert_eq!(s.read_id("!!"), None);
        assert_eq!(s.read_id(&URL_SAFE_NO_PAD.encode([0u8; 16])), None);
        let mut flipped = id.as_str().to_owned().into_bytes();
        flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.read_id(std::str::from_utf8(&flipped).unwrap()), None);
        // Another database's key: not an id here.
        let other = Keys::new(&[8; 32], &[9; 32]);
        assert_eq!(other.read_id(&id), None);
    }

    #[test]
    fn cursors_are_bound_to_their_purpose_and_refuse_tampering() {
        let s = keys();
        let c = s.cursor("lijst", b"{\"id\":3}");
        assert_eq!(
            s.read_cursor("lijst", &c).as_deref(),
            Some(&b"{\"id\":3}"[..])
        );
        assert_eq!(s.read_cursor("feed", &c), None);
        let mut t = c.clone().into_bytes();
        t[0] = if t[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            s.read_cursor("lijst", std::str::from_utf8(&t).unwrap()),
            None
        );
        assert_eq!(s.read_cursor("lijst", "eyJpZCI6M30"), None);
    }

    #[test]
    fn hex_keys() {
        assert!(Keys::from_hex(&"ab".repeat(32), &"01".repeat(32)).is_some());
        assert!(Keys::from_hex("abc", &"01".repeat(32)).is_none());
    }
}
