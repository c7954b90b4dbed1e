//! Mutations of the programme's other records: promotietrajecten (the I-Doctoraat),
//! bijeenkomsten and the directory of kennismakelaars, declared like every record type's
//! ([`record_inputs!`], [`RecordChange`]).

use super::changes::{change, change_date, change_or, contactpersoon, list, record_inputs};
use super::records::{
    RecordChange, create, delete, intended_eigenaar, record_name, regios, theme_links, update,
};
use super::{ALL_SOORTEN, Check, ContactpersoonInput};
use crate::db::entities::{bijeenkomst, kennismakelaar, promotietraject};
use crate::db::{LinkUpdate, WriteSession};
use crate::domain::input::{CONTACTPERSOON, Maxima};
use crate::domain::{BijeenkomstSoort, Kant, OrganisatieSoort, PromotieStatus, Regio};
use crate::error::ApiResult;
use crate::graphql::bijeenkomsten::Bijeenkomst;
use crate::graphql::kennismakelaars::Kennismakelaar;
use crate::graphql::promotietrajecten::Promotietraject;
use crate::graphql::types::Date;
use async_graphql::{Context, ID, Object, Result};
use sea_orm::ActiveValue::Set;

/// The most participants a meeting records.
const MAX_DEELNEMERS: i32 = 1_000_000;

record_inputs! {
    /// PromotietrajectInput: a new PhD track.
    create PromotietrajectInput;
    /// PromotietrajectUpdateInput: what an update changes of a PhD track. A field left out
    /// keeps its value; null clears it (`promotieStatus` gets LOPEND). `naam`, `gastheer`,
    /// `thema` and `startjaar` cannot be null.
    update PromotietrajectUpdateInput;
    /// The university where the candidate obtains the doctorate. Defaults to the caller's
    /// organisation; only the programme office may name another. A track keeps its owner.
    owner eigenaar: Option<ID>,
    /// The research title, at most 200 characters.
    required naam: String,
    /// The rijkspartner where the candidate works (its id).
    required gastheer: ID,
    /// The theme code of the research (see `themas`).
    required thema: String,
    /// The year the track started (1900 to 2999).
    required startjaar: i32,
    /// Status; defaults to LOPEND.
    optional promotie_status: PromotieStatus,
    /// The candidate's name (personal data), at most 200 characters.
    optional promovendus: String,
    /// What the research is about (at most 4000 characters).
    optional beschrijving: String,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
}

#[async_trait::async_trait]
impl RecordChange for PromotietrajectUpdateInput {
    type Entity = promotietraject::Entity;
    type Output = Promotietraject;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[("naam", 200), ("promovendus", 200), ("thema", 40)],
        CONTACTPERSOON,
    ];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        _id: Option<i32>,
        am: &mut promotietraject::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            am.naam = Set(record_name(c, "naam", naam, 200));
        }
        if let Some(gastheer) = c.required_change("gastheer", &self.gastheer) {
            let rijkspartner = &[OrganisatieSoort::Rijkspartner];
            if let Some(org) = c
                .organisatie(session, "gastheer", gastheer, rijkspartner)
                .await?
            {
                am.gastheer_id = Set(org);
            }
        }
        if let Some(thema) = c.required_change("thema", &self.thema) {
            let code = thema.trim().to_uppercase();
            if session.thema_codes().await?.contains(&code) {
                am.thema_code = Set(code);
            } else {
                c.fail(
                    "thema",
                    format!("unknown theme '{code}'; see `themas` for the codes"),
                );
            }
        }
        if let Some(jaar) = c.required_change("startjaar", &self.startjaar) {
            am.startjaar = Set(c.range("startjaar", *jaar, 1900, 2999));
        }
        change_or(
            &mut am.status,
            &self.promotie_status,
            PromotieStatus::Lopend,
        );
        c.change_text("promovendus", &mut am.promovendus, &self.promovendus, 200);
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        Ok(Vec::new())
    }
}

