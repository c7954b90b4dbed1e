//! The catalogue lists: organisations, lectoraten, minoren and communities, their filters and
//! what is public of them.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_organisation_lists_have_the_published_counts_and_filter,
    pages_of_organisations_cover_the_list_in_both_directions,
    lectoraten_minoren_and_communities_show_public_fields_to_everyone,
    participants_read_lectoraten_minoren_and_communities_in_full,
    criteria_on_hidden_fields_do_not_reveal_them,
    each_catalogue_filter_matches_an_independent_count,
);

async fn total(app: &TestApp, token: Option<&str>, query: &str) -> i64 {
    let data = app.graphql(token, query, json!({})).await.data().clone();
    let (_, list) = data.as_object().unwrap().iter().next().unwrap();
    list["totalCount"].as_i64().unwrap()
}

async fn the_organisation_lists_have_the_published_counts_and_filter(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    assert_eq!(
        total(&app, None, "{ rijkspartners { totalCount } }").await,
        65
    );
    assert_eq!(
        total(&app, None, "{ kennisinstellingen { totalCount } }").await,
        34
    );
    assert_eq!(
        total(
            &app,
            None,
            "{ rijkspartners(filter: {rijkspartnerSoort: [MINISTERIE]}) { totalCount } }"
        )
        .await,
        13
    );
    assert_eq!(
        total(
            &app,
            None,
            "{ kennisinstellingen(filter: {onderwijssoort: [WO]}) { totalCount } }"
        )
        .await,
        14
    );
    assert_eq!(
        total(
            &app,
            None,
            "{ kennisinstellingen(filter: {regio: [NOORD], onderwijssoort: [HBO]}) { totalCount } }"
        )
        .await,
        app.scalar(
            "SELECT COUNT(*) FROM organisaties WHERE regio = 'NOORD' AND onderwijssoort = 'HBO'"
        )
        .await
    );
    assert_eq!(
        total(
            &app,
            None,
            "{ rijkspartners(filter: {zoek: \"ministerie van\"}) { totalCount } }"
        )
        .await,
        13
    );
}

async fn pages_of_organisations_cover_the_list_in_both_directions(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "query($first: Int, $after: String, $last: Int, $before: String) { \
        rijkspartners(first: $first, after: $after, last: $last, before: $before, \
                      orderBy: {veld: NAAM, richting: DESC}) { \
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { oin } } }";
    let vooruit = app
        .anoniem()
        .all_pages(query, "rijkspartners", 7, true)
        .await;
    let achteruit = app
        .anoniem()
        .all_pages(query, "rijkspartners", 9, false)
        .await;
    assert_eq!(vooruit.len(), 65);
    assert_eq!(vooruit, achteruit);
    let mut oins: Vec<&Value> = vooruit.iter().map(|n| &n["oin"]).collect();
    oins.sort_by_key(|v| v.to_string());
    oins.dedup();
    assert_eq!(oins.len(), 65);
}

