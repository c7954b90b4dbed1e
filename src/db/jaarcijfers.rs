//! The published yearly figures: stored once by the programme office, public from then on,
//! never changed (the table's triggers refuse it, migration 28).

use super::Scope;
use super::entities::jaarcijfer;
use super::write::WriteSession;
use crate::auth::Rol;
use crate::error::{ApiError, ApiResult};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

impl Scope {
    /// The figures published for `jaar`, if they were (public: they are what the yearly
    /// infographic shows).
    pub async fn jaarcijfers(&self, jaar: i32) -> ApiResult<Option<jaarcijfer::Model>> {
        Ok(jaarcijfer::Entity::find_by_id(jaar)
            .one(self.conn())
            .await?)
    }
}

impl WriteSession {
    /// `FORBIDDEN` unless the caller is the programme office, which alone publishes.
    pub fn may_publish(&self) -> ApiResult<()> {
        if self.principal().rol == Rol::Programmabureau {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only the programme office publishes the yearly figures".into(),
            ))
        }
    }

    /// Publishes `cijfers` (JSON) as the figures of `jaar`: only the programme office, and only
    /// once per year (`CONFLICT` after).
    pub async fn publish_jaarcijfers(
        &mut self,
        jaar: i32,
        cijfers: String,
    ) -> ApiResult<jaarcijfer::Model> {
        self.may_publish()?;
        if let Some(published) = jaarcijfer::Entity::find_by_id(jaar).one(self.tx()).await? {
            return Err(ApiError::Conflict {
                message: format!(
                    "the figures of {jaar} were published on {}; published figures are fixed",
                    published.gepubliceerd_op.format("%Y-%m-%d")
                ),
                current_version: 1,
            });
        }
        let row = jaarcijfer::ActiveModel {
            jaar: Set(jaar),
            cijfers: Set(cijfers),
            gepubliceerd_op: Set(self.now()),
            gepubliceerd_door: Set(self.principal().subject.clone()),
        };
        Ok(row.insert(self.tx()).await?)
    }
}
