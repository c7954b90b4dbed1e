//! Mutations of vraagstukken: the owner's create, update and delete (the record inputs, as for
//! every record type), and the steps of the workflow, each a mutation of its own
//! (`neemVraagstukInBehandeling`, `legVraagstukVoor`, `reageerOpVraagstuk`, `belegVraagstuk`,
//! `rondVraagstukAf`, `trekVraagstukIn`). Who may take which step from which status is the
//! table in `crate::db::workflow`, which every one of them goes through, updates and deletes
//! included.

use super::changes::{change_date, change_or, contactpersoon, record_inputs};
use super::records::{
    RecordChange, change_kenmerk, create, linked_visible, record_name, regios, theme_links, update,
};
use super::{Check, ContactpersoonInput, read_back, record_id, session};
use crate::db::entities::{
    fieldlab, kennismakelaar, lectoraat, opdracht, promotietraject, vraagstuk,
};
use crate::db::workflow::stap;
use crate::db::{LinkUpdate, WriteSession};
use crate::domain::input::{CONTACTPERSOON, MAX_LIST, Maxima};
use crate::domain::{Antwoordsoort, OrganisatieSoort, Reactie, Regio, VraagstukStatus};
use crate::error::ApiResult;
use crate::graphql::types::Date;
use crate::graphql::vraagstukken::Vraagstuk;
use async_graphql::{Context, ID, Object, Result};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveEnum, IntoActiveModel};
use std::collections::{BTreeSet, HashSet};

record_inputs! {
    /// VraagstukInput: a new vraagstuk. It starts as NIEUW.
    create VraagstukInput;
    /// VraagstukUpdateInput: what an update changes of a vraagstuk. A field left out keeps its
    /// value; null clears it (openbaar becomes false, a list is emptied); a list given replaces
    /// the list. `titel`, `antwoordsoort` and `regios` cannot be null. The status changes only
    /// through the steps of the workflow.
    update VraagstukUpdateInput;
    /// The rijkspartner that asks it. Defaults to the caller's organisation; only the programme
    /// office may name another. A vraagstuk keeps its owner.
    owner eigenaar: Option<ID>,
    /// The question in a line, at most 200 characters. Whitespace is collapsed; control and
    /// invisible characters are refused.
    required titel: String,
    /// The owner's kenmerk, its stable code for the question: 2 to 40 letters, digits and
    /// hyphens, not starting with a hyphen, unique among vraagstukken; letters are stored as
    /// capitals. Null clears it.
    optional kenmerk: String,
    /// What the question is about (at most 4000 characters; tab and line breaks allowed, no
    /// other control characters).
    optional omschrijving: String,
    /// The kind of answer sought.
    required antwoordsoort: Antwoordsoort,
    /// When the work would best start. Between 1900-01-01 and 2999-12-31.
    optional gewenste_start: Date,
    /// Whether title, status, themes and regions appear in the public catalogue, so that
    /// institutions find the question; defaults to false.
    optional openbaar: bool,
    /// The regions it is asked in: at least one (their kennismakelaars handle it). At most
    /// 1000; duplicates are merged.
    required regios: Vec<Regio>,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
}

#[async_trait::async_trait]
impl RecordChange for VraagstukUpdateInput {
    type Entity = vraagstuk::Entity;
    type Output = Vraagstuk;
    const MAXIMA: &'static [&'static Maxima] =
        &[&[("titel", 200), ("kenmerk", 40)], CONTACTPERSOON];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut vraagstuk::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if id.is_none() {
            am.status = Set(VraagstukStatus::Nieuw);
        }
        if let Some(titel) = c.required_change("titel", &self.titel) {
            am.titel = Set(record_name(c, "titel", titel, 200));
        }
        change_kenmerk::<vraagstuk::Entity>(c, session, &mut am.kenmerk, &self.kenmerk, id).await?;
        c.change_free_text("omschrijving", &mut am.omschrijving, &self.omschrijving);
        c.change_required("antwoordsoort", &mut am.antwoordsoort, &self.antwoordsoort);
        change_date(&mut am.gewenste_start, &self.gewenste_start);
        change_or(&mut am.openbaar, &self.openbaar, false);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        let mut links = Vec::new();
        if let Some(given) = c.required_change("regios", &self.regios) {
            let rule = "a vraagstuk is asked in at least one region";
            links.push(LinkUpdate::Regios(regios(c, given, rule)));
        }
        links.extend(theme_links(c, session, &self.themas).await?);
        Ok(links)
    }

    async fn open(session: &WriteSession, id: i32, versie: i32) -> ApiResult<vraagstuk::Model> {
        session
            .vraagstuk_for_step(id, Some(versie), "updateVraagstuk")
            .await
    }
}

