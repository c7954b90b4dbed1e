//! `me`: who the caller is, according to their token.

use super::loaders::OrganisatieById;
use super::organisaties::Organisatie;
use super::{loaders, scope};
use crate::auth::Rol;
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The caller: anonymous (no token) or a person acting for an organisation in a role.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let principal = scope(ctx)?.principal().cloned();
        let organisatie = match &principal {
            Some(p) => loaders(ctx)?
                .load(OrganisatieById::new(p.organisatie_id))
                .await?
                .map(Organisatie::from),
            None => None,
        };
        Ok(Me {
            principal,
            organisatie,
        })
    }
}

pub struct Me {
    principal: Option<crate::auth::Principal>,
    organisatie: Option<Organisatie>,
}

/// Me: the caller as this API sees them.
#[Object]
impl Me {
    /// True when the request carried a valid token; false for anonymous callers, who see the
    /// public catalogue only.
    async fn ingelogd(&self) -> bool {
        self.principal.is_some()
    }

    /// The token's subject (`sub`): who the caller is at their identity provider.
    async fn subject(&self) -> Option<&str> {
        self.principal.as_ref().map(|p| p.subject.as_str())
    }

    /// The caller's role.
    async fn rol(&self) -> Option<Rol> {
        self.principal.as_ref().map(|p| p.rol)
    }

    /// The organisation the caller acts for.
    async fn organisatie(&self) -> Option<&Organisatie> {
        self.organisatie.as_ref()
    }
}
