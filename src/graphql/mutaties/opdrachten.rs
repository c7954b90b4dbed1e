//! Mutations of opdrachten: create, update and delete one, and `syncOpdrachten`, the bulk sync
//! institutions use to mirror their own systems (see [`crate::db::SyncVerzoek`] for its
//! semantics).
//!
//! Interactive mutations name linked records by global id, as frontends have them. A sync names
//! organisations by natural key (the opdrachtgever's OIN, the executing institutions'
//! schacHome), as the institutions' own systems know them; references are resolved for the
//! whole batch in a few queries.

use super::records::{Invoer, beoogde_eigenaar, mutaties, naam_vrij, recordnaam};
use super::{
    ContactpersoonInput, Controle, ORGANISATIE_TYPEN, eigenaar, gelezen, record_id, sessie,
};
use crate::db::entities::{fieldlab, lectoraat, minor, opdracht, organisatie};
use crate::db::{
    Koppeling, OpdrachtVelden, Policy, Schrijfsessie, SyncItem, SyncModus, SyncUitkomst,
    SyncVerzoek,
};
use crate::domain::invoer::{self, CONTACTPERSOON, Maxima};
use crate::domain::{
    Onderwijssoort, OpdrachtSoort, OpdrachtStatus, OrganisatieSleutel, OrganisatieSoort, Regio,
};
use crate::error::{ApiError, ApiResult, FieldProblem};
use crate::graphql::GlobalId;
use crate::graphql::opdrachten::Opdracht;
use crate::graphql::types::Datum;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, Condition, IntoActiveModel};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The most students on one opdracht (a large hackathon); more is a typing error or an attempt
/// to inflate the figures of the institutions named as uitvoerder.
pub const MAX_STUDENTEN: i32 = 250;

/// The most items (opdrachten plus withdrawals) in one sync batch.
pub const MAX_SYNC_BATCH: usize = 1000;

/// The maximum lengths of an opdracht's text fields (create, update and each sync item).
const OPDRACHT_MAXIMA: &[&Maxima] = &[&[("naam", 300), ("externId", 200)], CONTACTPERSOON];

/// OpdrachtGegevens: the fields of an opdracht that a frontend and a sync both send.
#[derive(InputObject, Debug, Clone)]
pub struct OpdrachtGegevens {
    /// Title, at most 300 characters. One line, no control characters.
    pub naam: String,
    /// What the assignment is about (at most 4000 characters; tab and line breaks allowed, no
    /// other control characters).
    pub omschrijving: Option<String>,
    /// Kind of assignment.
    pub soort: OpdrachtSoort,
    /// Status; defaults to ONBEKEND.
    pub status: Option<OpdrachtStatus>,
    /// Kind of education; defaults to the owner's (for a kennisinstelling), otherwise required.
    pub onderwijssoort: Option<Onderwijssoort>,
    /// Region.
    pub regio: Option<Regio>,
    /// Start date. Between 1900-01-01 and 2999-12-31.
    pub startdatum: Option<Datum>,
    /// End date; not before the start date. Between 1900-01-01 and 2999-12-31.
    pub einddatum: Option<Datum>,
    /// Number of students (0 to 250: a large hackathon or group assignment); defaults to 1. A
    /// count: no personal data of students.
    pub aantal_studenten: Option<i32>,
    /// Contact person.
    pub contactpersoon: Option<ContactpersoonInput>,
    /// Theme codes. At most 1000; duplicates are merged.
    #[graphql(default)]
    pub themas: Vec<String>,
}

/// Joins a field name to a path prefix (`opdrachten[3]` + `naam`).
fn pad(prefix: &str, veld: &str) -> String {
    if prefix.is_empty() {
        veld.to_owned()
    } else {
        format!("{prefix}.{veld}")
    }
}

