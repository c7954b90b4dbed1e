//! Global object identification: `node(id:)` finds any record by its global id, through the
//! scope like every other read. An id of a record the caller may not see is `NOT_FOUND`, the
//! same answer as for an id that never existed.

use super::communities::Community;
use super::fieldlabs::Fieldlab;
use super::id::GlobalId;
use super::lectoraten::Lectoraat;
use super::minoren::Minor;
use super::opdrachten::Opdracht;
use super::organisaties::{Kennisinstelling, Organisatie, Programmabureau, Rijkspartner, typename};
use super::scope;
use crate::db::entities::{community, fieldlab, lectoraat, minor, opdracht, organisatie};
use crate::db::{Beschermd, Rij, Scope};
use crate::error::ApiError;
use async_graphql::{Context, ID, Interface, Object, Result};

/// Node: a record with a global id (Relay global object identification).
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Global, opaque id; use it with `node(id:)`."
))]
pub enum Node {
    Rijkspartner(Rijkspartner),
    Kennisinstelling(Kennisinstelling),
    Programmabureau(Programmabureau),
    Fieldlab(Fieldlab),
    Lectoraat(Lectoraat),
    Minor(Minor),
    Community(Community),
    Opdracht(Opdracht),
}

/// The record of `E` with `id`, as a node, if the caller may see it.
async fn zoek<E, N>(scope: &Scope, id: i32, node: fn(N) -> Node) -> Result<Option<Node>, ApiError>
where
    E: Beschermd,
    E::Model: Sync,
    N: From<Rij<E::Model>>,
{
    Ok(scope
        .per_id::<E>(&[id])
        .await?
        .pop()
        .map(|rij| node(N::from(rij))))
}

impl From<Organisatie> for Node {
    fn from(org: Organisatie) -> Self {
        match org {
            Organisatie::Rijkspartner(o) => Node::Rijkspartner(o),
            Organisatie::Kennisinstelling(o) => Node::Kennisinstelling(o),
            Organisatie::Programmabureau(o) => Node::Programmabureau(o),
        }
    }
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any record by its global id. An id this API did not make is `BAD_USER_INPUT`;
    /// a record that does not exist, or that the caller may not see, is `NOT_FOUND`.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as returned in the `id` field of a record.")] id: ID,
    ) -> Result<Option<Node>> {
        let global = GlobalId::decode("id", &id)?;
        let scope = scope(ctx)?;
        let not_found = || ApiError::NotFound(format!("record {}", id.as_str()));
        let node = match global.typename {
            "Fieldlab" => zoek::<fieldlab::Entity, _>(scope, global.id, Node::Fieldlab).await?,
            "Lectoraat" => zoek::<lectoraat::Entity, _>(scope, global.id, Node::Lectoraat).await?,
            "Minor" => zoek::<minor::Entity, _>(scope, global.id, Node::Minor).await?,
            "Community" => zoek::<community::Entity, _>(scope, global.id, Node::Community).await?,
            "Opdracht" => zoek::<opdracht::Entity, _>(scope, global.id, Node::Opdracht).await?,
            _ => scope
                .per_id::<organisatie::Entity>(&[global.id])
                .await?
                .pop()
                // The id's type must be the record's kind: "Rijkspartner:7" for a
                // kennisinstelling does not exist.
                .filter(|rij| typename(&rij.model) == global.typename)
                .map(|rij| Node::from(Organisatie::from(rij))),
        };
        Ok(Some(node.ok_or_else(not_found)?))
    }
}
