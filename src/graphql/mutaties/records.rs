//! Mutations of fieldlabs, lectoraten, minoren, communities and organisation profiles.
//!
//! Each record type has one input type (for create and update) and one function that checks
//! it and sets the row's columns and links; the create / update / delete resolvers around it
//! are the same for every type and come from [`mutaties!`].

use super::{
    ALLE_SOORTEN, ContactpersoonInput, Controle, ORGANISATIE_TYPEN, eigenaar, gelezen, record_id,
    sessie,
};
use crate::db::entities::{community, fieldlab, lectoraat, minor, organisatie};
use crate::db::{Koppeling, Policy, Schrijfsessie};
use crate::domain::invoer::{CONTACTPERSOON, Maxima};
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
use crate::graphql::types::Datum;
use async_graphql::{Context, ID, InputObject, Object, Result};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, Condition, IntoActiveModel};

/// The largest study load of a minor, master or post-master (a two-year master).
pub(super) const MAX_ECTS: i32 = 120;

/// How a record type's input is checked and applied to its row: `am` gets the columns, the
/// result lists the link sets to replace. `id` is the row being updated (none on create).
#[async_trait::async_trait]
pub(super) trait Invoer: Sync + async_graphql::InputType {
    type Entity: crate::db::Schrijfbaar;
    /// The maximum lengths of the input's text fields (see [`crate::domain::invoer`]); checked
    /// with the other rules of form before the write session opens.
    const MAXIMA: &'static [&'static Maxima];
    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut <Self::Entity as sea_orm::EntityTrait>::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>>;
    /// The owner the input names, if any.
    fn eigenaar(&self) -> Option<&ID>;
}

/// Checks that `naam` is not taken by another visible record of `E` (names are unique in the
/// database; this gives the clear message).
pub(super) async fn naam_vrij<E: Policy>(
    c: &mut Controle,
    sessie: &Schrijfsessie,
    kolom: E::Column,
    naam: &str,
    binnen: Condition,
    id: Option<i32>,
) -> ApiResult<()>
where
    E::Model: Sync,
{
    let mut filter = binnen.add(kolom.eq(naam));
    if let Some(id) = id {
        filter = filter.add(E::id().ne(id));
    }
    if sessie.bestaat::<E>(filter).await? {
        c.fout(
            "naam",
            format!("another {} is already called '{naam}'", E::NAME),
        );
    }
    Ok(())
}

/// A record's name by the name rule ([`naam::normaliseer`]), reported on `veld` when it is
/// refused (the input, trimmed, is returned then so that the other checks can go on).
pub(super) fn recordnaam(c: &mut Controle, veld: &str, waarde: &str, max: usize) -> String {
    naam::normaliseer(waarde, max).unwrap_or_else(|melding| {
        c.fout(veld, melding);
        waarde.trim().to_owned()
    })
}