impl OpdrachtGegevens {
    /// Checks the plain fields; links and references are set by the caller.
    fn velden(
        &self,
        c: &mut Controle,
        prefix: &str,
        eigenaar: Option<&organisatie::Model>,
        themas: &HashSet<String>,
    ) -> OpdrachtVelden {
        let (cp_naam, cp_email) =
            c.contactpersoon(&pad(prefix, "contactpersoon"), self.contactpersoon.as_ref());
        let start = self.startdatum.map(|d| d.0);
        let eind = self.einddatum.map(|d| d.0);
        c.periode(&pad(prefix, "einddatum"), start, eind);
        let onderwijssoort = self
            .onderwijssoort
            .or_else(|| eigenaar.and_then(|e| e.onderwijssoort));
        if onderwijssoort.is_none() && eigenaar.is_some() {
            c.fout(
                pad(prefix, "onderwijssoort"),
                "is required when the owner is not a kennisinstelling",
            );
        }
        OpdrachtVelden {
            naam: recordnaam(c, &pad(prefix, "naam"), &self.naam, 300),
            omschrijving: c
                .omschrijving(&pad(prefix, "omschrijving"), self.omschrijving.as_deref()),
            opdrachtgever_id: 0,
            fieldlab_id: None,
            lectoraat_id: None,
            minor_id: None,
            soort: self.soort,
            status: self.status.unwrap_or(OpdrachtStatus::Onbekend),
            onderwijssoort: onderwijssoort.unwrap_or(Onderwijssoort::Hbo),
            regio: self.regio,
            startdatum: start,
            einddatum: eind,
            aantal_studenten: c.bereik(
                &pad(prefix, "aantalStudenten"),
                self.aantal_studenten.unwrap_or(1),
                0,
                MAX_STUDENTEN,
            ),
            contactpersoon_naam: cp_naam,
            contactpersoon_email: cp_email,
            themas: c.themas(&pad(prefix, "themas"), &self.themas, themas),
            uitvoerders: BTreeSet::new(),
        }
    }
}

/// The default executing institutions: the owner, if it is a kennisinstelling.
fn standaard_uitvoerders(eigenaar: Option<&organisatie::Model>) -> BTreeSet<i32> {
    eigenaar
        .filter(|e| e.soort == OrganisatieSoort::Kennisinstelling)
        .map(|e| BTreeSet::from([e.id]))
        .unwrap_or_default()
}

/// OpdrachtInput: the editable fields of an opdracht, with linked records by id.
#[derive(InputObject, Debug, Clone)]
pub struct OpdrachtInput {
    /// The owner (the organisation that registers it). Defaults to the caller's organisation;
    /// only the programme office may name another. Cannot be changed by an update.
    pub eigenaar: Option<ID>,
    /// The id of the opdracht in the owner's own system (unique per owner, at most 200
    /// characters); the key `syncOpdrachten` matches on. One line, no control characters.
    pub extern_id: Option<String>,
    /// The plain fields.
    #[graphql(flatten)]
    pub gegevens: OpdrachtGegevens,
    /// The rijkspartner that gives the assignment (its id).
    pub opdrachtgever: ID,
    /// The kennisinstellingen that carry it out (their ids); defaults to the owner if it is a
    /// kennisinstelling. At most 1000; duplicates are merged.
    pub uitvoerders: Option<Vec<ID>>,
    /// The fieldlab it belongs to (its id).
    pub fieldlab: Option<ID>,
    /// The lectoraat it belongs to (its id).
    pub lectoraat: Option<ID>,
    /// The minor it belongs to (its id).
    pub minor: Option<ID>,
}

