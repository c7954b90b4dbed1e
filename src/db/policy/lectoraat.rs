//! Lectoraten and leerstoelen: public are name, kind, institution and themes; the owner, the
//! linked rijkspartners, a kennismakelaar of the institution's region and the programme
//! office read the rest; the lector's name is personal data, like a contact person.

use super::links::{Between, Part};
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::db::entities::fieldlab;
use crate::db::entities::koppelingen::{lectoraat_fieldlab, lectoraat_partner, lectoraat_thema};
use crate::db::entities::lectoraat::{Column, Entity};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Lectoraat;
    const NAME: &'static str = "Lectoraat";

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Linked(LinkTable::of::<lectoraat_partner::Entity>(
                lectoraat_partner::Column::LectoraatId,
                lectoraat_partner::Column::OrganisatieId,
                "partners",
            )),
            Reach::OwnerRegion,
        ]
    }
}

/// The fields and links of a lectoraat, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::LectoraatSoort;
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    /// The owner's kenmerk for the record is public: sync clients of other organisations name
    /// it.
    pub const KENMERK: F<Option<String>> = F::public(Some(Column::Kenmerk), |m| m.kenmerk.clone());
    pub const SOORT: F<LectoraatSoort> = F::public(Some(Column::Soort), |m| m.soort);
    pub const INSTELLING: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const BESCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    pub const LECTOR: F<Option<String>> = F::own(Some(Column::Lector), |m| m.lector.clone());
    pub const STARTDATUM: F<Option<NaiveDate>> =
        F::full(Some(Column::Startdatum), |m| m.startdatum);
    pub const EINDDATUM: F<Option<NaiveDate>> = F::full(Some(Column::Einddatum), |m| m.einddatum);

    /// Themes are public.
    pub static THEMAS: Part<Entity, lectoraat_thema::Entity, String> = Part::new(
        "lectoraat.themas",
        lectoraat_thema::Column::LectoraatId,
        Need::Public,
        |l: &lectoraat_thema::Model| l.thema_code.clone(),
    );
    /// The linked rijkspartners, for those who read the lectoraat in full.
    pub static PARTNERS: Part<Entity, lectoraat_partner::Entity, i32> = Part::new(
        "lectoraat.partners",
        lectoraat_partner::Column::LectoraatId,
        Need::Full,
        |l: &lectoraat_partner::Model| l.organisatie_id,
    );
    /// The fieldlabs the chair works in: the link between the two records, read from the
    /// lectoraat.
    pub static FIELDLABS: Between<Entity, fieldlab::Entity, lectoraat_fieldlab::Entity> =
        Between::new(
            "lectoraat.fieldlabs",
            lectoraat_fieldlab::Column::LectoraatId,
            lectoraat_fieldlab::Column::FieldlabId,
            true,
        );
}

/// How a lectoraat is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet, Reference};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<lectoraat_thema::Entity> = w::Pairs::new(
        "themas",
        lectoraat_thema::Column::LectoraatId,
        lectoraat_thema::Column::ThemaCode,
        w::themas,
    );
    static PARTNERS: w::Pairs<lectoraat_partner::Entity> = w::Pairs::new(
        "partners",
        lectoraat_partner::Column::LectoraatId,
        lectoraat_partner::Column::OrganisatieId,
        w::organisaties,
    );
    static FIELDLABS: w::Pairs<lectoraat_fieldlab::Entity> = w::Pairs::new(
        "fieldlabs",
        lectoraat_fieldlab::Column::LectoraatId,
        lectoraat_fieldlab::Column::FieldlabId,
        w::fieldlabs,
    );
    static REF_OPDRACHTEN: w::ByColumn<crate::db::entities::opdracht::Entity> = w::ByColumn::new(
        crate::db::entities::opdracht::Column::LectoraatId,
        "opdrachten",
    );

    static REF_VRAAGSTUKKEN: w::ByColumn<crate::db::entities::vraagstuk::Entity> = w::ByColumn::new(
        crate::db::entities::vraagstuk::Column::LectoraatId,
        "vraagstukken",
    );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[OrganisatieSoort::Kennisinstelling];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&THEMAS, &PARTNERS, &FIELDLABS]
        }

        fn references() -> Vec<&'static dyn Reference> {
            vec![&REF_VRAAGSTUKKEN, &REF_OPDRACHTEN]
        }
    }
}
