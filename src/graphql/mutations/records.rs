//! Mutations of fieldlabs, lectoraten, minoren, communities and organisation profiles.
//!
//! Each record type declares its create and update inputs once ([`record_inputs!`]); its
//! update input implements [`RecordChange`]: it checks what the change gives and sets those
//! columns and links, for updates and creates alike (see [`super::changes`]). The create /
//! update / delete resolvers around it are the same for every type: each calls [`create`],
//! [`update`] or [`delete`].

use super::changes::{
    change, change_date, change_or, change_value, contactpersoon, current, list, record_inputs,
};
use super::{
    ALL_SOORTEN, Check, ContactpersoonInput, ORGANISATIE_TYPENAMES, eigenaar, read_back, record_id,
    session,
};
use crate::db::entities::{community, fieldlab, lectoraat, minor, organisatie};
use crate::db::{LinkUpdate, Policy, Row, Writable, WriteSession};
use crate::domain::input::{CONTACTPERSOON, Maxima};
use crate::domain::naam;
use crate::domain::{
    CommunityStatus, DeelnemerRol, FieldlabStatus, Kenmerk, LectoraatSoort, MinorSoort,
    OrganisatieSoort, Regio,
};
use crate::error::{ApiError, ApiResult};
use crate::graphql::communities::Community;
use crate::graphql::fieldlabs::Fieldlab;
use crate::graphql::lectoraten::Lectoraat;
use crate::graphql::minoren::Minor;
use crate::graphql::organisaties::Organisatie;
use crate::graphql::types::Date;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use sea_orm::ActiveValue::{self, Set};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, IntoActiveModel};
use std::collections::{BTreeSet, HashSet};

/// The largest study load of a minor, master or post-master (a two-year master).
pub(super) const MAX_ECTS: i32 = 120;

/// The row type of a record change's entity.
type ActiveModelOf<C> = <<C as RecordChange>::Entity as sea_orm::EntityTrait>::ActiveModel;
/// The entity a create input makes a row of.
type EntityOf<I> = <<I as RecordInput>::Change as RecordChange>::Entity;

/// How a record type's update input (a change: each field may be left out, see
/// [`super::changes`]) is checked and applied to its row: `am` gets the columns the change
/// gives, the result lists the link sets it replaces. `id` is the row being updated (none on
/// create, whose input is the change of an empty row that gives every field).
#[async_trait::async_trait]
pub(super) trait RecordChange: Sync + async_graphql::InputType {
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
    /// The row `id` at version `versie`, which the caller is about to change: by default the
    /// record type's edit rule ([`WriteSession::for_update`]).
    async fn open(
        session: &WriteSession,
        id: i32,
        versie: i32,
    ) -> ApiResult<<Self::Entity as sea_orm::EntityTrait>::Model> {
        session.for_update::<Self::Entity>(id, versie).await
    }
}