/// What a step of the workflow changes besides the status.
enum Change<'a> {
    /// Nothing else.
    Status,
    /// Takes it up, naming the kennismakelaar duo that handles it (none: no duo yet).
    InBehandeling(&'a [ID]),
    /// Proposes it to these kennisinstellingen as well.
    Voorleggen(&'a [ID]),
    /// The caller's institution answers.
    Reageren(Reactie, Option<&'a str>),
    /// Records what answers it.
    Beleggen {
        opdrachten: &'a [ID],
        fieldlab: Option<&'a ID>,
        lectoraat: Option<&'a ID>,
        promotietraject: Option<&'a ID>,
    },
}

/// Takes the step of `mutatie` on vraagstuk `id` (at `versie`, when the step takes one):
/// checks it against the workflow, applies `change` and the step's status, and returns the
/// vraagstuk as the caller now sees it.
async fn take_step(
    ctx: &Context<'_>,
    mutatie: &str,
    id: &ID,
    versie: Option<i32>,
    change: Change<'_>,
) -> Result<Vraagstuk> {
    let id = record_id::<vraagstuk::Entity>(id)?;
    let mut session = session(ctx, mutatie).await?;
    let before = session.vraagstuk_for_step(id, versie, mutatie).await?;
    let mut am = before.clone().into_active_model();
    if let Some(naar) = stap(mutatie)?.naar {
        am.status = Set(naar);
    }
    let mut c = Check::default();
    let links = change.apply(&mut c, &session, &before, &mut am).await?;
    c.finish()?;
    session
        .update::<vraagstuk::Entity>(before, am, &links)
        .await?;
    session.commit().await?;
    read_back::<vraagstuk::Entity, Vraagstuk>(ctx, id).await
}

impl Change<'_> {
    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        before: &vraagstuk::Model,
        am: &mut vraagstuk::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        Ok(match self {
            Change::Status => Vec::new(),
            Change::InBehandeling([]) => Vec::new(),
            Change::InBehandeling(ids) => {
                vec![LinkUpdate::Makelaars(duo(c, session, before, ids).await?)]
            }
            Change::Voorleggen(ids) => {
                if ids.is_empty() {
                    c.fail("instellingen", "name one or more kennisinstellingen");
                }
                let soorten = &[OrganisatieSoort::Kennisinstelling];
                let mut all = session.voorgelegd_aan(before.id).await?;
                all.extend(
                    c.organisaties(session, "instellingen", ids, soorten)
                        .await?,
                );
                vec![LinkUpdate::Organisaties(all)]
            }
            Change::Reageren(reactie, toelichting) => {
                let toelichting = c.free_text("toelichting", *toelichting);
                let org = session.principal().organisatie_id;
                let mut reacties = session.reacties(before.id).await?;
                reacties.retain(|(o, _, _)| *o != org);
                reacties.push((org, *reactie, toelichting));
                reacties.sort_by_key(|(o, _, _)| *o);
                vec![LinkUpdate::Reacties(reacties)]
            }
            Change::Beleggen {
                opdrachten,
                fieldlab,
                lectoraat,
                promotietraject,
            } => {
                let nothing =
                    fieldlab.is_none() && lectoraat.is_none() && promotietraject.is_none();
                if opdrachten.is_empty() && nothing {
                    let message = "name what answers it: opdrachten, a fieldlab, a lectoraat or a \
                                   promotietraject";
                    c.fail("opdrachten", message);
                }
                if let Some(p) = c
                    .visible::<promotietraject::Entity>(
                        session,
                        "promotietraject",
                        *promotietraject,
                    )
                    .await?
                {
                    am.promotietraject_id = Set(Some(p));
                }
                if let Some(lab) = c
                    .visible::<fieldlab::Entity>(session, "fieldlab", *fieldlab)
                    .await?
                {
                    am.fieldlab_id = Set(Some(lab));
                }
                if let Some(l) = c
                    .visible::<lectoraat::Entity>(session, "lectoraat", *lectoraat)
                    .await?
                {
                    am.lectoraat_id = Set(Some(l));
                }
                if before.belegd_op.is_none() {
                    am.belegd_op = Set(Some(session.today()));
                }
                let mut all = session.beantwoord_door(before.id).await?;
                all.extend(
                    linked_visible::<opdracht::Entity>(c, session, "opdrachten", opdrachten)
                        .await?,
                );
                vec![LinkUpdate::Opdrachten(all)]
            }
        })
    }
}

