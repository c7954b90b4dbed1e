//! Vraagstukken: a rijkspartner's questions. Nobody but those the process involves knows a
//! question exists: its owner, a kennismakelaar of any of its regions (who handles it), the
//! kennisinstellingen it was proposed to, and the programme office; they read it in full. An
//! owner may mark a question `openbaar`: everyone then sees its public fields (title, themes,
//! regions, status) in the catalogue, so institutions find open questions. The contact person
//! is the owner's. The answers of the institutions are read in full by the owner, the
//! kennismakelaars of the regions and the programme office; an institution reads only its own.
//! Who may move a question from one status to the next is the workflow table
//! ([`crate::db::workflow`]).

use super::links::{OwnPart, Part};
use super::{LinkTable, Need, Policy, Reach, Sealed};
use crate::auth::Rol;
use crate::db::entities::koppelingen::{
    vraagstuk_makelaar, vraagstuk_opdracht, vraagstuk_reactie, vraagstuk_regio, vraagstuk_thema,
    vraagstuk_voorlegging,
};
use crate::db::entities::opdracht;
use crate::db::entities::vraagstuk::{Column, Entity};
use crate::domain::RecordType;

impl Sealed for Entity {}

/// The kennisinstellingen a question was proposed to.
fn voorgelegd_aan() -> LinkTable {
    LinkTable::of::<vraagstuk_voorlegging::Entity>(
        vraagstuk_voorlegging::Column::VraagstukId,
        vraagstuk_voorlegging::Column::OrganisatieId,
        "voorgelegdAan",
    )
}

/// The regions a question is asked in.
fn regios() -> LinkTable {
    LinkTable::of::<vraagstuk_regio::Entity>(
        vraagstuk_regio::Column::VraagstukId,
        vraagstuk_regio::Column::Regio,
        "regios",
    )
}

impl Policy for Entity {
    const TYPE: RecordType = RecordType::Vraagstuk;
    const NAME: &'static str = "Vraagstuk";
    /// A ministry's staff submit its questions.
    const EDITORS: &'static [Rol] = &[Rol::Beheerder, Rol::Medewerker];

    fn visible() -> Vec<Reach<Self>> {
        let mut terms = Self::readable();
        terms.push(Reach::Where(Column::Openbaar));
        terms
    }

    fn readable() -> Vec<Reach<Self>> {
        vec![
            Reach::Owner,
            Reach::Regions(regios()),
            Reach::Linked(voorgelegd_aan()),
        ]
    }
}

/// Those who handle a question and so read every institution's answer (besides the programme
/// office): its owner and the kennismakelaars of its regions.
pub fn handlers() -> Vec<Reach<Entity>> {
    vec![Reach::Owner, Reach::Regions(regios())]
}

/// The questions `p` handles ([`handlers`], and the programme office all): they read every
/// answer and the ranking of candidates (`Vraagstuk.kandidaten`).
pub fn handled_by(p: Option<&crate::auth::Principal>) -> super::Rule {
    super::rule_of(&handlers(), p)
}

/// The fields and links of a vraagstuk, with what each needs.
pub mod fields {
    use super::*;
    use crate::db::policy::Field;
    use crate::domain::{Antwoordsoort, Reactie, Regio, VraagstukStatus};
    use chrono::NaiveDate;

    type F<T> = Field<Entity, T>;

    pub const TITEL: F<String> = F::public(Some(Column::Titel), |m| m.titel.clone());
    pub const STATUS: F<VraagstukStatus> = F::public(Some(Column::Status), |m| m.status);
    pub const OPENBAAR: F<bool> = F::public(Some(Column::Openbaar), |m| m.openbaar);
    pub const KENMERK: F<Option<String>> = F::full(Some(Column::Kenmerk), |m| m.kenmerk.clone());
    pub const OMSCHRIJVING: F<Option<String>> =
        F::full(Some(Column::Omschrijving), |m| m.omschrijving.clone());
    pub const ANTWOORDSOORT: F<Antwoordsoort> =
        F::full(Some(Column::Antwoordsoort), |m| m.antwoordsoort);
    pub const GEWENSTE_START: F<Option<NaiveDate>> =
        F::full(Some(Column::GewensteStart), |m| m.gewenste_start);
    pub const VRAAGSTELLER: F<i32> = F::full(Some(Column::EigenaarId), |m| m.eigenaar_id);
    pub const BELEGD_OP: F<Option<NaiveDate>> = F::full(Some(Column::BelegdOp), |m| m.belegd_op);
    pub const FIELDLAB: F<Option<i32>> = F::full(Some(Column::FieldlabId), |m| m.fieldlab_id);
    pub const LECTORAAT: F<Option<i32>> = F::full(Some(Column::LectoraatId), |m| m.lectoraat_id);
    pub const PROMOTIETRAJECT: F<Option<i32>> =
        F::full(Some(Column::PromotietrajectId), |m| m.promotietraject_id);