#[async_trait::async_trait]
impl Invoer for OpdrachtInput {
    type Entity = opdracht::Entity;
    const MAXIMA: &'static [&'static Maxima] = OPDRACHT_MAXIMA;

    fn eigenaar(&self) -> Option<&ID> {
        self.eigenaar.as_ref()
    }

    async fn toepassen(
        &self,
        c: &mut Controle,
        sessie: &Schrijfsessie,
        id: Option<i32>,
        am: &mut opdracht::ActiveModel,
    ) -> ApiResult<Vec<Koppeling>> {
        let eigenaar = match beoogde_eigenaar(&am.eigenaar_id, self.eigenaar.as_ref(), sessie) {
            Some(e) => sessie.organisatie(e).await?,
            None => None,
        };
        let mut velden =
            self.gegevens
                .velden(c, "", eigenaar.as_ref(), &sessie.thema_codes().await?);
        let extern_id = c.tekst("externId", self.extern_id.as_deref(), 200);
        if let (Some(e), Some(eigenaar)) = (&extern_id, &eigenaar) {
            naam_vrij::<opdracht::Entity>(
                c,
                sessie,
                opdracht::Column::ExternId,
                e,
                Condition::all().add(opdracht::Column::EigenaarId.eq(eigenaar.id)),
                id,
            )
            .await?;
        }
        velden.opdrachtgever_id = c
            .organisatie(
                sessie,
                "opdrachtgever",
                &self.opdrachtgever,
                &[OrganisatieSoort::Rijkspartner],
            )
            .await?
            .unwrap_or_default();
        velden.uitvoerders = match &self.uitvoerders {
            Some(ids) => {
                c.organisaties(
                    sessie,
                    "uitvoerders",
                    ids,
                    &[OrganisatieSoort::Kennisinstelling],
                )
                .await?
            }
            None => standaard_uitvoerders(eigenaar.as_ref()),
        };
        if let (Some(id), Some(ids)) = (id, &self.uitvoerders) {
            let weg = sessie.teruggetrokken(&[id]).await?.remove(&id);
            for (i, uitvoerder) in ids.iter().enumerate() {
                let org = GlobalId::decode("", uitvoerder).map(|g| g.id).ok();
                if org.is_some_and(|o| weg.as_ref().is_some_and(|w| w.contains(&o))) {
                    c.fout(
                        format!("uitvoerders[{i}]"),
                        "this institution withdrew as uitvoerder of this opdracht and cannot be \
                         named again; leave it out",
                    );
                }
            }
        }
        velden.fieldlab_id = c
            .zichtbaar::<fieldlab::Entity>(sessie, "fieldlab", self.fieldlab.as_ref())
            .await?;
        velden.lectoraat_id = c
            .zichtbaar::<lectoraat::Entity>(sessie, "lectoraat", self.lectoraat.as_ref())
            .await?;
        velden.minor_id = c
            .zichtbaar::<minor::Entity>(sessie, "minor", self.minor.as_ref())
            .await?;
        velden.zet(am);
        am.extern_id = ActiveValue::Set(extern_id);
        Ok(velden.koppelingen().to_vec())
    }
}

mutaties!(
    OpdrachtMutation,
    opdracht::Entity,
    Opdracht,
    OpdrachtInput,
    create_opdracht,
    update_opdracht,
    delete_opdracht,
    "createOpdracht",
    "updateOpdracht",
    "deleteOpdracht",
    "Registers an opdracht for the caller's organisation (the programme office may name another \
     owner). Needs the role medewerker or beheerder (or programmabureau). Institutions that keep \
     their opdrachten in their own system use `syncOpdrachten` instead.",
    "Replaces the editable fields of an opdracht. Needs the role medewerker or beheerder of its \
     owner (or programmabureau); the opdrachtgever and executing institutions may read it but get \
     FORBIDDEN.",
    "Deletes an opdracht with its links. Returns the deleted id.",
);

#[derive(Default)]
pub struct UitvoeringMutation;

#[Object]
impl UitvoeringMutation {
    /// Withdraws the caller's kennisinstelling as uitvoerder (executing institution) of an
    /// opdracht that another organisation registered: the opdracht leaves the institution's
    /// lists and statistics, the change is logged (the owner sees it in its audit trail and
    /// feed), and the owner cannot name the institution again (a sync leaves it out and says so
    /// in the item's `meldingen`). Needs the role beheerder or medewerker of the institution;
    /// the owner changes its uitvoerders with `updateOpdracht` instead. Returns the opdracht's
    /// id.
    async fn withdraw_uitvoerder(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The opdracht's id.")] opdracht: ID,
    ) -> Result<ID> {
        let mut c = Controle::default();
        let rij = c.id("opdracht", &opdracht, &["Opdracht"]);
        c.klaar()?;
        let rij = rij.ok_or_else(|| ApiError::bad_input("opdracht", "not an id"))?;
        let mut sessie = sessie(ctx, "withdrawUitvoerder").await?;
        sessie.uitvoering_intrekken(rij).await?;
        sessie.commit().await?;
        Ok(opdracht)
    }
}