/// The duo named by `ids` to handle the question `before`: kennismakelaars of the directory,
/// each working in one of the question's regions, at most one from each side (reported on
/// `makelaars`).
async fn duo(
    c: &mut Check,
    session: &WriteSession,
    before: &vraagstuk::Model,
    ids: &[ID],
) -> ApiResult<BTreeSet<i32>> {
    let named = linked_visible::<kennismakelaar::Entity>(c, session, "makelaars", ids).await?;
    let regios = session.regios_of(before.id).await?;
    let mut kanten = HashSet::new();
    let ids: Vec<i32> = named.iter().copied().collect();
    for (_, kant, hun) in session.makelaars(&ids).await? {
        if hun.is_disjoint(&regios) {
            let names = |set: &BTreeSet<Regio>| {
                let names: Vec<String> = set.iter().map(|r| r.to_value()).collect();
                names.join(", ")
            };
            c.fail(
                "makelaars",
                format!(
                    "a kennismakelaar of a duo works in one of the question's regions ({}); \
                     this one works in {}",
                    names(&regios),
                    names(&hun)
                ),
            );
        }
        if !kanten.insert(kant) {
            c.fail(
                "makelaars",
                "a duo is one kennismakelaar from education and one from government; name at \
                 most one of each side",
            );
        }
    }
    Ok(named)
}

#[derive(Default)]
pub struct VraagstukMutation;

