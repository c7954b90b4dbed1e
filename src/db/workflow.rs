//! The workflow of a vraagstuk: which steps move a question from one status to the next, from
//! which statuses each may be taken, and who may take it. Declared once, as the table
//! [`STAPPEN`]; the mutations take their steps through [`WriteSession::vraagstuk_for_step`],
//! which applies it, and `docs/access.md` ("Vraagstukken: the workflow") shows the same table,
//! which a test compares with this one cell by cell and then drives, every step for every kind
//! of caller, over HTTP.
//!
//! Why a table and not checks in each mutation: the kennismakelaar is the first role that
//! changes a record it does not own, and only in these few ways. Written as data, the rule is
//! one thing that can be read, documented and tested whole; a step missing from it cannot be
//! taken by anyone.

use super::entities::kennismakelaar;
use super::entities::koppelingen::{
    kennismakelaar_regio, vraagstuk_opdracht, vraagstuk_reactie, vraagstuk_regio,
    vraagstuk_voorlegging,
};
use super::entities::vraagstuk;
use super::policy::{Policy, Row};
use super::scope::select_visible;
use super::write::{WriteSession, links_of};
use crate::auth::{Principal, Rol};
use crate::domain::VraagstukStatus::{self, *};
use crate::domain::{Kant, Reactie, Regio};
use crate::error::{ApiError, ApiResult};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};
use std::collections::BTreeSet;

/// Who takes part in a vraagstuk's process, as the workflow table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wie {
    /// A beheerder or medewerker of the rijkspartner that asks it.
    Vraagsteller,
    /// A kennismakelaar whose regions include one of the question's.
    Kennismakelaar,
    /// A beheerder or medewerker of a kennisinstelling the question was proposed to.
    Instelling,
    /// The programme office.
    Programmabureau,
}

impl Wie {
    /// Its name in the table of docs/access.md.
    pub fn naam(self) -> &'static str {
        match self {
            Wie::Vraagsteller => "vraagsteller",
            Wie::Kennismakelaar => "kennismakelaar of the region",
            Wie::Instelling => "institution proposed to",
            Wie::Programmabureau => "programme office",
        }
    }
}

/// One step of the workflow.
#[derive(Debug, Clone, Copy)]
pub struct Stap {
    /// The mutation that takes it.
    pub mutatie: &'static str,
    /// The statuses it may be taken from.
    pub van: &'static [VraagstukStatus],
    /// The status it leaves the question in; `None` for a step that keeps the status.
    pub naar: Option<VraagstukStatus>,
    /// Who may take it.
    pub wie: &'static [Wie],
}

const OPEN: &[VraagstukStatus] = &[Nieuw, InBehandeling, Voorgelegd, Belegd];

/// The workflow: every step, from which statuses, to which, by whom.
pub const STAPPEN: &[Stap] = &[
    Stap {
        mutatie: "updateVraagstuk",
        van: OPEN,
        naar: None,
        wie: &[Wie::Vraagsteller, Wie::Programmabureau],
    },
    Stap {
        mutatie: "neemVraagstukInBehandeling",
        van: &[Nieuw],
        naar: Some(InBehandeling),
        wie: &[Wie::Kennismakelaar, Wie::Programmabureau],
    },
    Stap {
        mutatie: "legVraagstukVoor",
        van: &[InBehandeling, Voorgelegd],
        naar: Some(Voorgelegd),
        wie: &[Wie::Kennismakelaar, Wie::Programmabureau],
    },
    Stap {
        mutatie: "reageerOpVraagstuk",
        van: &[Voorgelegd],
        naar: None,
        wie: &[Wie::Instelling],
    },
    Stap {
        mutatie: "belegVraagstuk",
        van: &[InBehandeling, Voorgelegd, Belegd],
        naar: Some(Belegd),
        wie: &[Wie::Kennismakelaar, Wie::Programmabureau],
    },
    Stap {
        mutatie: "rondVraagstukAf",
        van: &[Belegd],
        naar: Some(Afgerond),
        wie: &[Wie::Vraagsteller, Wie::Kennismakelaar, Wie::Programmabureau],
    },
    Stap {
        mutatie: "trekVraagstukIn",
        van: &[Nieuw, InBehandeling, Voorgelegd],
        naar: Some(Ingetrokken),
        wie: &[Wie::Vraagsteller, Wie::Programmabureau],
    },
    Stap {
        mutatie: "deleteVraagstuk",
        van: &[Nieuw],
        naar: None,
        wie: &[Wie::Vraagsteller, Wie::Programmabureau],
    },
];

