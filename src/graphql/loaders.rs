//! Request-scoped loaders: nested fields ask for one key each; the keys of a kind are collected
//! while the request can still make progress and fetched with one query once it cannot, through
//! the request's scope. A page of 100 opdrachten with their opdrachtgever, executing
//! institutions, fieldlab and themes costs the same statements as a page of 10 (a test counts
//! them).
//!
//! Why not async-graphql's `DataLoader`: it starts a batch on a 1 ms timer in a spawned task. On
//! the multi-threaded runtime that timer races the resolvers, splits a large page over several
//! batches and makes the number of statements vary from run to run. Here a batch is opened by
//! the first key of its kind and run by [`met_batches`] when the request is idle, in the
//! request's own task: deterministic, and without waiting on a timer. The per-kind queries are
//! the [`Loader`] impls below.

use crate::db::entities::koppelingen::{
    community_lid, community_thema, fieldlab_deelnemer, fieldlab_thema, lectoraat_fieldlab,
    lectoraat_partner, lectoraat_thema, minor_partner, minor_thema, opdracht_thema,
    opdracht_uitvoerder,
};
use crate::db::entities::{community, fieldlab, lectoraat, minor, opdracht};
use crate::db::{Beschermd, Rij, Scope};
use crate::error::ApiError;
use crate::graphql::types::Thema;
use async_graphql::dataloader::Loader;
use futures_channel::oneshot;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::task::{ArcWake, waker};
use sea_orm::{ColumnTrait, Condition, EntityTrait, ModelTrait};
use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};

/// Runs the per-kind queries through the request's scope.
pub struct ScopeLoader(Scope);

/// A batch that waits for its turn: run, it takes the keys queued so far and loads them.
type Batch = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// Batches opened by a request's loaders, waiting until the request is idle.
#[derive(Clone, Default)]
pub struct Wachtrij(Arc<Mutex<Vec<Batch>>>);

type Antwoord<V> = Result<Option<V>, ApiError>;

/// The keys of one kind that wait for the next batch, with who waits for which.
struct Open<K, V> {
    wachtenden: Vec<(K, oneshot::Sender<Antwoord<V>>)>,
}

type Waarde<K> = <ScopeLoader as Loader<K>>::Value;

/// The loaders of one request.
pub struct Loaders {
    loader: Arc<ScopeLoader>,
    open: Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send>>>>,
    wachtrij: Wachtrij,
}

fn vergrendeld() -> ApiError {
    ApiError::Internal("a loader's lock is poisoned".into())
}

impl Loaders {
    /// Loaders for one request, and the queue their batches wait in. Run the request with
    /// [`met_batches`] on that queue.
    pub fn new(scope: Scope) -> (Self, Wachtrij) {
        let wachtrij = Wachtrij::default();
        let loaders = Self {
            loader: Arc::new(ScopeLoader(scope)),
            open: Arc::default(),
            wachtrij: wachtrij.clone(),
        };
        (loaders, wachtrij)
    }

