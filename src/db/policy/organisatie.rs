//! Organisation profiles: public are name, kind, region, website and keys; every partner
//! with a token reads the description; the contact person is the organisation's own. Its
//! links to records are those records' links, read with their rules ([`PartOf`]).

use super::links::PartOf;
use super::{Policy, Reach, Sealed};
use crate::db::entities::koppelingen::{
    community_lid, fieldlab_deelnemer, lectoraat_partner, minor_partner,
};
use crate::db::entities::organisatie::{Column, Entity};
use crate::db::entities::{community, fieldlab, lectoraat, minor};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Organisatie;
    const NAME: &'static str = "Organisatie";

    fn owner() -> Column {
        Column::Id
    }

    fn readable() -> Vec<Reach<Self>> {
        vec![Reach::Partners]
    }
}

/// The fields and links of a profile, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::{Onderwijssoort, OrganisatieSoort, Regio, RijkspartnerSoort};

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    pub const AFKORTING: F<Option<String>> =
        F::public(Some(Column::Afkorting), |m| m.afkorting.clone());
    pub const SOORT: F<OrganisatieSoort> = F::public(Some(Column::Soort), |m| m.soort);
    pub const REGIO: F<Option<Regio>> = F::public(Some(Column::Regio), |m| m.regio);
    pub const WEBSITE: F<Option<String>> = F::public(Some(Column::Website), |m| m.website.clone());
    pub const BESCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    pub const OIN: F<Option<String>> = F::public(Some(Column::Oin), |m| m.oin.clone());
    pub const RIJKSPARTNER_SOORT: F<Option<RijkspartnerSoort>> =
        F::public(Some(Column::RijkspartnerSoort), |m| m.rijkspartner_soort);
    pub const MOEDERORGANISATIE: F<Option<i32>> =
        F::public(Some(Column::ParentId), |m| m.parent_id);
    pub const SCHAC_HOME: F<Option<String>> =
        F::public(Some(Column::SchacHome), |m| m.schac_home.clone());
    pub const INSTELLINGSCODE: F<Option<String>> =
        F::public(Some(Column::Instellingscode), |m| m.instellingscode.clone());
    pub const ONDERWIJSSOORT: F<Option<Onderwijssoort>> =
        F::public(Some(Column::Onderwijssoort), |m| m.onderwijssoort);

    /// The fieldlabs the organisation leads or takes part in.
    pub static FIELDLABS: PartOf<fieldlab::Entity, fieldlab_deelnemer::Entity> = PartOf::new(
        "organisatie.fieldlabs",
        fieldlab_deelnemer::Column::FieldlabId,
        fieldlab_deelnemer::Column::OrganisatieId,
    );
    /// The lectoraten it owns or is a partner of.
    pub static LECTORATEN: PartOf<lectoraat::Entity, lectoraat_partner::Entity> = PartOf::new(
        "organisatie.lectoraten",
        lectoraat_partner::Column::LectoraatId,
        lectoraat_partner::Column::OrganisatieId,
    );
    /// The minoren it owns or co-develops.
    pub static MINOREN: PartOf<minor::Entity, minor_partner::Entity> = PartOf::new(
        "organisatie.minoren",
        minor_partner::Column::MinorId,
        minor_partner::Column::OrganisatieId,
    );
    /// The communities it owns or is a member of.
    pub static COMMUNITIES: PartOf<community::Entity, community_lid::Entity> = PartOf::new(
        "organisatie.communities",
        community_lid::Column::CommunityId,
        community_lid::Column::OrganisatieId,
    );
}

/// How a organisatie is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::LinkSet;
    use crate::domain::OrganisatieSoort;

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[
            OrganisatieSoort::Rijkspartner,
            OrganisatieSoort::Kennisinstelling,
            OrganisatieSoort::Programmabureau,
        ];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![]
        }
    }
}