/// A record type's create input: the change it makes to an empty row (implemented by
/// [`super::changes::record_inputs!`]), and the owner it names.
pub(super) trait RecordInput: async_graphql::InputType + Into<Self::Change> {
    type Change: RecordChange;
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
    let filter = within.add(column.eq(naam::sleutel(&naam)));
    if another_has::<E>(session, filter, id).await? {
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

/// Whether a record of `E` other than `id` (the one being written, `None` on create) matches
/// `filter`: the probe of a uniqueness rule (names, kenmerken).
async fn another_has<E>(
    session: &WriteSession,
    filter: Condition,
    id: Option<i32>,
) -> ApiResult<bool>
where
    E: Policy,
    E::Model: Sync,
{
    let filter = match id {
        Some(id) => filter.add(E::id().ne(id)),
        None => filter,
    };
    session.exists::<E>(filter).await
}

/// The kenmerk of a record as a change gives it (`kenmerk`): of the shape of a [`Kenmerk`], in
/// capitals, and unique among the records of its type (another record of the type with that
/// kenmerk is reported on `kenmerk`; kenmerken are public, so this tells nothing hidden). Null
/// clears it.
pub(super) async fn change_kenmerk<E>(
    c: &mut Check,
    session: &WriteSession,
    column: &mut ActiveValue<Option<String>>,
    given: &MaybeUndefined<String>,
    id: Option<i32>,
) -> ApiResult<()>
where
    E: Policy,
    E::Model: Sync,
    E::Column: std::str::FromStr,
{
    let Some(given) = given.as_opt_deref() else {
        return Ok(());
    };
    let kenmerk = match given.map(Kenmerk::parse).transpose() {
        Ok(kenmerk) => kenmerk,
        Err(e) => {
            c.fail("kenmerk", e.to_string());
            return Ok(());
        }
    };
    if let (Some(kenmerk), Ok(column)) = (&kenmerk, "kenmerk".parse::<E::Column>()) {
        let filter = Condition::all().add(column.eq(kenmerk.as_str()));
        if another_has::<E>(session, filter, id).await? {
            let message = format!(
                "another {} already has the kenmerk {}; choose another",
                E::NAME,
                kenmerk.as_str()
            );
            c.fail("kenmerk", message);
        }
    }
    *column = ActiveValue::Set(kenmerk.map(Kenmerk::into_string));
    Ok(())
}

/// The name of a lectoraat or minor, unique among those of its owner (they are unique per
/// institution): the row's owner, `current` (set on create before the change is applied).
async fn name_of_eigenaar<E>(
    c: &mut Check,
    session: &WriteSession,
    value: &str,
    current: &ActiveValue<i32>,
    id: Option<i32>,
) -> ApiResult<String>
where
    E: Policy,
    E::Model: Sync,
    E::Column: std::str::FromStr,
{
    let within = intended_eigenaar(current).map(|e| Condition::all().add(E::owner().eq(e)));
    unique_name::<E>(c, session, value, within, id).await
}

/// The linked rijkspartners of a lectoraat or minor (`partners`).
async fn partners(c: &mut Check, session: &WriteSession, ids: &[ID]) -> ApiResult<BTreeSet<i32>> {
    let rijkspartner = &[OrganisatieSoort::Rijkspartner];
    c.organisaties(session, "partners", ids, rijkspartner).await
}

/// The replacement of a record's themes (`themas`) that a change gives, if it gives them.
pub(super) async fn theme_links(
    c: &mut Check,
    session: &WriteSession,
    given: &MaybeUndefined<Vec<String>>,
) -> ApiResult<Option<LinkUpdate>> {
    let Some(codes) = list(given) else {
        return Ok(None);
    };
    let known = session.thema_codes().await?;
    Ok(Some(LinkUpdate::Themas(c.themas("themas", codes, &known))))
}

/// The owner a row has or, on create, will have (`None` if the id the create names is
/// malformed; that is reported elsewhere).
pub(super) fn intended_eigenaar(current: &ActiveValue<i32>) -> Option<i32> {
    current.try_as_ref().copied()
}

/// The create mutation of a record type: checks the input, creates the row owned by the named
/// organisation (or the caller's) with its links, and returns the record as the caller now
/// sees it.
pub(super) async fn create<I: RecordInput>(
    ctx: &Context<'_>,
    operatie: &str,
    input: I,
) -> Result<<I::Change as RecordChange>::Output> {
    let mut c = Check::default();
    c.form("", &input, I::Change::MAXIMA);
    c.finish()?;
    let mut session = session(ctx, operatie).await?;
    let mut c = Check::default();
    let eigenaar = eigenaar(&mut c, &session, input.eigenaar());
    let mut am = <ActiveModelOf<I::Change> as ActiveModelTrait>::default();
    if let Some(eigenaar) = eigenaar {
        am.set(<EntityOf<I> as Policy>::owner(), eigenaar.into());
    }
    let change: I::Change = input.into();
    let links = change.apply(&mut c, &session, None, &mut am).await?;
    c.finish()?;
    let eigenaar =
        eigenaar.ok_or_else(|| ApiError::bad_input("eigenaar", "no such organisation"))?;
    let model = session.create::<EntityOf<I>>(eigenaar, am, &links).await?;
    session.commit().await?;
    read_back::<EntityOf<I>, _>(ctx, <EntityOf<I> as Policy>::id_of(&model)).await
}

/// The update mutation of a record type: changes what `change` gives of the row `id` at
/// version `versie` (see [`super::changes`]) and returns the record as the caller now sees it.
pub(super) async fn update<C: RecordChange>(
    ctx: &Context<'_>,
    operatie: &str,
    id: ID,
    versie: i32,
    change: C,
) -> Result<C::Output> {
    let id = record_id::<C::Entity>(&id)?;
    let mut c = Check::default();
    c.form("", &change, C::MAXIMA);
    c.finish()?;
    let mut session = session(ctx, operatie).await?;
    let before = C::open(&session, id, versie).await?;
    let mut c = Check::default();
    let mut am = before.clone().into_active_model();
    let links = change.apply(&mut c, &session, Some(id), &mut am).await?;
    c.finish()?;
    session.update::<C::Entity>(before, am, &links).await?;
    session.commit().await?;
    read_back::<C::Entity, C::Output>(ctx, id).await
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
    pub deelnemer_rol: DeelnemerRol,
}

record_inputs! {
    /// FieldlabInput: a new fieldlab.
    create FieldlabInput;
    /// FieldlabUpdateInput: what an update changes of a fieldlab. A field left out keeps its
    /// value; null clears it (a field with a default gets that default, a list is emptied); a
    /// list given replaces the list. `naam` and `regios` cannot be null.
    update FieldlabUpdateInput;
    /// The penvoerder (owner). Defaults to the caller's organisation; only the programme office
    /// may name another. A fieldlab keeps its penvoerder.
    owner eigenaar: Option<ID>,
    /// Name, unique among fieldlabs, at most 200 characters. Whitespace is collapsed; control and
    /// invisible characters are refused; names that differ only in case, spacing or look-alike
    /// letters count as the same.
    required naam: String,
    /// The owner's kenmerk, its stable code for the fieldlab: 2 to 40 letters, digits and
    /// hyphens, not starting with a hyphen, unique among fieldlabs; letters are stored as
    /// capitals. Sync clients name the fieldlab of an opdracht by it (`fieldlabKenmerk`). Null
    /// clears it.
    optional kenmerk: String,
    /// What the lab works on (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    optional beschrijving: String,
    /// The regions the lab lies in: at least one (a kennismakelaar of any of them reads the
    /// lab in full). At most 1000; duplicates are merged.
    required regios: Vec<Regio>,
    /// Status; defaults to IN_OPRICHTING.
    optional fieldlab_status: FieldlabStatus,
    /// City or site, at most 100 characters. One line, no control characters.
    optional plaats: String,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    optional website: String,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    optional startdatum: Date,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes (see `themas`). At most 1000; duplicates are merged.
    list themas: String,
    /// Participating organisations besides the penvoerder. At most 1000; each organisation once.
    list deelnemers: DeelnemerInput,
}

#[async_trait::async_trait]
impl RecordChange for FieldlabUpdateInput {
    type Entity = fieldlab::Entity;
    type Output = Fieldlab;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[
            ("naam", 200),
            ("kenmerk", 40),
            ("plaats", 100),
            ("website", 500),
        ],
        CONTACTPERSOON,
    ];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut fieldlab::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            let all = Some(Condition::all());
            am.naam = Set(unique_name::<fieldlab::Entity>(c, session, naam, all, id).await?);
        }
        change_kenmerk::<fieldlab::Entity>(c, session, &mut am.kenmerk, &self.kenmerk, id).await?;
        change_or(
            &mut am.status,
            &self.fieldlab_status,
            FieldlabStatus::InOprichting,
        );
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        c.change_text("plaats", &mut am.plaats, &self.plaats, 100);
        c.change_website("website", &mut am.website, &self.website);
        change_date(&mut am.startdatum, &self.startdatum);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        let mut links = Vec::new();
        if let Some(given) = c.required_change("regios", &self.regios) {
            let regios = regios(c, given, "a fieldlab lies in at least one region");
            // The previous release's one region (see the entity): the first of them.
            am.regio = Set(regios.first().copied().unwrap_or(Regio::Midden));
            links.push(LinkUpdate::Regios(regios));
        }
        links.extend(theme_links(c, session, &self.themas).await?);
        if let Some(given) = list(&self.deelnemers) {
            links.push(LinkUpdate::Deelnemers(deelnemers(c, session, given).await?));
        }
        Ok(links)
    }
}

