//! Mutations of fieldlabs, lectoraten, minoren, communities and organisation profiles.
//!
//! Each record type has one input type (for create and update) that implements
//! [`RecordInput`]: it checks the input and sets the row's columns and links. The create /
//! update / delete resolvers around it are the same for every type: each calls [`create`],
//! [`update`] or [`delete`].

use super::{
    ALL_SOORTEN, Check, ContactpersoonInput, ORGANISATIE_TYPENAMES, eigenaar, read_back, record_id,
    session,
};
use crate::db::entities::{community, fieldlab, lectoraat, minor, organisatie};
use crate::db::{LinkUpdate, Policy, Row, Writable, WriteSession};
use crate::domain::input::{CONTACTPERSOON, Maxima};
use crate::domain::naam;
use crate::domain::{
    CommunityStatus, DeelnemerRol, FieldlabStatus, LectoraatSoort, MinorSoort, OrganisatieSoort,
    Regio,
};
use crate::error::{ApiError, ApiResult};
use crate::graphql::communities::Community;
use crate::graphql::fieldlabs::Fieldlab;
use crate::graphql::lectoraten::Lectoraat;
use crate::graphql::minoren::Minor;
use crate::graphql::organisaties::Organisatie;
use crate::graphql::types::Date;
use async_graphql::{Context, ID, InputObject, Object, Result};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, Condition, IntoActiveModel};
use std::collections::{BTreeSet, HashSet};

/// The largest study load of a minor, master or post-master (a two-year master).
pub(super) const MAX_ECTS: i32 = 120;

/// The row type of a record input's entity.
type ActiveModelOf<I> = <<I as RecordInput>::Entity as sea_orm::EntityTrait>::ActiveModel;

/// How a record type's input is checked and applied to its row: `am` gets the columns, the
/// result lists the link sets to replace. `id` is the row being updated (none on create).
#[async_trait::async_trait]
pub(super) trait RecordInput: Sync + async_graphql::InputType {
    type Entity: Writable;
    /// The GraphQL type the create and update mutations return.
    type Output: From<Row<<Self::Entity as sea_orm::EntityTrait>::Model>>;
    /// The maximum lengths of the input's text fields (see [`crate::domain::invoer`]); checked
    /// with the other rules of form before the write session opens.
    const MAXIMA: &'static [&'static Maxima];
    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut ActiveModelOf<Self>,
    ) -> ApiResult<Vec<LinkUpdate>>;
    /// The owner the input names, if any.
    fn eigenaar(&self) -> Option<&ID>;
}

/// Checks that `naam` is not taken by another visible record of `E` (names are unique in the
/// database; this gives the clear message).
pub(super) async fn name_free<E: Policy>(
    c: &mut Check,
    session: &WriteSession,
    column: E::Column,
    naam: &str,
    within: Condition,
    id: Option<i32>,
) -> ApiResult<()>
where
    E::Model: Sync,
{
    let mut filter = within.add(column.eq(naam));
    if let Some(id) = id {
        filter = filter.add(E::id().ne(id));
    }
    if session.exists::<E>(filter).await? {
        c.fail(
            "naam",
            format!("another {} is already called '{naam}'", E::NAME),
        );
    }
    Ok(())
}

/// A record's name by the name rule ([`naam::normalise`]), reported on `field` when it is
/// refused (the input, trimmed, is returned then so that the other checks can go on).
pub(super) fn record_name(c: &mut Check, field: &str, value: &str, max: usize) -> String {
    naam::normalise(value, max).unwrap_or_else(|message| {
        c.fail(field, message);
        value.trim().to_owned()
    })
}

