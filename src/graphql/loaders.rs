//! Request-scoped loaders: nested fields ask for one key each; the keys of a kind are collected
//! while the request can still make progress and fetched with one query once it cannot, through
//! the request's scope. A page of 100 opdrachten with their opdrachtgever, executing
//! institutions, fieldlab and themes costs the same statements as a page of 10 (a test counts
//! them).
//!
//! Why not async-graphql's `DataLoader`: it starts a batch on a 1 ms timer in a spawned task. On
//! the multi-threaded runtime that timer races the resolvers, splits a large page over several
//! batches and makes the number of statements vary from run to run. Here a batch is opened by
//! the first key of its kind and run by [`with_batches`] when the request is idle, in the
//! request's own task: deterministic, and without waiting on a timer. The per-kind queries are
//! the [`Loader`] impls below.

use crate::db::{Link, Policy, Row, Scope};
use crate::error::ApiError;
use crate::graphql::types::Thema;
use async_graphql::dataloader::Loader;
use futures_channel::oneshot;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::task::{ArcWake, waker};
use sea_orm::{EntityTrait, ModelTrait};
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
pub struct BatchQueue(Arc<Mutex<Vec<Batch>>>);

type Answer<V> = Result<Option<V>, ApiError>;

/// The keys of one kind that wait for the next batch, with who waits for which.
struct Waiting<K, V> {
    waiting: Vec<(K, oneshot::Sender<Answer<V>>)>,
}

type ValueOf<K> = <ScopeLoader as Loader<K>>::Value;

/// The loaders of one request.
pub struct Loaders {
    loader: Arc<ScopeLoader>,
    open: Arc<Mutex<HashMap<TypeId, Box<dyn Any + Send>>>>,
    queue: BatchQueue,
}

fn poisoned() -> ApiError {
    ApiError::Internal("a loader's lock is poisoned".into())
}

impl Loaders {
    /// Loaders for one request, and the queue their batches wait in. Run the request with
    /// [`with_batches`] on that queue.
    pub fn new(scope: Scope) -> (Self, BatchQueue) {
        let queue = BatchQueue::default();
        let loaders = Self {
            loader: Arc::new(ScopeLoader(scope)),
            open: Arc::default(),
            queue: queue.clone(),
        };
        (loaders, queue)
    }

    /// The value for `key`, loaded in the next batch of its kind.
    pub async fn load<K>(&self, key: K) -> Answer<ValueOf<K>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        ScopeLoader: Loader<K, Error = ApiError>,
    {
        let (tx, rx) = oneshot::channel();
        {
            let mut open = self.open.lock().map_err(|_| poisoned())?;
            let entry = open.entry(TypeId::of::<K>()).or_insert_with(|| {
                Box::new(Waiting::<K, ValueOf<K>> {
                    waiting: Vec::new(),
                })
            });
            let Some(batch) = entry.downcast_mut::<Waiting<K, ValueOf<K>>>() else {
                return Err(ApiError::Internal(
                    "a loader keyed by the wrong type".into(),
                ));
            };
            if batch.waiting.is_empty() {
                self.queue
                    .0
                    .lock()
                    .map_err(|_| poisoned())?
                    .push(self.batch::<K>());
            }
            batch.waiting.push((key, tx));
        }
        rx.await
            .unwrap_or_else(|_| Err(ApiError::Internal("a batch was dropped".into())))
    }

    /// The record of `E` with `id`, if there is one and the caller may see it, as `N`.
    pub async fn record<E, N>(&self, id: Option<i32>) -> Result<Option<N>, ApiError>
    where
        E: Policy + 'static,
        E::Model: Sync + Clone,
        N: From<Row<E::Model>>,
    {
        match id {
            Some(id) => Ok(self.load(ById::<E>::new(id)).await?.map(N::from)),
            None => Ok(None),
        }
    }

