//! Mutations of opdrachten: create, update and delete one, and `syncOpdrachten`, the bulk sync
//! institutions use to mirror their own systems (see [`crate::db::SyncRequest`] for its
//! semantics).
//!
//! Interactive mutations name linked records by global id, as frontends have them. A sync names
//! organisations by natural key (the opdrachtgever's OIN, the executing institutions'
//! schacHome), as the institutions' own systems know them; references are resolved for the
//! whole batch in a few queries.

use super::changes::{
    change, change_date, change_or, change_value, contactpersoon, current, list, record_inputs,
};
use super::records::{
    RecordChange, create, delete, intended_eigenaar, name_free, record_name, update,
};
use super::{Check, ContactpersoonInput, eigenaar, session};
use crate::db::entities::{fieldlab, lectoraat, minor, opdracht, organisatie, vraagstuk};
use crate::db::{
    BatchMode, ItemOutcome, LinkUpdate, OpdrachtValues, SyncItem, SyncReport, SyncRequest,
    WriteSession,
};
use crate::domain::input::{self, CONTACTPERSOON, Maxima};
use crate::domain::{
    Kenmerk, Onderwijssoort, OpdrachtSoort, OpdrachtStatus, OrganisatieSleutel, OrganisatieSoort,
    Regio,
};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::graphql::GlobalId;
use crate::graphql::opdrachten::Opdracht;
use crate::graphql::types::Date;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use sea_orm::ActiveValue::{self, Set};
use sea_orm::{ColumnTrait, Condition};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The most students on one opdracht (a large hackathon); more is a typing error or an attempt
/// to inflate the figures of the institutions named as uitvoerder.
pub const MAX_STUDENTEN: i32 = 250;

/// The most items (opdrachten plus withdrawals) in one sync batch.
pub const MAX_SYNC_BATCH: usize = 1000;

/// The maximum lengths of an opdracht's text fields (create, update and each sync item).
const OPDRACHT_MAXIMA: &[&Maxima] = &[&[("naam", 300), ("externId", 200)], CONTACTPERSOON];

record_inputs! {
    /// OpdrachtData: the fields of an opdracht that a frontend and a sync both send.
    create OpdrachtData;
    /// OpdrachtDataUpdate: those fields in an update, each of which may be left out.
    update OpdrachtDataUpdate;
    /// Title, at most 300 characters. One line, no control characters.
    required naam: String,
    /// What the assignment is about (at most 4000 characters; tab and line breaks allowed, no
    /// other control characters).
    optional omschrijving: String,
    /// Kind of assignment.
    required opdracht_soort: OpdrachtSoort,
    /// Status; defaults to ONBEKEND.
    optional opdracht_status: OpdrachtStatus,
    /// Kind of education; defaults to the owner's (for a kennisinstelling), otherwise required.
    optional onderwijssoort: Onderwijssoort,
    /// Region.
    optional regio: Regio,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    optional startdatum: Date,
    /// End date; not before the start date. Between 1900-01-01 and 2999-12-31.
    optional einddatum: Date,
    /// Number of students (0 to 250: a large hackathon or group assignment); defaults to 1. A
    /// count: no personal data of students.
    optional aantal_studenten: i32,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
}

