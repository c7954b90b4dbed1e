//! Building blocks that every migration uses, so each table spells its domain and nothing else.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, timestamp_with_time_zone};
use sea_orm_migration::sea_orm::DatabaseBackend;

/// Regions of the partnership (the knowledge brokers work per region).
pub const REGIOS: &[&str] = &["NOORD", "OOST", "MIDDEN", "WEST", "ZUID"];
/// Kinds of education.
pub const ONDERWIJSSOORTEN: &[&str] = &["WO", "HBO", "MBO"];

/// `aangemaakt_op`, `gewijzigd_op` and `versie`: every mutable record carries them.
pub fn tijdstempels_en_versie(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(timestamp_with_time_zone("aangemaakt_op"))
        .col(timestamp_with_time_zone("gewijzigd_op"))
        .col(integer("versie").default(1))
        .check(Expr::cust("versie >= 1"))
        .check(Expr::cust("gewijzigd_op >= aangemaakt_op"))
}

/// A `CHECK (column IN (...))` for a column that holds an enum as text.
pub fn enum_check(column: &'static str, values: &[&str], nullable: bool) -> Expr {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if nullable {
        Expr::cust(format!("{column} IS NULL OR {column} IN ({list})"))
    } else {
        Expr::cust(format!("{column} IN ({list})"))
    }
}

/// A format check on a nullable text column: a regular expression on PostgreSQL, the equivalent
/// `GLOB` on SQLite (which has no regular expressions without an extension).
pub fn format_check(
    backend: DatabaseBackend,
    column: &'static str,
    regex: &'static str,
    sqlite: &'static str,
) -> Expr {
    match backend {
        DatabaseBackend::Postgres => {
            Expr::cust(format!("{column} IS NULL OR {column} ~ '{regex}'"))
        }
        _ => Expr::cust(format!("{column} IS NULL OR ({sqlite})")),
    }
}

/// A contact person (name and e-mail address): personal data, shown only to the owner and the
/// programme office.
pub fn contactpersoon(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(ColumnDef::new("contactpersoon_naam").string_len(200).null())
        .col(
            ColumnDef::new("contactpersoon_email")
                .string_len(254)
                .null(),
        )
        .check(Expr::cust(
            "contactpersoon_email IS NULL OR contactpersoon_email LIKE '%_@_%'",
        ))
}

/// A foreign key `from.column -> to.id`.
pub fn fk(
    from: &'static str,
    column: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A link table `(left_id, right_id)` with both foreign keys and its primary key; the left side
/// cascades (the link belongs to it), the right side is restricted (a linked record cannot
/// silently disappear).
pub fn koppeltabel(
    name: &'static str,
    left: (&'static str, &'static str),
    right: (&'static str, &'static str, ColumnType),
) -> TableCreateStatement {
    let (left_col, left_table) = left;
    let (right_col, right_table, right_type) = right;
    let mut right_fk = ForeignKey::create();
    right_fk
        .name(format!("fk_{name}_{right_col}"))
        .from(name, right_col)
        .to(
            right_table,
            if right_table == "themas" {
                "code"
            } else {
                "id"
            },
        )
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Cascade);
    Table::create()
        .table(name)
        .col(integer(left_col))
        .col(ColumnDef::new_with_type(right_col, right_type).not_null())
        .primary_key(Index::create().col(left_col).col(right_col))
        .foreign_key(&mut fk(
            name,
            left_col,
            left_table,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut right_fk)
        .to_owned()
}

/// A thema link table for `owner_table` (`<prefix>_themas`).
pub fn themakoppeling(
    name: &'static str,
    left_col: &'static str,
    left_table: &'static str,
) -> TableCreateStatement {
    koppeltabel(
        name,
        (left_col, left_table),
        ("thema_code", "themas", ColumnType::String(StringLen::N(40))),
    )
}

/// A link table to organisaties.
pub fn organisatiekoppeling(
    name: &'static str,
    left_col: &'static str,
    left_table: &'static str,
) -> TableCreateStatement {
    koppeltabel(
        name,
        (left_col, left_table),
        ("organisatie_id", "organisaties", ColumnType::Integer),
    )
}

/// A plain index on one column, named after table and column.
pub fn index(table: &'static str, column: &'static str) -> IndexCreateStatement {
    Index::create()
        .name(format!("idx_{table}_{column}"))
        .table(table)
        .col(column)
        .to_owned()
}

/// Drops tables in the given order.
pub async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}