/// The normalised name of a record of `E` (`naam`, at most 200 characters), checked to be
/// free among the rows matching `within` (all fieldlabs, all communities, the lectoraten or
/// minoren of one institution; `None` when the owner is unknown, which is reported elsewhere):
/// names are compared by their key ([`naam::sleutel`]), as the database's unique index does.
async fn unique_name<E>(
    c: &mut Check,
    session: &WriteSession,
    value: &str,
    within: Option<Condition>,
    id: Option<i32>,
) -> ApiResult<String>
where
    E: Policy,
    E::Model: Sync,
    E::Column: std::str::FromStr,
{
    let naam = match naam::normalise(value, 200) {
        Ok(naam) => naam,
        Err(message) => {
            c.fail("naam", message);
            return Ok(value.trim().to_owned());
        }
    };
    let (Some(within), Ok(column)) = (within, "naam_sleutel".parse::<E::Column>()) else {
        return Ok(naam);
    };
    let mut filter = within.add(column.eq(naam::sleutel(&naam)));
    if let Some(id) = id {
        filter = filter.add(E::id().ne(id));
    }
    if session.exists::<E>(filter).await? {
        c.fail(
            "naam",
            format!(
                "another {} is already called '{naam}' or by a name that reads the same (names \
                 are compared ignoring case, spacing and look-alike characters); choose another \
                 name",
                E::NAME
            ),
        );
    }
    Ok(naam)
}

/// The name of a lectoraat or minor, unique among those of its owner (they are unique per
/// institution): the owner is the row's current one on update, the named or the caller's own
/// on create.
async fn name_of_eigenaar<E>(
    c: &mut Check,
    session: &WriteSession,
    value: &str,
    current: &ActiveValue<i32>,
    named: Option<&ID>,
    id: Option<i32>,
) -> ApiResult<String>
where
    E: Policy,
    E::Model: Sync,
    E::Column: std::str::FromStr,
{
    let eigenaar = intended_eigenaar(current, named, session);
    let within = eigenaar.map(|e| Condition::all().add(E::owner().eq(e)));
    unique_name::<E>(c, session, value, within, id).await
}

/// The linked rijkspartners of a lectoraat or minor (`partners`).
async fn partners(c: &mut Check, session: &WriteSession, ids: &[ID]) -> ApiResult<BTreeSet<i32>> {
    let rijkspartner = &[OrganisatieSoort::Rijkspartner];
    c.organisaties(session, "partners", ids, rijkspartner).await
}

/// The owner a row will have: its current one on update, the named or the caller's own on
/// create (`None` if the named id is malformed; that is reported elsewhere).
pub(super) fn intended_eigenaar(
    current: &ActiveValue<i32>,
    named: Option<&ID>,
    session: &WriteSession,
) -> Option<i32> {
    match current {
        ActiveValue::Set(e) | ActiveValue::Unchanged(e) => Some(*e),
        ActiveValue::NotSet => match named {
            Some(id) => Check::default().id("eigenaar", id, ORGANISATIE_TYPENAMES),
            None => Some(session.principal().organisatie_id),
        },
    }
}

/// The create mutation of a record type: checks the input, creates the row with its links and
/// returns the record as the caller now sees it.
pub(super) async fn create<I: RecordInput>(
    ctx: &Context<'_>,
    operatie: &str,
    input: I,
) -> Result<I::Output> {
    let mut c = Check::default();
    c.form("", &input, I::MAXIMA);
    c.finish()?;
    let mut session = session(ctx, operatie).await?;
    let mut c = Check::default();
    let eigenaar = eigenaar(&mut c, &session, input.eigenaar());
    let mut am = <ActiveModelOf<I> as ActiveModelTrait>::default();
    let links = input.apply(&mut c, &session, None, &mut am).await?;
    c.finish()?;
    let eigenaar =
        eigenaar.ok_or_else(|| ApiError::bad_input("eigenaar", "no such organisation"))?;
    let model = session.create::<I::Entity>(eigenaar, am, &links).await?;
    session.commit().await?;
    read_back::<I::Entity, I::Output>(ctx, <I::Entity as Policy>::id_of(&model)).await
}