    /// The value for `key`, loaded in the next batch of its kind.
    pub async fn load<K>(&self, key: K) -> Antwoord<Waarde<K>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        let (tx, rx) = oneshot::channel();
        {
            let mut open = self.open.lock().map_err(|_| vergrendeld())?;
            let entry = open.entry(TypeId::of::<K>()).or_insert_with(|| {
                Box::new(Open::<K, Waarde<K>> {
                    wachtenden: Vec::new(),
                })
            });
            let Some(batch) = entry.downcast_mut::<Open<K, Waarde<K>>>() else {
                return Err(ApiError::Internal(
                    "a loader keyed by the wrong type".into(),
                ));
            };
            if batch.wachtenden.is_empty() {
                self.wachtrij
                    .0
                    .lock()
                    .map_err(|_| vergrendeld())?
                    .push(self.batch::<K>());
            }
            batch.wachtenden.push((key, tx));
        }
        rx.await
            .unwrap_or_else(|_| Err(ApiError::Internal("a batch was dropped".into())))
    }

    /// The record of `E` with `id`, if there is one and the caller may see it, as `N`.
    pub async fn record<E, N>(&self, id: Option<i32>) -> Result<Option<N>, ApiError>
    where
        E: Beschermd + 'static,
        E::Model: Sync + Clone,
        N: From<Rij<E::Model>>,
    {
        match id {
            Some(id) => Ok(self.load(PerId::<E>::new(id)).await?.map(N::from)),
            None => Ok(None),
        }
    }

    /// The values for `keys` (all in the same batch), in their order; missing ones left out.
    pub async fn load_all<K>(&self, keys: Vec<K>) -> Result<Vec<Waarde<K>>, ApiError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        let found = futures_util::future::join_all(keys.into_iter().map(|k| self.load(k))).await;
        let mut values = Vec::with_capacity(found.len());
        for value in found {
            if let Some(value) = value? {
                values.push(value);
            }
        }
        Ok(values)
    }

    /// The batch for keys of kind `K`: when run, takes the waiting keys and loads them at once.
    fn batch<K>(&self) -> Batch
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        let open = self.open.clone();
        let loader = self.loader.clone();
        Box::new(move || {
            let wachtenden = open
                .lock()
                .ok()
                .and_then(|mut open| open.remove(&TypeId::of::<K>()))
                .and_then(|b| b.downcast::<Open<K, Waarde<K>>>().ok())
                .map(|b| b.wachtenden)
                .unwrap_or_default();
            Box::pin(async move {
                let mut gezien = HashSet::new();
                let keys: Vec<K> = wachtenden
                    .iter()
                    .map(|(k, _)| k.clone())
                    .filter(|k| gezien.insert(k.clone()))
                    .collect();
                let resultaat = loader.load(&keys).await;
                for (key, tx) in wachtenden {
                    let antwoord = match &resultaat {
                        Ok(values) => Ok(values.get(&key).cloned()),
                        Err(err) => Err(err.clone()),
                    };
                    let _ = tx.send(antwoord);
                }
            })
        })
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

/// `(parent, linked)` pairs of link table `L` for the parents in `ids`.
async fn van_ouders<P, L, T>(
    scope: &Scope,
    parent: L::Column,
    other: L::Column,
    ids: &[i32],
    alleen_lezen: bool,
    convert: fn(sea_orm::Value) -> Option<T>,
) -> Result<Vec<(i32, T)>, ApiError>
where
    P: Beschermd,
    L: EntityTrait,
    L::Model: Sync,
{
    paren::<P, L, T>(scope, parent, other, parent, ids, alleen_lezen, convert).await
}

/// `(organisation, record)` pairs: the records of `E` that the organisations in `ids` own or
/// are linked to through `L`, among those the caller may read in full.
async fn van_organisaties<E, L>(
    scope: &Scope,
    parent: L::Column,
    org: L::Column,
    ids: &[i32],
) -> Result<Vec<(i32, i32)>, ApiError>
where
    E: Beschermd,
    E::Model: Sync,
    L: EntityTrait,
    L::Model: Sync,
{
    let mut pairs = eigendom::<E>(scope, ids).await?;
    let links = paren::<E, L, i32>(scope, parent, org, org, ids, true, int).await?;
    pairs.extend(links.into_iter().map(|(record, org)| (org, record)));
    Ok(pairs)
}

impl Loader<Themas> for ScopeLoader {
    type Value = Vec<Thema>;
    type Error = ApiError;