record_inputs! {
    /// BijeenkomstInput: a new meeting.
    create BijeenkomstInput;
    /// BijeenkomstUpdateInput: what an update changes of a meeting. A field left out keeps its
    /// value; null clears it (a list is emptied); a list given replaces the list. `naam`,
    /// `bijeenkomstSoort` and `datum` cannot be null.
    update BijeenkomstUpdateInput;
    /// The organiser. Defaults to the caller's organisation; only the programme office may name
    /// another. A meeting keeps its organiser.
    owner eigenaar: Option<ID>,
    /// Name, at most 200 characters.
    required naam: String,
    /// Summercourse, kennissessie, werkconferentie or event.
    required bijeenkomst_soort: BijeenkomstSoort,
    /// The (first) day. Between 1900-01-01 and 2999-12-31.
    required datum: Date,
    /// The last day of a meeting of several days; not before `datum`.
    optional einddatum: Date,
    /// Where, at most 100 characters.
    optional plaats: String,
    /// Participants from government (0 to 1,000,000).
    optional deelnemers_overheid: i32,
    /// Participants from education (0 to 1,000,000).
    optional deelnemers_onderwijs: i32,
    /// All participants, where only the total is known (0 to 1,000,000).
    optional deelnemers_totaal: i32,
    /// What happened there (at most 4000 characters).
    optional beschrijving: String,
    /// Contact person (given, it replaces name and e-mail).
    optional contactpersoon: ContactpersoonInput,
    /// Theme codes. At most 1000; duplicates are merged.
    list themas: String,
    /// Organisations that organised it with the organiser (their ids). At most 1000;
    /// duplicates are merged.
    list partners: ID,
}

#[async_trait::async_trait]
impl RecordChange for BijeenkomstUpdateInput {
    type Entity = bijeenkomst::Entity;
    type Output = Bijeenkomst;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200), ("plaats", 100)], CONTACTPERSOON];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        _id: Option<i32>,
        am: &mut bijeenkomst::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if let Some(naam) = c.required_change("naam", &self.naam) {
            am.naam = Set(record_name(c, "naam", naam, 200));
        }
        c.change_required("bijeenkomstSoort", &mut am.soort, &self.bijeenkomst_soort);
        if let Some(datum) = c.required_change("datum", &self.datum) {
            am.datum = Set(datum.0);
        }
        change_date(&mut am.einddatum, &self.einddatum);
        if let (
            sea_orm::ActiveValue::Set(start) | sea_orm::ActiveValue::Unchanged(start),
            Some(end),
        ) = (&am.datum, super::changes::current(&am.einddatum))
        {
            c.period("einddatum", Some(*start), Some(end));
        }
        c.change_text("plaats", &mut am.plaats, &self.plaats, 100);
        for (field, column, given) in [
            (
                "deelnemersOverheid",
                &mut am.deelnemers_overheid,
                &self.deelnemers_overheid,
            ),
            (
                "deelnemersOnderwijs",
                &mut am.deelnemers_onderwijs,
                &self.deelnemers_onderwijs,
            ),
            (
                "deelnemersTotaal",
                &mut am.deelnemers_totaal,
                &self.deelnemers_totaal,
            ),
        ] {
            let count = |v: Option<&i32>| v.map(|n| c.range(field, *n, 0, MAX_DEELNEMERS));
            change(column, given.as_opt_ref(), count);
        }
        c.change_free_text("beschrijving", &mut am.beschrijving, &self.beschrijving);
        let (naam, email) = (&mut am.contactpersoon_naam, &mut am.contactpersoon_email);
        contactpersoon(c, "contactpersoon", &self.contactpersoon, naam, email);
        let mut links: Vec<LinkUpdate> = theme_links(c, session, &self.themas)
            .await?
            .into_iter()
            .collect();
        if let Some(ids) = list(&self.partners) {
            let partners = c
                .organisaties(session, "partners", ids, ALL_SOORTEN)
                .await?;
            links.push(LinkUpdate::Organisaties(partners));
        }
        Ok(links)
    }
}

record_inputs! {
    /// KennismakelaarInput: a new entry of the directory of kennismakelaars.
    create KennismakelaarInput;
    /// KennismakelaarUpdateInput: what an update changes of an entry. A field left out keeps
    /// its value; a list given replaces the list. Neither field can be null.
    update KennismakelaarUpdateInput;
    /// The organisation the person works for (a rijkspartner or a kennisinstelling: it gives
    /// the side, `kant`). Defaults to the caller's organisation; only the programme office may
    /// name another. An entry keeps its organisation.
    owner eigenaar: Option<ID>,
    /// The person: name (required) and e-mail. Personal data: the organisation and the
    /// programme office see it.
    required contactpersoon: ContactpersoonInput,
    /// The regions the person brokers in: at least one. At most 1000; duplicates are merged.
    required regios: Vec<Regio>,
}