    /// The values for `keys` (all in the same batch), in their order; missing ones left out.
    pub async fn load_all<K>(&self, keys: Vec<K>) -> Result<Vec<ValueOf<K>>, ApiError>
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
            let waiting = open
                .lock()
                .ok()
                .and_then(|mut open| open.remove(&TypeId::of::<K>()))
                .and_then(|b| b.downcast::<Waiting<K, ValueOf<K>>>().ok())
                .map(|b| b.waiting)
                .unwrap_or_default();
            Box::pin(async move {
                let mut seen = HashSet::new();
                let keys: Vec<K> = waiting
                    .iter()
                    .map(|(k, _)| k.clone())
                    .filter(|k| seen.insert(k.clone()))
                    .collect();
                let result = loader.load(&keys).await;
                for (key, tx) in waiting {
                    let answer = match &result {
                        Ok(values) => Ok(values.get(&key).cloned()),
                        Err(err) => Err(err.clone()),
                    };
                    let _ = tx.send(answer);
                }
            })
        })
    }
}

/// A record of `E` by id, as the caller may see it.
pub struct ById<E>(pub i32, PhantomData<fn() -> E>);

impl<E> ById<E> {
    pub fn new(id: i32) -> Self {
        Self(id, PhantomData)
    }
}

impl<E> Clone for ById<E> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<E> PartialEq for ById<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for ById<E> {}
impl<E> Hash for ById<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

impl<E> Loader<ById<E>> for ScopeLoader
where
    E: Policy + 'static,
    E::Model: Sync + Clone,
{
    type Value = Row<E::Model>;
    type Error = ApiError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        Ok(self
            .0
            .by_ids::<E>(&ids)
            .await?
            .into_iter()
            .map(|row| (ById::new(row.id()), row))
            .collect())
    }
}

/// An organisation by id.
pub type OrganisatieById = ById<crate::db::entities::organisatie::Entity>;

/// The values linked to a record (or an organisation) through one of the links the policies
/// declare; read with that link's rule. `seen`: the record is a row the caller was given with
/// rights that meet the link's need (set only by [`Loaders::linked`], from the row itself), so
/// the link is read by the record's id alone, without testing its rule again.
pub struct Linked<V: 'static>(&'static dyn Link<V>, i32, bool);

impl<V> Linked<V> {
    /// The values linked to organisation `id`, read with the link's whole rule.
    pub fn of_organisation(link: &'static dyn Link<V>, id: i32) -> Self {
        Self(link, id, false)
    }
}

impl<V> Clone for Linked<V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for Linked<V> {}
impl<V> PartialEq for Linked<V> {
    fn eq(&self, other: &Self) -> bool {
        self.0.name() == other.0.name() && self.1 == other.1 && self.2 == other.2
    }
}
impl<V> Eq for Linked<V> {}
impl<V> Hash for Linked<V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.name().hash(state);
        self.1.hash(state);
        self.2.hash(state);
    }
}

impl<V: Clone + PartialEq + Send + Sync + 'static> Loader<Linked<V>> for ScopeLoader {
    type Value = Vec<V>;
    type Error = ApiError;

    async fn load(&self, keys: &[Linked<V>]) -> Result<HashMap<Linked<V>, Vec<V>>, ApiError> {
        let mut result: HashMap<Linked<V>, Vec<V>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let mut per_link: Vec<(&'static dyn Link<V>, bool, Vec<i32>)> = Vec::new();
        for key in keys {
            match per_link
                .iter_mut()
                .find(|(link, seen, _)| link.name() == key.0.name() && *seen == key.2)
            {
                Some((_, _, ids)) => ids.push(key.1),
                None => per_link.push((key.0, key.2, vec![key.1])),
            }
        }
        for (link, seen, ids) in per_link {
            for (id, value) in link.pairs(&self.0, &ids, seen).await? {
                if let Some(list) = result.get_mut(&Linked(link, id, seen))
                    && !list.contains(&value)
                {
                    list.push(value);
                }
            }
        }
        Ok(result)
    }
}

/// The theme catalogue, in display order (loaded once per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ThemeCatalogue;