/// The update mutation of a record type: replaces the editable fields of the row `id` at
/// version `versie` and returns the record as the caller now sees it.
pub(super) async fn update<I: RecordInput>(
    ctx: &Context<'_>,
    operatie: &str,
    id: ID,
    versie: i32,
    input: I,
) -> Result<I::Output> {
    let id = record_id::<I::Entity>(&id)?;
    let mut c = Check::default();
    c.form("", &input, I::MAXIMA);
    c.finish()?;
    let mut session = session(ctx, operatie).await?;
    let before = session.for_update::<I::Entity>(id, versie).await?;
    let mut c = Check::default();
    if let Some(new) = input.eigenaar() {
        let new = c.id("eigenaar", new, ORGANISATIE_TYPENAMES);
        if new.is_some_and(|n| n != <I::Entity as Policy>::owner_of(&before)) {
            c.fail(
                "eigenaar",
                "a record cannot move to another owner; leave `eigenaar` out or send the current \
                 one",
            );
        }
    }
    let mut am = before.clone().into_active_model();
    let links = input.apply(&mut c, &session, Some(id), &mut am).await?;
    c.finish()?;
    session.update::<I::Entity>(before, am, &links).await?;
    session.commit().await?;
    read_back::<I::Entity, I::Output>(ctx, id).await
}

/// The delete mutation of a record type: deletes the row `id` at version `versie` and returns
/// its id.
pub(super) async fn delete<E: Writable>(
    ctx: &Context<'_>,
    operatie: &str,
    id: ID,
    versie: i32,
) -> Result<ID> {
    let row = record_id::<E>(&id)?;
    let mut session = session(ctx, operatie).await?;
    session.delete::<E>(row, versie).await?;
    session.commit().await?;
    Ok(id)
}

/// DeelnemerInput: an organisation taking part in a fieldlab.
#[derive(InputObject, Debug, Clone)]
pub struct DeelnemerInput {
    /// The participating organisation (its id).
    pub organisatie: ID,
    /// Its role in the lab.
    pub rol: DeelnemerRol,
}

/// FieldlabInput: the editable fields of a fieldlab.
#[derive(InputObject, Debug, Clone)]
pub struct FieldlabInput {
    /// The penvoerder (owner). Defaults to the caller's organisation; only the programme office
    /// may name another. Cannot be changed by an update.
    pub eigenaar: Option<ID>,
    /// Name, unique among fieldlabs, at most 200 characters. Whitespace is collapsed; control and
    /// invisible characters are refused; names that differ only in case, spacing or look-alike
    /// letters count as the same.
    pub naam: String,
    /// What the lab works on (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    pub beschrijving: Option<String>,
    /// The regions the lab lies in: at least one (a kennismakelaar of any of them reads the
    /// lab in full). At most 1000; duplicates are merged.
    pub regios: Vec<Regio>,
    /// Status; defaults to IN_OPRICHTING.
    pub status: Option<FieldlabStatus>,
    /// City or site, at most 100 characters. One line, no control characters.
    pub plaats: Option<String>,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    pub website: Option<String>,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    pub startdatum: Option<Date>,
    /// Contact person.
    pub contactpersoon: Option<ContactpersoonInput>,
    /// Theme codes (see `themas`). At most 1000; duplicates are merged.
    #[graphql(default)]
    pub themas: Vec<String>,
    /// Participating organisations besides the penvoerder. At most 1000; each organisation once.
    #[graphql(default)]
    pub deelnemers: Vec<DeelnemerInput>,
}

#[async_trait::async_trait]
impl RecordInput for FieldlabInput {
    type Entity = fieldlab::Entity;
    type Output = Fieldlab;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[("naam", 200), ("plaats", 100), ("website", 500)],
        CONTACTPERSOON,
    ];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut fieldlab::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        let all = Some(Condition::all());
        let naam = unique_name::<fieldlab::Entity>(c, session, &self.naam, all, id).await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.naam = ActiveValue::Set(naam);
        am.beschrijving =
            ActiveValue::Set(c.free_text("beschrijving", self.beschrijving.as_deref()));
        let regios = regios(c, &self.regios);
        // The previous release's one region (see the entity): the first of them.
        am.regio = ActiveValue::Set(regios.first().copied().unwrap_or(Regio::Midden));
        am.status = ActiveValue::Set(self.status.unwrap_or(FieldlabStatus::InOprichting));
        am.plaats = ActiveValue::Set(c.text("plaats", self.plaats.as_deref(), 100));
        am.website = ActiveValue::Set(c.website("website", self.website.as_deref()));
        am.startdatum = ActiveValue::Set(self.startdatum.map(|d| d.0));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &session.thema_codes().await?);
        let deelnemers = self.deelnemers(c, session).await?;
        Ok(vec![
            LinkUpdate::Regios(regios),
            LinkUpdate::Themas(themas),
            LinkUpdate::Deelnemers(deelnemers),
        ])
    }
}

