//! Minoren, masters and post-masters: public are name, kind, study load and institution; the
//! owner, the co-developing rijkspartners, a kennismakelaar of the institution's region and
//! the programme office read the rest, themes included.

use super::links::Part;
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::db::entities::koppelingen::{minor_partner, minor_thema};
use crate::db::entities::minor::{Column, Entity};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Minor;
    const NAME: &'static str = "Minor";

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Linked(LinkTable::of::<minor_partner::Entity>(
                minor_partner::Column::MinorId,
                minor_partner::Column::OrganisatieId,
                "partners",
            )),
            Reach::OwnerRegion,
        ]
    }
}

/// The fields and links of a minor, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::MinorSoort;
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    /// The owner's kenmerk for the record is public: sync clients of other organisations name
    /// it.
    pub const KENMERK: F<Option<String>> = F::public(Some(Column::Kenmerk), |m| m.kenmerk.clone());
    pub const SOORT: F<MinorSoort> = F::public(Some(Column::Soort), |m| m.soort);
    pub const STUDIELAST_ECTS: F<Option<i32>> =
        F::public(Some(Column::StudielastEcts), |m| m.studielast_ects);
    pub const INSTELLING: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const BESCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    pub const WEBSITE: F<Option<String>> = F::full(Some(Column::Website), |m| m.website.clone());
    pub const STARTDATUM: F<Option<NaiveDate>> =
        F::full(Some(Column::Startdatum), |m| m.startdatum);

    /// Themes, for those who read the minor in full.
    pub static THEMAS: Part<Entity, minor_thema::Entity, String> = Part::new(
        "minor.themas",
        minor_thema::Column::MinorId,
        Need::Full,
        |l: &minor_thema::Model| l.thema_code.clone(),
    );
    /// The co-developing rijkspartners, for those who read the minor in full.
    pub static PARTNERS: Part<Entity, minor_partner::Entity, i32> = Part::new(
        "minor.partners",
        minor_partner::Column::MinorId,
        Need::Full,
        |l: &minor_partner::Model| l.organisatie_id,
    );
}

/// How a minor is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet, Reference};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<minor_thema::Entity> = w::Pairs::new(
        "themas",
        minor_thema::Column::MinorId,
        minor_thema::Column::ThemaCode,
        w::themas,
    );
    static PARTNERS: w::Pairs<minor_partner::Entity> = w::Pairs::new(
        "partners",
        minor_partner::Column::MinorId,
        minor_partner::Column::OrganisatieId,
        w::organisaties,
    );
    static REF_OPDRACHTEN: w::ByColumn<crate::db::entities::opdracht::Entity> =
        w::ByColumn::new(crate::db::entities::opdracht::Column::MinorId, "opdrachten");

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[OrganisatieSoort::Kennisinstelling];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&THEMAS, &PARTNERS]
        }

        fn references() -> Vec<&'static dyn Reference> {
            vec![&REF_OPDRACHTEN]
        }
    }
}
