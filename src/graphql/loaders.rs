//! Request-scoped DataLoaders: nested fields ask for one key each; the loader collects the keys
//! of a whole response level and fetches them with one query per kind, through the request's
//! scope. A page of 100 opdrachten with their opdrachtgever, executing institutions, fieldlab and
//! themes costs the same handful of statements as a page of 10 (a test counts them).
//!
//! One loader type serves every key type, so a request carries a single [`Loaders`] value.

use crate::db::entities::koppelingen::{
    community_lid, community_thema, fieldlab_deelnemer, fieldlab_thema, lectoraat_fieldlab,
    lectoraat_partner, lectoraat_thema, minor_partner, minor_thema, opdracht_thema,
    opdracht_uitvoerder,
};
use crate::db::entities::{community, fieldlab, lectoraat, minor, opdracht};
use crate::db::{Beschermd, Rij, Scope};
use crate::error::ApiError;
use crate::graphql::types::Thema;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, Condition, EntityTrait, ModelTrait};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// Loads through the request's scope.
pub struct ScopeLoader(Scope);

/// The loaders of one request.
pub struct Loaders(DataLoader<ScopeLoader>);

impl Loaders {
    pub fn new(scope: Scope) -> Self {
        Self(DataLoader::new(ScopeLoader(scope), tokio::spawn))
    }

    pub async fn load<K>(
        &self,
        key: K,
    ) -> Result<Option<<ScopeLoader as Loader<K>>::Value>, ApiError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        self.0.load_one(key).await
    }

    /// Loads many keys in one batch; missing ones are left out, order is kept.
    pub async fn load_all<K>(
        &self,
        keys: Vec<K>,
    ) -> Result<Vec<<ScopeLoader as Loader<K>>::Value>, ApiError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        let mut found = self.0.load_many(keys.iter().cloned()).await?;
        Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
    }
}

/// A record of `E` by id, as the caller may see it.
pub struct PerId<E>(pub i32, PhantomData<fn() -> E>);

impl<E> PerId<E> {
    pub fn new(id: i32) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for PerId<E> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<E> PartialEq for PerId<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for PerId<E> {}
impl<E> Hash for PerId<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl<E> Loader<PerId<E>> for ScopeLoader
where
    E: Beschermd + 'static,
    E::Model: Sync + Clone,
{
    type Value = Rij<E::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[PerId<E>]) -> Result<HashMap<PerId<E>, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        Ok(self
            .0
            .per_id::<E>(&ids)
            .await?
            .into_iter()
            .map(|rij| (PerId::new(E::id_van(&rij.model)), rij))
            .collect())
    }
}

/// An organisation by id.
pub type OrganisatieId = PerId<crate::db::entities::organisatie::Entity>;

/// The kinds of record that have themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bron {
    Fieldlab,
    Lectoraat,
    Minor,
    Community,
    Opdracht,
}

/// The themes of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Themas(pub Bron, pub i32);

fn int(value: sea_orm::Value) -> Option<i32> {
    match value {
        sea_orm::Value::Int(Some(v)) => Some(v),
        sea_orm::Value::BigInt(Some(v)) => i32::try_from(v).ok(),
        _ => None,
    }
}

fn text(value: sea_orm::Value) -> Option<String> {
    match value {
        sea_orm::Value::String(Some(v)) => Some(v.to_string()),
        _ => None,
    }
}

/// `(parent, other)` pairs of a link table for the parents in `ids`, through the parent's rule.
async fn paren<P, L, T>(
    scope: &Scope,
    parent: L::Column,
    other: L::Column,
    filter_on: L::Column,
    ids: &[i32],
    alleen_lezen: bool,
    convert: fn(sea_orm::Value) -> Option<T>,
) -> Result<Vec<(i32, T)>, ApiError>
where
    P: Beschermd,
    L: EntityTrait,
    L::Model: Sync,
{
    let links = scope
        .koppelingen::<P, L>(
            parent,
            Condition::all().add(filter_on.is_in(ids.iter().copied())),
            alleen_lezen,
        )
        .await?;
    Ok(links
        .into_iter()
        .filter_map(|l| Some((int(l.get(parent))?, convert(l.get(other))?)))
        .collect())
}

impl Loader<Themas> for ScopeLoader {
    type Value = Vec<Thema>;
    type Error = ApiError;

