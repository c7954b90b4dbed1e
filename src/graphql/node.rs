//! Global object identification: `node(id:)` finds any record by its global id, through the
//! scope like every other read. An id of a record the caller may not see is `NOT_FOUND`, the
//! same answer as for an id that never existed.

use super::bijeenkomsten::Bijeenkomst;
use super::communities::Community;
use super::fieldlabs::Fieldlab;
use super::id::GlobalId;
use super::kennismakelaars::Kennismakelaar;
use super::lectoraten::Lectoraat;
use super::loaders;
use super::minoren::Minor;
use super::opdrachten::Opdracht;
use super::organisaties::{Kennisinstelling, Organisatie, Programmabureau, Rijkspartner};
use super::promotietrajecten::Promotietraject;
use super::vraagstukken::Vraagstuk;
use crate::db::entities::{
    bijeenkomst, community, fieldlab, kennismakelaar, lectoraat, minor, opdracht, organisatie,
    promotietraject, vraagstuk,
};
use crate::domain::RecordType;
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
    Vraagstuk(Vraagstuk),
    Promotietraject(Promotietraject),
    Bijeenkomst(Bijeenkomst),
    Kennismakelaar(Kennismakelaar),
}

/// The record of type `kind` with `id` as the caller may see it now, if it exists and is in the
/// caller's scope (batched with the request's other loads). `node(id:)` and the change feed
/// both resolve records here.
pub async fn record_as_node(ctx: &Context<'_>, kind: RecordType, id: i32) -> Result<Option<Node>> {
    let l = loaders(ctx)?;
    let id = Some(id);
    Ok(match kind {
        RecordType::Organisatie => l
            .record::<organisatie::Entity, Organisatie>(id)
            .await?
            .map(Node::from),
        RecordType::Fieldlab => l
            .record::<fieldlab::Entity, Fieldlab>(id)
            .await?
            .map(Node::Fieldlab),
        RecordType::Lectoraat => l
            .record::<lectoraat::Entity, Lectoraat>(id)
            .await?
            .map(Node::Lectoraat),
        RecordType::Minor => l.record::<minor::Entity, Minor>(id).await?.map(Node::Minor),
        RecordType::Community => l
            .record::<community::Entity, Community>(id)
            .await?
            .map(Node::Community),
        RecordType::Opdracht => l
            .record::<opdracht::Entity, Opdracht>(id)
            .await?
            .map(Node::Opdracht),
        RecordType::Vraagstuk => l
            .record::<vraagstuk::Entity, Vraagstuk>(id)
            .await?
            .map(Node::Vraagstuk),
        RecordType::Promotietraject => l
            .record::<promotietraject::Entity, Promotietraject>(id)
            .await?
            .map(Node::Promotietraject),
        RecordType::Bijeenkomst => l
            .record::<bijeenkomst::Entity, Bijeenkomst>(id)
            .await?
            .map(Node::Bijeenkomst),
        RecordType::Kennismakelaar => l
            .record::<kennismakelaar::Entity, Kennismakelaar>(id)
            .await?
            .map(Node::Kennismakelaar),
    })
}

/// The GraphQL type name of an organisation node.
fn node_typename(node: &Node) -> &'static str {
    match node {
        Node::Rijkspartner(_) => "Rijkspartner",
        Node::Kennisinstelling(_) => "Kennisinstelling",
        _ => "Programmabureau",
    }
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
        // The same answer for every valid id of this type that names nothing the caller may
        // see: no detail of the id or the row in it.
        let not_found = || ApiError::NotFound(global.typename.to_owned());
        let kind = global.record_type();
        let node = record_as_node(ctx, kind, global.id)
            .await?
            .filter(|node| match node {
                // The id's type must be the record's kind: "Rijkspartner:7" for a kennisinstelling
                // does not exist.
                Node::Rijkspartner(_) | Node::Kennisinstelling(_) | Node::Programmabureau(_) => {
                    node_typename(node) == global.typename
                }
                _ => true,
            });
        Ok(Some(node.ok_or_else(not_found)?))
    }
}