/// The normalised name of a record of `E` (`naam`, at most 200 characters), checked to be
/// free among the rows matching `binnen` (all fieldlabs, all communities, the lectoraten or
/// minoren of one institution; `None` when the owner is unknown, which is reported elsewhere):
/// names are compared by their key ([`naam::sleutel`]), as the database's unique index does.
async fn unieke_naam<E>(
    c: &mut Controle,
    sessie: &Schrijfsessie,
    waarde: &str,
    binnen: Option<Condition>,
    id: Option<i32>,
) -> ApiResult<String>
where
    E: Policy,
    E::Model: Sync,
    E::Column: std::str::FromStr,
{
    let naam = match naam::normaliseer(waarde, 200) {
        Ok(naam) => naam,
        Err(melding) => {
            c.fout("naam", melding);
            return Ok(waarde.trim().to_owned());
        }
    };
    let (Some(binnen), Ok(kolom)) = (binnen, "naam_sleutel".parse::<E::Column>()) else {
        return Ok(naam);
    };
    let mut filter = binnen.add(kolom.eq(naam::sleutel(&naam)));
    if let Some(id) = id {
        filter = filter.add(E::id().ne(id));
    }
    if sessie.bestaat::<E>(filter).await? {
        c.fout(
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

/// The rows of the same owner as the record being written (lectoraten and minoren are unique
/// per institution).
fn bij_eigenaar<E: Policy>(eigenaar: Option<i32>) -> Option<Condition> {
    eigenaar.map(|e| Condition::all().add(E::owner().eq(e)))
}

/// The owner a row will have: its current one on update, the named or the caller's own on
/// create (`None` if the named id is malformed; that is reported elsewhere).
pub(super) fn beoogde_eigenaar(
    huidig: &ActiveValue<i32>,
    invoer: Option<&ID>,
    sessie: &Schrijfsessie,
) -> Option<i32> {
    match huidig {
        ActiveValue::Set(e) | ActiveValue::Unchanged(e) => Some(*e),
        ActiveValue::NotSet => match invoer {
            Some(id) => Controle::default().id("eigenaar", id, ORGANISATIE_TYPEN),
            None => Some(sessie.principal().organisatie_id),
        },
    }
}

/// The create, update and delete mutations of one record type.
macro_rules! mutaties {
    (
        $mutation:ident, $entity:ty, $type:ty, $input:ty,
        $create:ident, $update:ident, $delete:ident,
        $create_naam:literal, $update_naam:literal, $delete_naam:literal,
        $create_doc:literal, $update_doc:literal, $delete_doc:literal $(,)?
    ) => {
        #[derive(Default)]
        pub struct $mutation;

        #[Object]
        impl $mutation {
            #[doc = $create_doc]
            async fn $create(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The new record.")] input: $input,
            ) -> Result<$type> {
                let mut c = Controle::default();
                c.vorm("", &input, <$input as Invoer>::MAXIMA);
                c.klaar()?;
                let mut sessie = sessie(ctx, $create_naam).await?;
                let mut c = Controle::default();
                let eigenaar = eigenaar(&mut c, &sessie, input.eigenaar());
                let mut am = <<$entity as sea_orm::EntityTrait>::ActiveModel as ActiveModelTrait>::default();
                let koppelingen = input.toepassen(&mut c, &sessie, None, &mut am).await?;
                c.klaar()?;
                let eigenaar = eigenaar.ok_or_else(|| ApiError::bad_input("eigenaar", "no such organisation"))?;
                let model = sessie.aanmaken::<$entity>(eigenaar, am, &koppelingen).await?;
                sessie.commit().await?;
                gelezen::<$entity, $type>(ctx, <$entity as Policy>::id_of(&model)).await
            }

            #[doc = $update_doc]
            async fn $update(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The record's id.")] id: ID,
                #[graphql(desc = "The `versie` you last read; if the record changed since, the update is refused with `CONFLICT`.")]
                versie: i32,
                #[graphql(desc = "All editable fields of the record (omitted optional fields are cleared).")]
                input: $input,
            ) -> Result<$type> {
                let id = record_id::<$entity>(&id)?;
                let mut c = Controle::default();
                c.vorm("", &input, <$input as Invoer>::MAXIMA);
                c.klaar()?;
                let mut sessie = sessie(ctx, $update_naam).await?;
                let voor = sessie.te_wijzigen::<$entity>(id, versie).await?;
                let mut c = Controle::default();
                if let Some(nieuw) = input.eigenaar() {
                    let nieuw = c.id("eigenaar", nieuw, ORGANISATIE_TYPEN);
                    if nieuw.is_some_and(|n| n != <$entity as Policy>::owner_of(&voor)) {
                        c.fout("eigenaar", "a record cannot move to another owner; leave `eigenaar` out or send the current one");
                    }
                }
                let mut am = voor.clone().into_active_model();
                let koppelingen = input.toepassen(&mut c, &sessie, Some(id), &mut am).await?;
                c.klaar()?;
                sessie.bijwerken::<$entity>(voor, am, &koppelingen).await?;
                sessie.commit().await?;
                gelezen::<$entity, $type>(ctx, id).await
            }

            #[doc = $delete_doc]
            async fn $delete(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = "The record's id.")] id: ID,
                #[graphql(desc = "The `versie` you last read; if the record changed since, the delete is refused with `CONFLICT`.")]
                versie: i32,
            ) -> Result<ID> {
                let rij = record_id::<$entity>(&id)?;
                let mut sessie = sessie(ctx, $delete_naam).await?;
                sessie.verwijderen::<$entity>(rij, versie).await?;
                sessie.commit().await?;
                Ok(id)
            }
        }
    };
}
pub(super) use mutaties;

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
    /// Region of the lab.
    pub regio: Regio,
    /// Status; defaults to IN_OPRICHTING.
    pub status: Option<FieldlabStatus>,
    /// City or site, at most 100 characters. One line, no control characters.
    pub plaats: Option<String>,
    /// Website (https://..., at most 500 characters). One line, no control characters.
    pub website: Option<String>,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    pub startdatum: Option<Datum>,
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
impl Invoer for FieldlabInput {
    type Entity = fieldlab::Entity;
    const MAXIMA: &'static [&'static Maxima] = &[
        &[("naam", 200), ("plaats", 100), ("website", 500)],
        CONTACTPERSOON,
    ];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut fieldlab::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>> {
        let naam =
            unieke_naam::<fieldlab::Entity>(c, sessie, &self.naam, Some(Condition::all()), id)
                .await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.naam = ActiveValue::Set(naam);
        am.beschrijving =
            ActiveValue::Set(c.omschrijving("beschrijving", self.beschrijving.as_deref()));
        am.regio = ActiveValue::Set(self.regio);
        am.status = ActiveValue::Set(self.status.unwrap_or(FieldlabStatus::InOprichting));
        am.plaats = ActiveValue::Set(c.tekst("plaats", self.plaats.as_deref(), 100));
        am.website = ActiveValue::Set(c.website("website", self.website.as_deref()));
        am.startdatum = ActiveValue::Set(self.startdatum.map(|d| d.0));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &sessie.thema_codes().await?);
        let plekken: Vec<(String, &ID)> = self
            .deelnemers
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("deelnemers[{i}].organisatie"), &d.organisatie))
            .collect();
        let orgs = c
            .organisaties_per_plek(sessie, &plekken, ALLE_SOORTEN)
            .await?;
        let mut deelnemers = Vec::new();
        let mut gezien = std::collections::HashSet::new();
        for ((veld, _), (org, d)) in plekken.iter().zip(orgs.into_iter().zip(&self.deelnemers)) {
            if let Some(org) = org {
                if gezien.insert(org) {
                    deelnemers.push((org, d.rol));
                } else {
                    c.fout(veld.as_str(), "is listed twice");
                }
            }
        }
        deelnemers.sort_by_key(|(org, _)| *org);
        Ok(vec![
            Koppeling::Themas(themas),
            Koppeling::Deelnemers(deelnemers),
        ])
    }
}