/// A fieldlab's regions, without duplicates: at least one (reported on `regios`).
fn regios(c: &mut Check, given: &[Regio]) -> BTreeSet<Regio> {
    let regios: BTreeSet<Regio> = given.iter().copied().collect();
    if regios.is_empty() {
        c.fail(
            "regios",
            "a fieldlab lies in at least one region; name one or more",
        );
    }
    regios
}

impl FieldlabInput {
    /// The participants, each organisation once, ordered by organisation.
    async fn deelnemers(
        &self,
        c: &mut Check,
        session: &WriteSession,
    ) -> ApiResult<Vec<(i32, DeelnemerRol)>> {
        let fields: Vec<(String, &ID)> = self
            .deelnemers
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("deelnemers[{i}].organisatie"), &d.organisatie))
            .collect();
        let orgs = c.organisaties_at(session, &fields, ALL_SOORTEN).await?;
        let mut deelnemers = Vec::new();
        let mut seen = HashSet::new();
        for ((field, _), (org, d)) in fields.iter().zip(orgs.into_iter().zip(&self.deelnemers)) {
            if let Some(org) = org {
                if seen.insert(org) {
                    deelnemers.push((org, d.rol));
                } else {
                    c.fail(field.as_str(), "is listed twice");
                }
            }
        }
        deelnemers.sort_by_key(|(org, _)| *org);
        Ok(deelnemers)
    }
}

#[derive(Default)]
pub struct FieldlabMutation;

#[Object]
impl FieldlabMutation {
    #[doc = "Creates a fieldlab with the caller's organisation as penvoerder (the programme office may \
     name another). Needs the role beheerder (or programmabureau)."]
    async fn create_fieldlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: FieldlabInput,
    ) -> Result<Fieldlab> {
        create(ctx, "createFieldlab", input).await
    }

    #[doc = "Replaces the editable fields of a fieldlab. Needs the role beheerder of the penvoerder (or \
     programmabureau): others get FORBIDDEN if they can see the lab."]
    async fn update_fieldlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "All editable fields of the record (omitted optional fields are cleared)."
        )]
        input: FieldlabInput,
    ) -> Result<Fieldlab> {
        update(ctx, "updateFieldlab", id, versie, input).await
    }

    #[doc = "Deletes a fieldlab with its participants and themes. Refused (CONFLICT, counting them) while \
     opdrachten or lectoraten of the caller's own organisation link to it; those of other \
     organisations are unlinked, each as a logged change their owner sees. Returns the deleted \
     id."]
    async fn delete_fieldlab(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<fieldlab::Entity>(ctx, "deleteFieldlab", id, versie).await
    }
}

/// LectoraatInput: the editable fields of a lectoraat or leerstoel.
#[derive(InputObject, Debug, Clone)]
pub struct LectoraatInput {
    /// The kennisinstelling that owns it. Defaults to the caller's organisation; only the
    /// programme office may name another. Cannot be changed by an update.
    pub eigenaar: Option<ID>,
    /// Name, unique within the institution, at most 200 characters (compared like fieldlab
    /// names).
    pub naam: String,
    /// Lectoraat or leerstoel.
    pub soort: LectoraatSoort,
    /// Name of the lector or professor, at most 200 characters. One line, no control characters.
    pub lector: Option<String>,
    /// What the chair researches (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    pub beschrijving: Option<String>,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    pub startdatum: Option<Date>,
    /// End date; not before the start date. Between 1900-01-01 and 2999-12-31.
    pub einddatum: Option<Date>,
    /// Contact person.
    pub contactpersoon: Option<ContactpersoonInput>,
    /// Theme codes. At most 1000; duplicates are merged.
    #[graphql(default)]
    pub themas: Vec<String>,
    /// Linked rijkspartners (their ids); they may read the chair in full.
    /// At most 1000; duplicates are merged.
    #[graphql(default)]
    pub partners: Vec<ID>,
    /// Linked fieldlabs (their ids). At most 1000; duplicates are merged.
    #[graphql(default)]
    pub fieldlabs: Vec<ID>,
}