/// The step taken by mutation `mutatie`.
pub fn stap(mutatie: &str) -> ApiResult<&'static Stap> {
    STAPPEN
        .iter()
        .find(|s| s.mutatie == mutatie)
        .ok_or_else(|| ApiError::Internal(format!("{mutatie} is not a step of the workflow")))
}

/// The roles of an organisation's staff who act for it in the workflow.
const STAFF: &[Rol] = &[Rol::Beheerder, Rol::Medewerker];

impl WriteSession {
    /// The vraagstuk `id`, which the caller is about to move by `mutatie`: `NOT_FOUND` if the
    /// caller may not see it, `FORBIDDEN` if it may see it but the table does not let it take
    /// the step, `CONFLICT` if its version is not `versie` (when given) or the step cannot be
    /// taken from its status.
    pub async fn vraagstuk_for_step(
        &self,
        id: i32,
        versie: Option<i32>,
        mutatie: &str,
    ) -> ApiResult<vraagstuk::Model> {
        let stap = stap(mutatie)?;
        let p = self.principal();
        let condition = Condition::all().add(vraagstuk::Column::Id.eq(id));
        let row: Option<Row<vraagstuk::Model>> =
            select_visible::<vraagstuk::Entity>(Some(p), condition)
                .into_model()
                .one(self.tx())
                .await?;
        let model = row
            .ok_or_else(|| ApiError::NotFound(vraagstuk::Entity::NAME.to_owned()))?
            .model;
        if !self.is_any(&model, stap.wie).await? {
            let who: Vec<&str> = stap.wie.iter().map(|w| w.naam()).collect();
            return Err(ApiError::Forbidden(format!(
                "you may see this Vraagstuk but not take the step {mutatie}: that is for the {}",
                who.join(" or the ")
            )));
        }
        if let Some(versie) = versie.filter(|v| *v != model.versie) {
            return Err(ApiError::Conflict {
                message: format!(
                    "this Vraagstuk changed since you read it (you sent versie {versie}, it is \
                     now at {}); read it again and decide again",
                    model.versie
                ),
                current_version: model.versie,
            });
        }
        if !stap.van.contains(&model.status) {
            let from: Vec<&str> = stap.van.iter().map(|s| status_name(*s)).collect();
            return Err(ApiError::Conflict {
                message: format!(
                    "this Vraagstuk is {}; {mutatie} is taken from {} only (see the workflow \
                     in docs/access.md)",
                    status_name(model.status),
                    from.join(", ")
                ),
                current_version: model.versie,
            });
        }
        Ok(model)
    }

