//! Kennismakelaars: the directory of knowledge brokers. Who brokers for which organisation,
//! from which side and in which regions is public, so that a portal can show an organisation
//! its brokers and a vraagstuk can name its duo. The person (name and e-mail) is personal
//! data, as every contact person is: the organisation the person works for and the programme
//! office read it. The directory decides nothing about access: what a broker may see is
//! decided by the regions in its token (`Reach::Region`, `Reach::Regions`).

use super::links::Part;
use super::{Need, Policy, Reach, Sealed};
use crate::auth::Rol;
use crate::db::entities::kennismakelaar::{Column, Entity};
use crate::db::entities::koppelingen::kennismakelaar_regio;
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Kennismakelaar;
    const NAME: &'static str = "Kennismakelaar";
    /// The organisation's beheerder keeps its entries.
    const EDITORS: &'static [Rol] = &[Rol::Beheerder];

    fn readable() -> Vec<Reach<Self>> {
        vec![Reach::Owner]
    }
}

/// The fields and links of a kennismakelaar, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::{Kant, Regio};

    type F<T> = Field<Entity, T>;

    pub const ORGANISATIE: F<i32> = F::public(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const KANT: F<Kant> = F::public(Some(Column::Kant), |m| m.kant);

    /// The regions are public.
    pub static REGIOS: Part<Entity, kennismakelaar_regio::Entity, Regio> = Part::new(
        "kennismakelaar.regios",
        kennismakelaar_regio::Column::KennismakelaarId,
        Need::Public,
        |l: &kennismakelaar_regio::Model| l.regio,
    );
}

/// How a kennismakelaar is written: owned by a rijkspartner or kennisinstelling, with its
/// regions; the vraagstukken whose duo it is are unlinked (as their changes) when it goes.
pub mod writes {
    use super::*;
    use crate::db::entities::koppelingen::vraagstuk_makelaar;
    use crate::db::entities::vraagstuk;
    use crate::db::write::{LinkUpdate, Writable};
    use crate::db::writes::{self as w, LinkSet, Reference};
    use crate::domain::OrganisatieSoort;

    static REGIOS: w::Pairs<kennismakelaar_regio::Entity> = w::Pairs::new(
        "regios",
        kennismakelaar_regio::Column::KennismakelaarId,
        kennismakelaar_regio::Column::Regio,
        w::regios,
    );
    static REF_VRAAGSTUKKEN: w::ByLink<vraagstuk::Entity, vraagstuk_makelaar::Entity> =
        w::ByLink::new(
            vraagstuk_makelaar::Column::VraagstukId,
            vraagstuk_makelaar::Column::KennismakelaarId,
            LinkUpdate::Makelaars,
            "vraagstukken",
        );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[
            OrganisatieSoort::Rijkspartner,
            OrganisatieSoort::Kennisinstelling,
        ];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&REGIOS]
        }

        fn references() -> Vec<&'static dyn Reference> {
            vec![&REF_VRAAGSTUKKEN]
        }
    }
}
