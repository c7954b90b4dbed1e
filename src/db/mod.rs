//! The database: connecting, migrating, and the one door to the data, [`Scope`].
//!
//! The connection is private to this module. Code elsewhere (GraphQL resolvers, the CLI) gets
//! either a [`Database`] handle, whose few methods do not read records (migrations, resolving a
//! organisations by key, loading demo data), or a [`Scope`] built from a principal, which puts
//! the caller's access condition into every query. There is no third way in: a resolver cannot
//! forget the access filter, because it never holds anything that could query without it.

pub mod entities;
mod jaarcijfers;
mod kandidaten;
mod policy;
mod scope;
pub mod seed;
mod signal;
mod statistiek;
mod sync;
mod wijzigingen;
pub mod workflow;
mod write;
mod writes;

pub use kandidaten::{Kandidaat, KandidaatSoort};
pub use policy::{Field, Link, Need, Policy, Rights, Row, involving};
pub use policy::{
    bijeenkomst_fields, community_fields, fieldlab_fields, kennismakelaar_fields, lectoraat_fields,
    minor_fields, opdracht_fields, organisatie_fields, promotietraject_fields, vraagstuk_fields,
};
pub use scope::Scope;
pub use statistiek::{
    ActiveOrganisations, Breakdowns, MeetingCounts, OpdrachtCounts, ProgrammeCounts,
    VraagstukCounts,
};
pub use sync::{BatchMode, ItemOutcome, OpdrachtValues, SyncItem, SyncReport, SyncRequest};
pub use wijzigingen::{AuditFilter, FeedEntry, FeedPage};
pub use write::{LinkUpdate, Writable, WriteSession};

use crate::auth::Principal;
use crate::domain::{OrganisatieSleutel, OrganisatieSoort};
use crate::error::{ApiError, ApiResult};
use entities::organisatie;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ColumnTrait, ConnectOptions, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a writer waits for the database's write lock held by another writer (of this or
/// another process) before it gives up with `TIMEOUT` (HTTP 503, `Retry-After`): the SQLite
/// busy timeout and the PostgreSQL `lock_timeout` of the writers' lock.
pub const WRITE_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle to the database. Cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Database {
    conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
    recorded: StatementLog,
    /// One writer at a time in this process (see [`schrijven`]).
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// Raised when the change log may have grown (see [`signal`]).
    changes: signal::ChangeSignal,
}

/// The statements a pool executed while recording (see [`Database::record_statements`]). Off
/// unless a test turns it on: then one flag is read per statement.
#[derive(Clone, Default, Debug)]
pub struct StatementLog {
    on: Arc<std::sync::atomic::AtomicBool>,
    statements: Arc<std::sync::Mutex<Vec<sea_orm::Statement>>>,
}

impl StatementLog {
    fn start(&self) {
        self.on.store(true, Ordering::SeqCst);
    }

    fn add(&self, statement: &sea_orm::Statement) {
        if self.on.load(Ordering::Relaxed)
            && let Ok(mut statements) = self.statements.lock()
        {
            statements.push(statement.clone());
        }
    }

    /// The statements recorded so far; recording stops.
    pub fn take(&self) -> Vec<sea_orm::Statement> {
        self.on.store(false, Ordering::SeqCst);
        self.statements
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    }
}

