//! Partial updates: what an `update*` input asks of each field, and the one declaration of a
//! record type's create and update inputs.
//!
//! An update changes what its input gives: a field left out keeps its value, an explicit
//! `null` gives it the value a new record gets without it (empty, or the default the field
//! names), a value sets it; a list is replaced only when it is given. A required field may be
//! left out, but `null` on it is `BAD_USER_INPUT` naming it ([`Check::required_change`]). So
//! a frontend sends what the user changed, and a second frontend's change to another field is
//! not overwritten with what the first one read.
//!
//! Why one declaration ([`record_inputs!`]): a create and an update have the same fields, the
//! create's required ones non-null, the update's all nullable and each with three states
//! (async-graphql's `MaybeUndefined`). The macro declares both from one field list and turns a
//! create into the update of an empty record (every field given: a value, or null where the
//! create leaves it out), so each record type's checks are written once, on its update input,
//! and serve both mutations. A sync item keeps its full-record meaning the same way: it is
//! converted with every field given, so a field it leaves out is cleared.

use super::{Check, ContactpersoonInput};
use crate::graphql::types::Date;
use async_graphql::MaybeUndefined;
use chrono::NaiveDate;
use sea_orm::ActiveValue;

/// Declares a record type's create input and its update input from one list of fields, and
/// `From<create> for update` (every field given). Each field is written
/// `/// doc` then one of:
///
/// - `required name: T,`: `T!` in the create; nullable and optional in the update, where null
///   is refused;
/// - `optional name: T,`: nullable in both;
/// - `list name: T,`: `[T!]` with default `[]` in the create, `[T!]` in the update;
/// - `owner name: Option<ID>,`: the create's owner, not in the update (a record keeps its
///   owner); the create input then implements `RecordInput`;
/// - `flatten name: T => U,`: the fields of input `T` in the create and of its update `U`.
macro_rules! record_inputs {
    (
        $(#[$create_meta:meta])* create $create:ident;
        $(#[$update_meta:meta])* update $update:ident;
        $($fields:tt)*
    ) => {
        $crate::graphql::mutations::changes::record_inputs!(@field input
            [$(#[$create_meta])* $create] [$(#[$update_meta])* $update] [] [] [] [] $($fields)*);
    };
    (@field $i:ident $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*] [$($cv:tt)*] $own:tt
        $(#[$m:meta])* required $f:ident: $t:ty, $($rest:tt)*) => {
        $crate::graphql::mutations::changes::record_inputs!(@field $i $c $u
            [$($cf)* $(#[$m])* pub $f: $t,]
            [$($uf)* $(#[$m])* pub $f: async_graphql::MaybeUndefined<$t>,]
            [$($cv)* $f: async_graphql::MaybeUndefined::Value($i.$f),]
            $own $($rest)*);
    };
    (@field $i:ident $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*] [$($cv:tt)*] $own:tt
        $(#[$m:meta])* optional $f:ident: $t:ty, $($rest:tt)*) => {
        $crate::graphql::mutations::changes::record_inputs!(@field $i $c $u
            [$($cf)* $(#[$m])* pub $f: Option<$t>,]
            [$($uf)* $(#[$m])* pub $f: async_graphql::MaybeUndefined<$t>,]
            [$($cv)* $f: $crate::graphql::mutations::changes::given($i.$f),]
            $own $($rest)*);
    };
    (@field $i:ident $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*] [$($cv:tt)*] $own:tt
        $(#[$m:meta])* list $f:ident: $t:ty, $($rest:tt)*) => {
        $crate::graphql::mutations::changes::record_inputs!(@field $i $c $u
            [$($cf)* $(#[$m])* #[graphql(default)] pub $f: Vec<$t>,]
            [$($uf)* $(#[$m])* pub $f: async_graphql::MaybeUndefined<Vec<$t>>,]
            [$($cv)* $f: async_graphql::MaybeUndefined::Value($i.$f),]
            $own $($rest)*);
    };
    (@field $i:ident $c:tt $u:tt [$($cf:tt)*] $uf:tt $cv:tt []
        $(#[$m:meta])* owner $f:ident: $t:ty, $($rest:tt)*) => {
        $crate::graphql::mutations::changes::record_inputs!(@field $i $c $u
            [$($cf)* $(#[$m])* pub $f: $t,] $uf $cv [$f] $($rest)*);
    };
    (@field $i:ident $c:tt $u:tt [$($cf:tt)*] [$($uf:tt)*] [$($cv:tt)*] $own:tt
        $(#[$m:meta])* flatten $f:ident: $t:ty => $tu:ty, $($rest:tt)*) => {
        $crate::graphql::mutations::changes::record_inputs!(@field $i $c $u
            [$($cf)* $(#[$m])* #[graphql(flatten)] pub $f: $t,]
            [$($uf)* $(#[$m])* #[graphql(flatten)] pub $f: $tu,]
            [$($cv)* $f: $i.$f.into(),]
            $own $($rest)*);
    };
    (@field $i:ident [$(#[$cm:meta])* $create:ident] [$(#[$um:meta])* $update:ident]
        [$($cf:tt)*] [$($uf:tt)*] [$($cv:tt)*] [$($own:ident)?]) => {
        $(#[$cm])*
        #[derive(async_graphql::InputObject, Debug, Clone)]
        pub struct $create {
            $($cf)*
        }

        $(#[$um])*
        #[derive(async_graphql::InputObject, Debug, Clone, Default)]
        pub struct $update {
            $($uf)*
        }

        impl From<$create> for $update {
            fn from($i: $create) -> Self {
                Self { $($cv)* }
            }
        }

        $(
            impl $crate::graphql::mutations::records::RecordInput for $create {
                type Change = $update;

                fn eigenaar(&self) -> Option<&async_graphql::ID> {
                    self.$own.as_ref()
                }
            }
        )?
    };
}
pub(crate) use record_inputs;

/// A field of a create (or sync item) as a change: given, with its value or null.
pub fn given<T>(value: Option<T>) -> MaybeUndefined<T> {
    match value {
        Some(value) => MaybeUndefined::Value(value),
        None => MaybeUndefined::Null,
    }
}

/// Sets `column` to `value(v)` when the change gives the field (`v` its value, or `None` for
/// null); leaves it as it is when the field is left out.
pub fn change<T: ?Sized, V>(
    column: &mut ActiveValue<V>,
    given: Option<Option<&T>>,
    value: impl FnOnce(Option<&T>) -> V,
) where
    V: Into<sea_orm::Value>,
{
    if let Some(v) = given {
        *column = ActiveValue::Set(value(v));
    }
}

/// A value with a default as the change gives it (null: `default`, as on create).
pub fn change_or<T>(column: &mut ActiveValue<T>, given: &MaybeUndefined<T>, default: T)
where
    T: Copy + Into<sea_orm::Value>,
{
    change(column, given.as_opt_ref(), |v| {
        v.copied().unwrap_or(default)
    });
}

/// An optional value (an enum, a region) as the change gives it (null: none).
pub fn change_value<T>(column: &mut ActiveValue<Option<T>>, given: &MaybeUndefined<T>)
where
    T: Copy,
    Option<T>: Into<sea_orm::Value>,
{
    change(column, given.as_opt_ref(), |v| v.copied());
}

/// A date as the change gives it (null: none).
pub fn change_date(column: &mut ActiveValue<Option<NaiveDate>>, given: &MaybeUndefined<Date>) {
    change(column, given.as_opt_ref(), |v| v.map(|d| d.0));
}

/// The value of a column as the row will have it (`None` when not set).
pub fn current<V: Clone>(column: &ActiveValue<Option<V>>) -> Option<V>
where
    Option<V>: Into<sea_orm::Value>,
{
    column.try_as_ref().cloned().flatten()
}

/// A record's contact person (at `field`) as the change gives it: the object replaces name and
/// e-mail, null clears both, left out keeps both.
pub fn contactpersoon(
    c: &mut Check,
    field: &str,
    given: &MaybeUndefined<ContactpersoonInput>,
    naam: &mut ActiveValue<Option<String>>,
    email: &mut ActiveValue<Option<String>>,
) {
    if let Some(contact) = given.as_opt_ref() {
        let (new_naam, new_email) = c.contactpersoon(field, contact);
        *naam = ActiveValue::Set(new_naam);
        *email = ActiveValue::Set(new_email);
    }
}

/// A list as a change gives it (null: empty), `None` when it is left out.
pub fn list<T>(given: &MaybeUndefined<Vec<T>>) -> Option<&[T]> {
    given.as_opt_ref().map(|v| v.map_or(&[][..], Vec::as_slice))
}

impl Check {
    /// One line of text at `field`, at most `max` characters, as the change gives it.
    pub fn change_text(
        &mut self,
        field: &str,
        column: &mut ActiveValue<Option<String>>,
        given: &MaybeUndefined<String>,
        max: usize,
    ) {
        change(column, given.as_opt_deref(), |v| self.text(field, v, max));
    }

    /// Free text (a description) at `field` as the change gives it.
    pub fn change_free_text(
        &mut self,
        field: &str,
        column: &mut ActiveValue<Option<String>>,
        given: &MaybeUndefined<String>,
    ) {
        change(column, given.as_opt_deref(), |v| self.free_text(field, v));
    }

    /// A web address at `field` as the change gives it.
    pub fn change_website(
        &mut self,
        field: &str,
        column: &mut ActiveValue<Option<String>>,
        given: &MaybeUndefined<String>,
    ) {
        change(column, given.as_opt_deref(), |v| self.website(field, v));
    }

    /// A required value (an enum) as the change gives it; null is refused on `field`.
    pub fn change_required<T>(
        &mut self,
        field: &str,
        column: &mut ActiveValue<T>,
        given: &MaybeUndefined<T>,
    ) where
        T: Copy + Into<sea_orm::Value>,
    {
        if let Some(value) = self.required_change(field, given) {
            *column = ActiveValue::Set(*value);
        }
    }

    /// The value a change gives a required field, `None` when it leaves the field out (it
    /// keeps its value); null is refused on `field`.
    pub fn required_change<'a, T>(
        &mut self,
        field: &str,
        given: &'a MaybeUndefined<T>,
    ) -> Option<&'a T> {
        match given {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => {
                self.fail(
                    field,
                    "is required and cannot be null; leave it out to keep its value",
                );
                None
            }
            MaybeUndefined::Value(value) => Some(value),
        }
    }
}