mutaties!(
    FieldlabMutation,
    fieldlab::Entity,
    Fieldlab,
    FieldlabInput,
    create_fieldlab,
    update_fieldlab,
    delete_fieldlab,
    "createFieldlab",
    "updateFieldlab",
    "deleteFieldlab",
    "Creates a fieldlab with the caller's organisation as penvoerder (the programme office may \
     name another). Needs the role beheerder (or programmabureau).",
    "Replaces the editable fields of a fieldlab. Needs the role beheerder of the penvoerder (or \
     programmabureau): others get FORBIDDEN if they can see the lab.",
    "Deletes a fieldlab with its participants and themes. Refused (CONFLICT, counting them) while \
     opdrachten or lectoraten of the caller's own organisation link to it; those of other \
     organisations are unlinked, each as a logged change their owner sees. Returns the deleted id.",
);

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
    pub startdatum: Option<Datum>,
    /// End date; not before the start date. Between 1900-01-01 and 2999-12-31.
    pub einddatum: Option<Datum>,
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
impl Invoer for LectoraatInput {
    type Entity = lectoraat::Entity;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200), ("lector", 200)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut lectoraat::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>> {
        let eigenaar = beoogde_eigenaar(&am.eigenaar_id, self.eigenaar.as_ref(), sessie);
        let naam = unieke_naam::<lectoraat::Entity>(
            c,
            sessie,
            &self.naam,
            bij_eigenaar::<lectoraat::Entity>(eigenaar),
            id,
        )
        .await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        let start = self.startdatum.map(|d| d.0);
        let eind = self.einddatum.map(|d| d.0);
        c.periode("einddatum", start, eind);
        am.naam = ActiveValue::Set(naam);
        am.soort = ActiveValue::Set(self.soort);
        am.lector = ActiveValue::Set(c.tekst("lector", self.lector.as_deref(), 200));
        am.beschrijving =
            ActiveValue::Set(c.omschrijving("beschrijving", self.beschrijving.as_deref()));
        am.startdatum = ActiveValue::Set(start);
        am.einddatum = ActiveValue::Set(eind);
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &sessie.thema_codes().await?);
        let partners = c
            .organisaties(
                sessie,
                "partners",
                &self.partners,
                &[OrganisatieSoort::Rijkspartner],
            )
            .await?;
        let labs: Vec<(String, Option<i32>)> = self
            .fieldlabs
            .iter()
            .enumerate()
            .map(|(i, lab)| {
                let veld = format!("fieldlabs[{i}]");
                let rij = c.id(&veld, lab, &["Fieldlab"]);
                (veld, rij)
            })
            .collect();
        let rijen: Vec<i32> = labs.iter().filter_map(|(_, r)| *r).collect();
        let zichtbaar = sessie.zichtbaar::<fieldlab::Entity>(&rijen).await?;
        let mut fieldlabs = std::collections::BTreeSet::new();
        for (veld, rij) in labs {
            match rij {
                Some(r) if zichtbaar.contains(&r) => {
                    fieldlabs.insert(r);
                }
                Some(_) => c.fout(veld, "no such Fieldlab"),
                None => {}
            }
        }
        Ok(vec![
            Koppeling::Themas(themas),
            Koppeling::Organisaties(partners),
            Koppeling::Fieldlabs(fieldlabs),
        ])
    }
}