/// OpdrachtSyncInput: one opdracht as the owner's own system exports it.
#[derive(InputObject, Debug, Clone)]
pub struct OpdrachtSyncInput {
    /// The id of the opdracht in the owner's system (at most 200 characters): the key of the
    /// sync. The same `externId` again updates the same opdracht. One line, no control characters.
    pub extern_id: String,
    /// The plain fields.
    #[graphql(flatten)]
    pub gegevens: OpdrachtGegevens,
    /// The opdrachtgever by OIN (a rijkspartner).
    pub opdrachtgever: String,
    /// The executing kennisinstellingen by schacHome (or OIN); defaults to the owner if it is a
    /// kennisinstelling. At most 1000; duplicates are merged.
    pub uitvoerders: Option<Vec<String>>,
    /// The fieldlab it belongs to (its id in this API).
    pub fieldlab: Option<ID>,
    /// The lectoraat it belongs to (its id in this API).
    pub lectoraat: Option<ID>,
    /// The minor it belongs to (its id in this API).
    pub minor: Option<ID>,
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
    #[graphql(default)]
    pub modus: SyncModus,
}

/// Veldfout: a problem with one input field.
#[derive(SimpleObject, Debug, Clone)]
pub struct Veldfout {
    /// Path of the field in the input, e.g. `opdrachten[3].einddatum`.
    pub veld: String,
    /// What is wrong and what to do about it.
    pub melding: String,
}

fn veldfouten(problemen: Vec<crate::error::FieldProblem>) -> Vec<Veldfout> {
    problemen
        .into_iter()
        .map(|p| Veldfout {
            veld: p.field,
            melding: p.message,
        })
        .collect()
}

/// SyncItemResultaat: the outcome of one item of a sync batch.
#[derive(SimpleObject, Debug, Clone)]
pub struct SyncItemResultaat {
    /// The item's `externId`.
    pub extern_id: String,
    /// What happened to it or, when the batch was not applied, what would have happened.
    pub resultaat: SyncUitkomst,
    /// The opdracht's global id (null for a new item that was not written, and for a rejected
    /// item).
    pub id: Option<ID>,
    /// Why the item was rejected (empty otherwise).
    pub fouten: Vec<Veldfout>,
    /// What was done differently from what the item asked, without rejecting it: an
    /// institution that withdrew as uitvoerder of the opdracht is left out of `uitvoerders`.
    pub meldingen: Vec<Veldfout>,
}

/// SyncTotalen: the number of items per outcome.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct SyncTotalen {
    /// CREATED items.
    pub aangemaakt: i32,
    /// UPDATED items.
    pub gewijzigd: i32,
    /// UNCHANGED items.
    pub ongewijzigd: i32,
    /// DELETED (withdrawn) items.
    pub verwijderd: i32,
    /// REJECTED items.
    pub afgewezen: i32,
}

/// SyncResultaat: the outcome of a sync batch.
#[derive(SimpleObject, Debug, Clone)]
pub struct SyncResultaat {
    /// Whether the batch was written. False for a dry run, and for an ATOMAIR batch with a
    /// rejected item; the items then say what would have happened.
    pub toegepast: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The batch semantics used.
    pub modus: SyncModus,
    /// Items per outcome.
    pub totalen: SyncTotalen,
    /// One result per item, in input order: `opdrachten` first, then `ingetrokken`.
    pub items: Vec<SyncItemResultaat>,
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
    ) -> Result<SyncResultaat> {
        let aantal = input.opdrachten.len() + input.ingetrokken.len();
        if aantal > MAX_SYNC_BATCH {
            let veld = if input.ingetrokken.len() > input.opdrachten.len() {
                "ingetrokken"
            } else {
                "opdrachten"
            };
            return Err(ApiError::bad_input(
                veld,
                format!(
                    "a batch holds at most {MAX_SYNC_BATCH} items (opdrachten plus ingetrokken); \
                     this one has {aantal}: send it in several batches"
                ),
            )
            .into());
        }
        // The rules of form, before the write session: of the batch (a problem refuses it),
        // and of each item (a problem rejects that item).
        let mut c = Controle::default();
        let bron = c.naam("bron", &input.bron, 100);
        c.klaar()?;
        let vorm: Vec<Vec<FieldProblem>> = input
            .opdrachten
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let mut problemen = Vec::new();
                invoer::vorm(
                    &format!("opdrachten[{i}]"),
                    &async_graphql::InputType::to_value(o),
                    OPDRACHT_MAXIMA,
                    &mut problemen,
                );
                problemen
            })
            .collect();
        let mut sessie = sessie(ctx, "syncOpdrachten").await?;
        let mut c = Controle::default();
        let eigenaar_id = eigenaar(&mut c, &sessie, input.eigenaar.as_ref());
        c.klaar()?;
        let eigenaar_id =
            eigenaar_id.ok_or_else(|| ApiError::bad_input("eigenaar", "no such organisation"))?;
        let eigenaar = sessie
            .controleer_eigenaar::<opdracht::Entity>("eigenaar", eigenaar_id)
            .await?;
        sessie.met_bron(&bron);

        let items = items_controleren(&sessie, &input, &eigenaar, vorm).await?;
        let resultaat = sessie
            .sync_opdrachten(SyncVerzoek {
                eigenaar: eigenaar.id,
                items: items.clone(),
                dry_run: input.dry_run,
                modus: input.modus,
            })
            .await?;
        if resultaat.toegepast {
            sessie.commit().await?;
        }
        let mut totalen = SyncTotalen::default();
        let mut meldingen = resultaat.meldingen;
        let items = items
            .into_iter()
            .zip(resultaat.items)
            .enumerate()
            .map(|(index, (item, (uitkomst, id, problemen)))| {
                *match uitkomst {
                    SyncUitkomst::Created => &mut totalen.aangemaakt,
                    SyncUitkomst::Updated => &mut totalen.gewijzigd,
                    SyncUitkomst::Unchanged => &mut totalen.ongewijzigd,
                    SyncUitkomst::Deleted => &mut totalen.verwijderd,
                    SyncUitkomst::Rejected => &mut totalen.afgewezen,
                } += 1;
                SyncItemResultaat {
                    extern_id: item.extern_id,
                    resultaat: uitkomst,
                    id: id.map(|id| GlobalId::encode("Opdracht", id)),
                    fouten: veldfouten(problemen),
                    meldingen: veldfouten(meldingen.remove(&index).unwrap_or_default()),
                }
            })
            .collect();
        Ok(SyncResultaat {
            toegepast: resultaat.toegepast,
            dry_run: input.dry_run,
            modus: input.modus,
            totalen,
            items,
        })
    }
}