#[async_trait::async_trait]
impl RecordInput for LectoraatInput {
    type Entity = lectoraat::Entity;
    type Output = Lectoraat;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200), ("lector", 200)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut lectoraat::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        let named = self.eigenaar.as_ref();
        let naam = name_of_eigenaar::<lectoraat::Entity>(
            c,
            session,
            &self.naam,
            &am.eigenaar_id,
            named,
            id,
        );
        am.naam = ActiveValue::Set(naam.await?);
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        let start = self.startdatum.map(|d| d.0);
        let end = self.einddatum.map(|d| d.0);
        c.period("einddatum", start, end);
        am.soort = ActiveValue::Set(self.soort);
        am.lector = ActiveValue::Set(c.text("lector", self.lector.as_deref(), 200));
        am.beschrijving =
            ActiveValue::Set(c.free_text("beschrijving", self.beschrijving.as_deref()));
        am.startdatum = ActiveValue::Set(start);
        am.einddatum = ActiveValue::Set(end);
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &session.thema_codes().await?);
        let partners = partners(c, session, &self.partners).await?;
        let fieldlabs = self.fieldlabs(c, session).await?;
        Ok(vec![
            LinkUpdate::Themas(themas),
            LinkUpdate::Organisaties(partners),
            LinkUpdate::Fieldlabs(fieldlabs),
        ])
    }
}

impl LectoraatInput {
    /// The linked fieldlabs, which the caller must be able to see.
    async fn fieldlabs(&self, c: &mut Check, session: &WriteSession) -> ApiResult<BTreeSet<i32>> {
        let labs: Vec<(String, Option<i32>)> = self
            .fieldlabs
            .iter()
            .enumerate()
            .map(|(i, lab)| {
                let field = format!("fieldlabs[{i}]");
                let row = c.id(&field, lab, &["Fieldlab"]);
                (field, row)
            })
            .collect();
        let rows: Vec<i32> = labs.iter().filter_map(|(_, r)| *r).collect();
        let visible = session.visible_ids::<fieldlab::Entity>(&rows).await?;
        let mut fieldlabs = BTreeSet::new();
        for (field, row) in labs {
            match row {
                Some(r) if visible.contains(&r) => {
                    fieldlabs.insert(r);
                }
                Some(_) => c.fail(field, "no such Fieldlab"),
                None => {}
            }
        }
        Ok(fieldlabs)
    }
}

#[derive(Default)]
pub struct LectoraatMutation;

#[Object]
impl LectoraatMutation {
    #[doc = "Creates a lectoraat (or leerstoel) of the caller's kennisinstelling (the programme office \
     may name another kennisinstelling). Needs the role beheerder (or programmabureau)."]
    async fn create_lectoraat(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: LectoraatInput,
    ) -> Result<Lectoraat> {
        create(ctx, "createLectoraat", input).await
    }

    #[doc = "Replaces the editable fields of a lectoraat. Needs the role beheerder of its \
     kennisinstelling (or programmabureau)."]
    async fn update_lectoraat(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "All editable fields of the record (omitted optional fields are cleared)."
        )]
        input: LectoraatInput,
    ) -> Result<Lectoraat> {
        update(ctx, "updateLectoraat", id, versie, input).await
    }

    #[doc = "Deletes a lectoraat with its links. Refused (CONFLICT, counting them) while opdrachten of \
     the caller's own organisation link to it; those of other organisations are unlinked, each as \
     a logged change their owner sees. Returns the deleted id."]
    async fn delete_lectoraat(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<lectoraat::Entity>(ctx, "deleteLectoraat", id, versie).await
    }
}

