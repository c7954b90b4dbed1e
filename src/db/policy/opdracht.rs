//! Opdrachten have no public catalogue: only the owner, the opdrachtgever, the executing
//! institutions, a kennismakelaar of its region and the programme office know they exist,
//! and they read them in full; the contact person is the owner's. The owner's beheerders and
//! medewerkers edit them (syncing is daily work).
//!
//! Writes by others: an executing institution may withdraw itself as uitvoerder, with the
//! same roles ([`Policy::EDITORS`]; `WriteSession::withdraw_uitvoerder`), the one write on
//! an opdracht that is not its owner's. A fieldlab, lectoraat or minor it points at may be
//! deleted by its owner, which unlinks it (their `writes::references`).

use super::links::Part;
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::auth::Rol;
use crate::db::entities::koppelingen::{opdracht_thema, opdracht_uitvoerder};
use crate::db::entities::opdracht::{Column, Entity};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Opdracht;
    const NAME: &'static str = "Opdracht";
    const EDITORS: &'static [Rol] = &[Rol::Beheerder, Rol::Medewerker];

    fn visible() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Organisation(Column::OpdrachtgeverId),
            Reach::Linked(LinkTable::of::<opdracht_uitvoerder::Entity>(
                opdracht_uitvoerder::Column::OpdrachtId,
                opdracht_uitvoerder::Column::OrganisatieId,
                "uitvoerders",
            )),
            Reach::Region(Column::Regio),
        ]
    }

    fn readable() -> Vec<Reach<Self>> {
        Self::visible()
    }
}

/// The fields and links of an opdracht: all of them for whoever sees it, but its contact.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus, Regio};
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    pub const OMSCHRIJVING: F<Option<String>> =
        F::public(Some(Column::Omschrijving), |m| m.omschrijving.clone());
    pub const EXTERN_ID: F<Option<String>> =
        F::public(Some(Column::ExternId), |m| m.extern_id.clone());
    pub const SOORT: F<OpdrachtSoort> = F::public(Some(Column::Soort), |m| m.soort);
    pub const STATUS: F<OpdrachtStatus> = F::public(Some(Column::Status), |m| m.status);
    pub const ONDERWIJSSOORT: F<Onderwijssoort> =
        F::public(Some(Column::Onderwijssoort), |m| m.onderwijssoort);
    pub const REGIO: F<Option<Regio>> = F::public(Some(Column::Regio), |m| m.regio);
    pub const STARTDATUM: F<Option<NaiveDate>> =
        F::public(Some(Column::Startdatum), |m| m.startdatum);
    pub const EINDDATUM: F<Option<NaiveDate>> = F::public(Some(Column::Einddatum), |m| m.einddatum);
    pub const AANTAL_STUDENTEN: F<i32> =
        F::public(Some(Column::AantalStudenten), |m| m.aantal_studenten);
    pub const EIGENAAR: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const OPDRACHTGEVER: F<i32> =
        F::public(Some(Column::OpdrachtgeverId), |m| m.opdrachtgever_id);
    pub const FIELDLAB: F<Option<i32>> = F::public(Some(Column::FieldlabId), |m| m.fieldlab_id);
    pub const LECTORAAT: F<Option<i32>> = F::public(Some(Column::LectoraatId), |m| m.lectoraat_id);
    pub const MINOR: F<Option<i32>> = F::public(Some(Column::MinorId), |m| m.minor_id);
    pub const VRAAGSTUK: F<Option<i32>> = F::public(Some(Column::VraagstukId), |m| m.vraagstuk_id);

    /// Themes, for whoever sees the opdracht.
    pub static THEMAS: Part<Entity, opdracht_thema::Entity, String> = Part::new(
        "opdracht.themas",
        opdracht_thema::Column::OpdrachtId,
        Need::Public,
        |l: &opdracht_thema::Model| l.thema_code.clone(),
    );
    /// The executing institutions, for whoever sees the opdracht.
    pub static UITVOERDERS: Part<Entity, opdracht_uitvoerder::Entity, i32> = Part::new(
        "opdracht.uitvoerders",
        opdracht_uitvoerder::Column::OpdrachtId,
        Need::Public,
        |l: &opdracht_uitvoerder::Model| l.organisatie_id,
    );
}

/// How a opdracht is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<opdracht_thema::Entity> = w::Pairs::new(
        "themas",
        opdracht_thema::Column::OpdrachtId,
        opdracht_thema::Column::ThemaCode,
        w::themas,
    );
    static UITVOERDERS: w::Pairs<opdracht_uitvoerder::Entity> = w::Pairs::new(
        "uitvoerders",
        opdracht_uitvoerder::Column::OpdrachtId,
        opdracht_uitvoerder::Column::OrganisatieId,
        w::organisaties,
    );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[
            OrganisatieSoort::Rijkspartner,
            OrganisatieSoort::Kennisinstelling,
            OrganisatieSoort::Programmabureau,
        ];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&THEMAS, &UITVOERDERS]
        }
    }
}
