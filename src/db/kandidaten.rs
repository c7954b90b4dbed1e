//! Matching: the candidates for a vraagstuk (kennisinstellingen, fieldlabs, lectoraten,
//! minoren), ranked by a score whose every part is a reason a person can check.
//!
//! The rule (docs/access.md, "Vraagstukken: the workflow"): only those who handle the question
//! (its owner, a kennismakelaar of its regions, the programme office) see the ranking, and it
//! is computed from facts the caller may see: opdrachten under the opdrachten' visibility rule,
//! fieldlab participation and a record's partners only where the caller reads the record in
//! full, themes and regions where they are public. So the ranking of a kennismakelaar of Midden
//! does not move when an opdracht in Zuid that it cannot see is added (`tests/api/kandidaten.rs`
//! proves it), and no score tells anyone of an opdracht it may not know of.
//!
//! Why one statement per list: every part is a correlated count over indexed link tables, the
//! score a sum of them, and the database orders by it and returns the first rows; nothing is
//! loaded to be counted, whatever the number of opdrachten.
//!
//! The score: 3 per shared theme, 2 for a shared region, 1 per earlier opdracht with this
//! rijkspartner (at most 3), 2 for working together already (a fieldlab on one of the themes,
//! or the rijkspartner as partner or participant), 2 for a kind of education or of record that
//! fits the answer sought.

use super::Scope;
use super::entities::koppelingen::{
    fieldlab_deelnemer, fieldlab_regio, fieldlab_thema, lectoraat_partner, lectoraat_thema,
    minor_partner, minor_thema, opdracht_thema, opdracht_uitvoerder, vraagstuk_regio,
    vraagstuk_thema,
};
use super::entities::{fieldlab, lectoraat, minor, opdracht, organisatie, vraagstuk};
use super::policy::{Policy, Row, vraagstukken_handled_by};
use crate::domain::{Antwoordsoort, Onderwijssoort, OrganisatieSoort};
use crate::error::ApiResult;
use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, SubQueryStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, ExprTrait, FromQueryResult, QueryFilter};

/// What is ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KandidaatSoort {
    Kennisinstelling,
    Fieldlab,
    Lectoraat,
    Minor,
}

/// A candidate: its id (an organisation's, a fieldlab's, ...), its score and the counts the
/// score is made of.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Kandidaat {
    pub id: i32,
    pub score: i64,
    /// Themes of the question the candidate works on.
    pub themas: i64,
    /// Regions of the question the candidate lies in (0 or more).
    pub regio: i64,
    /// Earlier opdrachten for the question's rijkspartner.
    pub eerder: i64,
    /// Working together already: fieldlabs on the question's themes (an institution), or the
    /// rijkspartner as participant or partner (a record).
    pub samen: i64,
    /// 1 when the kind of education (or of record) fits the answer sought.
    pub past: i64,
}

/// The alias of the candidate table in the statement.
fn k() -> Alias {
    Alias::new("k")
}

/// `k.column`.
fn kcol(column: impl sea_orm::sea_query::IntoIden) -> Expr {
    Expr::col((k(), column))
}

/// A scalar subquery.
fn scalar(query: SelectStatement) -> Expr {
    Expr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(query)))
}

/// `SELECT COUNT(*) FROM table WHERE condition`.
fn count(table: impl sea_orm::sea_query::IntoTableRef, condition: Condition) -> Expr {
    scalar(
        Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(table)
            .cond_where(condition)
            .to_owned(),
    )
}

/// `SELECT column FROM link WHERE parent = id`: the themes or regions of the question.
fn of_question<L: EntityTrait>(column: L::Column, parent: L::Column, id: i32) -> SelectStatement {
    Query::select()
        .column(column)
        .from(L::default())
        .and_where(parent.eq(id))
        .to_owned()
}

/// The shared themes: the question's themes among those `themes` selects.
fn shared_themes(id: i32, themes: Condition) -> Expr {
    count(
        vraagstuk_thema::Entity,
        Condition::all()
            .add(vraagstuk_thema::Column::VraagstukId.eq(id))
            .add(themes),
    )
}

fn question_themes(id: i32) -> SelectStatement {
    of_question::<vraagstuk_thema::Entity>(
        vraagstuk_thema::Column::ThemaCode,
        vraagstuk_thema::Column::VraagstukId,
        id,
    )
}

fn question_regions(id: i32) -> SelectStatement {
    of_question::<vraagstuk_regio::Entity>(
        vraagstuk_regio::Column::Regio,
        vraagstuk_regio::Column::VraagstukId,
        id,
    )
}

/// `SELECT column FROM L WHERE parent = k.<id>`.
fn linked_to_k<L: EntityTrait>(
    column: L::Column,
    parent: L::Column,
    k_id: &str,
) -> SelectStatement {
    Query::select()
        .column(column)
        .from(L::default())
        .and_where(Expr::col(parent).eq(kcol(Alias::new(k_id))))
        .to_owned()
}

