//! The change signal: how a live subscription learns that the change log has grown, without
//! asking the database over and over.
//!
//! The signal carries no changes, only "look again": a subscriber reads the change feed from
//! its own cursor when it fires ([`super::Scope::feed`]), so what it receives is exactly what
//! a client polling the feed would receive, under the same visibility rule, in the same order,
//! with no gap and no duplicate however the signals are merged, lost or repeated.
//!
//! Two sources raise it:
//! - **this process**: every write session that commits ([`super::WriteSession::commit`]);
//! - **other processes on the same PostgreSQL database**: a statement trigger on the change log
//!   (migration 31) sends `NOTIFY ipartnerschap_wijzigingen`, delivered at commit; one
//!   connection per process listens (`LISTEN`), started by the first subscriber. When that
//!   connection is lost, notifications sent meanwhile are lost too, so the signal fires after
//!   every reconnect: subscribers then catch up from their cursors.
//!
//! SQLite has no such channel. There one task per process (started by the first subscriber)
//! reads the newest change number every [`POLL`] and raises the signal when it has moved:
//! writes of this process are seen at once, those of another process on the same file within
//! that time, for one indexed read per process, however many subscribers there are.

use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::sync::Arc;
use tokio::sync::watch;

/// The PostgreSQL channel the trigger of migration 31 notifies.
pub const CHANNEL: &str = "ipartnerschap_wijzigingen";

/// How often a process on SQLite looks for changes written by other processes.
pub const POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// How often the listener on PostgreSQL checks whether anybody still subscribes.
const CHECK_SUBSCRIBERS: std::time::Duration = std::time::Duration::from_secs(5);

/// How long the listener waits before it connects again after an error.
const RECONNECT_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// "The change log may have grown": a counter that only goes up. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ChangeSignal {
    tx: Arc<watch::Sender<u64>>,
    /// Whether the task that learns of other processes' writes (`LISTEN` on PostgreSQL, a
    /// poll on SQLite) runs: started by the first subscriber, it stops when the last is gone.
    following: Arc<std::sync::Mutex<bool>>,
}

impl Default for ChangeSignal {
    fn default() -> Self {
        Self {
            tx: Arc::new(watch::channel(0).0),
            following: Arc::default(),
        }
    }
}

impl ChangeSignal {
    /// Raises the signal: every subscriber looks again.
    pub fn raise(&self) {
        self.tx.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver of the signal; the process starts following other processes' writes first
    /// (once).
    pub fn subscribe(&self, conn: &DatabaseConnection) -> watch::Receiver<u64> {
        // Under the lock, so that the task cannot stop between this subscriber's arrival and
        // its check for subscribers (see [`Self::unfollowed`]).
        let mut following = self.following.lock().unwrap_or_else(|e| e.into_inner());
        let receiver = self.tx.subscribe();
        if !*following {
            *following = true;
            match conn.get_database_backend() {
                DatabaseBackend::Postgres => {
                    let pool = conn.get_postgres_connection_pool().clone();
                    tokio::spawn(listen(pool, self.clone()));
                }
                _ => {
                    tokio::spawn(poll(conn.clone(), self.clone()));
                }
            }
        }
        receiver
    }

    /// Whether nobody subscribes any more; if so, the following task is marked stopped (it
    /// then ends) and the next subscriber starts a new one.
    fn unfollowed(&self) -> bool {
        let mut following = self.following.lock().unwrap_or_else(|e| e.into_inner());
        let nobody = self.tx.receiver_count() == 0;
        if nobody {
            *following = false;
        }
        nobody
    }
}

/// Listens to the change log's channel for as long as the process runs, raising `signal` on
/// every notification and after every reconnect.
async fn listen(pool: sea_orm::sqlx::PgPool, signal: ChangeSignal) {
    use sea_orm::sqlx::postgres::PgListener;
    loop {
        if signal.unfollowed() {
            return;
        }
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for changes of other processes; trying again");
                tokio::time::sleep(RECONNECT_DELAY).await;
                continue;
            }
        };
        // Anything written while this process was not listening is found by looking again.
        signal.raise();
        let mut checks = tokio::time::interval(CHECK_SUBSCRIBERS);
        checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = checks.tick() => {
                    if signal.unfollowed() {
                        return;
                    }
                    continue;
                }
            };
            match received {
                Ok(Some(_)) => signal.raise(),
                // The connection was lost; `try_recv` connects again on its next call.
                Ok(None) => signal.raise(),
                Err(error) => {
                    tracing::warn!(%error, "lost the connection that listens for changes");
                    tokio::time::sleep(RECONNECT_DELAY).await;
                    break;
                }
            }
        }
    }
}

/// Reads the newest change number every [`POLL`] for as long as the process runs, raising
/// `signal` when it has moved (SQLite, where other processes cannot notify).
async fn poll(conn: DatabaseConnection, signal: ChangeSignal) {
    use sea_orm::ConnectionTrait;
    let statement = sea_orm::Statement::from_string(
        conn.get_database_backend(),
        "SELECT COALESCE(MAX(id), 0) FROM wijzigingen",
    );
    let mut seen: Option<i64> = None;
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if signal.unfollowed() {
            return;
        }
        let newest = match conn.query_one_raw(statement.clone()).await {
            Ok(Some(row)) => row.try_get_by_index::<i64>(0).ok(),
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, "cannot look for changes of other processes");
                None
            }
        };
        // The first reading raises too: a write between the subscriber's first read of the
        // feed and this one must not go unnoticed (a spurious "look again" costs one read).
        if newest.is_some() && newest != seen {
            signal.raise();
            seen = newest;
        }
    }
}