/// The regions of a record (a fieldlab's, a vraagstuk's), without duplicates: at least one
/// (reported on `regios`, with `rule` saying why).
pub(super) fn regios(c: &mut Check, given: &[Regio], rule: &str) -> BTreeSet<Regio> {
    let regios: BTreeSet<Regio> = given.iter().copied().collect();
    if regios.is_empty() {
        c.fail("regios", format!("{rule}; name one or more"));
    }
    regios
}

/// A fieldlab's participants, each organisation once, ordered by organisation.
async fn deelnemers(
    c: &mut Check,
    session: &WriteSession,
    given: &[DeelnemerInput],
) -> ApiResult<Vec<(i32, DeelnemerRol)>> {
    let fields: Vec<(String, &ID)> = given
        .iter()
        .enumerate()
        .map(|(i, d)| (format!("deelnemers[{i}].organisatie"), &d.organisatie))
        .collect();
    let orgs = c.organisaties_at(session, &fields, ALL_SOORTEN).await?;
    let mut deelnemers = Vec::new();
    let mut seen = HashSet::new();
    for ((field, _), (org, d)) in fields.iter().zip(orgs.into_iter().zip(given)) {
        if let Some(org) = org {
            if seen.insert(org) {
                deelnemers.push((org, d.deelnemer_rol));
            } else {
                c.fail(field.as_str(), "is listed twice");
            }
        }
    }
    deelnemers.sort_by_key(|(org, _)| *org);
    Ok(deelnemers)
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

    #[doc = "Changes what the input gives of a fieldlab. Needs the role beheerder of the penvoerder (or \
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
            desc = "What changes: a field left out keeps its value, null clears it, a list given replaces the list."
        )]
        input: FieldlabUpdateInput,
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