/// Joins a field name to a path prefix (`opdrachten[3]` + `naam`).
fn path(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

impl OpdrachtData {
    /// The plain fields of a whole record (a sync item): every column set, as the change that
    /// gives every field would set it on an empty row. Links and references are set by the
    /// caller.
    fn fields(
        &self,
        c: &mut Check,
        prefix: &str,
        eigenaar: Option<&organisatie::Model>,
        themas: &HashSet<String>,
    ) -> OpdrachtValues {
        let mut columns = opdracht::ActiveModel {
            opdrachtgever_id: ActiveValue::Set(0),
            fieldlab_id: ActiveValue::Set(None),
            lectoraat_id: ActiveValue::Set(None),
            minor_id: ActiveValue::Set(None),
            vraagstuk_id: ActiveValue::Set(None),
            ..Default::default()
        };
        let data = OpdrachtDataUpdate::from(self.clone());
        let themas = data.apply(c, prefix, eigenaar, themas, &mut columns);
        OpdrachtValues {
            columns,
            themas: themas.unwrap_or_default(),
            uitvoerders: BTreeSet::new(),
        }
    }
}

impl OpdrachtDataUpdate {
    /// Sets the plain fields the change gives on `am` (each reported at `prefix`), with
    /// `eigenaar` the owner; the themes, if it gives them.
    fn apply(
        &self,
        c: &mut Check,
        prefix: &str,
        eigenaar: Option<&organisatie::Model>,
        themas: &HashSet<String>,
        am: &mut opdracht::ActiveModel,
    ) -> Option<BTreeSet<String>> {
        let field = |name: &str| path(prefix, name);
        if let Some(naam) = c.required_change(&field("naam"), &self.naam) {
            am.naam = Set(record_name(c, &field("naam"), naam, 300));
        }
        c.change_required(&field("opdrachtSoort"), &mut am.soort, &self.opdracht_soort);
        c.change_free_text(
            &field("omschrijving"),
            &mut am.omschrijving,
            &self.omschrijving,
        );
        change_or(
            &mut am.status,
            &self.opdracht_status,
            OpdrachtStatus::Onbekend,
        );
        change_value(&mut am.regio, &self.regio);
        change_date(&mut am.startdatum, &self.startdatum);
        change_date(&mut am.einddatum, &self.einddatum);
        c.period(
            &field("einddatum"),
            current(&am.startdatum),
            current(&am.einddatum),
        );
        let students = |v: Option<&i32>| {
            let n = v.copied().unwrap_or(1);
            c.range(&field("aantalStudenten"), n, 0, MAX_STUDENTEN)
        };
        change(
            &mut am.aantal_studenten,
            self.aantal_studenten.as_opt_ref(),
            students,
        );
        self.onderwijssoort(c, &field("onderwijssoort"), eigenaar, am);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(
            c,
            &field("contactpersoon"),
            &self.contactpersoon,
            naam,
            email,
        );
        list(&self.themas).map(|codes| c.themas(&field("themas"), codes, themas))
    }

    /// The kind of education the change gives or, null, the owner's (for a kennisinstelling;
    /// reported on `field` for another owner).
    fn onderwijssoort(
        &self,
        c: &mut Check,
        field: &str,
        eigenaar: Option<&organisatie::Model>,
        am: &mut opdracht::ActiveModel,
    ) {
        let Some(given) = self.onderwijssoort.as_opt_ref() else {
            return;
        };
        let onderwijssoort = given
            .copied()
            .or_else(|| eigenaar.and_then(|e| e.onderwijssoort));
        if onderwijssoort.is_none() && eigenaar.is_some() {
            c.fail(
                field,
                "is required when the owner is not a kennisinstelling",
            );
        }
        am.onderwijssoort = Set(onderwijssoort.unwrap_or(Onderwijssoort::Hbo));
    }
}

/// The default executing institutions: the owner, if it is a kennisinstelling.
fn default_uitvoerders(eigenaar: Option<&organisatie::Model>) -> BTreeSet<i32> {
    eigenaar
        .filter(|e| e.soort == OrganisatieSoort::Kennisinstelling)
        .map(|e| BTreeSet::from([e.id]))
        .unwrap_or_default()
}

record_inputs! {
    /// OpdrachtInput: a new opdracht, with linked records by id.
    create OpdrachtInput;
    /// OpdrachtUpdateInput: what an update changes of an opdracht. A field left out keeps its
    /// value; null clears it (a field with a default gets that default: opdrachtStatus ONBEKEND,
    /// the owner's onderwijssoort, 1 student, the owner as uitvoerder; a list is emptied); a
    /// list given replaces the list. `naam`, `opdrachtSoort` and `opdrachtgever` cannot be null.
    update OpdrachtUpdateInput;
    /// The owner (the organisation that registers it). Defaults to the caller's organisation;
    /// only the programme office may name another. An opdracht keeps its owner.
    owner eigenaar: Option<ID>,
    /// The id of the opdracht in the owner's own system (unique per owner, at most 200
    /// characters); the key `syncOpdrachten` matches on. One line, no control characters.
    optional extern_id: String,
    /// The plain fields.
    flatten data: OpdrachtData => OpdrachtDataUpdate,
    /// The rijkspartner that gives the assignment (its id).
    required opdrachtgever: ID,
    /// The kennisinstellingen that carry it out (their ids); defaults to the owner if it is a
    /// kennisinstelling. At most 1000; duplicates are merged.
    optional uitvoerders: Vec<ID>,
    /// The fieldlab it belongs to (its id).
    optional fieldlab: ID,
    /// The lectoraat it belongs to (its id).
    optional lectoraat: ID,
    /// The minor it belongs to (its id).
    optional minor: ID,
    /// The vraagstuk it answers (its id): one the caller may see, proposed to it or public.
    optional vraagstuk: ID,
}

#[async_trait::async_trait]
impl RecordChange for OpdrachtUpdateInput {
    type Entity = opdracht::Entity;
    type Output = Opdracht;
    const MAXIMA: &'static [&'static Maxima] = OPDRACHT_MAXIMA;

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut opdracht::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        let eigenaar = match intended_eigenaar(&am.eigenaar_id) {
            Some(e) => session.organisatie(e).await?,
            None => None,
        };
        let themas = session.thema_codes().await?;
        let themas = self.data.apply(c, "", eigenaar.as_ref(), &themas, am);
        self.extern_id(c, session, eigenaar.as_ref(), id, am)
            .await?;
        if let Some(opdrachtgever) = c.required_change("opdrachtgever", &self.opdrachtgever) {
            let rijkspartner = &[OrganisatieSoort::Rijkspartner];
            let org = c.organisatie(session, "opdrachtgever", opdrachtgever, rijkspartner);
            am.opdrachtgever_id = Set(org.await?.unwrap_or_default());
        }
        if let Some(v) = self.fieldlab.as_opt_ref() {
            am.fieldlab_id = Set(c
                .visible::<fieldlab::Entity>(session, "fieldlab", v)
                .await?);
        }
        if let Some(v) = self.lectoraat.as_opt_ref() {
            let lectoraat = c.visible::<lectoraat::Entity>(session, "lectoraat", v);
            am.lectoraat_id = Set(lectoraat.await?);
        }
        if let Some(v) = self.minor.as_opt_ref() {
            am.minor_id = Set(c.visible::<minor::Entity>(session, "minor", v).await?);
        }
        if let Some(v) = self.vraagstuk.as_opt_ref() {
            let vraagstuk = c.visible::<vraagstuk::Entity>(session, "vraagstuk", v);
            am.vraagstuk_id = Set(vraagstuk.await?);
        }
        let mut links: Vec<LinkUpdate> = themas.map(LinkUpdate::Themas).into_iter().collect();
        if let Some(given) = self.uitvoerders.as_opt_ref() {
            let uitvoerders = self.uitvoerders(c, session, eigenaar.as_ref(), id, given);
            links.push(LinkUpdate::Organisaties(uitvoerders.await?));
        }
        Ok(links)
    }
}