    /// Whether the caller is any of `wie` for the question `model`.
    async fn is_any(&self, model: &vraagstuk::Model, wie: &[Wie]) -> ApiResult<bool> {
        for w in wie {
            if self.is(model, *w).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn is(&self, model: &vraagstuk::Model, wie: Wie) -> ApiResult<bool> {
        let p: &Principal = self.principal();
        Ok(match wie {
            Wie::Programmabureau => p.rol == Rol::Programmabureau,
            Wie::Vraagsteller => STAFF.contains(&p.rol) && p.organisatie_id == model.eigenaar_id,
            Wie::Kennismakelaar => {
                p.rol == Rol::Kennismakelaar
                    && !p.regios.is_empty()
                    && vraagstuk_regio::Entity::find()
                        .filter(vraagstuk_regio::Column::VraagstukId.eq(model.id))
                        .filter(vraagstuk_regio::Column::Regio.is_in(p.regios.iter().copied()))
                        .one(self.tx())
                        .await?
                        .is_some()
            }
            Wie::Instelling => {
                STAFF.contains(&p.rol)
                    && vraagstuk_voorlegging::Entity::find()
                        .filter(vraagstuk_voorlegging::Column::VraagstukId.eq(model.id))
                        .filter(vraagstuk_voorlegging::Column::OrganisatieId.eq(p.organisatie_id))
                        .one(self.tx())
                        .await?
                        .is_some()
            }
        })
    }
}

impl WriteSession {
    /// The kennisinstellingen vraagstuk `id` was proposed to.
    pub async fn voorgelegd_aan(&self, id: i32) -> ApiResult<BTreeSet<i32>> {
        let rows = links_of::<vraagstuk_voorlegging::Entity>(
            self.tx(),
            vraagstuk_voorlegging::Column::VraagstukId,
            &[id],
        )
        .await?;
        Ok(rows.into_iter().map(|l| l.organisatie_id).collect())
    }

    /// The answers to vraagstuk `id`: organisation, answer, note.
    pub async fn reacties(&self, id: i32) -> ApiResult<Vec<(i32, Reactie, Option<String>)>> {
        let rows = links_of::<vraagstuk_reactie::Entity>(
            self.tx(),
            vraagstuk_reactie::Column::VraagstukId,
            &[id],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|l| (l.organisatie_id, l.reactie, l.toelichting))
            .collect())
    }

    /// The regions vraagstuk `id` is asked in.
    pub async fn regios_of(&self, id: i32) -> ApiResult<BTreeSet<Regio>> {
        let rows = links_of::<vraagstuk_regio::Entity>(
            self.tx(),
            vraagstuk_regio::Column::VraagstukId,
            &[id],
        )
        .await?;
        Ok(rows.into_iter().map(|l| l.regio).collect())
    }

    /// The kennismakelaars `ids` of the directory with their side and regions.
    pub async fn makelaars(&self, ids: &[i32]) -> ApiResult<Vec<(i32, Kant, BTreeSet<Regio>)>> {
        let condition = Condition::all().add(kennismakelaar::Column::Id.is_in(ids.to_vec()));
        let rows: Vec<Row<kennismakelaar::Model>> =
            select_visible::<kennismakelaar::Entity>(Some(self.principal()), condition)
                .into_model()
                .all(self.tx())
                .await?;
        let regios = links_of::<kennismakelaar_regio::Entity>(
            self.tx(),
            kennismakelaar_regio::Column::KennismakelaarId,
            ids,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let of = regios.iter().filter(|l| l.kennismakelaar_id == r.model.id);
                (r.model.id, r.model.kant, of.map(|l| l.regio).collect())
            })
            .collect())
    }

    /// The opdrachten linked as answering vraagstuk `id`.
    pub async fn beantwoord_door(&self, id: i32) -> ApiResult<BTreeSet<i32>> {
        let rows = links_of::<vraagstuk_opdracht::Entity>(
            self.tx(),
            vraagstuk_opdracht::Column::VraagstukId,
            &[id],
        )
        .await?;
        Ok(rows.into_iter().map(|l| l.opdracht_id).collect())
    }
}

/// A status as the schema spells it.
pub fn status_name(status: VraagstukStatus) -> &'static str {
    match status {
        Nieuw => "NIEUW",
        InBehandeling => "IN_BEHANDELING",
        Voorgelegd => "VOORGELEGD",
        Belegd => "BELEGD",
        Afgerond => "AFGEROND",
        Ingetrokken => "INGETROKKEN",
    }
}