record_inputs! {
    /// LectoraatInput: a new lectoraat or leerstoel.
    create LectoraatInput;
    /// LectoraatUpdateInput: what an update changes of a lectoraat or leerstoel. A field left out
    /// keeps its value; null clears it (a list is emptied); a list given replaces the list.
    /// `naam` and `lectoraatSoort` cannot be null.
    update LectoraatUpdateInput;
    /// The kennisinstelling that owns it. Defaults to the caller's organisation; only the
    /// programme office may name another. A lectoraat keeps its owner.
    owner eigenaar: Option<ID>,
    /// Name, unique within the institution, at most 200 characters (compared like fieldlab
    /// names).
    required naam: String,
    /// The owner's kenmerk, its stable code for the lectoraat: 2 to 40 letters, digits and
    /// hyphens, not starting with a hyphen, unique among lectoraten; letters are stored as
    /// capitals. Sync clients name the lectoraat of an opdracht by it (`lectoraatKenmerk`). Null
    /// clears it.
    optional kenmerk: String,
    /// Lectoraat or leerstoel.
    required lectoraat_soort: LectoraatSoort,
    /// Name of the lector or professor, at most 200 characters. One line, no control characters.
    optional lector: String,
    /// What the chair researches (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    optional beschrijving: String,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    optional startdatum: Date,
    /// End date; not before the start date. Between 1900-01-01 and 2999-12-31.
    optional einddatum: Date,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
    /// Linked rijkspartners (their ids); they may read the chair in full.
    /// At most 1000; duplicates are merged.
    list partners: ID,
    /// Linked fieldlabs (their ids). At most 1000; duplicates are merged.
    list fieldlabs: ID,
}

#[async_trait::async_trait]
impl RecordChange for LectoraatUpdateInput {
    type Entity = lectoraat::Entity;
    type Output = Lectoraat;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[("naam", 200), ("kenmerk", 40), ("lector", 200)],
        CONTACTPERSOON,
    ];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut lectoraat::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            let owner = &am.eigenaar_id;
            let naam = name_of_eigenaar::<lectoraat::Entity>(c, session, naam, owner, id);
            am.naam = Set(naam.await?);
        }
        change_kenmerk::<lectoraat::Entity>(c, session, &mut am.kenmerk, &self.kenmerk, id).await?;
        c.change_required("lectoraatSoort", &mut am.soort, &self.lectoraat_soort);
        c.change_text("lector", &mut am.lector, &self.lector, 200);
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        change_date(&mut am.startdatum, &self.startdatum);
        change_date(&mut am.einddatum, &self.einddatum);
        c.period("einddatum", current(&am.startdatum), current(&am.einddatum));
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        let mut links = themas_and_partners(c, session, &self.themas, &self.partners).await?;
        if let Some(ids) = list(&self.fieldlabs) {
            links.push(LinkUpdate::Fieldlabs(
                linked_visible::<fieldlab::Entity>(c, session, "fieldlabs", ids).await?,
            ));
        }
        Ok(links)
    }
}