impl OpdrachtUpdateInput {
    /// Sets the `externId` the change gives, checked to be free among the owner's opdrachten.
    async fn extern_id(
        &self,
        c: &mut Check,
        session: &WriteSession,
        eigenaar: Option<&organisatie::Model>,
        id: Option<i32>,
        am: &mut opdracht::ActiveModel,
    ) -> ApiResult<()> {
        let Some(given) = self.extern_id.as_opt_deref() else {
            return Ok(());
        };
        let extern_id = c.text("externId", given, 200);
        if let (Some(e), Some(eigenaar)) = (&extern_id, eigenaar) {
            let of_eigenaar = Condition::all().add(opdracht::Column::EigenaarId.eq(eigenaar.id));
            let column = opdracht::Column::ExternId;
            name_free::<opdracht::Entity>(c, session, column, e, of_eigenaar, id).await?;
        }
        am.extern_id = Set(extern_id);
        Ok(())
    }

    /// The executing institutions: the named ones (none of which withdrew as uitvoerder of the
    /// opdracht `id` being updated) or, for null, the owner if it is a kennisinstelling.
    async fn uitvoerders(
        &self,
        c: &mut Check,
        session: &WriteSession,
        eigenaar: Option<&organisatie::Model>,
        id: Option<i32>,
        given: Option<&Vec<ID>>,
    ) -> ApiResult<BTreeSet<i32>> {
        let Some(ids) = given else {
            return Ok(default_uitvoerders(eigenaar));
        };
        let kennisinstelling = &[OrganisatieSoort::Kennisinstelling];
        let uitvoerders = c
            .organisaties(session, "uitvoerders", ids, kennisinstelling)
            .await?;
        if let Some(id) = id {
            let withdrawn = session.withdrawn(&[id]).await?.remove(&id);
            for (i, uitvoerder) in ids.iter().enumerate() {
                let org = GlobalId::decode("", uitvoerder).map(|g| g.id).ok();
                if org.is_some_and(|o| withdrawn.as_ref().is_some_and(|w| w.contains(&o))) {
                    c.fail(
                        format!("uitvoerders[{i}]"),
                        "this institution withdrew as uitvoerder of this opdracht and cannot be \
                         named again; leave it out",
                    );
                }
            }
        }
        Ok(uitvoerders)
    }
}

#[derive(Default)]
pub struct OpdrachtMutation;

#[Object]
impl OpdrachtMutation {
    #[doc = "Registers an opdracht for the caller's organisation (the programme office may name another \
     owner). Needs the role medewerker or beheerder (or programmabureau). Institutions that keep \
     their opdrachten in their own system use `syncOpdrachten` instead."]
    async fn create_opdracht(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: OpdrachtInput,
    ) -> Result<Opdracht> {
        create(ctx, "createOpdracht", input).await
    }

    #[doc = "Changes what the input gives of an opdracht. Needs the role medewerker or beheerder of its \
     owner (or programmabureau); the opdrachtgever and executing institutions may read it but get \
     FORBIDDEN."]
    async fn update_opdracht(
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
        input: OpdrachtUpdateInput,
    ) -> Result<Opdracht> {
        update(ctx, "updateOpdracht", id, versie, input).await
    }

    #[doc = "Deletes an opdracht with its links. Returns the deleted id."]
    async fn delete_opdracht(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<opdracht::Entity>(ctx, "deleteOpdracht", id, versie).await
    }
}

#[derive(Default)]
pub struct UitvoerderMutation;

