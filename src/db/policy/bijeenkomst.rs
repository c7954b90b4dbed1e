//! Bijeenkomsten: summercourses, kennissessies, werkconferenties and events are public (what,
//! when, where, who organised it, with how many participants); the contact person is the
//! organiser's. The organiser and its partners read the description.

use super::links::Part;
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::db::entities::bijeenkomst::{Column, Entity};
use crate::db::entities::koppelingen::{bijeenkomst_partner, bijeenkomst_thema};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Bijeenkomst;
    const NAME: &'static str = "Bijeenkomst";

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Linked(LinkTable::of::<bijeenkomst_partner::Entity>(
                bijeenkomst_partner::Column::BijeenkomstId,
                bijeenkomst_partner::Column::OrganisatieId,
                "partners",
            )),
        ]
    }
}

/// The fields and links of a bijeenkomst, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::BijeenkomstSoort;
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    pub const SOORT: F<BijeenkomstSoort> = F::public(Some(Column::Soort), |m| m.soort);
    pub const DATUM: F<NaiveDate> = F::public(Some(Column::Datum), |m| m.datum);
    pub const EINDDATUM: F<Option<NaiveDate>> = F::public(Some(Column::Einddatum), |m| m.einddatum);
    pub const PLAATS: F<Option<String>> = F::public(Some(Column::Plaats), |m| m.plaats.clone());
    pub const ORGANISATOR: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const DEELNEMERS_OVERHEID: F<Option<i32>> =
        F::public(Some(Column::DeelnemersOverheid), |m| m.deelnemers_overheid);
    pub const DEELNEMERS_ONDERWIJS: F<Option<i32>> =
        F::public(Some(Column::DeelnemersOnderwijs), |m| {
            m.deelnemers_onderwijs
        });
    pub const DEELNEMERS_TOTAAL: F<Option<i32>> =
        F::public(Some(Column::DeelnemersTotaal), |m| m.deelnemers_totaal);
    pub const BESCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Beschrijving), |m| m.beschrijving.clone());

    /// Themes are public.
    pub static THEMAS: Part<Entity, bijeenkomst_thema::Entity, String> = Part::new(
        "bijeenkomst.themas",
        bijeenkomst_thema::Column::BijeenkomstId,
        Need::Public,
        |l: &bijeenkomst_thema::Model| l.thema_code.clone(),
    );
    /// The partner organisations are public: who organised it is what the programme reports.
    pub static PARTNERS: Part<Entity, bijeenkomst_partner::Entity, i32> = Part::new(
        "bijeenkomst.partners",
        bijeenkomst_partner::Column::BijeenkomstId,
        Need::Public,
        |l: &bijeenkomst_partner::Model| l.organisatie_id,
    );
}

/// How a bijeenkomst is written: owned by any organisation, with its themes and partners.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<bijeenkomst_thema::Entity> = w::Pairs::new(
        "themas",
        bijeenkomst_thema::Column::BijeenkomstId,
        bijeenkomst_thema::Column::ThemaCode,
        w::themas,
    );
    static PARTNERS: w::Pairs<bijeenkomst_partner::Entity> = w::Pairs::new(
        "partners",
        bijeenkomst_partner::Column::BijeenkomstId,
        bijeenkomst_partner::Column::OrganisatieId,
        w::organisaties,
    );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[
            OrganisatieSoort::Rijkspartner,
            OrganisatieSoort::Kennisinstelling,
            OrganisatieSoort::Programmabureau,
        ];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&THEMAS, &PARTNERS]
        }
    }
}