/// The replacements of the themes and the partners (rijkspartners) of a lectoraat or minor that
/// a change gives.
async fn themas_and_partners(
    c: &mut Check,
    session: &WriteSession,
    themas: &MaybeUndefined<Vec<String>>,
    partner_ids: &MaybeUndefined<Vec<ID>>,
) -> ApiResult<Vec<LinkUpdate>> {
    let mut links: Vec<LinkUpdate> = theme_links(c, session, themas).await?.into_iter().collect();
    if let Some(ids) = list(partner_ids) {
        links.push(LinkUpdate::Organisaties(partners(c, session, ids).await?));
    }
    Ok(links)
}

/// The records of `E` that ids `ids` name at `field[i]`, each one the caller must be able to
/// see (one query for all; one it cannot see is "no such ..." at its place): a lectoraat's
/// fieldlabs, the opdrachten that answer a vraagstuk.
pub(super) async fn linked_visible<E: Policy>(
    c: &mut Check,
    session: &WriteSession,
    field: &str,
    ids: &[ID],
) -> ApiResult<BTreeSet<i32>>
where
    E::Model: Sync,
{
    let rows: Vec<(String, Option<i32>)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let at = format!("{field}[{i}]");
            let row = c.id(&at, id, &[E::NAME]);
            (at, row)
        })
        .collect();
    let wanted: Vec<i32> = rows.iter().filter_map(|(_, r)| *r).collect();
    let visible = session.visible_ids::<E>(&wanted).await?;
    let mut found = BTreeSet::new();
    for (at, row) in rows {
        match row {
            Some(r) if visible.contains(&r) => {
                found.insert(r);
            }
            Some(_) => c.fail(at, format!("no such {}", E::NAME)),
            None => {}
        }
    }
    Ok(found)
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

    #[doc = "Changes what the input gives of a lectoraat. Needs the role beheerder of its \
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
            desc = "What changes: a field left out keeps its value, null clears it, a list given replaces the list."
        )]
        input: LectoraatUpdateInput,
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

record_inputs! {
    /// MinorInput: a new minor, master or post-master.
    create MinorInput;
    /// MinorUpdateInput: what an update changes of a minor, master or post-master. A field left
    /// out keeps its value; null clears it (a list is emptied); a list given replaces the list.
    /// `naam` and `minorSoort` cannot be null.
    update MinorUpdateInput;
    /// The kennisinstelling that owns it. Defaults to the caller's organisation; only the
    /// programme office may name another. A minor keeps its owner.
    owner eigenaar: Option<ID>,
    /// Name, unique within the institution, at most 200 characters (compared like fieldlab
    /// names).
    required naam: String,
    /// The owner's kenmerk, its stable code for the minor: 2 to 40 letters, digits and
    /// hyphens, not starting with a hyphen, unique among minoren; letters are stored as
    /// capitals. Sync clients name the minor of an opdracht by it (`minorKenmerk`). Null
    /// clears it.
    optional kenmerk: String,
    /// Minor, master or post-master.
    required minor_soort: MinorSoort,
    /// Study load in ECTS (1 to 120: a minor is 15 or 30, a master 60 to 120).
    optional studielast_ects: i32,
    /// What the curriculum covers (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    optional beschrijving: String,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    optional website: String,
    /// First start date. Between 1900-01-01 and 2999-12-31.
    optional startdatum: Date,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
    /// Co-developing rijkspartners (their ids); they may read it in full.
    /// At most 1000; duplicates are merged.
    list partners: ID,
}

#[async_trait::async_trait]
impl RecordChange for MinorUpdateInput {
    type Entity = minor::Entity;
    type Output = Minor;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[("naam", 200), ("kenmerk", 40), ("website", 500)],
        CONTACTPERSOON,
    ];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut minor::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            let owner = &am.eigenaar_id;
            let naam = name_of_eigenaar::<minor::Entity>(c, session, naam, owner, id);
            am.naam = Set(naam.await?);
        }
        change_kenmerk::<minor::Entity>(c, session, &mut am.kenmerk, &self.kenmerk, id).await?;
        c.change_required("minorSoort", &mut am.soort, &self.minor_soort);
        let ects = |v: Option<&i32>| v.map(|e| c.range("studielastEcts", *e, 1, MAX_ECTS));
        change(
            &mut am.studielast_ects,
            self.studielast_ects.as_opt_ref(),
            ects,
        );
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        c.change_website("website", &mut am.website, &self.website);
        change_date(&mut am.startdatum, &self.startdatum);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        themas_and_partners(c, session, &self.themas, &self.partners).await
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

    #[doc = "Changes what the input gives of a minor. Needs the role beheerder of its kennisinstelling \
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
            desc = "What changes: a field left out keeps its value, null clears it, a list given replaces the list."
        )]
        input: MinorUpdateInput,
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