/// MinorInput: the editable fields of a minor, master or post-master.
#[derive(InputObject, Debug, Clone)]
pub struct MinorInput {
    /// The kennisinstelling that owns it. Defaults to the caller's organisation; only the
    /// programme office may name another. Cannot be changed by an update.
    pub eigenaar: Option<ID>,
    /// Name, unique within the institution, at most 200 characters (compared like fieldlab
    /// names).
    pub naam: String,
    /// Minor, master or post-master.
    pub soort: MinorSoort,
    /// Study load in ECTS (1 to 120: a minor is 15 or 30, a master 60 to 120).
    pub studielast_ects: Option<i32>,
    /// What the curriculum covers (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    pub beschrijving: Option<String>,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    pub website: Option<String>,
    /// First start date. Between 1900-01-01 and 2999-12-31.
    pub startdatum: Option<Date>,
    /// Contact person.
    pub contactpersoon: Option<ContactpersoonInput>,
    /// Theme codes. At most 1000; duplicates are merged.
    #[graphql(default)]
    pub themas: Vec<String>,
    /// Co-developing rijkspartners (their ids); they may read it in full.
    /// At most 1000; duplicates are merged.
    #[graphql(default)]
    pub partners: Vec<ID>,
}

#[async_trait::async_trait]
impl RecordInput for MinorInput {
    type Entity = minor::Entity;
    type Output = Minor;
    const MAXIMA: &'static [&'static Maxima] =
        &[&[("naam", 200), ("website", 500)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut minor::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        let named = self.eigenaar.as_ref();
        let naam =
            name_of_eigenaar::<minor::Entity>(c, session, &self.naam, &am.eigenaar_id, named, id);
        am.naam = ActiveValue::Set(naam.await?);
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.soort = ActiveValue::Set(self.soort);
        let ects = self.studielast_ects;
        am.studielast_ects =
            ActiveValue::Set(ects.map(|e| c.range("studielastEcts", e, 1, MAX_ECTS)));
        am.beschrijving =
            ActiveValue::Set(c.free_text("beschrijving", self.beschrijving.as_deref()));
        am.website = ActiveValue::Set(c.website("website", self.website.as_deref()));
        am.startdatum = ActiveValue::Set(self.startdatum.map(|d| d.0));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &session.thema_codes().await?);
        let partners = partners(c, session, &self.partners).await?;
        Ok(vec![
            LinkUpdate::Themas(themas),
            LinkUpdate::Organisaties(partners),
        ])
    }
}

#[derive(Default)]
pub struct MinorMutation;

#[Object]
impl MinorMutation {
    #[doc = "Creates a minor, master or post-master of the caller's kennisinstelling (the programme \
     office may name another kennisinstelling). Needs the role beheerder (or programmabureau)."]
    async fn create_minor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: MinorInput,
    ) -> Result<Minor> {
        create(ctx, "createMinor", input).await
    }

    #[doc = "Replaces the editable fields of a minor. Needs the role beheerder of its kennisinstelling \
     (or programmabureau)."]
    async fn update_minor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "All editable fields of the record (omitted optional fields are cleared)."
        )]
        input: MinorInput,
    ) -> Result<Minor> {
        update(ctx, "updateMinor", id, versie, input).await
    }

    #[doc = "Deletes a minor with its links. Refused (CONFLICT, counting them) while opdrachten of the \
     caller's own organisation link to it; those of other organisations are unlinked, each as a \
     logged change their owner sees. Returns the deleted id."]
    async fn delete_minor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<minor::Entity>(ctx, "deleteMinor", id, versie).await
    }
}

/// CommunityInput: the editable fields of a community.
#[derive(InputObject, Debug, Clone)]
pub struct CommunityInput {
    /// The owner: always the programme office. May be left out.
    pub eigenaar: Option<ID>,
    /// Name, unique among communities, at most 200 characters (compared like fieldlab names).
    pub naam: String,
    /// What the community shares (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    pub beschrijving: Option<String>,
    /// Status; defaults to GEPLAND.
    pub status: Option<CommunityStatus>,
    /// Contact person.
    pub contactpersoon: Option<ContactpersoonInput>,
    /// Theme codes. At most 1000; duplicates are merged.
    #[graphql(default)]
    pub themas: Vec<String>,
    /// Member organisations (their ids); they may read it in full.
    /// At most 1000; duplicates are merged.
    #[graphql(default)]
    pub leden: Vec<ID>,
}