    /// Themes are public (on a question anyone sees).
    pub static THEMAS: Part<Entity, vraagstuk_thema::Entity, String> = Part::new(
        "vraagstuk.themas",
        vraagstuk_thema::Column::VraagstukId,
        Need::Public,
        |l: &vraagstuk_thema::Model| l.thema_code.clone(),
    );
    /// The regions are public (on a question anyone sees).
    pub static REGIOS: Part<Entity, vraagstuk_regio::Entity, Regio> = Part::new(
        "vraagstuk.regios",
        vraagstuk_regio::Column::VraagstukId,
        Need::Public,
        |l: &vraagstuk_regio::Model| l.regio,
    );
    /// The institutions it was proposed to, for those who read it in full.
    pub static VOORGELEGD_AAN: Part<Entity, vraagstuk_voorlegging::Entity, i32> = Part::new(
        "vraagstuk.voorgelegdAan",
        vraagstuk_voorlegging::Column::VraagstukId,
        Need::Full,
        |l: &vraagstuk_voorlegging::Model| l.organisatie_id,
    );
    /// The kennismakelaar duo that handles it, for those who read it in full.
    pub static MAKELAARS: Part<Entity, vraagstuk_makelaar::Entity, i32> = Part::new(
        "vraagstuk.makelaars",
        vraagstuk_makelaar::Column::VraagstukId,
        Need::Full,
        |l: &vraagstuk_makelaar::Model| l.kennismakelaar_id,
    );
    /// The institutions' answers: all of them for its [`handlers`], an institution's own for
    /// an institution it was proposed to.
    pub static REACTIES: OwnPart<
        Entity,
        vraagstuk_reactie::Entity,
        (i32, Reactie, Option<String>),
    > = OwnPart::new(
        "vraagstuk.reacties",
        vraagstuk_reactie::Column::VraagstukId,
        vraagstuk_reactie::Column::OrganisatieId,
        handlers,
        |l: &vraagstuk_reactie::Model| (l.organisatie_id, l.reactie, l.toelichting.clone()),
    );
    /// The opdrachten that answer vraagstuk `id`, each read under the opdrachten' own rule:
    /// those its kennismakelaars linked (`belegVraagstuk`) and those whose owner names it
    /// (`Opdracht.vraagstuk`).
    pub fn opdrachten(id: i32) -> sea_orm::Condition {
        use sea_orm::ColumnTrait;
        let linked = sea_orm::sea_query::Query::select()
            .column(vraagstuk_opdracht::Column::OpdrachtId)
            .from(vraagstuk_opdracht::Entity)
            .and_where(vraagstuk_opdracht::Column::VraagstukId.eq(id))
            .to_owned();
        sea_orm::Condition::any()
            .add(opdracht::Column::Id.in_subquery(linked))
            .add(opdracht::Column::VraagstukId.eq(id))
    }
}

/// How a vraagstuk is written: who may own one, its sets of links.
pub mod writes {
    use super::*;
    use crate::db::write::Writable;
    use crate::db::writes::{self as w, LinkSet};
    use crate::domain::OrganisatieSoort;

    static THEMAS: w::Pairs<vraagstuk_thema::Entity> = w::Pairs::new(
        "themas",
        vraagstuk_thema::Column::VraagstukId,
        vraagstuk_thema::Column::ThemaCode,
        w::themas,
    );
    static REGIOS: w::Pairs<vraagstuk_regio::Entity> = w::Pairs::new(
        "regios",
        vraagstuk_regio::Column::VraagstukId,
        vraagstuk_regio::Column::Regio,
        w::regios,
    );
    static VOORGELEGD_AAN: w::Pairs<vraagstuk_voorlegging::Entity> = w::Pairs::new(
        "voorgelegdAan",
        vraagstuk_voorlegging::Column::VraagstukId,
        vraagstuk_voorlegging::Column::OrganisatieId,
        w::organisaties,
    );
    static OPDRACHTEN: w::Pairs<vraagstuk_opdracht::Entity> = w::Pairs::new(
        "opdrachten",
        vraagstuk_opdracht::Column::VraagstukId,
        vraagstuk_opdracht::Column::OpdrachtId,
        w::opdrachten,
    );
    static MAKELAARS: w::Pairs<vraagstuk_makelaar::Entity> = w::Pairs::new(
        "makelaars",
        vraagstuk_makelaar::Column::VraagstukId,
        vraagstuk_makelaar::Column::KennismakelaarId,
        w::makelaars,
    );
    static REF_OPDRACHTEN: w::ByColumn<opdracht::Entity> =
        w::ByColumn::new(opdracht::Column::VraagstukId, "opdrachten");

    impl Writable for Entity {
        const OWNER_KINDS: &'static [OrganisatieSoort] = &[OrganisatieSoort::Rijkspartner];

        fn link_sets() -> Vec<&'static dyn LinkSet> {
            vec![
                &THEMAS,
                &REGIOS,
                &VOORGELEGD_AAN,
                &w::REACTIES,
                &OPDRACHTEN,
                &MAKELAARS,
            ]
        }

        fn references() -> Vec<&'static dyn w::Reference> {
            vec![&REF_OPDRACHTEN]
        }
    }
}