mutaties!(
    LectoraatMutation,
    lectoraat::Entity,
    Lectoraat,
    LectoraatInput,
    create_lectoraat,
    update_lectoraat,
    delete_lectoraat,
    "createLectoraat",
    "updateLectoraat",
    "deleteLectoraat",
    "Creates a lectoraat (or leerstoel) of the caller's kennisinstelling (the programme office \
     may name another kennisinstelling). Needs the role beheerder (or programmabureau).",
    "Replaces the editable fields of a lectoraat. Needs the role beheerder of its kennisinstelling \
     (or programmabureau).",
    "Deletes a lectoraat with its links. Refused (CONFLICT, counting them) while opdrachten of the \
     caller's own organisation link to it; those of other organisations are unlinked, each as a \
     logged change their owner sees. Returns the deleted id.",
);

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
    pub startdatum: Option<Datum>,
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
impl Invoer for MinorInput {
    type Entity = minor::Entity;
    const MAXIMA: &'static [&'static Maxima] =
        &[&[("naam", 200), ("website", 500)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut minor::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>> {
        let eigenaar = beoogde_eigenaar(&am.eigenaar_id, self.eigenaar.as_ref(), sessie);
        let naam = unieke_naam::<minor::Entity>(
            c,
            sessie,
            &self.naam,
            bij_eigenaar::<minor::Entity>(eigenaar),
            id,
        )
        .await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.naam = ActiveValue::Set(naam);
        am.soort = ActiveValue::Set(self.soort);
        am.studielast_ects = ActiveValue::Set(
            self.studielast_ects
                .map(|e| c.bereik("studielastEcts", e, 1, MAX_ECTS)),
        );
        am.beschrijving =
            ActiveValue::Set(c.omschrijving("beschrijving", self.beschrijving.as_deref()));
        am.website = ActiveValue::Set(c.website("website", self.website.as_deref()));
        am.startdatum = ActiveValue::Set(self.startdatum.map(|d| d.0));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &sessie.thema_codes().await?);
        let partners = c
            .organisaties(
                sessie,
                "partners",
                &self.partners,
                &[OrganisatieSoort::Rijkspartner],
            )
            .await?;
        Ok(vec![
            Koppeling::Themas(themas),
            Koppeling::Organisaties(partners),
        ])
    }
}

