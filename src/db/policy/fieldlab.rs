//! Fieldlabs: a public catalogue (name, regions, themes, description); the penvoerder, the
//! participants, a kennismakelaar of any of its regions (a lab lies in one or more) and the
//! programme office read the rest (status, place, dates, penvoerder, participants); the contact
//! person is the penvoerder's.

use super::links::{Between, Part};
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::db::entities::fieldlab::{Column, Entity};
use crate::db::entities::koppelingen::{
    fieldlab_deelnemer, fieldlab_regio, fieldlab_thema, lectoraat_fieldlab,
};
use crate::db::entities::lectoraat;
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Fieldlab;
    const NAME: &'static str = "Fieldlab";

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Linked(LinkTable::of::<fieldlab_deelnemer::Entity>(
                fieldlab_deelnemer::Column::FieldlabId,
                fieldlab_deelnemer::Column::OrganisatieId,
                "deelnemers",
            )),
            Reach::Regions(LinkTable::of::<fieldlab_regio::Entity>(
                fieldlab_regio::Column::FieldlabId,
                fieldlab_regio::Column::Regio,
                "regios",
            )),
        ]
    }
}

/// The fields and links of a fieldlab, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::{DeelnemerRol, FieldlabStatus, Regio};
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    /// The owner's kenmerk for the record is public: sync clients of other organisations name
    /// it.
    pub const KENMERK: F<Option<String>> = F::public(Some(Column::Kenmerk), |m| m.kenmerk.clone());
    pub const BESCHRIJVING: F<Option<String>> =
        F::public(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    pub const STATUS: F<FieldlabStatus> = F::full(Some(Column::Status), |m| m.status);
    pub const PLAATS: F<Option<String>> = F::full(Some(Column::Plaats), |m| m.plaats.clone());
    pub const WEBSITE: F<Option<String>> = F::full(Some(Column::Website), |m| m.website.clone());
    pub const STARTDATUM: F<Option<NaiveDate>> =
        F::full(Some(Column::Startdatum), |m| m.startdatum);
    pub const PENVOERDER: F<i32> = F::full(Some(Column::EigenaarId), |m| m.eigenaar_id);

    /// The regions the lab lies in (one or more) are public.
    pub static REGIOS: Part<Entity, fieldlab_regio::Entity, Regio> = Part::new(
        "fieldlab.regios",
        fieldlab_regio::Column::FieldlabId,
        Need::Public,
        |l: &fieldlab_regio::Model| l.regio,
    );
    /// Themes are public.
    pub static THEMAS: Part<Entity, fieldlab_thema::Entity, String> = Part::new(
        "fieldlab.themas",
        fieldlab_thema::Column::FieldlabId,
        Need::Public,
        |l: &fieldlab_thema::Model| l.thema_code.clone(),
    );
    /// The participants (besides the penvoerder) with their role, for those who read the lab
    /// in full.
    pub static DEELNEMERS: Part<Entity, fieldlab_deelnemer::Entity, (i32, DeelnemerRol)> =
        Part::new(
            "fieldlab.deelnemers",
            fieldlab_deelnemer::Column::FieldlabId,
            Need::Full,
            |l: &fieldlab_deelnemer::Model| (l.organisatie_id, l.rol),
        );
    /// The lectoraten linked to the lab: the link between the two records, read from the lab.
    pub static LECTORATEN: Between<lectoraat::Entity, Entity, lectoraat_fieldlab::Entity> =
        Between::new(
            "fieldlab.lectoraten",
            lectoraat_fieldlab::Column::LectoraatId,
            lectoraat_fieldlab::Column::FieldlabId,
            false,
        );
}

/// How a fieldlab is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet, Reference};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<fieldlab_thema::Entity> = w::Pairs::new(
        "themas",
        fieldlab_thema::Column::FieldlabId,
        fieldlab_thema::Column::ThemaCode,
        w::themas,
    );
    static REGIOS: w::Pairs<fieldlab_regio::Entity> = w::Pairs::new(
        "regios",
        fieldlab_regio::Column::FieldlabId,
        fieldlab_regio::Column::Regio,
        w::regios,
    );
    static REF_OPDRACHTEN: w::ByColumn<crate::db::entities::opdracht::Entity> = w::ByColumn::new(
        crate::db::entities::opdracht::Column::FieldlabId,
        "opdrachten",
    );
    static REF_LECTORATEN: w::ByLink<
        crate::db::entities::lectoraat::Entity,
        lectoraat_fieldlab::Entity,
    > = w::ByLink::new(
        lectoraat_fieldlab::Column::LectoraatId,
        lectoraat_fieldlab::Column::FieldlabId,
        crate::db::write::LinkUpdate::Fieldlabs,
        "lectoraten",
    );

    static REF_VRAAGSTUKKEN: w::ByColumn<crate::db::entities::vraagstuk::Entity> = w::ByColumn::new(
        crate::db::entities::vraagstuk::Column::FieldlabId,
        "vraagstukken",
    );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[
            OrganisatieSoort::Rijkspartner,
            OrganisatieSoort::Kennisinstelling,
            OrganisatieSoort::Programmabureau,
        ];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&REGIOS, &THEMAS, &w::Participants]
        }

        fn references() -> Vec<&'static dyn Reference> {
            vec![&REF_VRAAGSTUKKEN, &REF_OPDRACHTEN, &REF_LECTORATEN]
        }
    }
}