impl Database {
    /// Connects to `url` (`sqlite://file.db?mode=rwc`, `sqlite::memory:`,
    /// `postgres://user@host/db`) with a pool of at most `max_connections`.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| o.busy_timeout(WRITE_LOCK_TIMEOUT));
        let mut conn = sea_orm::Database::connect(options).await?;
        // Count every statement: the test for N+1 queries (and, later, metrics) read it.
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        let recorded = StatementLog::default();
        let log = recorded.clone();
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            log.add(info.statement);
            tracing::debug!(target: "ipartnerschap::sql", elapsed = ?info.elapsed, sql = %info.statement);
        });
        if conn.get_database_backend() == DatabaseBackend::Sqlite {
            // WAL lets readers and the writer work at the same time; foreign keys are on by
            // default in sqlx, but say so rather than rely on it.
            conn.execute_unprepared("PRAGMA journal_mode = WAL").await?;
            conn.execute_unprepared("PRAGMA foreign_keys = ON").await?;
        }
        Ok(Self {
            conn,
            statements,
            recorded,
            write_lock: Arc::default(),
            changes: signal::ChangeSignal::default(),
        })
    }

    /// Whether the database answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }

    /// Open and idle connections of the pool.
    pub fn pool(&self) -> (u32, usize) {
        match self.backend() {
            DatabaseBackend::Postgres => {
                let pool = self.conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    /// The data's version per record type, `(recordsoort, versie)`: counters that every
    /// write raises, in the write's own transaction, for the record types it writes (triggers
    /// of migration 24). An answer computed after reading them is valid for as long as the
    /// versions of the record types it read are unchanged (see [`crate::cache`]).
    pub async fn data_versions(&self) -> Result<Vec<(String, i64)>, DbErr> {
        let rows = self
            .conn
            .query_all_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT recordsoort, versie FROM datastanden",
            ))
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
            .collect()
    }

    /// The keys of public ids and cursors as hex text, `(id, cursor)` (table `sleutels`,
    /// migration 20; used by [`crate::graphql::Keys`]).
    pub async fn keys_hex(&self) -> Result<(String, String), DbErr> {
        let rows = self
            .conn
            .query_all_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT doel, waarde FROM sleutels",
            ))
            .await?;
        let key = |purpose: &str| -> Result<String, DbErr> {
            rows.iter()
                .find(|r| r.try_get::<String>("", "doel").is_ok_and(|d| d == purpose))
                .ok_or_else(|| DbErr::RecordNotFound(format!("the {purpose} key in sleutels")))?
                .try_get("", "waarde")
        };
        Ok((key("id")?, key("cursor")?))
    }

    /// Starts keeping every statement this handle's pool executes (with its values), until
    /// [`StatementLog::take`]: for the tests that check the plans of the hot queries.
    pub fn record_statements(&self) -> StatementLog {
        self.recorded.start();
        self.recorded.clone()
    }

    /// Number of SQL statements this handle's pool has executed so far.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// Applies all pending migrations.
    pub async fn migrate_up(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// Rolls back the last `steps` migrations.
    pub async fn migrate_down(&self, steps: u32) -> Result<(), DbErr> {
        Migrator::down(&self.conn, Some(steps)).await
    }

    /// Names of the migrations not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, DbErr> {
        Ok(Migrator::get_pending_migrations(&self.conn)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// Names of the migrations that have been applied.
    pub async fn applied_migrations(&self) -> Result<Vec<String>, DbErr> {
        Ok(Migrator::get_applied_migrations(&self.conn)
            .await?
            .iter()
            .map(|m| m.name().to_owned())
            .collect())
    }

    /// A scope for `principal` (or for an anonymous caller).
    pub fn scope(&self, principal: Option<Principal>) -> Scope {
        Scope::new(
            self.conn.clone(),
            principal,
            self.write_lock.clone(),
            self.changes.clone(),
        )
    }

    /// Finds an organisation by its natural key (OIN or schacHome).
    pub async fn organisatie_by_sleutel(
        &self,
        sleutel: &OrganisatieSleutel,
    ) -> Result<Option<organisatie::Model>, DbErr> {
        let filter = match sleutel {
            OrganisatieSleutel::Oin(oin) => organisatie::Column::Oin.eq(oin.as_str()),
            OrganisatieSleutel::SchacHome(s) => organisatie::Column::SchacHome.eq(s.as_str()),
        };
        organisatie::Entity::find()
            .filter(filter)
            .one(&self.conn)
            .await
    }

    /// Finds an organisation by its natural key or, if `key` is a number, its id; a key that is
    /// neither, or names no organisation, is `BAD_USER_INPUT` of field `org`.
    pub async fn organisatie_by_sleutel_or_id(&self, key: &str) -> ApiResult<organisatie::Model> {
        let found = if let Ok(id) = key.trim().parse::<i32>() {
            organisatie::Entity::find_by_id(id).one(&self.conn).await
        } else {
            let sleutel = OrganisatieSleutel::parse(key)
                .map_err(|e| ApiError::bad_input("org", e.to_string()))?;
            self.organisatie_by_sleutel(&sleutel).await
        };
        found?.ok_or_else(|| {
            ApiError::bad_input(
                "org",
                format!("no organisation with key or id '{}'", key.trim()),
            )
        })
    }

    /// The programme office organisation (inserted by the migrations).
    pub async fn programmabureau(&self) -> Result<organisatie::Model, DbErr> {
        organisatie::Entity::find()
            .filter(organisatie::Column::Soort.eq(OrganisatieSoort::Programmabureau))
            .one(&self.conn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("the programme office organisation".into()))
    }
}