mutaties!(
    MinorMutation,
    minor::Entity,
    Minor,
    MinorInput,
    create_minor,
    update_minor,
    delete_minor,
    "createMinor",
    "updateMinor",
    "deleteMinor",
    "Creates a minor, master or post-master of the caller's kennisinstelling (the programme \
     office may name another kennisinstelling). Needs the role beheerder (or programmabureau).",
    "Replaces the editable fields of a minor. Needs the role beheerder of its kennisinstelling \
     (or programmabureau).",
    "Deletes a minor with its links. Refused (CONFLICT, counting them) while opdrachten of the \
     caller's own organisation link to it; those of other organisations are unlinked, each as a \
     logged change their owner sees. Returns the deleted id.",
);

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
impl Invoer for CommunityInput {
    type Entity = community::Entity;
    const MAXIMA: &'static [&'static Maxima] = &[&[("naam", 200)], CONTACTPERSOON];

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut community::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>> {
        let naam =
            unieke_naam::<community::Entity>(c, sessie, &self.naam, Some(Condition::all()), id)
                .await?;
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", self.contactpersoon.as_ref());
        am.naam = ActiveValue::Set(naam);
        am.beschrijving =
            ActiveValue::Set(c.omschrijving("beschrijving", self.beschrijving.as_deref()));
        am.status = ActiveValue::Set(self.status.unwrap_or(CommunityStatus::Gepland));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        let themas = c.themas("themas", &self.themas, &sessie.thema_codes().await?);
        let leden = c
            .organisaties(sessie, "leden", &self.leden, ALLE_SOORTEN)
            .await?;
        Ok(vec![
            Koppeling::Themas(themas),
            Koppeling::Organisaties(leden),
        ])
    }
}

mutaties!(
    CommunityMutation,
    community::Entity,
    Community,
    CommunityInput,
    create_community,
    update_community,
    delete_community,
    "createCommunity",
    "updateCommunity",
    "deleteCommunity",
    "Creates a community, owned by the programme office. Needs the role programmabureau.",
    "Replaces the editable fields of a community. Needs the role programmabureau.",
    "Deletes a community with its members and themes. Returns the deleted id.",
);

/// OrganisatieProfielInput: the fields an organisation keeps up to date itself. Its name,
/// kind and natural keys (OIN, schacHome, instellingscode) are registered by the programme
/// office and not part of the profile.
#[derive(InputObject, Debug, Clone)]
pub struct OrganisatieProfielInput {
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
        input: OrganisatieProfielInput,
    ) -> Result<Organisatie> {
        let mut c = Controle::default();
        let id = c.id("id", &id, ORGANISATIE_TYPEN);
        c.vorm(
            "",
            &input,
            &[&[("afkorting", 40), ("website", 500)], CONTACTPERSOON],
        );
        c.klaar()?;
        let id = id.ok_or_else(|| ApiError::bad_input("id", "not an id"))?;
        let mut sessie = sessie(ctx, "updateOrganisatieProfiel").await?;
        let voor = sessie
            .te_wijzigen::<organisatie::Entity>(id, versie)
            .await?;
        let mut c = Controle::default();
        let (cp_naam, cp_email) = c.contactpersoon("contactpersoon", input.contactpersoon.as_ref());
        let mut am = voor.clone().into_active_model();
        am.afkorting = ActiveValue::Set(c.tekst("afkorting", input.afkorting.as_deref(), 40));
        am.regio = ActiveValue::Set(input.regio);
        am.website = ActiveValue::Set(c.website("website", input.website.as_deref()));
        am.beschrijving =
            ActiveValue::Set(c.omschrijving("beschrijving", input.beschrijving.as_deref()));
        am.contactpersoon_naam = ActiveValue::Set(cp_naam);
        am.contactpersoon_email = ActiveValue::Set(cp_email);
        c.klaar()?;
        sessie
            .bijwerken::<organisatie::Entity>(voor, am, &[])
            .await?;
        sessie.commit().await?;
        gelezen::<organisatie::Entity, Organisatie>(ctx, id).await
    }
}
