//! Promotietrajecten (the I-Doctoraat): a public catalogue of PhD tracks (title, theme, start
//! year, status, university, host); the university (owner), the host rijkspartner, a
//! kennismakelaar of the university's region and the programme office read the description.
//! The candidate's name is personal data: the owner's and the programme office's only.

use super::{Policy, Reach, Sealed};
use crate::db::entities::promotietraject::{Column, Entity};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Promotietraject;
    const NAME: &'static str = "Promotietraject";

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Organisation(Column::GastheerId),
            Reach::OwnerRegion,
        ]
    }
}

/// The fields of a promotietraject, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::PromotieStatus;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    pub const THEMA: F<String> = F::public(Some(Column::ThemaCode), |m| m.thema_code.clone());
    pub const STARTJAAR: F<i32> = F::public(Some(Column::Startjaar), |m| m.startjaar);
    pub const STATUS: F<PromotieStatus> = F::public(Some(Column::Status), |m| m.status);
    pub const UNIVERSITEIT: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const GASTHEER: F<i32> = F::public(Some(Column::GastheerId), |m| m.gastheer_id);
    pub const BESCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    /// The candidate's name: personal data.
    pub const PROMOVENDUS: F<Option<String>> =
        F::own(Some(Column::Promovendus), |m| m.promovendus.clone());
}

/// How a promotietraject is written: owned by a kennisinstelling, no link tables.
pub mod writes {
    use super::*;
    use crate::db::entities::vraagstuk;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet, Reference};
    use crate::domain::OrganisatieSoort;

    static REF_VRAAGSTUKKEN: w::ByColumn<vraagstuk::Entity> =
        w::ByColumn::new(vraagstuk::Column::PromotietrajectId, "vraagstukken");

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[OrganisatieSoort::Kennisinstelling];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            Vec::new()
        }

        fn references() -> Vec<&'static dyn Reference> {
            vec![&REF_VRAAGSTUKKEN]
        }
    }
}