async fn lectoraten_minoren_and_communities_show_public_fields_to_everyone(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let data = app
        .anoniem().query("{ lectoraten { totalCount nodes { naam lectoraatSoort instelling { naam } themas { code } beschrijving lector partners { naam } } } \
               minoren(filter: {minorSoort: [POST_MASTER]}) { totalCount nodes { naam studielastEcts instelling { naam } beschrijving themas { code } partners { naam } } } \
               communities { totalCount nodes { naam beschrijving communityStatus leden { naam } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    assert_eq!(data["lectoraten"]["totalCount"], 2);
    let hai = data["lectoraten"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["naam"] == "Human Centered AI in the public sector")
        .unwrap();
    assert_eq!(hai["instelling"]["naam"], "Hogeschool Utrecht");
    assert_eq!(hai["themas"], json!([{ "code": "DATA_AI" }]));
    for hidden in ["beschrijving", "lector", "partners"] {
        assert_eq!(hai[hidden], Value::Null, "{hidden}");
    }
    let pm = &data["minoren"]["nodes"][0];
    assert_eq!(data["minoren"]["totalCount"], 1);
    assert_eq!(pm["instelling"]["naam"], "Universiteit Twente");
    assert_eq!(pm["themas"], Value::Null);
    assert_eq!(pm["partners"], Value::Null);
    assert_eq!(data["communities"]["totalCount"], 4);
    for c in data["communities"]["nodes"].as_array().unwrap() {
        assert!(c["beschrijving"].is_string());
        assert_eq!(c["communityStatus"], Value::Null);
        assert_eq!(c["leden"], Value::Null);
    }
}

async fn participants_read_lectoraten_minoren_and_communities_in_full(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bzk = app.als(demo::BZK, Rol::Lezer);
    let data = bzk.query("{ lectoraten(filter: {zoek: \"human\"}) { nodes { beschrijving lector partners { afkorting } fieldlabs { naam } } } \
               minoren(filter: {minorSoort: [POST_MASTER]}) { nodes { themas { code } partners { afkorting } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let hai = &data["lectoraten"]["nodes"][0];
    assert!(hai["beschrijving"].is_string());
    assert_eq!(
        hai["lector"],
        Value::Null,
        "the lector's name is for the owner only"
    );
    assert_eq!(hai["partners"], json!([{ "afkorting": "BZK" }]));
    assert_eq!(hai["fieldlabs"], json!([{ "naam": "AI-Labs midden NL" }]));
    assert_eq!(
        data["minoren"]["nodes"][0]["themas"],
        json!([{ "code": "INFORMATIEHUISHOUDING" }, { "code": "IT_CHANGE" }])
    );
    // UWV is a member of the IT Academies community.
    let uwv = app.als(demo::UWV, Rol::Lezer);
    let data = uwv
        .query(
            "{ communities(filter: {zoek: \"academies\"}) { nodes { communityStatus leden { afkorting } themas { code } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let it = &data["communities"]["nodes"][0];
    assert_eq!(it["communityStatus"], "ACTIEF");
    assert!(
        it["leden"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["afkorting"] == "UWV")
    );
}

async fn criteria_on_hidden_fields_do_not_reveal_them(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let uwv = app.org_id(demo::UWV).await;
    let bureau = app.token(None, Rol::Programmabureau).await;
    let q_status = "{ fieldlabs(filter: {fieldlabStatus: [ACTIEF]}) { totalCount } }";
    assert_eq!(total(&app, None, q_status).await, 0, "status is not public");
    assert_eq!(total(&app, Some(&bureau), q_status).await, 9);
    let q_lid = format!("{{ communities(filter: {{lid: \"{uwv}\"}}) {{ totalCount }} }}");
    assert_eq!(
        total(&app, None, &q_lid).await,
        0,
        "membership is not public"
    );
    assert_eq!(total(&app, Some(&bureau), &q_lid).await, 1);
    let q_deelnemer = format!("{{ fieldlabs(filter: {{deelnemer: \"{uwv}\"}}) {{ totalCount }} }}");
    assert_eq!(
        total(&app, None, &q_deelnemer).await,
        0,
        "participation is not public"
    );
    assert_eq!(total(&app, Some(&bureau), &q_deelnemer).await, 1);
}

async fn each_catalogue_filter_matches_an_independent_count(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.token(None, Rol::Programmabureau).await;
    let hu = app.org_id(demo::HU).await;
    let cases: Vec<(String, &str)> = vec![
        (
            "fieldlabs(filter: {regios: [NOORD, ZUID]})".into(),
            "SELECT COUNT(DISTINCT fieldlab_id) FROM fieldlab_regios WHERE regio IN ('NOORD', 'ZUID')",
        ),
        (
            "fieldlabs(filter: {themas: [DATA_AI]})".replace("DATA_AI", "\"DATA_AI\""),
            "SELECT COUNT(*) FROM fieldlabs WHERE id IN (SELECT fieldlab_id FROM fieldlab_themas WHERE thema_code = 'DATA_AI')",
        ),
        (
            "fieldlabs(filter: {zoek: \"lab\"})".into(),
            "SELECT COUNT(*) FROM fieldlabs WHERE LOWER(naam) LIKE '%lab%' OR LOWER(beschrijving) LIKE '%lab%'",
        ),
        (
            format!("lectoraten(filter: {{instelling: \"{hu}\"}})"),
            "SELECT COUNT(*) FROM lectoraten WHERE eigenaar_id = (SELECT id FROM organisaties WHERE schac_home = 'hu.nl')",
        ),
        (
            "lectoraten(filter: {themas: [\"DATA_AI\"]})".into(),
            "SELECT COUNT(*) FROM lectoraten WHERE id IN (SELECT lectoraat_id FROM lectoraat_themas WHERE thema_code = 'DATA_AI')",
        ),
        (
            "minoren(filter: {minorSoort: [MINOR], themas: [\"INFORMATIEHUISHOUDING\"]})".into(),
            "SELECT COUNT(*) FROM minoren WHERE soort = 'MINOR' AND id IN (SELECT minor_id FROM minor_themas WHERE thema_code = 'INFORMATIEHUISHOUDING')",
        ),
        (
            "communities(filter: {communityStatus: [GEPLAND]})".into(),
            "SELECT COUNT(*) FROM communities WHERE status = 'GEPLAND'",
        ),
        (
            "communities(filter: {themas: [\"CYBERVEILIGHEID\"]})".into(),
            "SELECT COUNT(*) FROM communities WHERE id IN (SELECT community_id FROM community_themas WHERE thema_code = 'CYBERVEILIGHEID')",
        ),
        (
            "rijkspartners(filter: {gewijzigdSinds: \"2020-05-01T00:00:00Z\", regio: [MIDDEN]})"
                .into(),
            "SELECT COUNT(*) FROM organisaties WHERE soort = 'RIJKSPARTNER' AND regio = 'MIDDEN'",
        ),
        (
            "kennisinstellingen(filter: {gewijzigdSinds: \"2030-01-01T00:00:00Z\"})".into(),
            "SELECT COUNT(*) FROM organisaties WHERE 1 = 0",
        ),
    ];
    for (field, sql) in cases {
        let verwacht = app.scalar(sql).await;
        assert!(
            verwacht > 0 || sql.contains("1 = 0"),
            "a case that cannot fail: {sql}"
        );
        let query = format!("{{ {field} {{ totalCount }} }}");
        assert_eq!(
            total(&app, Some(&bureau), &query).await,
            verwacht,
            "{field}"
        );
    }
}