#[Object]
impl UitvoerderMutation {
    /// Withdraws the caller's kennisinstelling as uitvoerder (executing institution) of an
    /// opdracht that another organisation registered: the opdracht leaves the institution's
    /// lists and statistics, the change is logged (the owner sees it in its audit trail and
    /// feed), and the owner cannot name the institution again (a sync leaves it out and says so
    /// in the item's `warnings`). Needs the role beheerder or medewerker of the institution;
    /// the owner changes its uitvoerders with `updateOpdracht` instead. Returns the opdracht's
    /// id.
    async fn withdraw_uitvoerder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The opdracht's id.")] opdracht: ID,
    ) -> Result<ID> {
        let mut c = Check::default();
        let row = c.id("opdracht", &opdracht, &["Opdracht"]);
        c.finish()?;
        let row = row.ok_or_else(|| ApiError::bad_input("opdracht", "not an id"))?;
        let mut session = session(ctx, "withdrawUitvoerder").await?;
        session.withdraw_uitvoerder(row).await?;
        session.commit().await?;
        Ok(opdracht)
    }
}

/// OpdrachtSyncInput: one opdracht as the owner's own system exports it: the whole record, not
/// a change. An optional field the item leaves out (or sends as null) is cleared, a list it
/// leaves out is emptied, and a field with a default gets its default, as when the opdracht is
/// created; unlike `updateOpdracht`, which changes only the fields it is given.
#[derive(InputObject, Debug, Clone)]
pub struct OpdrachtSyncInput {
    /// The id of the opdracht in the owner's system (at most 200 characters): the key of the
    /// sync. The same `externId` again updates the same opdracht. One line, no control characters.
    pub extern_id: String,
    /// The plain fields.
    #[graphql(flatten)]
    pub data: OpdrachtData,
    /// The opdrachtgever by OIN (a rijkspartner).
    pub opdrachtgever: String,
    /// The executing kennisinstellingen by schacHome (or OIN); defaults to the owner if it is a
    /// kennisinstelling. At most 1000; duplicates are merged.
    pub uitvoerders: Option<Vec<String>>,
    /// The fieldlab it belongs to (its id in this API); or give `fieldlabKenmerk`.
    pub fieldlab: Option<ID>,
    /// The fieldlab it belongs to, by the kenmerk its penvoerder gave it (`Fieldlab.kenmerk`;
    /// case does not matter); instead of `fieldlab`.
    pub fieldlab_kenmerk: Option<String>,
    /// The lectoraat it belongs to (its id in this API); or give `lectoraatKenmerk`.
    pub lectoraat: Option<ID>,
    /// The lectoraat it belongs to, by its kenmerk (`Lectoraat.kenmerk`); instead of
    /// `lectoraat`.
    pub lectoraat_kenmerk: Option<String>,
    /// The minor it belongs to (its id in this API); or give `minorKenmerk`.
    pub minor: Option<ID>,
    /// The minor it belongs to, by its kenmerk (`Minor.kenmerk`); instead of `minor`.
    pub minor_kenmerk: Option<String>,
    /// The vraagstuk it answers (its id in this API): one the caller may see (proposed to its
    /// institution, or public); or give `vraagstukKenmerk`.
    pub vraagstuk: Option<ID>,
    /// The vraagstuk it answers, by the kenmerk its rijkspartner gave it (`Vraagstuk.kenmerk`;
    /// case does not matter): one the caller may read in full (proposed to its institution);
    /// instead of `vraagstuk`.
    pub vraagstuk_kenmerk: Option<String>,
}

/// OpdrachtenSyncInput: a batch of a sync.
#[derive(InputObject, Debug, Clone)]
pub struct OpdrachtenSyncInput {
    /// Name of the source system (at most 100 characters), recorded in the audit trail.
    /// One line, no control characters.
    pub bron: String,
    /// The owner of the synced opdrachten. Defaults to the caller's organisation; only the
    /// programme office may sync for another.
    pub eigenaar: Option<ID>,
    /// Opdrachten to create or update, keyed on `externId`. At most 1000 items together with
    /// `ingetrokken`; an item with a bad field is rejected (see `modus`).
    #[graphql(default)]
    pub opdrachten: Vec<OpdrachtSyncInput>,
    /// `externId`s of opdrachten the source withdrew: they are deleted (an unknown one is
    /// UNCHANGED). At most 1000 items together with `opdrachten`; an `externId` twice in a
    /// batch is rejected. One line each, at most 200 characters, no control characters.
    #[graphql(default)]
    pub ingetrokken: Vec<String>,
    /// Check and report what would happen, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
    /// All or nothing (ATOMAIR, the default), or apply the valid items (PER_ITEM).
    #[graphql(default, name = "modus")]
    pub mode: SyncMode,
}

/// Batch semantics of a sync.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SyncModus")]
pub enum SyncMode {
    /// All or nothing: if any item is rejected, nothing of the batch is written.
    #[default]
    #[graphql(name = "ATOMAIR")]
    Atomic,
    /// Item by item: the valid items are written, the invalid ones rejected.
    PerItem,
}