#[async_trait::async_trait]
impl RecordInput for CommunityInput {
    type Entity = community::Entity;
    type Output = Community;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut community::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        let all = Some(Condition::all());
        let naam = unique_name::<community::Entity>(c, session, &self.naam, all, id).await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.naam = ActiveValue::Set(naam);
        am.beschrijving =
            ActiveValue::Set(c.free_text("beschrijving", self.beschrijving.as_deref()));
        am.status = ActiveValue::Set(self.status.unwrap_or(CommunityStatus::Gepland));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &session.thema_codes().await?);
        let leden = c
            .organisaties(session, "leden", &self.leden, ALL_SOORTEN)
            .await?;
        Ok(vec![
            LinkUpdate::Themas(themas),
            LinkUpdate::Organisaties(leden),
        ])
    }
}

#[derive(Default)]
pub struct CommunityMutation;

#[Object]
impl CommunityMutation {
    #[doc = "Creates a community, owned by the programme office. Needs the role programmabureau."]
    async fn create_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: CommunityInput,
    ) -> Result<Community> {
        create(ctx, "createCommunity", input).await
    }

    #[doc = "Replaces the editable fields of a community. Needs the role programmabureau."]
    async fn update_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "All editable fields of the record (omitted optional fields are cleared)."
        )]
        input: CommunityInput,
    ) -> Result<Community> {
        update(ctx, "updateCommunity", id, versie, input).await
    }

    #[doc = "Deletes a community with its members and themes. Returns the deleted id."]
    async fn delete_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<community::Entity>(ctx, "deleteCommunity", id, versie).await
    }
}

/// OrganisatieProfielInput: the fields an organisation keeps up to date itself. Its name,
/// kind and natural keys (OIN, schacHome, instellingscode) are registered by the programme
/// office and not part of the profile.
#[derive(InputObject, Debug, Clone)]
#[graphql(name = "OrganisatieProfielInput")]
pub struct OrganisatieProfileInput {
    /// Common abbreviation, at most 40 characters. One line, no control characters.
    pub afkorting: Option<String>,
    /// Region of the main location.
    pub regio: Option<Regio>,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    pub website: Option<String>,
    /// Short description (at most 4000 characters; tab and line breaks allowed, no other control
    /// characters).
    pub beschrijving: Option<String>,
    /// Contact person for the partnership.
    pub contactpersoon: Option<ContactpersoonInput>,
}

#[derive(Default)]
pub struct OrganisatieMutation;

#[Object]
impl OrganisatieMutation {
    /// Replaces the profile of an organisation. Needs the role beheerder of that organisation
    /// (or programmabureau); others get FORBIDDEN.
    async fn update_organisatie_profiel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the profile changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(desc = "The profile (omitted optional fields are cleared).")]
        input: OrganisatieProfileInput,
    ) -> Result<Organisatie> {
        let mut c = Check::default();
        let id = c.id("id", &id, ORGANISATIE_TYPENAMES);
        c.form(
            "",
            &input,
            &[&[("afkorting", 40), ("website", 500)], CONTACTPERSOON],
        );
        c.finish()?;
        let id = id.ok_or_else(|| ApiError::bad_input("id", "not an id"))?;
        let mut session = session(ctx, "updateOrganisatieProfiel").await?;
        let before = session
            .for_update::<organisatie::Entity>(id, versie)
            .await?;
        let mut c = Check::default();
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", input.contactpersoon.as_ref());
        let mut am = before.clone().into_active_model();
        am.afkorting = ActiveValue::Set(c.text("afkorting", input.afkorting.as_deref(), 40));
        am.regio = ActiveValue::Set(input.regio);
        am.website = ActiveValue::Set(c.website("website", input.website.as_deref()));
        am.beschrijving =
            ActiveValue::Set(c.free_text("beschrijving", input.beschrijving.as_deref()));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        c.finish()?;
        session
            .update::<organisatie::Entity>(before, am, &[])
            .await?;
        session.commit().await?;
        read_back::<organisatie::Entity, Organisatie>(ctx, id).await
    }
}
