//! Migrations run up and down on both backends, and the constraints they create hold.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo, fresh_database};
use ipartnerschap::db::Database;
use sea_orm::ConnectionTrait;

dual_tests!(
    migrations_run_up_then_all_the_way_down_then_up_again,
    the_database_refuses_an_oin_of_the_wrong_shape,
    the_database_refuses_a_schac_home_that_is_not_a_domain,
    the_database_refuses_two_organisations_with_one_oin,
    the_database_refuses_two_opdrachten_with_one_extern_id_for_one_owner,
    the_database_refuses_an_opdracht_that_ends_before_it_starts,
    the_database_refuses_a_link_to_a_missing_record,
    the_fieldlab_regions_migration_gives_each_existing_lab_the_region_of_its_column,
);

const MIGRATIONS: usize = 23; // 9 of 2026-11-22, 10 (name keys), 11 (withdrawals), 20 (id keys), 21 (feed regions), 22 (fieldlab regions), 23 (read indexes), 24 (versions per record type), 25 (reach indexes), 26 (kenmerken), 27 (vraagstukken), 28 (yearly figures), 29 (promotietrajecten, bijeenkomsten), 30 (kennismakelaars), 31 (change signal)
/// The migrations before 22 (fieldlab regions), whose data step a test checks.
const BEFORE_FIELDLAB_REGIONS: u32 = 13;

async fn migrations_run_up_then_all_the_way_down_then_up_again(backend: Backend) {
    let (url, _dir) = fresh_database(backend).await;
    let db = Database::connect(&url, 2).await.unwrap();
    assert_eq!(db.pending_migrations().await.unwrap().len(), MIGRATIONS);

    db.migrate_up().await.unwrap();
    assert!(db.pending_migrations().await.unwrap().is_empty());
    assert_eq!(db.applied_migrations().await.unwrap().len(), MIGRATIONS);
    // The reference data the migrations insert is there: themes and the programme office.
    db.programmabureau()
        .await
        .expect("the programme office exists");

    db.migrate_down(MIGRATIONS as u32).await.unwrap();
    assert!(db.applied_migrations().await.unwrap().is_empty());
    assert!(
        db.programmabureau().await.is_err(),
        "down removes the organisations table"
    );

    db.migrate_up().await.unwrap();
    assert_eq!(db.applied_migrations().await.unwrap().len(), MIGRATIONS);
    db.seed_demo()
        .await
        .expect("the demo data loads after a round trip");
}

const NU: &str = "'2024-01-01T00:00:00+00:00'";

async fn insert_fails(app: &TestApp, sql: &str) -> String {
    let conn = app.raw().await;
    conn.execute_unprepared(sql)
        .await
        .expect_err(&format!("the database accepted: {sql}"))
        .to_string()
}

fn rijkspartner(oin: &str) -> String {
    format!(
        "INSERT INTO organisaties (soort, naam, oin, rijkspartner_soort, aangemaakt_op, gewijzigd_op, versie) \
         VALUES ('RIJKSPARTNER', 'Test', '{oin}', 'MINISTERIE', {NU}, {NU}, 1)"
    )
}

async fn the_database_refuses_an_oin_of_the_wrong_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for oin in [
        "0000009900000000001",
        "0000009900000000000a",
        "00000099-0000000001X",
    ] {
        insert_fails(&app, &rijkspartner(oin)).await;
    }
    // The same statement with a well-formed OIN is accepted, so the failures above are the
    // OIN's doing.
    app.raw()
        .await
        .execute_unprepared(&rijkspartner("00000099000000009999"))
        .await
        .expect("a valid OIN is accepted");
}

async fn the_database_refuses_a_schac_home_that_is_not_a_domain(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let insert = |schac: &str| {
        format!(
            "INSERT INTO organisaties (soort, naam, schac_home, onderwijssoort, aangemaakt_op, gewijzigd_op, versie) \
             VALUES ('KENNISINSTELLING', 'Test', '{schac}', 'HBO', {NU}, {NU}, 1)"
        )
    };
    for schac in ["Hanze.nl", "hanze", "https://hanze.nl", "han ze.nl"] {
        insert_fails(&app, &insert(schac)).await;
    }
    app.raw()
        .await
        .execute_unprepared(&insert("test-hogeschool.nl"))
        .await
        .expect("a valid schacHome is accepted");
}