#[async_trait::async_trait]
impl RecordChange for KennismakelaarUpdateInput {
    type Entity = kennismakelaar::Entity;
    type Output = Kennismakelaar;
    const MAXIMA: &'static [&'static Maxima] = &[CONTACTPERSOON];

    async fn apply(
        &self,
        c: &mut Check,
        session: &WriteSession,
        id: Option<i32>,
        am: &mut kennismakelaar::ActiveModel,
    ) -> ApiResult<Vec<LinkUpdate>> {
        if id.is_none()
            && let Some(eigenaar) = intended_eigenaar(&am.eigenaar_id)
            && let Some(org) = session.organisatie(eigenaar).await?
        {
            am.kant = Set(match org.soort {
                OrganisatieSoort::Rijkspartner => Kant::Overheid,
                _ => Kant::Onderwijs,
            });
        }
        if let Some(persoon) = c.required_change("contactpersoon", &self.contactpersoon) {
            let (naam, email) = c.contactpersoon("contactpersoon", Some(persoon));
            if naam.is_none() && email.is_none() && persoon.email.is_none() {
                c.fail(
                    "contactpersoon.naam",
                    "a kennismakelaar is the person: give the name",
                );
            }
            am.contactpersoon_naam = Set(naam);
            am.contactpersoon_email = Set(email);
        }
        let mut links = Vec::new();
        if let Some(given) = c.required_change("regios", &self.regios) {
            let rule = "a kennismakelaar brokers in at least one region";
            links.push(LinkUpdate::Regios(regios(c, given, rule)));
        }
        Ok(links)
    }
}

#[derive(Default)]
pub struct KennismakelaarMutation;

#[Object]
impl KennismakelaarMutation {
    #[doc = "Adds a kennismakelaar of the caller's organisation to the directory (the programme \
     office may name another organisation). Needs the role beheerder (or programmabureau). The \
     entry is for display and for naming a vraagstuk's duo; what the broker may see is decided \
     by the regions in its token."]
    async fn create_kennismakelaar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: KennismakelaarInput,
    ) -> Result<Kennismakelaar> {
        create(ctx, "createKennismakelaar", input).await
    }

    #[doc = "Changes what the input gives of a kennismakelaar. Needs the role beheerder of its \
     organisation (or programmabureau)."]
    async fn update_kennismakelaar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(
            desc = "What changes: a field left out keeps its value, a list given replaces the list."
        )]
        input: KennismakelaarUpdateInput,
    ) -> Result<Kennismakelaar> {
        update(ctx, "updateKennismakelaar", id, versie, input).await
    }

    #[doc = "Removes a kennismakelaar from the directory; the vraagstukken whose duo it was no \
     longer name it (each a logged change). Returns the deleted id."]
    async fn delete_kennismakelaar(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<kennismakelaar::Entity>(ctx, "deleteKennismakelaar", id, versie).await
    }
}

#[derive(Default)]
pub struct ProgrammaMutation;

#[Object]
impl ProgrammaMutation {
    #[doc = "Registers a PhD track of the caller's university (the programme office may name another). \
     Needs the role beheerder (or programmabureau)."]
    async fn create_promotietraject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: PromotietrajectInput,
    ) -> Result<Promotietraject> {
        create(ctx, "createPromotietraject", input).await
    }

    #[doc = "Changes what the input gives of a PhD track. Needs the role beheerder of its university \
     (or programmabureau)."]
    async fn update_promotietraject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`."
        )]
        versie: i32,
        #[graphql(desc = "What changes: a field left out keeps its value, null clears it.")]
        input: PromotietrajectUpdateInput,
    ) -> Result<Promotietraject> {
        update(ctx, "updatePromotietraject", id, versie, input).await
    }

    #[doc = "Deletes a PhD track. Returns the deleted id."]
    async fn delete_promotietraject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<promotietraject::Entity>(ctx, "deletePromotietraject", id, versie).await
    }

    #[doc = "Registers a meeting organised by the caller's organisation (the programme office may name \
     another). Needs the role beheerder (or programmabureau)."]
    async fn create_bijeenkomst(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new record.")] input: BijeenkomstInput,
    ) -> Result<Bijeenkomst> {
        create(ctx, "createBijeenkomst", input).await
    }

    #[doc = "Changes what the input gives of a meeting. Needs the role beheerder of its organiser (or \
     programmabureau)."]
    async fn update_bijeenkomst(
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
        input: BijeenkomstUpdateInput,
    ) -> Result<Bijeenkomst> {
        update(ctx, "updateBijeenkomst", id, versie, input).await
    }

    #[doc = "Deletes a meeting with its themes and partners. Returns the deleted id."]
    async fn delete_bijeenkomst(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The record's id.")] id: ID,
        #[graphql(
            desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`."
        )]
        versie: i32,
    ) -> Result<ID> {
        delete::<bijeenkomst::Entity>(ctx, "deleteBijeenkomst", id, versie).await
    }
}