    async fn load(&self, keys: &[Themas]) -> Result<HashMap<Themas, Self::Value>, ApiError> {
        let mut result: HashMap<Themas, Vec<Thema>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let alle = self.0.themas().await?;
        let volgorde: HashMap<&str, usize> = alle
            .iter()
            .enumerate()
            .map(|(i, thema)| (thema.code.as_str(), i))
            .collect();
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
            // minoren and communities (docs/access.md); opdrachten are read in full when seen.
            let s = &self.0;
            let pairs = match bron {
                Bron::Fieldlab => {
                    use fieldlab_thema::Column as C;
                    van_ouders::<fieldlab::Entity, fieldlab_thema::Entity, _>(
                        s,
                        C::FieldlabId,
                        C::ThemaCode,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
                Bron::Lectoraat => {
                    use lectoraat_thema::Column as C;
                    van_ouders::<lectoraat::Entity, lectoraat_thema::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::ThemaCode,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
                Bron::Minor => {
                    use minor_thema::Column as C;
                    van_ouders::<minor::Entity, minor_thema::Entity, _>(
                        s,
                        C::MinorId,
                        C::ThemaCode,
                        &ids,
                        true,
                        text,
                    )
                    .await?
                }
                Bron::Community => {
                    use community_thema::Column as C;
                    van_ouders::<community::Entity, community_thema::Entity, _>(
                        s,
                        C::CommunityId,
                        C::ThemaCode,
                        &ids,
                        true,
                        text,
                    )
                    .await?
                }
                Bron::Opdracht => {
                    use opdracht_thema::Column as C;
                    van_ouders::<opdracht::Entity, opdracht_thema::Entity, _>(
                        s,
                        C::OpdrachtId,
                        C::ThemaCode,
                        &ids,
                        false,
                        text,
                    )
                    .await?
                }
            };
            // Keep the themes' display order within each record.
            let mut per_record: HashMap<i32, Vec<usize>> = HashMap::new();
            for (parent, code) in &pairs {
                if let Some(&plaats) = volgorde.get(code.as_str()) {
                    per_record.entry(*parent).or_default().push(plaats);
                }
            }
            for (parent, mut plaatsen) in per_record {
                if let Some(list) = result.get_mut(&Themas(bron, parent)) {
                    plaatsen.sort_unstable();
                    list.extend(plaatsen.into_iter().map(|i| Thema::from(alle[i].clone())));
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
                    van_ouders::<lectoraat::Entity, lectoraat_partner::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::OrganisatieId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                LectoraatFieldlabs => {
                    use lectoraat_fieldlab::Column as C;
                    van_ouders::<lectoraat::Entity, lectoraat_fieldlab::Entity, _>(
                        s,
                        C::LectoraatId,
                        C::FieldlabId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                FieldlabLectoraten => {
                    // Read from the fieldlab's side: the link belongs to the lectoraat.
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
                    van_ouders::<minor::Entity, minor_partner::Entity, _>(
                        s,
                        C::MinorId,
                        C::OrganisatieId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                CommunityLeden => {
                    use community_lid::Column as C;
                    van_ouders::<community::Entity, community_lid::Entity, _>(
                        s,
                        C::CommunityId,
                        C::OrganisatieId,
                        &ids,
                        true,
                        int,
                    )
                    .await?
                }
                OpdrachtUitvoerders => {
                    use opdracht_uitvoerder::Column as C;
                    van_ouders::<opdracht::Entity, opdracht_uitvoerder::Entity, _>(
                        s,
                        C::OpdrachtId,
                        C::OrganisatieId,
                        &ids,
                        false,
                        int,
                    )
                    .await?
                }
                FieldlabsVanOrganisatie => {
                    use fieldlab_deelnemer::Column as C;
                    van_organisaties::<fieldlab::Entity, fieldlab_deelnemer::Entity>(
                        s,
                        C::FieldlabId,
                        C::OrganisatieId,
                        &ids,
                    )
                    .await?
                }
                LectoratenVanOrganisatie => {
                    use lectoraat_partner::Column as C;
                    van_organisaties::<lectoraat::Entity, lectoraat_partner::Entity>(
                        s,
                        C::LectoraatId,
                        C::OrganisatieId,
                        &ids,
                    )
                    .await?
                }
                MinorenVanOrganisatie => {
                    use minor_partner::Column as C;
                    van_organisaties::<minor::Entity, minor_partner::Entity>(
                        s,
                        C::MinorId,
                        C::OrganisatieId,
                        &ids,
                    )
                    .await?
                }
                CommunitiesVanOrganisatie => {
                    use community_lid::Column as C;
                    van_organisaties::<community::Entity, community_lid::Entity>(
                        s,
                        C::CommunityId,
                        C::OrganisatieId,
                        &ids,
                    )
                    .await?
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

/// A waker that notes that it was woken, and passes the wake on.
struct Gewekt {
    vlag: AtomicBool,
    door: Waker,
}

impl ArcWake for Gewekt {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.vlag.store(true, Ordering::SeqCst);
        arc_self.door.wake_by_ref();
    }
}

/// Runs a request and the DataLoader batches it starts, in one task.
///
/// A batch waits until the request cannot make progress on its own: every resolver that can
/// run has run and queued its key. Only then are the queued batches polled. So one level of a
/// response costs one query per relation, whatever the number of rows, and no batch waits on a
/// timer. (The usual way, a spawned batch task with a 1 ms delay, races the resolvers on the
/// multi-threaded runtime and splits a large page over several batches.)
pub async fn met_batches<F: Future>(wachtrij: Wachtrij, verzoek: F) -> F::Output {
    let mut verzoek = std::pin::pin!(verzoek);
    let mut batches: FuturesUnordered<BoxFuture<'static, ()>> = FuturesUnordered::new();
    // Every turn polls the request once and returns to the runtime, so that other tasks
    // (other requests, `/healthz`) run between the turns of a long request.
    std::future::poll_fn(move |cx: &mut TaskContext<'_>| {
        let gewekt = Arc::new(Gewekt {
            vlag: AtomicBool::new(false),
            door: cx.waker().clone(),
        });
        let w = waker(gewekt.clone());
        if let Poll::Ready(output) = verzoek.as_mut().poll(&mut TaskContext::from_waker(&w)) {
            return Poll::Ready(output);
        }
        if gewekt.vlag.load(Ordering::SeqCst) {
            // The request can go on (a large list is resolved in chunks); it has woken this
            // task, which the runtime polls again after the others.
            return Poll::Pending;
        }
        // The request is idle. Batches run level by level: new ones start only when the
        // running ones are done, so keys that the results of one batch lead to are merged
        // with those that the results of the others lead to, however fast each returns.
        if batches.is_empty() {
            if let Ok(mut queue) = wachtrij.0.lock() {
                batches.extend(queue.drain(..).map(|batch| batch()));
            }
            if batches.is_empty() {
                return Poll::Pending;
            }
        }
        if batches.poll_next_unpin(cx).is_ready() {
            // A batch is done: its waiters go on in the next turn.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request that resolves in `n` chunks, waking itself after each (as async-graphql does
    /// for a long list).
    struct InStukken {
        over: usize,
        gepold: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Future for InStukken {
        type Output = ();
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
            self.gepold.fetch_add(1, Ordering::SeqCst);
            if self.over == 0 {
                return Poll::Ready(());
            }
            self.over -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn a_request_that_can_go_on_still_lets_the_runtime_run_other_tasks() {
        let gepold = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let verzoek = InStukken {
            over: 1000,
            gepold: gepold.clone(),
        };
        let mut uitvoering = std::pin::pin!(met_batches(Wachtrij::default(), verzoek));
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(uitvoering.as_mut().poll(&mut cx).is_pending());
        assert_eq!(gepold.load(Ordering::SeqCst), 1, "one chunk per turn");
        while uitvoering.as_mut().poll(&mut cx).is_pending() {}
        assert_eq!(gepold.load(Ordering::SeqCst), 1001);
    }
}