record_inputs! {
    /// CommunityInput: a new community.
    create CommunityInput;
    /// CommunityUpdateInput: what an update changes of a community. A field left out keeps its
    /// value; null clears it (the communityStatus gets its default, a list is emptied); a list
    /// given replaces the list. `naam` cannot be null.
    update CommunityUpdateInput;
    /// The owner: always the programme office. May be left out.
    owner eigenaar: Option<ID>,
    /// Name, unique among communities, at most 200 characters (compared like fieldlab names).
    required naam: String,
    /// What the community shares (at most 4000 characters; tab and line breaks allowed, no other
    /// control characters).
    optional beschrijving: String,
    /// Status; defaults to GEPLAND.
    optional community_status: CommunityStatus,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
    /// Member organisations (their ids); they may read it in full.
    /// At most 1000; duplicates are merged.
    list leden: ID,
}

#[async_trait::async_trait]
impl RecordChange for CommunityUpdateInput {
    type Entity = community::Entity;
    type Output = Community;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200)], CONTACTPERSOON];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut community::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            let all = Some(Condition::all());
            am.naam = Set(unique_name::<community::Entity>(c, session, naam, all, id).await?);
        }
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        change_or(
            &mut am.status,
            &self.community_status,
            CommunityStatus::Gepland,
        );
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        let mut links: Vec<LinkUpdate> = theme_links(c, session, &self.themas)
            .await?
            .into_iter()
            .collect();
        if let Some(ids) = list(&self.leden) {
            let leden = c.organisaties(session, "leden", ids, ALL_SOORTEN).await?;
            links.push(LinkUpdate::Organisaties(leden));
        }
        Ok(links)
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

    #[doc = "Changes what the input gives of a community. Needs the role programmabureau."]
    async fn update_community(
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
        input: CommunityUpdateInput,
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

/// OrganisatieProfielInput: what an update changes of the fields an organisation keeps up to
/// date itself. A field left out keeps its value; null clears it. Its name, kind and natural
/// keys (OIN, schacHome, instellingscode) are registered by the programme office and not part
/// of the profile.
#[derive(InputObject, Debug, Clone)]
#[graphql(name = "OrganisatieProfielInput")]
pub struct OrganisatieProfileInput {
    /// Common abbreviation, at most 40 characters. One line, no control characters.
    pub afkorting: MaybeUndefined<String>,
    /// Region of the main location.
    pub regio: MaybeUndefined<Regio>,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    pub website: MaybeUndefined<String>,
    /// Short description (at most 4000 characters; tab and line breaks allowed, no other control
    /// characters).
    pub beschrijving: MaybeUndefined<String>,
    /// Contact person for the partnership (given, it replaces name and e-mail).
    pub contactpersoon: MaybeUndefined<ContactpersoonInput>,
}

#[derive(Default)]
pub struct OrganisatieMutation;

#[Object]
impl OrganisatieMutation {
    /// Changes what the input gives of the profile of an organisation. Needs the role beheerder
    /// of that organisation (or programmabureau); others get FORBIDDEN.
    async fn update_organisatie_profiel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the profile changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "What changes: a field left out keeps its value, null clears it."
        )]
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
        let mut am = before.clone().into_active_model();
        let i = &input;
        c.change_text("afkorting", &mut am.afkorting, &i.afkorting, 40);
        change_value(&mut am.regio, &i.regio);
        c.change_website("website", &mut am.website, &i.website);
        c.change_free_text("beschrijving", &mut am.beschrijving, &i.beschrijving);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(&mut c, "contactpersoon", &i.contactpersoon, naam, email);
        c.finish()?;
        session
            .update::<organisatie::Entity>(before, am, &[])
            .await?;
        session.commit().await?;
        read_back::<organisatie::Entity, Organisatie>(ctx, id).await
    }
}