/// The five parts of the score for one kind of candidate, as expressions over `k`.
struct Parts {
    themas: Expr,
    regio: Expr,
    eerder: Expr,
    samen: Expr,
    past: Expr,
}

impl Scope {
    /// The first `first` candidates for the question `row` of kind `soort`, best first; `None`
    /// when the caller does not handle the question.
    pub async fn kandidaten(
        &self,
        row: &Row<vraagstuk::Model>,
        soort: KandidaatSoort,
        first: u64,
    ) -> ApiResult<Option<Vec<Kandidaat>>> {
        let p = self.principal();
        let handled = vraagstuk::Entity::find()
            .filter(vraagstuk::Column::Id.eq(row.model.id))
            .filter(vraagstukken_handled_by(p).as_filter())
            .one(self.conn())
            .await?
            .is_some();
        if !handled {
            return Ok(None);
        }
        let v = &row.model;
        let (table, base, parts) = match soort {
            KandidaatSoort::Kennisinstelling => self.institutions(v),
            KandidaatSoort::Fieldlab => self.fieldlabs(v),
            KandidaatSoort::Lectoraat => self.lectoraten(v),
            KandidaatSoort::Minor => self.minoren(v),
        };
        let inner = Query::select()
            .expr_as(kcol(Alias::new("id")), Alias::new("id"))
            .expr_as(parts.themas, Alias::new("themas"))
            .expr_as(parts.regio, Alias::new("regio"))
            .expr_as(parts.eerder, Alias::new("eerder"))
            .expr_as(parts.samen, Alias::new("samen"))
            .expr_as(parts.past, Alias::new("past"))
            .from_as(table, k())
            .cond_where(base)
            .to_owned();
        let score = "3 * themas + (CASE WHEN regio > 0 THEN 2 ELSE 0 END) \
             + (CASE WHEN eerder > 3 THEN 3 ELSE eerder END) \
             + (CASE WHEN samen > 0 THEN 2 ELSE 0 END) + 2 * past";
        let mut outer = Query::select();
        outer.column(Alias::new("id"));
        // As 64-bit integers on both databases (a PostgreSQL `CASE` of literals is 32-bit).
        for part in ["themas", "regio", "eerder", "samen", "past"] {
            outer.expr_as(
                Expr::cust(format!("CAST({part} AS BIGINT)")),
                Alias::new(part),
            );
        }
        let outer = outer
            .expr_as(
                Expr::cust(format!("CAST({score} AS BIGINT)")),
                Alias::new("score"),
            )
            .from_subquery(inner, Alias::new("s"))
            .and_where(Expr::cust(format!("({score}) > 0")))
            .order_by_expr(Expr::cust(score), Order::Desc)
            .order_by(Alias::new("id"), Order::Asc)
            .limit(first)
            .to_owned();
        let backend = self.conn().get_database_backend();
        Ok(Some(
            Kandidaat::find_by_statement(backend.build(&outer))
                .all(self.conn())
                .await?,
        ))
    }

    /// Kennisinstellingen: themes of their visible opdrachten and of their lectoraten, their
    /// region, visible opdrachten for the rijkspartner, fieldlabs on the themes they take part
    /// in (where the caller reads the lab in full), the kind of education.
    fn institutions(&self, v: &vraagstuk::Model) -> (Alias, Condition, Parts) {
        let p = self.principal();
        // Each rule is one term of an `all`: a rule may be an `any`, which `add` would widen.
        let visible_of_k = Condition::all()
            .add(opdracht::Entity::visible_rule(p).as_filter())
            .add(owned_or_linked(
                (opdracht::Entity, opdracht::Column::EigenaarId),
                opdracht::Column::Id,
                linked_to_k::<opdracht_uitvoerder::Entity>(
                    opdracht_uitvoerder::Column::OpdrachtId,
                    opdracht_uitvoerder::Column::OrganisatieId,
                    "id",
                ),
            ));
        let themas = institution_themes(v.id, visible_of_k.clone());
        let regio = one_if(kcol(organisatie::Column::Regio).in_subquery(question_regions(v.id)));
        let eerder = count(
            opdracht::Entity,
            visible_of_k.add(opdracht::Column::OpdrachtgeverId.eq(v.eigenaar_id)),
        );
        let on_theme = Query::select()
            .column(fieldlab_thema::Column::FieldlabId)
            .from(fieldlab_thema::Entity)
            .and_where(fieldlab_thema::Column::ThemaCode.in_subquery(question_themes(v.id)))
            .to_owned();
        let samen = count(
            fieldlab::Entity,
            Condition::all()
                .add(fieldlab::Entity::readable_rule(p).as_filter())
                .add(owned_or_linked(
                    (fieldlab::Entity, fieldlab::Column::EigenaarId),
                    fieldlab::Column::Id,
                    linked_to_k::<fieldlab_deelnemer::Entity>(
                        fieldlab_deelnemer::Column::FieldlabId,
                        fieldlab_deelnemer::Column::OrganisatieId,
                        "id",
                    ),
                ))
                .add(fieldlab::Column::Id.in_subquery(on_theme)),
        );
        let fits = onderwijssoorten(v.antwoordsoort);
        let past = one_if(kcol(organisatie::Column::Onderwijssoort).is_in(fits.iter().copied()));
        let base = Condition::all()
            .add(kcol(organisatie::Column::Soort).eq(OrganisatieSoort::Kennisinstelling));
        let parts = Parts {
            themas,
            regio,
            eerder,
            samen,
            past,
        };
        (Alias::new("organisaties"), base, parts)
    }
}