impl From<SyncMode> for BatchMode {
    fn from(mode: SyncMode) -> Self {
        match mode {
            SyncMode::Atomic => BatchMode::Atomic,
            SyncMode::PerItem => BatchMode::PerItem,
        }
    }
}

/// What happened (or, when nothing was written, what would happen) to one item.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SyncUitkomst")]
pub enum SyncOutcome {
    /// A new opdracht was created.
    Created,
    /// The stored opdracht was changed.
    Updated,
    /// The stored opdracht already was like this (or a withdrawn item was not there).
    Unchanged,
    /// The opdracht was withdrawn by its source and deleted.
    Deleted,
    /// The item is invalid; see its errors.
    Rejected,
}

impl From<ItemOutcome> for SyncOutcome {
    fn from(outcome: ItemOutcome) -> Self {
        match outcome {
            ItemOutcome::Created => SyncOutcome::Created,
            ItemOutcome::Updated => SyncOutcome::Updated,
            ItemOutcome::Unchanged => SyncOutcome::Unchanged,
            ItemOutcome::Deleted => SyncOutcome::Deleted,
            ItemOutcome::Rejected => SyncOutcome::Rejected,
        }
    }
}

/// Problem: a problem with one input field, as `extensions.problems` of an error lists them.
#[derive(SimpleObject, Debug, Clone)]
pub struct Problem {
    /// Path of the field in the input, e.g. `opdrachten[3].einddatum`.
    pub field: String,
    /// What is wrong and what to do about it (one line).
    pub message: String,
}

fn problems_of(problems: Vec<FieldProblem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| Problem {
            field: p.field,
            message: p.message,
        })
        .collect()
}

/// SyncItemResultaat: the outcome of one item of a sync batch.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "SyncItemResultaat")]
pub struct SyncItemResult {
    /// The item's `externId`. Never null here (every item has one); nullable because
    /// `externId` is nullable on `Opdracht`.
    pub extern_id: Option<String>,
    /// What happened to it or, when the batch was not applied, what would have happened.
    #[graphql(name = "resultaat")]
    pub outcome: SyncOutcome,
    /// The opdracht's global id (null for a new item that was not written, and for a rejected
    /// item).
    pub opdracht: Option<ID>,
    /// Why the item was rejected (empty otherwise).
    pub errors: Vec<Problem>,
    /// What was done differently from what the item asked, without rejecting it: an
    /// institution that withdrew as uitvoerder of the opdracht is left out of `uitvoerders`.
    pub warnings: Vec<Problem>,
}

/// SyncTotalen: the number of items per outcome.
#[derive(SimpleObject, Debug, Clone, Default)]
#[graphql(name = "SyncTotalen")]
pub struct SyncTotals {
    /// CREATED items.
    pub created: i32,
    /// UPDATED items.
    pub updated: i32,
    /// UNCHANGED items.
    pub unchanged: i32,
    /// DELETED (withdrawn) items.
    pub deleted: i32,
    /// REJECTED items.
    pub rejected: i32,
}

impl SyncTotals {
    /// Counts one item with `outcome`.
    fn count(&mut self, outcome: SyncOutcome) {
        *match outcome {
            SyncOutcome::Created => &mut self.created,
            SyncOutcome::Updated => &mut self.updated,
            SyncOutcome::Unchanged => &mut self.unchanged,
            SyncOutcome::Deleted => &mut self.deleted,
            SyncOutcome::Rejected => &mut self.rejected,
        } += 1;
    }
}

/// SyncResultaat: the outcome of a sync batch.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "SyncResultaat")]
pub struct SyncResult {
    /// Whether the batch was written. False for a dry run, and for an ATOMAIR batch with a
    /// rejected item; the items then say what would have happened.
    #[graphql(name = "toegepast")]
    pub applied: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The batch semantics used.
    #[graphql(name = "modus")]
    pub mode: SyncMode,
    /// Items per outcome.
    #[graphql(name = "totalen")]
    pub totals: SyncTotals,
    /// One result per item, in input order: `opdrachten` first, then `ingetrokken`.
    pub items: Vec<SyncItemResult>,
}

#[derive(Default)]
pub struct SyncMutation;

