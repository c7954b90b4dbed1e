//! The demo data: the published counts, and loading it twice changes nothing.

use crate::dual_tests;
use crate::harness::{Backend, TestApp};

dual_tests!(
    the_demo_data_has_the_published_counts,
    loading_the_demo_data_twice_adds_nothing,
    every_demo_oin_has_the_test_prefix,
);

async fn the_demo_data_has_the_published_counts(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let count = |sql: &'static str| app.scalar(sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM organisaties WHERE soort = 'RIJKSPARTNER'").await,
        65
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM organisaties WHERE soort = 'KENNISINSTELLING'").await,
        34
    );
    assert_eq!(count("SELECT COUNT(*) FROM fieldlabs").await, 10);
    assert_eq!(count("SELECT COUNT(*) FROM communities").await, 4);
    assert_eq!(count("SELECT COUNT(*) FROM lectoraten").await, 2);
    assert_eq!(count("SELECT COUNT(*) FROM minoren").await, 4);
    assert_eq!(count("SELECT COUNT(*) FROM opdrachten").await, 548);
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE status = 'AFGEROND'").await,
        287
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE status = 'IN_VOORBEREIDING'").await,
        58
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE status = 'IN_UITVOERING'").await,
        54
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE onderwijssoort = 'HBO'").await,
        351
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE onderwijssoort = 'WO'").await,
        181
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM opdrachten WHERE onderwijssoort = 'MBO'").await,
        16
    );
    assert_eq!(
        count("SELECT CAST(SUM(aantal_studenten) AS BIGINT) FROM opdrachten").await,
        1235
    );
    assert_eq!(
        count("SELECT CAST(SUM(aantal_studenten) AS BIGINT) FROM opdrachten WHERE soort = 'STAGE'")
            .await,
        261
    );
    // Every opdracht is carried out by at least its owner and has at least one theme.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM opdrachten o WHERE NOT EXISTS \
               (SELECT 1 FROM opdracht_uitvoerders u WHERE u.opdracht_id = o.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM opdrachten o WHERE NOT EXISTS \
               (SELECT 1 FROM opdracht_themas t WHERE t.opdracht_id = o.id)"
        )
        .await,
        0
    );
}

async fn loading_the_demo_data_twice_adds_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let tables = [
        "organisaties",
        "fieldlabs",
        "fieldlab_deelnemers",
        "fieldlab_themas",
        "lectoraten",
        "lectoraat_partners",
        "minoren",
        "communities",
        "community_leden",
        "opdrachten",
        "opdracht_uitvoerders",
        "opdracht_themas",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    let second = app.db.seed_demo().await.unwrap();
    assert_eq!(second.total(), 0, "second load inserted {second:?}");
    for (table, count) in tables.iter().zip(before) {
        assert_eq!(
            app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await,
            count,
            "{table}"
        );
    }
}

async fn every_demo_oin_has_the_test_prefix(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM organisaties WHERE oin IS NOT NULL AND oin NOT LIKE '00000099%'"
        )
        .await,
        0
    );
}