/// Rows owned by `k` (their `owner` column) or linked to it (`id IN linked`).
fn owned_or_linked(
    owner: (
        impl sea_orm::sea_query::IntoIden,
        impl sea_orm::sea_query::IntoIden,
    ),
    id: impl ColumnTrait,
    linked: SelectStatement,
) -> Condition {
    Condition::any()
        .add(Expr::col(owner).eq(kcol(Alias::new("id"))))
        .add(id.in_subquery(linked))
}

/// 1 where `condition` holds, else 0.
fn one_if(condition: Expr) -> Expr {
    Expr::case(condition, Expr::val(1))
        .finally(Expr::val(0))
        .into()
}

/// The question's themes that an institution works on: those of its opdrachten that match
/// `visible_of_k` (the caller's visible ones of `k`) and of its lectoraten (public).
fn institution_themes(id: i32, visible_of_k: Condition) -> Expr {
    let opdrachten_of_k = Query::select()
        .column((opdracht::Entity, opdracht::Column::Id))
        .from(opdracht::Entity)
        .cond_where(visible_of_k)
        .to_owned();
    let opdracht_themes = Query::select()
        .column(opdracht_thema::Column::ThemaCode)
        .from(opdracht_thema::Entity)
        .and_where(opdracht_thema::Column::OpdrachtId.in_subquery(opdrachten_of_k))
        .to_owned();
    let lectoraten_of_k = linked_to_k::<lectoraat::Entity>(
        lectoraat::Column::Id,
        lectoraat::Column::EigenaarId,
        "id",
    );
    let lectoraat_themes = Query::select()
        .column(lectoraat_thema::Column::ThemaCode)
        .from(lectoraat_thema::Entity)
        .and_where(lectoraat_thema::Column::LectoraatId.in_subquery(lectoraten_of_k))
        .to_owned();
    shared_themes(
        id,
        Condition::any()
            .add(vraagstuk_thema::Column::ThemaCode.in_subquery(opdracht_themes))
            .add(vraagstuk_thema::Column::ThemaCode.in_subquery(lectoraat_themes)),
    )
}

/// How one kind of record is matched: its theme link, its region, the opdrachten column that
/// points at it, its link to partner organisations, and whether it is the kind sought.
struct RecordSpec<LT: EntityTrait, LP: EntityTrait> {
    themes: (LT::Column, LT::Column),
    themes_public: bool,
    regio: Expr,
    opdracht: opdracht::Column,
    partners: (LP::Column, LP::Column),
    past: bool,
}

impl Scope {
    /// Records of `T` (fieldlabs, lectoraten, minoren) as candidates: shared themes (where the
    /// caller may read them), region, visible opdrachten of the rijkspartner in the record,
    /// the rijkspartner as participant or partner (where the caller reads the record in
    /// full), and whether the record is the kind of answer sought.
    fn records<T: Policy, LT: EntityTrait, LP: EntityTrait>(
        &self,
        v: &vraagstuk::Model,
        spec: RecordSpec<LT, LP>,
    ) -> (Alias, Condition, Parts) {
        let p = self.principal();
        let readable = || {
            Query::select()
                .column((T::default(), T::id()))
                .from(T::default())
                .cond_where(T::readable_rule(p).as_filter())
                .to_owned()
        };
        let (parent, code) = spec.themes;
        let mut of_k = linked_to_k::<LT>(code, parent, "id");
        if !spec.themes_public {
            of_k.and_where(Expr::col(parent).in_subquery(readable()));
        }
        let themas = shared_themes(
            v.id,
            Condition::all().add(vraagstuk_thema::Column::ThemaCode.in_subquery(of_k)),
        );
        let eerder = count(
            opdracht::Entity,
            Condition::all()
                .add(opdracht::Entity::visible_rule(p).as_filter())
                .add(Expr::col((opdracht::Entity, spec.opdracht)).eq(kcol(Alias::new("id"))))
                .add(opdracht::Column::OpdrachtgeverId.eq(v.eigenaar_id)),
        );
        let (parent, org) = spec.partners;
        let samen = count(
            LP::default(),
            Condition::all()
                .add(Expr::col(parent).eq(kcol(Alias::new("id"))))
                .add(org.eq(v.eigenaar_id))
                .add(Expr::col(parent).in_subquery(readable())),
        );
        let table = Alias::new(T::default().table_name());
        let base = Condition::all().add(
            kcol(Alias::new("id")).in_subquery(
                Query::select()
                    .column((T::default(), T::id()))
                    .from(T::default())
                    .cond_where(T::visible_rule(p).as_filter())
                    .to_owned(),
            ),
        );
        let past = Expr::val(i32::from(spec.past));
        let parts = Parts {
            themas,
            regio: spec.regio,
            eerder,
            samen,
            past,
        };
        (table, base, parts)
    }