/// Checks every item of a batch, resolving its references for the whole batch at once.
async fn items_controleren(
    sessie: &Schrijfsessie,
    input: &OpdrachtenSyncInput,
    eigenaar: &organisatie::Model,
    mut vorm: Vec<Vec<FieldProblem>>,
) -> ApiResult<Vec<SyncItem>> {
    let themas = sessie.thema_codes().await?;

    // Organisations by natural key, in one query.
    let mut sleutels = HashSet::new();
    for o in &input.opdrachten {
        for key in std::iter::once(&o.opdrachtgever).chain(o.uitvoerders.iter().flatten()) {
            if let Ok(s) = OrganisatieSleutel::parse(key) {
                sleutels.insert(s);
            }
        }
    }
    let sleutels: Vec<OrganisatieSleutel> = sleutels.into_iter().collect();
    let mut organisaties: HashMap<String, organisatie::Model> = HashMap::new();
    for org in sessie.organisaties_per_sleutel(&sleutels).await? {
        for key in [&org.oin, &org.schac_home].into_iter().flatten() {
            organisaties.insert(key.clone(), org.clone());
        }
    }

    // Linked records by id, one query per type.
    let mut c = Controle::default();
    let mut gezien = |ids: &mut Vec<i32>, id: Option<&ID>, typ: &str| {
        if let Some(id) = id
            && let Some(id) = c.id("", id, &[typ])
        {
            ids.push(id);
        }
    };
    let (mut labs, mut lectoraten, mut minoren) = (Vec::new(), Vec::new(), Vec::new());
    for o in &input.opdrachten {
        gezien(&mut labs, o.fieldlab.as_ref(), "Fieldlab");
        gezien(&mut lectoraten, o.lectoraat.as_ref(), "Lectoraat");
        gezien(&mut minoren, o.minor.as_ref(), "Minor");
    }
    let labs = sessie.zichtbaar::<fieldlab::Entity>(&labs).await?;
    let lectoraten = sessie.zichtbaar::<lectoraat::Entity>(&lectoraten).await?;
    let minoren = sessie.zichtbaar::<minor::Entity>(&minoren).await?;

    // Where each externId occurs, to refuse duplicates within the batch.
    let mut plekken: HashMap<String, Vec<String>> = HashMap::new();
    let extern_ids: Vec<(String, String)> = input
        .opdrachten
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("opdrachten[{i}].externId"), o.extern_id.clone()))
        .chain(
            input
                .ingetrokken
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("ingetrokken[{i}]"), e.clone())),
        )
        .collect();
    for (veld, e) in &extern_ids {
        plekken
            .entry(e.trim().to_owned())
            .or_default()
            .push(veld.clone());
    }

    let mut items = Vec::with_capacity(extern_ids.len());
    for (index, (veld, extern_id)) in extern_ids.iter().enumerate() {
        let mut c = Controle::default();
        for p in vorm.get_mut(index).map(std::mem::take).unwrap_or_default() {
            c.fout(p.field, p.message);
        }
        let extern_id = c.naam(veld, extern_id, 200);
        if let Some(andere) = plekken.get(&extern_id).filter(|p| p.len() > 1) {
            c.fout(
                veld.as_str(),
                format!(
                    "externId '{extern_id}' occurs more than once in this batch ({}); send each \
                     opdracht once",
                    andere.join(", ")
                ),
            );
        }
        let inhoud = match input.opdrachten.get(index) {
            None => None,
            Some(o) => {
                let prefix = format!("opdrachten[{index}]");
                let mut velden = o.gegevens.velden(&mut c, &prefix, Some(eigenaar), &themas);
                velden.opdrachtgever_id = organisatie_per_sleutel(
                    &mut c,
                    &pad(&prefix, "opdrachtgever"),
                    &o.opdrachtgever,
                    &organisaties,
                    OrganisatieSoort::Rijkspartner,
                )
                .unwrap_or_default();
                velden.uitvoerders = match &o.uitvoerders {
                    None => standaard_uitvoerders(Some(eigenaar)),
                    Some(keys) => keys
                        .iter()
                        .enumerate()
                        .filter_map(|(i, key)| {
                            organisatie_per_sleutel(
                                &mut c,
                                &format!("{prefix}.uitvoerders[{i}]"),
                                key,
                                &organisaties,
                                OrganisatieSoort::Kennisinstelling,
                            )
                        })
                        .collect(),
                };
                velden.fieldlab_id = verwijzing(
                    &mut c,
                    &pad(&prefix, "fieldlab"),
                    o.fieldlab.as_ref(),
                    "Fieldlab",
                    &labs,
                );
                velden.lectoraat_id = verwijzing(
                    &mut c,
                    &pad(&prefix, "lectoraat"),
                    o.lectoraat.as_ref(),
                    "Lectoraat",
                    &lectoraten,
                );
                velden.minor_id = verwijzing(
                    &mut c,
                    &pad(&prefix, "minor"),
                    o.minor.as_ref(),
                    "Minor",
                    &minoren,
                );
                Some(velden)
            }
        };
        items.push(SyncItem {
            extern_id,
            inhoud: if c.is_goed() {
                Ok(inhoud)
            } else {
                Err(c.neem())
            },
        });
    }
    Ok(items)
}