#[Object]
impl SyncMutation {
    /// Syncs a batch of opdrachten from the owner's own system, keyed on (owner, `externId`):
    /// idempotent (the same batch twice changes nothing the second time), at most 1000 items,
    /// all or nothing unless `modus: PER_ITEM`; `dryRun` reports without writing. Needs the role
    /// medewerker or beheerder of the owner (or programmabureau). Every written item is in the
    /// audit trail with the `bron`.
    async fn sync_opdrachten(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The batch.")] input: OpdrachtenSyncInput,
    ) -> Result<SyncResult> {
        check_batch_size(&input)?;
        // The rules of form, before the write session: of the batch (a problem refuses it),
        // and of each item (a problem rejects that item).
        let mut c = Check::default();
        let bron = c.required("bron", &input.bron, 100);
        c.finish()?;
        let form = item_form_problems(&input);
        let mut session = session(ctx, "syncOpdrachten").await?;
        let mut c = Check::default();
        let eigenaar_id = eigenaar(&mut c, &session, input.eigenaar.as_ref());
        c.finish()?;
        let eigenaar_id =
            eigenaar_id.ok_or_else(|| ApiError::bad_input("eigenaar", "no such organisation"))?;
        let eigenaar = session
            .check_owner::<opdracht::Entity>("eigenaar", eigenaar_id)
            .await?;
        session.with_source(&bron);

        let items = check_items(&session, &input, &eigenaar, form).await?;
        let report = session
            .sync_opdrachten(SyncRequest {
                eigenaar: eigenaar.id,
                items: items.clone(),
                dry_run: input.dry_run,
                mode: input.mode.into(),
            })
            .await?;
        if report.applied {
            session.commit().await?;
        }
        Ok(sync_result(&input, items, report))
    }
}

/// `BAD_USER_INPUT` for a batch of more than [`MAX_SYNC_BATCH`] items, on its larger list.
fn check_batch_size(input: &OpdrachtenSyncInput) -> ApiResult<()> {
    let count = input.opdrachten.len() + input.ingetrokken.len();
    if count <= MAX_SYNC_BATCH {
        return Ok(());
    }
    let field = if input.ingetrokken.len() > input.opdrachten.len() {
        "ingetrokken"
    } else {
        "opdrachten"
    };
    Err(ApiError::bad_input(
        field,
        format!(
            "a batch holds at most {MAX_SYNC_BATCH} items (opdrachten plus ingetrokken); \
             this one has {count}: send it in several batches"
        ),
    ))
}

/// Per item of `opdrachten`, the problems with the rules of form ([`input::form`]).
fn item_form_problems(input: &OpdrachtenSyncInput) -> Vec<Vec<FieldProblem>> {
    input
        .opdrachten
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut problems = Vec::new();
            input::form(
                &format!("opdrachten[{i}]"),
                &async_graphql::InputType::to_value(o),
                OPDRACHT_MAXIMA,
                &mut problems,
            );
            problems
        })
        .collect()
}

/// The answer to a sync: per item its outcome, id, errors and warnings, and the totals.
fn sync_result(
    input: &OpdrachtenSyncInput,
    items: Vec<SyncItem>,
    report: SyncReport,
) -> SyncResult {
    let mut totals = SyncTotals::default();
    let mut notices = report.notices;
    let items = items
        .into_iter()
        .zip(report.items)
        .enumerate()
        .map(|(index, (item, (outcome, id, problems)))| {
            let outcome = SyncOutcome::from(outcome);
            totals.count(outcome);
            SyncItemResult {
                extern_id: Some(item.extern_id),
                outcome,
                opdracht: id.map(|id| GlobalId::encode("Opdracht", id)),
                errors: problems_of(problems),
                warnings: problems_of(notices.remove(&index).unwrap_or_default()),
            }
        })
        .collect();
    SyncResult {
        applied: report.applied,
        dry_run: input.dry_run,
        mode: input.mode,
        totals,
        items,
    }
}

/// What the items of a batch refer to, looked up for the whole batch at once: the theme
/// codes, the organisations by natural key, and the linked records the caller may see.
struct BatchReferences {
    themas: HashSet<String>,
    organisaties: HashMap<String, organisatie::Model>,
    fieldlabs: Linkable,
    lectoraten: Linkable,
    minoren: Linkable,
    vraagstukken: Linkable,
}

/// The records of one type the items of a batch link to: the ids the caller may see, and the
/// ids of the kenmerken the items give.
struct Linkable {
    visible: HashSet<i32>,
    by_kenmerk: HashMap<String, i32>,
}

impl Linkable {
    async fn load<E>(
        session: &WriteSession,
        kenmerk: &crate::db::Field<E, Option<String>>,
        ids: &[i32],
        kenmerken: &[String],
    ) -> ApiResult<Self>
    where
        E: crate::db::Policy,
        E::Model: Sync,
    {
        Ok(Self {
            visible: session.visible_ids::<E>(ids).await?,
            by_kenmerk: session.ids_by_kenmerk::<E>(kenmerk, kenmerken).await?,
        })
    }
}

/// The well-formed kenmerken the items of a batch give with `of`, in capitals.
fn kenmerken(
    input: &OpdrachtenSyncInput,
    of: fn(&OpdrachtSyncInput) -> Option<&String>,
) -> Vec<String> {
    let kenmerken: HashSet<String> = input
        .opdrachten
        .iter()
        .filter_map(|o| Kenmerk::parse(of(o)?).ok())
        .map(Kenmerk::into_string)
        .collect();
    kenmerken.into_iter().collect()
}