    async fn load(&self, keys: &[Themas]) -> Result<HashMap<Themas, Self::Value>, ApiError> {
        let mut result: HashMap<Themas, Vec<Thema>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let alle = self.0.themas().await?;
        for bron in [
            Bron::Fieldlab,
            Bron::Lectoraat,
            Bron::Minor,
            Bron::Community,
            Bron::Opdracht,
        ] {
            let ids: Vec<i32> = keys.iter().filter(|k| k.0 == bron).map(|k| k.1).collect();
            if ids.is_empty() {
                continue;
            }
            // Themes are public for fieldlabs and lectoraten, and need full read access for
            // minoren and communities (DESIGN.md §2); opdrachten are read in full when seen.
            let s = &self.0;
            let pairs = match bron {
                Bron::Fieldlab => {
                    use fieldlab_thema::Column as C;
                    paren::<fieldlab::Entity, fieldlab_thema::Entity, _>(
                        s,
                        C::FieldlabId,
                        C::ThemaCode,
                        C::FieldlabId,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
                Bron::Lectoraat => {
                    use lectoraat_thema::Column as C;
                    paren::<lectoraat::Entity, lectoraat_thema::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::ThemaCode,
                        C::LectoraatId,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
                Bron::Minor => {
                    use minor_thema::Column as C;
                    paren::<minor::Entity, minor_thema::Entity, _>(
                        s,
                        C::MinorId,
                        C::ThemaCode,
                        C::MinorId,
                        &ids,
                        true,
                        text,
                    )
                    .await?
                }
                Bron::Community => {
                    use community_thema::Column as C;
                    paren::<community::Entity, community_thema::Entity, _>(
                        s,
                        C::CommunityId,
                        C::ThemaCode,
                        C::CommunityId,
                        &ids,
                        true,
                        text,
                    )
                    .await?
                }
                Bron::Opdracht => {
                    use opdracht_thema::Column as C;
                    paren::<opdracht::Entity, opdracht_thema::Entity, _>(
                        s,
                        C::OpdrachtId,
                        C::ThemaCode,
                        C::OpdrachtId,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
            };
            // Keep the themes' display order within each record.
            for thema in &alle {
                for (parent, _) in pairs.iter().filter(|(_, code)| *code == thema.code) {
                    if let Some(list) = result.get_mut(&Themas(bron, *parent)) {
                        list.push(thema.clone().into());
                    }
                }
            }
        }
        Ok(result)
    }
}

/// Links from a record to others (organisations or fieldlabs), by their ids. All of these are
/// participant data: they are only read for records the caller may read in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Koppeling {
    /// Rijkspartners linked to a lectoraat.
    LectoraatPartners,
    /// Fieldlabs linked to a lectoraat.
    LectoraatFieldlabs,
    /// Lectoraten linked to a fieldlab.
    FieldlabLectoraten,
    /// Rijkspartners co-developing a minor.
    MinorPartners,
    /// Member organisations of a community.
    CommunityLeden,
    /// Kennisinstellingen carrying out an opdracht.
    OpdrachtUitvoerders,
    /// Fieldlabs an organisation leads or takes part in.
    FieldlabsVanOrganisatie,
    /// Lectoraten an organisation owns or is linked to.
    LectoratenVanOrganisatie,
    /// Minoren an organisation owns or co-develops.
    MinorenVanOrganisatie,
    /// Communities an organisation owns or is a member of.
    CommunitiesVanOrganisatie,
}

/// The ids linked to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gekoppeld(pub Koppeling, pub i32);

/// No limit (the largest LIMIT both databases accept).
const ALLES: u64 = i64::MAX as u64;

/// Records of `E` owned by the organisations in `ids` that the caller may read in full, as
/// `(owner, record)` pairs.
async fn eigendom<E>(scope: &Scope, ids: &[i32]) -> Result<Vec<(i32, i32)>, ApiError>
where
    E: Beschermd,
    E::Model: Sync,
{
    let filter = Condition::all()
        .add(E::eigenaar().is_in(ids.iter().copied()))
        .add(scope.leesbaar::<E>());
    Ok(scope
        .lijst::<E>(filter, Vec::new(), ALLES)
        .await?
        .into_iter()
        .filter_map(|rij| Some((int(rij.model.get(E::eigenaar()))?, E::id_van(&rij.model))))
        .collect())
}

impl Loader<Gekoppeld> for ScopeLoader {
    type Value = Vec<i32>;
    type Error = ApiError;

    async fn load(&self, keys: &[Gekoppeld]) -> Result<HashMap<Gekoppeld, Self::Value>, ApiError> {
        use Koppeling::*;
        let mut result: HashMap<Gekoppeld, Vec<i32>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let s = &self.0;
        for soort in [
            LectoraatPartners,
            LectoraatFieldlabs,
            FieldlabLectoraten,
            MinorPartners,
            CommunityLeden,
            OpdrachtUitvoerders,
            FieldlabsVanOrganisatie,
            LectoratenVanOrganisatie,
            MinorenVanOrganisatie,
            CommunitiesVanOrganisatie,
        ] {
            let ids: Vec<i32> = keys.iter().filter(|k| k.0 == soort).map(|k| k.1).collect();
            if ids.is_empty() {
                continue;
            }
            // (key id, linked id) pairs.
            let pairs: Vec<(i32, i32)> = match soort {
                LectoraatPartners => {
                    use lectoraat_partner::Column as C;
                    paren::<lectoraat::Entity, lectoraat_partner::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::OrganisatieId,
                        C::LectoraatId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                LectoraatFieldlabs => {
                    use lectoraat_fieldlab::Column as C;
                    paren::<lectoraat::Entity, lectoraat_fieldlab::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::FieldlabId,
                        C::LectoraatId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                FieldlabLectoraten => {
                    use lectoraat_fieldlab::Column as C;
                    paren::<lectoraat::Entity, lectoraat_fieldlab::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::FieldlabId,
                        C::FieldlabId,
                        &ids,
                        false,
                        int,
                    )
                    .await?
                    .into_iter()
                    .map(|(lectoraat, lab)| (lab, lectoraat))
                    .collect()
                }
                MinorPartners => {
                    use minor_partner::Column as C;
                    paren::<minor::Entity, minor_partner::Entity, _>(
                        s,
                        C::MinorId,
                        C::OrganisatieId,
                        C::MinorId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                CommunityLeden => {
                    use community_lid::Column as C;
                    paren::<community::Entity, community_lid::Entity, _>(
                        s,
                        C::CommunityId,
                        C::OrganisatieId,
                        C::CommunityId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                OpdrachtUitvoerders => {
                    use opdracht_uitvoerder::Column as C;
                    paren::<opdracht::Entity, opdracht_uitvoerder::Entity, _>(
                        s,
                        C::OpdrachtId,
                        C::OrganisatieId,
                        C::OpdrachtId,
                        &ids,
                        false,
                        int,
                    )
                    .await?
                }
                FieldlabsVanOrganisatie => {
                    use fieldlab_deelnemer::Column as C;
                    let mut pairs = eigendom::<fieldlab::Entity>(s, &ids).await?;
                    pairs.extend(
                        paren::<fieldlab::Entity, fieldlab_deelnemer::Entity, _>(
                            s,
                            C::FieldlabId,
                            C::OrganisatieId,
                            C::OrganisatieId,
                            &ids,
                            true,
                            int,
                        )
                        .await?
                        .into_iter()
                        .map(|(lab, org)| (org, lab)),
                    );
                    pairs
                }
                LectoratenVanOrganisatie => {
                    use lectoraat_partner::Column as C;
                    let mut pairs = eigendom::<lectoraat::Entity>(s, &ids).await?;
                    pairs.extend(
                        paren::<lectoraat::Entity, lectoraat_partner::Entity, _>(
                            s,
                            C::LectoraatId,
                            C::OrganisatieId,
                            C::OrganisatieId,
                            &ids,
                            true,
                            int,
                        )
                        .await?
                        .into_iter()
                        .map(|(l, org)| (org, l)),
                    );
                    pairs
                }
                MinorenVanOrganisatie => {
                    use minor_partner::Column as C;
                    let mut pairs = eigendom::<minor::Entity>(s, &ids).await?;
                    pairs.extend(
                        paren::<minor::Entity, minor_partner::Entity, _>(
                            s,
                            C::MinorId,
                            C::OrganisatieId,
                            C::OrganisatieId,
                            &ids,
                            true,
                            int,
                        )
                        .await?
                        .into_iter()
                        .map(|(m, org)| (org, m)),
                    );
                    pairs
                }
                CommunitiesVanOrganisatie => {
                    use community_lid::Column as C;
                    let mut pairs = eigendom::<community::Entity>(s, &ids).await?;
                    pairs.extend(
                        paren::<community::Entity, community_lid::Entity, _>(
                            s,
                            C::CommunityId,
                            C::OrganisatieId,
                            C::OrganisatieId,
                            &ids,
                            true,
                            int,
                        )
                        .await?
                        .into_iter()
                        .map(|(c, org)| (org, c)),
                    );
                    pairs
                }
            };
            for (key, linked) in pairs {
                if let Some(list) = result.get_mut(&Gekoppeld(soort, key))
                    && !list.contains(&linked)
                {
                    list.push(linked);
                }
            }
        }
        Ok(result)
    }
}

/// The participants of a fieldlab with their role (only for fieldlabs the caller may read in
/// full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldlabDeelnemers(pub i32);

impl Loader<FieldlabDeelnemers> for ScopeLoader {
    type Value = Vec<fieldlab_deelnemer::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[FieldlabDeelnemers],
    ) -> Result<HashMap<FieldlabDeelnemers, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let links = self
            .0
            .koppelingen::<fieldlab::Entity, fieldlab_deelnemer::Entity>(
                fieldlab_deelnemer::Column::FieldlabId,
                Condition::all().add(fieldlab_deelnemer::Column::FieldlabId.is_in(ids)),
                true,
            )
            .await?;
        let mut result: HashMap<FieldlabDeelnemers, Self::Value> = HashMap::new();
        for link in links {
            result
                .entry(FieldlabDeelnemers(link.fieldlab_id))
                .or_default()
                .push(link);
        }
        Ok(result)
    }
}
