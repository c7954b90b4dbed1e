//! Communities: public are name and description; the members and the programme office read
//! status, themes and members. Communities are the programme office's own: no other role
//! edits them.

use super::links::Part;
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::auth::Rol;
use crate::db::entities::community::{Column, Entity};
use crate::db::entities::koppelingen::{community_lid, community_thema};
use crate::domain::RecordType;

impl Sealed for Entity {}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Community;
    const NAME: &'static str = "Community";
    const EDITORS: &'static [Rol] = &[];

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Linked(LinkTable::of::<community_lid::Entity>(
                community_lid::Column::CommunityId,
                community_lid::Column::OrganisatieId,
                "leden",
            )),
        ]
    }
}

/// The fields and links of a community, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::CommunityStatus;

    type F<T> = Field<Entity, T>;

    pub const NAAM: F<String> = F::public(Some(Column::Naam), |m| m.naam.clone());
    pub const BESCHRIJVING: F<Option<String>> =
        F::public(Some(Column::Beschrijving), |m| m.beschrijving.clone());
    pub const STATUS: F<CommunityStatus> = F::full(Some(Column::Status), |m| m.status);

    /// Themes, for the members.
    pub static THEMAS: Part<Entity, community_thema::Entity, String> = Part::new(
        "community.themas",
        community_thema::Column::CommunityId,
        Need::Full,
        |l: &community_thema::Model| l.thema_code.clone(),
    );
    /// The member organisations, for the members.
    pub static LEDEN: Part<Entity, community_lid::Entity, i32> = Part::new(
        "community.leden",
        community_lid::Column::CommunityId,
        Need::Full,
        |l: &community_lid::Model| l.organisatie_id,
    );
}

/// How a community is written: who may own one, its sets of links and the records that point
/// at it.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<community_thema::Entity> = w::Pairs::new(
        "themas",
        community_thema::Column::CommunityId,
        community_thema::Column::ThemaCode,
        w::themas,
    );
    static LEDEN: w::Pairs<community_lid::Entity> = w::Pairs::new(
        "leden",
        community_lid::Column::CommunityId,
        community_lid::Column::OrganisatieId,
        w::organisaties,
    );

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[OrganisatieSoort::Programmabureau];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![&THEMAS, &LEDEN]
        }
    }
}