impl BatchReferences {
    async fn load(session: &WriteSession, input: &OpdrachtenSyncInput) -> ApiResult<Self> {
        // Organisations by natural key, in one query.
        let mut keys = HashSet::new();
        for o in &input.opdrachten {
            for key in std::iter::once(&o.opdrachtgever).chain(o.uitvoerders.iter().flatten()) {
                if let Ok(s) = OrganisatieSleutel::parse(key) {
                    keys.insert(s);
                }
            }
        }
        let keys: Vec<OrganisatieSleutel> = keys.into_iter().collect();
        let mut organisaties: HashMap<String, organisatie::Model> = HashMap::new();
        for org in session.organisaties_by_key(&keys).await? {
            for key in [&org.oin, &org.schac_home].into_iter().flatten() {
                organisaties.insert(key.clone(), org.clone());
            }
        }
        // Linked records by id, one query per type.
        let ids = |typename: &str, of: fn(&OpdrachtSyncInput) -> Option<&ID>| -> Vec<i32> {
            let mut c = Check::default();
            input
                .opdrachten
                .iter()
                .filter_map(|o| c.id("", of(o)?, &[typename]))
                .collect()
        };
        use crate::db::{fieldlab_fields, lectoraat_fields, minor_fields, vraagstuk_fields};
        let fieldlabs = ids("Fieldlab", |o| o.fieldlab.as_ref());
        let lectoraten = ids("Lectoraat", |o| o.lectoraat.as_ref());
        let minoren = ids("Minor", |o| o.minor.as_ref());
        let vraagstukken = ids("Vraagstuk", |o| o.vraagstuk.as_ref());
        let fieldlab_kenmerken = kenmerken(input, |o| o.fieldlab_kenmerk.as_ref());
        let lectoraat_kenmerken = kenmerken(input, |o| o.lectoraat_kenmerk.as_ref());
        let minor_kenmerken = kenmerken(input, |o| o.minor_kenmerk.as_ref());
        let vraagstuk_kenmerken = kenmerken(input, |o| o.vraagstuk_kenmerk.as_ref());
        Ok(Self {
            themas: session.thema_codes().await?,
            organisaties,
            fieldlabs: Linkable::load(
                session,
                &fieldlab_fields::KENMERK,
                &fieldlabs,
                &fieldlab_kenmerken,
            )
            .await?,
            lectoraten: Linkable::load(
                session,
                &lectoraat_fields::KENMERK,
                &lectoraten,
                &lectoraat_kenmerken,
            )
            .await?,
            minoren: Linkable::load(session, &minor_fields::KENMERK, &minoren, &minor_kenmerken)
                .await?,
            vraagstukken: Linkable::load(
                session,
                &vraagstuk_fields::KENMERK,
                &vraagstukken,
                &vraagstuk_kenmerken,
            )
            .await?,
        })
    }

    /// The fields of item `o` at `prefix`, its references resolved.
    fn fields(
        &self,
        c: &mut Check,
        prefix: &str,
        o: &OpdrachtSyncInput,
        eigenaar: &organisatie::Model,
    ) -> OpdrachtValues {
        let mut fields = o.data.fields(c, prefix, Some(eigenaar), &self.themas);
        let opdrachtgever = self.organisatie(
            c,
            &path(prefix, "opdrachtgever"),
            &o.opdrachtgever,
            OrganisatieSoort::Rijkspartner,
        );
        fields.columns.opdrachtgever_id = ActiveValue::Set(opdrachtgever.unwrap_or_default());
        fields.uitvoerders = match &o.uitvoerders {
            None => default_uitvoerders(Some(eigenaar)),
            Some(keys) => keys
                .iter()
                .enumerate()
                .filter_map(|(i, key)| {
                    let field = format!("{prefix}.uitvoerders[{i}]");
                    self.organisatie(c, &field, key, OrganisatieSoort::Kennisinstelling)
                })
                .collect(),
        };
        let linked = |c: &mut Check, kind: &str, id: Option<&ID>, kenmerk: Option<&String>| {
            self.linked(c, prefix, kind, id, kenmerk)
        };
        let fieldlab = linked(
            c,
            "fieldlab",
            o.fieldlab.as_ref(),
            o.fieldlab_kenmerk.as_ref(),
        );
        fields.columns.fieldlab_id = ActiveValue::Set(fieldlab);
        let lectoraat = linked(
            c,
            "lectoraat",
            o.lectoraat.as_ref(),
            o.lectoraat_kenmerk.as_ref(),
        );
        fields.columns.lectoraat_id = ActiveValue::Set(lectoraat);
        let minor = linked(c, "minor", o.minor.as_ref(), o.minor_kenmerk.as_ref());
        fields.columns.minor_id = ActiveValue::Set(minor);
        let vraagstuk = linked(
            c,
            "vraagstuk",
            o.vraagstuk.as_ref(),
            o.vraagstuk_kenmerk.as_ref(),
        );
        fields.columns.vraagstuk_id = ActiveValue::Set(vraagstuk);
        fields
    }