impl Loader<ThemeCatalogue> for ScopeLoader {
    type Value = Arc<Vec<Thema>>;
    type Error = ApiError;

    async fn load(
        &self,
        _: &[ThemeCatalogue],
    ) -> Result<HashMap<ThemeCatalogue, Self::Value>, ApiError> {
        let themas = self
            .0
            .themas()
            .await?
            .into_iter()
            .map(Thema::from)
            .collect();
        Ok(HashMap::from([(ThemeCatalogue, Arc::new(themas))]))
    }
}

impl Loaders {
    /// What a link of a record shows the caller whose rights on the record are `rights`:
    /// `None` when the link is part of the record and the rights do not meet its need (not
    /// loaded at all), or when nothing shows; otherwise the linked values the link's rule lets
    /// through. A link between two records shows from either side.
    pub async fn linked<M, V>(
        &self,
        link: &'static dyn Link<V>,
        row: &Row<M>,
    ) -> Result<Option<Vec<V>>, ApiError>
    where
        M: ModelTrait,
        M::Entity: Policy + EntityTrait<Model = M>,
        V: Clone + PartialEq + Send + Sync + 'static,
    {
        let rights = row.rights();
        let own_right = link.need().is_some_and(|need| rights.meet(need));
        if link.need().is_some() && !own_right {
            return Ok(None);
        }
        let key = Linked(link, row.id(), own_right);
        let values = self.load(key).await?.unwrap_or_default();
        Ok((own_right || rights.full || !values.is_empty()).then_some(values))
    }

    /// The records of `E` among `ids` that the caller may see, as `N`, in the order of `ids`.
    pub async fn records<E, N>(&self, ids: Vec<i32>) -> Result<Vec<N>, ApiError>
    where
        E: Policy + 'static,
        E::Model: Sync + Clone,
        N: From<Row<E::Model>>,
    {
        let keys = ids.into_iter().map(ById::<E>::new).collect();
        Ok(self
            .load_all(keys)
            .await?
            .into_iter()
            .map(N::from)
            .collect())
    }

    /// The records of `E` linked to a record through `link`, as [`Self::linked`] shows them.
    pub async fn linked_records<M, E, N>(
        &self,
        link: &'static dyn Link<i32>,
        row: &Row<M>,
    ) -> Result<Option<Vec<N>>, ApiError>
    where
        M: ModelTrait,
        M::Entity: Policy + EntityTrait<Model = M>,
        E: Policy + 'static,
        E::Model: Sync + Clone,
        N: From<Row<E::Model>>,
    {
        match self.linked(link, row).await? {
            Some(ids) => Ok(Some(self.records::<E, N>(ids).await?)),
            None => Ok(None),
        }
    }

    /// The theme with `code`, from the catalogue.
    pub async fn thema(&self, code: &str) -> Result<Option<Thema>, ApiError> {
        let catalogue = self.load(ThemeCatalogue).await?.unwrap_or_default();
        Ok(catalogue.iter().find(|t| t.code == code).cloned())
    }

    /// The themes of a record through its theme link, in the catalogue's display order.
    pub async fn themas<M>(
        &self,
        link: &'static dyn Link<String>,
        row: &Row<M>,
    ) -> Result<Option<Vec<Thema>>, ApiError>
    where
        M: ModelTrait,
        M::Entity: Policy + EntityTrait<Model = M>,
    {
        let Some(codes) = self.linked(link, row).await? else {
            return Ok(None);
        };
        let catalogue = self.load(ThemeCatalogue).await?.unwrap_or_default();
        Ok(Some(
            catalogue
                .iter()
                .filter(|thema| codes.contains(&thema.code))
                .cloned()
                .collect(),
        ))
    }
}

/// A waker that notes that it was woken, and passes the wake on.
struct WakeFlag {
    flag: AtomicBool,
    inner: Waker,
}

impl ArcWake for WakeFlag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.flag.store(true, Ordering::SeqCst);
        arc_self.inner.wake_by_ref();
    }
}