#[Object]
impl VraagstukMutation {
    #[doc = "Submits a vraagstuk of the caller's rijkspartner (the programme office may name another \
     rijkspartner); it starts as NIEUW. Needs the role beheerder or medewerker (or programmabureau)."]
    async fn create_vraagstuk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: VraagstukInput,
    ) -> Result<Vraagstuk> {
        create(ctx, "createVraagstuk", input).await
    }

    #[doc = "Changes what the input gives of a vraagstuk that is not closed (AFGEROND or \
     INGETROKKEN). Needs the role beheerder or medewerker of its rijkspartner (or programmabureau)."]
    async fn update_vraagstuk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "What changes: a field left out keeps its value, null clears it, a list given replaces the list."
        )]
        input: VraagstukUpdateInput,
    ) -> Result<Vraagstuk> {
        update(ctx, "updateVraagstuk", id, versie, input).await
    }

    #[doc = "Deletes a vraagstuk that is still NIEUW (nobody took it up yet), with its links; later, \
     withdraw it (`trekVraagstukIn`). Needs the role beheerder or medewerker of its rijkspartner \
     (or programmabureau, which may delete any). Returns the deleted id."]
    async fn delete_vraagstuk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        let row = record_id::<vraagstuk::Entity>(&id)?;
        let mut session = session(ctx, "deleteVraagstuk").await?;
        session
            .vraagstuk_for_step(row, Some(versie), "deleteVraagstuk")
            .await?;
        session.delete::<vraagstuk::Entity>(row, versie).await?;
        session.commit().await?;
        Ok(id)
    }

    #[doc = "A kennismakelaar of one of its regions takes a NIEUW vraagstuk up: IN_BEHANDELING, \
     naming the duo that handles it."]
    async fn neem_vraagstuk_in_behandeling(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "The `versie` you last read (`CONFLICT` if it changed since).")]
        versie: i32,
        #[graphql(
            desc = "The duo that handles it: entries of the directory (`kennismakelaars`), each \
                    working in one of its regions, at most one from education and one from \
                    government. Left out or null: none named yet."
        )]
        makelaars: Option<Vec<ID>>,
    ) -> Result<Vraagstuk> {
        let mutatie = "neemVraagstukInBehandeling";
        let makelaars = makelaars.unwrap_or_default();
        limit(&makelaars, "makelaars")?;
        let change = Change::InBehandeling(&makelaars);
        take_step(ctx, mutatie, &id, Some(versie), change).await
    }

    #[doc = "A kennismakelaar of one of its regions proposes the vraagstuk to kennisinstellingen \
     (added to those it was proposed to before): VOORGELEGD. They may then read it and answer."]
    async fn leg_vraagstuk_voor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "The `versie` you last read (`CONFLICT` if it changed since).")]
        versie: i32,
        #[graphql(desc = "The kennisinstellingen (their ids), one or more, at most 1000.")]
        instellingen: Vec<ID>,
    ) -> Result<Vraagstuk> {
        let mutatie = "legVraagstukVoor";
        limit(&instellingen, "instellingen")?;
        take_step(
            ctx,
            mutatie,
            &id,
            Some(versie),
            Change::Voorleggen(&instellingen),
        )
        .await
    }

    #[doc = "A kennisinstelling the vraagstuk was proposed to answers (its beheerder or medewerker): \
     interest or not, with a note. A second answer replaces the first. Takes no `versie`: the \
     answer is the institution's own, whatever else changed."]
    async fn reageer_op_vraagstuk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "Interest or not.")] reactie: Reactie,
        #[graphql(
            desc = "A note for the rijkspartner and the kennismakelaars (at most 4000 characters)."
        )]
        toelichting: Option<String>,
    ) -> Result<Vraagstuk> {
        let change = Change::Reageren(reactie, toelichting.as_deref());
        take_step(ctx, "reageerOpVraagstuk", &id, None, change).await
    }

    #[doc = "A kennismakelaar of one of its regions records what answers the vraagstuk: opdrachten \
     (added to those linked before), a fieldlab, a lectoraat, a promotietraject — each one the \
     caller can see: BELEGD."]
    // GraphQL arguments: the step's id and versie and each kind of record that answers it.
    #[allow(clippy::too_many_arguments)]
    async fn beleg_vraagstuk(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "The `versie` you last read (`CONFLICT` if it changed since).")]
        versie: i32,
        #[graphql(desc = "Opdrachten that answer it (their ids), at most 1000.", default)]
        opdrachten: Vec<ID>,
        #[graphql(desc = "The fieldlab that answers it.")] fieldlab: Option<ID>,
        #[graphql(desc = "The lectoraat that answers it.")] lectoraat: Option<ID>,
        #[graphql(desc = "The promotietraject (PhD track) that answers it.")]
        promotietraject: Option<ID>,
    ) -> Result<Vraagstuk> {
        limit(&opdrachten, "opdrachten")?;
        let change = Change::Beleggen {
            opdrachten: &opdrachten,
            fieldlab: fieldlab.as_ref(),
            lectoraat: lectoraat.as_ref(),
            promotietraject: promotietraject.as_ref(),
        };
        take_step(ctx, "belegVraagstuk", &id, Some(versie), change).await
    }

    #[doc = "Closes a BELEGD vraagstuk: AFGEROND. For its rijkspartner, a kennismakelaar of one of \
     its regions or the programme office."]
    async fn rond_vraagstuk_af(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "The `versie` you last read (`CONFLICT` if it changed since).")]
        versie: i32,
    ) -> Result<Vraagstuk> {
        take_step(ctx, "rondVraagstukAf", &id, Some(versie), Change::Status).await
    }

    #[doc = "The rijkspartner withdraws a vraagstuk that is not matched yet: INGETROKKEN."]
    async fn trek_vraagstuk_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vraagstuk's id.")] id: ID,
        #[graphql(desc = "The `versie` you last read (`CONFLICT` if it changed since).")]
        versie: i32,
    ) -> Result<Vraagstuk> {
        take_step(ctx, "trekVraagstukIn", &id, Some(versie), Change::Status).await
    }
}

/// `BAD_USER_INPUT` on `field` for a list longer than the lists' maximum.
fn limit(ids: &[ID], field: &str) -> ApiResult<()> {
    let mut c = Check::default();
    if let Some(m) = crate::domain::input::list_problem(ids.len(), MAX_LIST) {
        c.fail(field, m);
    }
    c.finish()
}