    /// The record linked as `kind` (`fieldlab`, `lectoraat`, `minor` or `vraagstuk`) by global id or by
    /// kenmerk (field `<kind>Kenmerk`), which the caller must be able to see; reported on the field
    /// that names it otherwise.
    fn linked(
        &self,
        c: &mut Check,
        prefix: &str,
        kind: &str,
        id: Option<&ID>,
        kenmerk: Option<&String>,
    ) -> Option<i32> {
        let (typename, records) = match kind {
            "fieldlab" => ("Fieldlab", &self.fieldlabs),
            "lectoraat" => ("Lectoraat", &self.lectoraten),
            "vraagstuk" => ("Vraagstuk", &self.vraagstukken),
            _ => ("Minor", &self.minoren),
        };
        let kenmerk_field = path(prefix, &format!("{kind}Kenmerk"));
        match (id, kenmerk) {
            (Some(_), Some(_)) => {
                let message = format!("give the {kind} by id or by kenmerk, not both");
                c.fail(&kenmerk_field, message);
                None
            }
            (None, Some(kenmerk)) => match Kenmerk::parse(kenmerk) {
                Err(e) => {
                    c.fail(&kenmerk_field, e.to_string());
                    None
                }
                Ok(kenmerk) => {
                    let row = records.by_kenmerk.get(kenmerk.as_str()).copied();
                    if row.is_none() {
                        let message = format!("no {typename} has the kenmerk {}", kenmerk.as_str());
                        c.fail(&kenmerk_field, message);
                    }
                    row
                }
            },
            (id, None) => {
                let field = path(prefix, kind);
                let row = c.id(&field, id?, &[typename])?;
                if records.visible.contains(&row) {
                    Some(row)
                } else {
                    c.fail(&field, format!("no such {typename}"));
                    None
                }
            }
        }
    }

    /// An organisation of kind `soort` by natural key.
    fn organisatie(
        &self,
        c: &mut Check,
        field: &str,
        key: &str,
        soort: OrganisatieSoort,
    ) -> Option<i32> {
        let sleutel = match OrganisatieSleutel::parse(key) {
            Ok(s) => s,
            Err(e) => {
                c.fail(field, e.to_string());
                return None;
            }
        };
        match self.organisaties.get(&sleutel.to_string()) {
            Some(org) if org.soort == soort => Some(org.id),
            Some(org) => {
                let expected = match soort {
                    OrganisatieSoort::Rijkspartner => "rijkspartner",
                    _ => "kennisinstelling",
                };
                c.fail(
                    field,
                    format!("{} ({sleutel}) is not a {expected}", org.naam),
                );
                None
            }
            None => {
                c.fail(
                    field,
                    format!("no organisation of the partnership has the key {sleutel}"),
                );
                None
            }
        }
    }
}

/// The `externId`s of a batch, each with its field: `opdrachten` first, then `ingetrokken`.
fn extern_ids(input: &OpdrachtenSyncInput) -> Vec<(String, String)> {
    let opdrachten = input
        .opdrachten
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("opdrachten[{i}].externId"), o.extern_id.clone()));
    let withdrawals = input
        .ingetrokken
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("ingetrokken[{i}]"), e.clone()));
    opdrachten.chain(withdrawals).collect()
}

/// Checks every item of a batch, resolving its references for the whole batch at once.
async fn check_items(
    session: &WriteSession,
    input: &OpdrachtenSyncInput,
    eigenaar: &organisatie::Model,
    mut form: Vec<Vec<FieldProblem>>,
) -> ApiResult<Vec<SyncItem>> {
    let references = BatchReferences::load(session, input).await?;
    let extern_ids = extern_ids(input);
    // Where each externId occurs, to refuse duplicates within the batch.
    let mut places: HashMap<String, Vec<String>> = HashMap::new();
    for (field, e) in &extern_ids {
        places
            .entry(e.trim().to_owned())
            .or_default()
            .push(field.clone());
    }
    let mut items = Vec::with_capacity(extern_ids.len());
    for (index, (field, extern_id)) in extern_ids.iter().enumerate() {
        let mut c = Check::default();
        for p in form.get_mut(index).map(std::mem::take).unwrap_or_default() {
            c.fail(p.field, p.message);
        }
        let extern_id = c.required(field, extern_id, 200);
        if let Some(others) = places.get(&extern_id).filter(|p| p.len() > 1) {
            c.fail(
                field.as_str(),
                format!(
                    "externId '{extern_id}' occurs more than once in this batch ({}); send each \
                     opdracht once",
                    others.join(", ")
                ),
            );
        }
        let content = input
            .opdrachten
            .get(index)
            .map(|o| references.fields(&mut c, &format!("opdrachten[{index}]"), o, eigenaar));
        items.push(SyncItem {
            extern_id,
            content: if c.is_ok() {
                Ok(content)
            } else {
                Err(c.take())
            },
        });
    }
    Ok(items)
}