/// An organisation of kind `soort` by natural key, from the batch's lookup.
fn organisatie_per_sleutel(
    c: &mut Controle,
    veld: &str,
    key: &str,
    organisaties: &HashMap<String, organisatie::Model>,
    soort: OrganisatieSoort,
) -> Option<i32> {
    let sleutel = match OrganisatieSleutel::parse(key) {
        Ok(s) => s,
        Err(e) => {
            c.fout(veld, e.to_string());
            return None;
        }
    };
    match organisaties.get(&sleutel.to_string()) {
        Some(org) if org.soort == soort => Some(org.id),
        Some(org) => {
            c.fout(
                veld,
                format!(
                    "{} ({sleutel}) is not a {}",
                    org.naam,
                    match soort {
                        OrganisatieSoort::Rijkspartner => "rijkspartner",
                        _ => "kennisinstelling",
                    }
                ),
            );
            None
        }
        None => {
            c.fout(
                veld,
                format!("no organisation of the partnership has the key {sleutel}"),
            );
            None
        }
    }
}

/// A linked record by global id, which must be among the `zichtbaar` ones.
fn verwijzing(
    c: &mut Controle,
    veld: &str,
    id: Option<&ID>,
    typ: &str,
    zichtbaar: &HashSet<i32>,
) -> Option<i32> {
    let rij = c.id(veld, id?, &[typ])?;
    if zichtbaar.contains(&rij) {
        Some(rij)
    } else {
        c.fout(veld, format!("no such {typ}"));
        None
    }
}