async fn the_database_refuses_two_organisations_with_one_oin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let conn = app.raw().await;
    conn.execute_unprepared(&rijkspartner(demo::NA))
        .await
        .unwrap();
    insert_fails(&app, &rijkspartner(demo::NA)).await;
}

async fn insert_opdracht(
    app: &TestApp,
    extern_id: &str,
    start: &str,
    end: &str,
) -> Result<(), String> {
    let conn = app.raw().await;
    let sql = format!(
        "INSERT INTO opdrachten (eigenaar_id, extern_id, naam, opdrachtgever_id, soort, status, onderwijssoort, \
           startdatum, einddatum, aantal_studenten, aangemaakt_op, gewijzigd_op, versie) \
         SELECT k.id, '{extern_id}', 'Test', r.id, 'STAGE', 'AFGEROND', 'HBO', '{start}', '{end}', 1, {NU}, {NU}, 1 \
         FROM organisaties k, organisaties r WHERE k.schac_home = 'hanze.nl' AND r.afkorting = 'DUO'"
    );
    conn.execute_unprepared(&sql)
        .await
        .map(|r| assert_eq!(r.rows_affected(), 1))
        .map_err(|e| e.to_string())
}

async fn the_database_refuses_two_opdrachten_with_one_extern_id_for_one_owner(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_opdracht(&app, "X-1", "2024-01-01", "2024-02-01")
        .await
        .unwrap();
    insert_opdracht(&app, "X-1", "2024-01-01", "2024-02-01")
        .await
        .expect_err("a second X-1 for the same owner");
}

async fn the_database_refuses_an_opdracht_that_ends_before_it_starts(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_opdracht(&app, "X-2", "2024-03-01", "2024-02-01")
        .await
        .expect_err("end before start");
}

async fn the_database_refuses_a_link_to_a_missing_record(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    insert_fails(
        &app,
        "INSERT INTO fieldlab_themas (fieldlab_id, thema_code) VALUES (999999, 'DATA_AI')",
    )
    .await;
    insert_fails(
        &app,
        "INSERT INTO opdracht_themas (opdracht_id, thema_code) \
         SELECT MIN(id), 'GEEN_THEMA' FROM opdrachten",
    )
    .await;
}

async fn the_fieldlab_regions_migration_gives_each_existing_lab_the_region_of_its_column(
    backend: Backend,
) {
    use migrations::MigratorTrait;
    let (url, _dir) = fresh_database(backend).await;
    let conn = sea_orm::Database::connect(url.as_str()).await.unwrap();
    migrations::Migrator::up(&conn, Some(BEFORE_FIELDLAB_REGIONS))
        .await
        .unwrap();
    for (naam, regio) in [("Noorderlab", "NOORD"), ("Zuiderlab", "ZUID")] {
        conn.execute_unprepared(&format!(
            "INSERT INTO fieldlabs (eigenaar_id, naam, naam_sleutel, regio, status, aangemaakt_op, gewijzigd_op, versie) \
             SELECT id, '{naam}', '{}', '{regio}', 'ACTIEF', {NU}, {NU}, 1 FROM organisaties WHERE soort = 'PROGRAMMABUREAU'",
            naam.to_lowercase()
        ))
        .await
        .unwrap();
    }
    let regions = "SELECT f.naam, r.regio FROM fieldlab_regios r JOIN fieldlabs f ON f.id = r.fieldlab_id ORDER BY f.naam";
    let read = || async {
        conn.query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            regions,
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                r.try_get_by_index::<String>(0).unwrap(),
                r.try_get_by_index::<String>(1).unwrap(),
            )
        })
        .collect::<Vec<_>>()
    };
    let expected = vec![
        ("Noorderlab".to_owned(), "NOORD".to_owned()),
        ("Zuiderlab".to_owned(), "ZUID".to_owned()),
    ];
    migrations::Migrator::up(&conn, Some(1)).await.unwrap();
    assert_eq!(read().await, expected);
    migrations::Migrator::down(&conn, Some(1)).await.unwrap();
    conn.execute_unprepared("SELECT regio FROM fieldlab_regios")
        .await
        .expect_err("down drops the link table");
    migrations::Migrator::up(&conn, Some(1)).await.unwrap();
    assert_eq!(read().await, expected, "and up fills it again");
}
