//! The database: connecting, migrating, and the one door to the data, [`Scope`].
//!
//! The connection is private to this module. Code elsewhere (GraphQL resolvers, the CLI) gets
//! either a [`Database`] handle, whose few methods do not read records (migrations, resolving a
//! token's organisation, loading demo data), or a [`Scope`] built from a principal, which puts
//! the caller's access condition into every query. There is no third way in: a resolver cannot
//! forget the access filter, because it never holds anything that could query without it.

pub mod entities;
mod schrijven;
mod scope;
pub mod seed;
mod statistiek;
mod sync;
mod wijzigingen;

pub use schrijven::{Koppeling, Schrijfbaar, Schrijfsessie};
pub use scope::{Beschermd, Rechten, Rij, Scope};
pub use statistiek::OpdrachtCijfers;
pub use sync::{BatchMode, ItemOutcome, OpdrachtFields, SyncItem, SyncReport, SyncRequest};
pub use wijzigingen::{AuditFilter, Feedpagina, Feedregel};

use crate::auth::{Claims, Principal, Rol};
use crate::domain::{OrganisatieSleutel, OrganisatieSoort, Regio};
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
pub const SCHRIJFWACHTTIJD: Duration = Duration::from_secs(5);

/// A handle to the database. Cheap to clone (a pool inside).
#[derive(Clone, Debug)]
pub struct Database {
    conn: DatabaseConnection,
    statements: Arc<AtomicU64>,
    /// One writer at a time in this process (see [`schrijven`]).
    schrijfslot: Arc<tokio::sync::Mutex<()>>,
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
            .map_sqlx_sqlite_opts(|o| o.busy_timeout(SCHRIJFWACHTTIJD));
        let mut conn = sea_orm::Database::connect(options).await?;
        // Count every statement: the test for N+1 queries (and, later, metrics) read it.
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
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
            schrijfslot: Arc::default(),
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

    /// The data's version: a counter that every write raises, in the write's own transaction
    /// (triggers of migration 9). An answer computed after reading version `v` is valid for as
    /// long as the version is `v` (see [`crate::cache`]).
    pub async fn datastand(&self) -> Result<i64, DbErr> {
        let rij = self
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT versie FROM datastand",
            ))
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("the row of datastand".into()))?;
        rij.try_get_by_index(0)
    }

    /// The keys of public ids and cursors as hex text, `(id, cursor)` (table `sleutels`,
    /// migration 20; used by [`crate::graphql::Sleutels`]).
    pub async fn sleutels_hex(&self) -> Result<(String, String), DbErr> {
        let rijen = self
            .conn
            .query_all_raw(sea_orm::Statement::from_string(
                self.backend(),
                "SELECT doel, waarde FROM sleutels",
            ))
            .await?;
        let sleutel = |doel: &str| -> Result<String, DbErr> {
            rijen
                .iter()
                .find(|r| r.try_get::<String>("", "doel").is_ok_and(|d| d == doel))
                .ok_or_else(|| DbErr::RecordNotFound(format!("the {doel} key in sleutels")))?
                .try_get("", "waarde")
        };
        Ok((sleutel("id")?, sleutel("cursor")?))
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
        Scope::new(self.conn.clone(), principal, self.schrijfslot.clone())
    }

    /// Finds an organisation by its natural key (OIN or schacHome).
    pub async fn organisatie_per_sleutel(
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

    /// Finds an organisation by its natural key or, if `key` is a number, its id.
    pub async fn organisatie_per_sleutel_of_id(
        &self,
        key: &str,
    ) -> Result<organisatie::Model, String> {
        let found = if let Ok(id) = key.trim().parse::<i32>() {
            organisatie::Entity::find_by_id(id).one(&self.conn).await
        } else {
            let sleutel = OrganisatieSleutel::parse(key).map_err(|e| e.to_string())?;
            self.organisatie_per_sleutel(&sleutel).await
        };
        found
            .map_err(|e| format!("database: {e}"))?
            .ok_or_else(|| format!("no organisation with key or id '{}'", key.trim()))
    }

    /// The programme office organisation (inserted by the migrations).
    pub async fn programmabureau(&self) -> Result<organisatie::Model, DbErr> {
        organisatie::Entity::find()
            .filter(organisatie::Column::Soort.eq(OrganisatieSoort::Programmabureau))
            .one(&self.conn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("the programme office organisation".into()))
    }

    /// Turns verified token claims into a principal: the role must be known, and the
    /// organisation must exist and fit the role (the programmabureau role belongs to the
    /// programme office only; the other roles need an organisation).
    pub async fn principal(&self, claims: &Claims) -> ApiResult<Principal> {
        let rol: Rol = claims.rol.parse().map_err(ApiError::Unauthenticated)?;
        let organisatie = match claims.org.as_deref() {
            Some(key) => {
                let sleutel = OrganisatieSleutel::parse(key).map_err(|_| {
                    ApiError::Unauthenticated(
                        "the token's organisation (org) is not an OIN or schacHome".into(),
                    )
                })?;
                self.organisatie_per_sleutel(&sleutel)
                    .await?
                    .ok_or_else(|| {
                        ApiError::Unauthenticated(
                            "the token's organisation (org) is not a partner of I-Partnerschap"
                                .into(),
                        )
                    })?
            }
            None if rol == Rol::Programmabureau => self.programmabureau().await?,
            None => {
                return Err(ApiError::Unauthenticated(format!(
                    "a token with role {} must name its organisation (org)",
                    rol.as_str()
                )));
            }
        };
        let is_bureau = organisatie.soort == OrganisatieSoort::Programmabureau;
        if (rol == Rol::Programmabureau) != is_bureau {
            return Err(ApiError::Unauthenticated(
                "the role programmabureau belongs to the programme office, and only to it".into(),
            ));
        }
        let regios = if rol == Rol::Kennismakelaar {
            let mut regios = Vec::new();
            for naam in &claims.regio {
                let regio = <Regio as sea_orm::Iterable>::iter()
                    .find(|r| sea_orm::ActiveEnum::to_value(r) == naam.trim().to_uppercase())
                    .ok_or_else(|| {
                        ApiError::Unauthenticated(format!(
                            "the token's region '{naam}' is not one of NOORD, OOST, MIDDEN, WEST, ZUID"
                        ))
                    })?;
                regios.push(regio);
            }
            if regios.is_empty() {
                return Err(ApiError::Unauthenticated(
                    "a kennismakelaar token must name its region(s) in the claim `regio`".into(),
                ));
            }
            regios
        } else {
            Vec::new()
        };
        Ok(Principal {
            subject: claims.sub.clone(),
            rol,
            organisatie_id: organisatie.id,
            organisatie_soort: organisatie.soort,
            regios,
        })
    }
}