/// Runs a request and the DataLoader batches it starts, in one task.
///
/// A batch waits until the request cannot make progress on its own: every resolver that can
/// run has run and queued its key. Only then are the queued batches polled. So one level of a
/// response costs one query per relation, whatever the number of rows, and no batch waits on a
/// timer. (The usual way, a spawned batch task with a 1 ms delay, races the resolvers on the
/// multi-threaded runtime and splits a large page over several batches.)
pub async fn with_batches<F: Future>(queue: BatchQueue, request: F) -> F::Output {
    let mut request = std::pin::pin!(request);
    let mut driver = Driver::new(queue);
    std::future::poll_fn(move |cx| driver.poll(cx, |cx| request.as_mut().poll(cx))).await
}

/// [`with_batches`] for a stream of answers (a live subscription): between the events, the
/// batches its resolvers open run the same way, level by level, in the stream's own task.
pub fn stream_with_batches<S: futures_util::Stream>(
    queue: BatchQueue,
    stream: S,
) -> impl futures_util::Stream<Item = S::Item> {
    let mut stream = Box::pin(stream);
    let mut driver = Driver::new(queue);
    futures_util::stream::poll_fn(move |cx| driver.poll(cx, |cx| stream.as_mut().poll_next(cx)))
}

/// The batches of one request, run when the request is idle.
struct Driver {
    queue: BatchQueue,
    batches: FuturesUnordered<BoxFuture<'static, ()>>,
}

impl Driver {
    fn new(queue: BatchQueue) -> Self {
        Self {
            queue,
            batches: FuturesUnordered::new(),
        }
    }

    /// Polls the request once (`request`), then, if it is idle, its batches.
    fn poll<T>(
        &mut self,
        cx: &mut TaskContext<'_>,
        request: impl FnOnce(&mut TaskContext<'_>) -> Poll<T>,
    ) -> Poll<T> {
        // Every turn polls the request once and returns to the runtime, so that other tasks
        // (other requests, `/healthz`) run between the turns of a long request.
        let woken = Arc::new(WakeFlag {
            flag: AtomicBool::new(false),
            inner: cx.waker().clone(),
        });
        let w = waker(woken.clone());
        if let Poll::Ready(output) = request(&mut TaskContext::from_waker(&w)) {
            return Poll::Ready(output);
        }
        if woken.flag.load(Ordering::SeqCst) {
            // The request can go on (a large list is resolved in chunks); it has woken this
            // task, which the runtime polls again after the others.
            return Poll::Pending;
        }
        // The request is idle. Batches run level by level: new ones start only when the
        // running ones are done, so keys that the results of one batch lead to are merged
        // with those that the results of the others lead to, however fast each returns.
        if self.batches.is_empty() {
            if let Ok(mut opened) = self.queue.0.lock() {
                self.batches.extend(opened.drain(..).map(|batch| batch()));
            }
            if self.batches.is_empty() {
                return Poll::Pending;
            }
        }
        if self.batches.poll_next_unpin(cx).is_ready() {
            // A batch is done: its waiters go on in the next turn.
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request that resolves in `n` chunks, waking itself after each (as async-graphql does
    /// for a long list).
    struct InChunks {
        left: usize,
        polls: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Future for InChunks {
        type Output = ();
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
            self.polls.fetch_add(1, Ordering::SeqCst);
            if self.left == 0 {
                return Poll::Ready(());
            }
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    #[test]
    fn a_request_that_can_go_on_still_lets_the_runtime_run_other_tasks() {
        let polls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let request = InChunks {
            left: 1000,
            polls: polls.clone(),
        };
        let mut run = std::pin::pin!(with_batches(BatchQueue::default(), request));
        let mut cx = TaskContext::from_waker(Waker::noop());
        assert!(run.as_mut().poll(&mut cx).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 1, "one chunk per turn");
        while run.as_mut().poll(&mut cx).is_pending() {}
        assert_eq!(polls.load(Ordering::SeqCst), 1001);
    }
}