    fn fieldlabs(&self, v: &vraagstuk::Model) -> (Alias, Condition, Parts) {
        let regio = count(
            fieldlab_regio::Entity,
            Condition::all()
                .add(Expr::col(fieldlab_regio::Column::FieldlabId).eq(kcol(Alias::new("id"))))
                .add(fieldlab_regio::Column::Regio.in_subquery(question_regions(v.id))),
        );
        self.records::<fieldlab::Entity, _, _>(
            v,
            RecordSpec::<fieldlab_thema::Entity, fieldlab_deelnemer::Entity> {
                themes: (
                    fieldlab_thema::Column::FieldlabId,
                    fieldlab_thema::Column::ThemaCode,
                ),
                themes_public: true,
                regio,
                opdracht: opdracht::Column::FieldlabId,
                partners: (
                    fieldlab_deelnemer::Column::FieldlabId,
                    fieldlab_deelnemer::Column::OrganisatieId,
                ),
                past: v.antwoordsoort == Antwoordsoort::Fieldlab,
            },
        )
    }

    fn lectoraten(&self, v: &vraagstuk::Model) -> (Alias, Condition, Parts) {
        self.records::<lectoraat::Entity, _, _>(
            v,
            RecordSpec::<lectoraat_thema::Entity, lectoraat_partner::Entity> {
                themes: (
                    lectoraat_thema::Column::LectoraatId,
                    lectoraat_thema::Column::ThemaCode,
                ),
                themes_public: true,
                regio: owner_in_question_regions(v.id),
                opdracht: opdracht::Column::LectoraatId,
                partners: (
                    lectoraat_partner::Column::LectoraatId,
                    lectoraat_partner::Column::OrganisatieId,
                ),
                past: matches!(
                    v.antwoordsoort,
                    Antwoordsoort::Onderzoek | Antwoordsoort::Promotietraject
                ),
            },
        )
    }

    fn minoren(&self, v: &vraagstuk::Model) -> (Alias, Condition, Parts) {
        self.records::<minor::Entity, _, _>(
            v,
            RecordSpec::<minor_thema::Entity, minor_partner::Entity> {
                themes: (minor_thema::Column::MinorId, minor_thema::Column::ThemaCode),
                themes_public: false,
                regio: owner_in_question_regions(v.id),
                opdracht: opdracht::Column::MinorId,
                partners: (
                    minor_partner::Column::MinorId,
                    minor_partner::Column::OrganisatieId,
                ),
                past: matches!(
                    v.antwoordsoort,
                    Antwoordsoort::Groepsopdracht | Antwoordsoort::Afstudeeropdracht
                ),
            },
        )
    }
}

/// 1 when the owner organisation of `k` lies in one of the question's regions.
fn owner_in_question_regions(id: i32) -> Expr {
    let owner_region = scalar(
        Query::select()
            .column(organisatie::Column::Regio)
            .from(organisatie::Entity)
            .and_where(
                Expr::col((organisatie::Entity, organisatie::Column::Id))
                    .eq(kcol(Alias::new("eigenaar_id"))),
            )
            .to_owned(),
    );
    one_if(owner_region.in_subquery(question_regions(id)))
}

/// The kinds of education that fit the answer sought.
fn onderwijssoorten(antwoord: Antwoordsoort) -> &'static [Onderwijssoort] {
    use Onderwijssoort::*;
    match antwoord {
        Antwoordsoort::Promotietraject | Antwoordsoort::Onderzoek => &[Wo],
        Antwoordsoort::Afstudeeropdracht => &[Wo, Hbo],
        Antwoordsoort::Stage | Antwoordsoort::Groepsopdracht => &[Hbo, Mbo],
        Antwoordsoort::Fieldlab => &[Wo, Hbo, Mbo],
    }
}
