//! The programme's figures per year and their publication: `statistieken(jaar:)` reproduces
//! the annual report's 2022 figures on the demo data, `publiceerJaarcijfers` fixes a year's
//! figures, and `jaarcijfers` returns them unchanged to everyone whatever the data becomes.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_figures_of_2022_are_those_of_the_annual_report,
    published_figures_stay_as_they_were_and_everyone_reads_them,
    unpublished_years_are_for_the_programme_office_only,
    the_vraagstuk_figures_count_what_the_caller_may_see,
);

const JAAR: &str = "query($jaar: Int) { statistieken(jaar: $jaar) { aantalOpdrachten \
    vraagstukken { aantal belegd perVraagstukStatus { vraagstukStatus aantal } } \
    actieveOrganisaties { aantalRijkspartners aantalKennisinstellingen } verloop { jaar aantal } } }";
const JAARCIJFERS: &str = "query($jaar: Int!) { jaarcijfers(jaar: $jaar) { jaar gepubliceerd \
    gepubliceerdOp cijfers { aantalOpdrachten aantalRijkspartners vraagstukken { belegd } \
    actieveOrganisaties { aantalRijkspartners } perOnderwijssoort { onderwijssoort percentage } } } }";
const PUBLICEER: &str = "mutation($jaar: Int!) { publiceerJaarcijfers(jaar: $jaar) { jaar gepubliceerd cijfers { aantalOpdrachten } } }";

async fn the_figures_of_2022_are_those_of_the_annual_report(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let reply = bureau.query(JAAR, json!({ "jaar": 2022 })).await;
    let s = &reply.data()["statistieken"];
    // "In 2022 zijn 48 Rijksorganisaties actief in I-Partnerschap, zijn 150
    // studentenopdrachten uitgevoerd en zijn 120 vraagstukken belegd."
    assert_eq!(s["aantalOpdrachten"], 150, "{s}");
    assert_eq!(s["vraagstukken"]["belegd"], 120, "{s}");
    assert_eq!(s["actieveOrganisaties"]["aantalRijkspartners"], 48, "{s}");
    assert_eq!(s["verloop"], json!([{ "jaar": 2022, "aantal": 150 }]));
    // Over all years, the published opdracht figures stay as they were.
    let alle = bureau.query(JAAR, json!({})).await;
    assert_eq!(alle.data()["statistieken"]["aantalOpdrachten"], 548);
    assert_eq!(
        alle.data()["statistieken"]["actieveOrganisaties"]["aantalRijkspartners"],
        65
    );
}

async fn published_figures_stay_as_they_were_and_everyone_reads_them(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let gepubliceerd = bureau.query(PUBLICEER, json!({ "jaar": 2022 })).await;
    assert_eq!(
        gepubliceerd.data()["publiceerJaarcijfers"]["gepubliceerd"],
        true
    );
    let gelezen = app
        .anoniem()
        .query(JAARCIJFERS, json!({ "jaar": 2022 }))
        .await;
    let voor = gelezen.data()["jaarcijfers"].clone();
    assert_eq!(voor["cijfers"]["aantalOpdrachten"], 150, "{voor}");
    assert_eq!(voor["cijfers"]["vraagstukken"]["belegd"], 120);
    assert!(voor["gepubliceerdOp"].is_string());
    // The data changes: an opdracht of 2022 more. The live figures move, the published do not.
    bureau
        .query(
            "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }",
            json!({ "input": {
                "eigenaar": app.org_id(demo::HU).await,
                "opdrachtgever": app.org_id(demo::BZK).await,
                "naam": "Nagekomen opdracht van 2022",
                "opdrachtSoort": "STAGE",
                "onderwijssoort": "HBO",
                "startdatum": "2022-05-01",
            }}),
        )
        .await
        .data();
    let live = bureau.query(JAAR, json!({ "jaar": 2022 })).await;
    assert_eq!(live.data()["statistieken"]["aantalOpdrachten"], 151);
    for caller in [app.anoniem(), app.als(demo::HANZE, Rol::Lezer), bureau] {
        let na = caller.query(JAARCIJFERS, json!({ "jaar": 2022 })).await;
        assert_eq!(na.data()["jaarcijfers"], voor, "{caller:?}");
    }
    // Published once: again is a conflict, and the database refuses to rewrite the row.
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    bureau
        .query(PUBLICEER, json!({ "jaar": 2022 }))
        .await
        .assert_conflict();
    let raw = app.raw().await;
    let update = sea_orm::ConnectionTrait::execute_unprepared(
        &raw,
        "UPDATE jaarcijfers SET cijfers = '{}' WHERE jaar = 2022",
    )
    .await;
    assert!(
        update.is_err(),
        "the database keeps published figures fixed"
    );
}

async fn unpublished_years_are_for_the_programme_office_only(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    for caller in [app.anoniem(), app.als(demo::BZK, Rol::Beheerder)] {
        let reply = caller.query(JAARCIJFERS, json!({ "jaar": 2023 })).await;
        assert_eq!(reply.data()["jaarcijfers"], Value::Null, "{caller:?}");
    }
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let reply = bureau.query(JAARCIJFERS, json!({ "jaar": 2023 })).await;
    let live = &reply.data()["jaarcijfers"];
    assert_eq!(live["gepubliceerd"], false);
    assert_eq!(live["gepubliceerdOp"], Value::Null);
    assert_eq!(live["cijfers"]["aantalOpdrachten"], 143, "{live}");
    let voor = app.dump().await;
    app.als(demo::BZK, Rol::Beheerder)
        .query(PUBLICEER, json!({ "jaar": 2023 }))
        .await
        .assert_forbidden();
    app.anoniem()
        .query(PUBLICEER, json!({ "jaar": 2023 }))
        .await
        .assert_unauthenticated();
    for jaar in [3000, -262143, 2999] {
        bureau
            .query(PUBLICEER, json!({ "jaar": jaar }))
            .await
            .assert_problem("jaar");
    }
    bureau
        .query(JAAR, json!({ "jaar": -262143 }))
        .await
        .assert_problem("jaar");
    assert_eq!(app.dump().await, voor, "nothing was published");
}

async fn the_vraagstuk_figures_count_what_the_caller_may_see(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let aantal = |reply: crate::harness::Reply| {
        reply.data()["statistieken"]["vraagstukken"]["aantal"]
            .as_u64()
            .unwrap()
    };
    let alle = aantal(
        app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau)
            .query(JAAR, json!({}))
            .await,
    );
    assert_eq!(alle, 127);
    let bzk = app.als(demo::BZK, Rol::Lezer);
    let eigen = bzk
        .query("{ vraagstukken { totalCount } }", json!({}))
        .await
        .data()["vraagstukken"]["totalCount"]
        .as_u64()
        .unwrap();
    assert_eq!(aantal(bzk.query(JAAR, json!({})).await), eigen);
    assert!(eigen < alle);
    // Anonymous: only the public questions.
    let openbaar = aantal(app.anoniem().query(JAAR, json!({})).await);
    assert_eq!(openbaar, 3);
}
