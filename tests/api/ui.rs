//! What a UI looks for: the theme catalogue, a minor's opdrachten, the `minor` and `lectoraat`
//! criteria, the relations every organisation has on the `Organisatie` interface, and
//! `volledig`, which tells a field hidden from the caller from an empty one.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use crate::mutaties::CREATE_OPDRACHT;
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_theme_catalogue_is_public_in_a_stable_order_with_dutch_and_english_labels,
    volledig_is_false_where_private_fields_are_hidden_and_true_where_they_are_read_in_full,
    a_dashboard_selects_the_relations_of_any_organisation_once_on_the_interface,
    the_programme_office_has_the_relations_of_an_organisation_too,
    a_minor_lists_only_the_opdrachten_the_caller_may_see,
    opdrachten_are_filtered_on_their_minor_and_their_lectoraat,
    a_record_criterion_refuses_an_id_of_another_type_and_matches_nothing_for_an_unknown_one,
);

async fn the_theme_catalogue_is_public_in_a_stable_order_with_dutch_and_english_labels(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let rows = app
        .rows("SELECT code, naam_nl, naam_en FROM themas ORDER BY volgorde, code")
        .await;
    let catalogue: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "code": r.try_get::<String>("", "code").unwrap(),
                "naam": r.try_get::<String>("", "naam_nl").unwrap(),
                "naamEn": r.try_get::<String>("", "naam_en").unwrap(),
            })
        })
        .collect();
    assert_eq!(catalogue.len(), 7, "the demo's themes");
    assert_eq!(
        catalogue[0],
        json!({ "code": "DATA_AI", "naam": "Datamanagement & AI", "naamEn": "Data management & AI" })
    );
    let query = "{ themas { code naam naamEn } }";
    for caller in [app.anoniem(), app.als(demo::HU, Rol::Lezer)] {
        assert_eq!(
            caller.query(query, json!({})).await.data(),
            &json!({ "themas": catalogue })
        );
    }
}

async fn volledig_is_false_where_private_fields_are_hidden_and_true_where_they_are_read_in_full(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let query = "{ fieldlabs(filter: { zoek: \"GovTech\" }) { nodes { naam volledig fieldlabStatus contactpersoon { naam } } } \
        lectoraten(filter: { zoek: \"Human Centered\" }) { nodes { naam volledig startdatum } } \
        minoren(filter: { instelling: $hu }) { nodes { naam volledig startdatum themas { code } } } \
        communities(filter: { zoek: \"Data/AI\" }) { nodes { naam volledig communityStatus } } \
        organisatie(sleutel: \"hu.nl\") { naam volledig } }"
        .replace("$hu", &format!("\"{}\"", app.org_id(demo::HU).await));
    let answer = |fieldlab: Value, lectoraat: Value, minor: Value, community: Value, hu: bool| {
        json!({
            "fieldlabs": { "nodes": [fieldlab] },
            "lectoraten": { "nodes": [lectoraat] },
            "minoren": { "nodes": [minor] },
            "communities": { "nodes": [community] },
            "organisatie": { "naam": "Hogeschool Utrecht", "volledig": hu },
        })
    };
    let hidden_lab = json!({ "naam": "GovTech Lab", "volledig": false, "fieldlabStatus": null, "contactpersoon": null });
    let hidden_chair = json!({ "naam": "Human Centered AI in the public sector", "volledig": false, "startdatum": null });
    let hidden_minor = json!({ "naam": "Informatiehuishouding", "volledig": false, "startdatum": null, "themas": null });
    let hidden_community =
        json!({ "naam": "Data/AI community", "volledig": false, "communityStatus": null });
    assert_eq!(
        app.anoniem().query(&query, json!({})).await.data(),
        &answer(
            hidden_lab.clone(),
            hidden_chair.clone(),
            hidden_minor.clone(),
            hidden_community.clone(),
            false
        ),
        "anonymous: the public catalogue, everything else hidden"
    );
    // HU owns the chair and the minor: read in full, and a null there is empty (the minor has
    // no start date). It is no participant of the lab or the community.
    assert_eq!(
        app.als(demo::HU, Rol::Beheerder)
            .query(&query, json!({}))
            .await
            .data(),
        &answer(
            hidden_lab,
            json!({ "naam": "Human Centered AI in the public sector", "volledig": true, "startdatum": "2023-01-01" }),
            json!({ "naam": "Informatiehuishouding", "volledig": true, "startdatum": null, "themas": [{ "code": "INFORMATIEHUISHOUDING" }] }),
            hidden_community,
            true
        ),
        "the owner"
    );
    // BZK takes part in the lab: read in full, but the contact person stays the owner's. The
    // programme office owns the communities.
    for (caller, list, record) in [
        (
            app.als(demo::BZK, Rol::Lezer),
            "fieldlabs",
            json!({ "naam": "GovTech Lab", "volledig": true, "fieldlabStatus": "ACTIEF", "contactpersoon": null }),
        ),
        (
            app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
            "communities",
            json!({ "naam": "Data/AI community", "volledig": true, "communityStatus": "GEPLAND" }),
        ),
    ] {
        let answer = caller.query(&query, json!({})).await;
        assert_eq!(answer.data()[list]["nodes"][0], record);
    }

    // An opdracht exists only for those who read it in full.
    let hu = app.als(demo::HU, Rol::Medewerker);
    let id = create_opdracht(&app, &hu, "Zichtbaar is volledig", json!({})).await;
    let node = "query($id: ID!) { node(id: $id) { ... on Opdracht { naam volledig } } }";
    assert_eq!(
        hu.query(node, json!({ "id": id })).await.data(),
        &json!({ "node": { "naam": "Zichtbaar is volledig", "volledig": true } })
    );
    app.anoniem()
        .query(node, json!({ "id": id }))
        .await
        .assert_not_found();
}

/// The dashboard's one selection, on the interface only.
const DASHBOARD: &str = "query($k: String!) { organisatie(sleutel: $k) { __typename naam volledig \
    fieldlabs { naam } lectoraten { naam } minoren { naam } communities { naam } \
    opdrachten(first: 2, orderBy: { veld: NAAM, richting: ASC }) { totalCount nodes { naam } } } }";

/// The names of the first two opdrachten (by name) in which organisation `sleutel` takes part,
/// and their number, counted in SQL.
async fn opdrachten_of(app: &TestApp, sleutel: &str) -> Value {
    let org = format!(
        "(SELECT id FROM organisaties WHERE oin = '{sleutel}' OR schac_home = '{sleutel}')"
    );
    let of_org = format!(
        "FROM opdrachten o WHERE o.eigenaar_id = {org} OR o.opdrachtgever_id = {org} \
         OR o.id IN (SELECT opdracht_id FROM opdracht_uitvoerders WHERE organisatie_id = {org})"
    );
    let rows = app
        .rows(&format!(
            "SELECT o.naam {of_org} ORDER BY o.naam, o.id LIMIT 2"
        ))
        .await;
    let nodes: Vec<Value> = rows
        .iter()
        .map(|r| json!({ "naam": r.try_get::<String>("", "naam").unwrap() }))
        .collect();
    let count = app.scalar(&format!("SELECT COUNT(*) {of_org}")).await;
    json!({ "totalCount": count, "nodes": nodes })
}

async fn a_dashboard_selects_the_relations_of_any_organisation_once_on_the_interface(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let ihh = json!({ "naam": "Informatiehuishouding" });
    let hai = json!([{ "naam": "Human Centered AI in the public sector" }]);
    for (caller, key, typename, naam, fieldlab, minoren) in [
        (
            app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
            demo::BZK,
            "Rijkspartner",
            "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
            "GovTech Lab",
            json!([ihh, ihh, ihh, { "naam": "Post-Master Architectuur" }]),
        ),
        (
            app.als(demo::HU, Rol::Lezer),
            demo::HU,
            "Kennisinstelling",
            "Hogeschool Utrecht",
            "AI-Labs midden NL",
            json!([ihh]),
        ),
    ] {
        let opdrachten = opdrachten_of(&app, key).await;
        assert!(
            opdrachten["totalCount"].as_i64().unwrap() > 2,
            "{key}: a page of more"
        );
        assert_eq!(
            caller.query(DASHBOARD, json!({ "k": key })).await.data(),
            &json!({ "organisatie": {
                "__typename": typename,
                "naam": naam,
                "volledig": true,
                "fieldlabs": [{ "naam": fieldlab }],
                "lectoraten": hai,
                "minoren": minoren,
                "communities": [],
                "opdrachten": opdrachten,
            } }),
            "{key}"
        );
    }
    // Anonymous: the organisation's participant data is hidden, its opdrachten do not exist.
    assert_eq!(
        app.anoniem()
            .query(DASHBOARD, json!({ "k": demo::HU }))
            .await
            .data(),
        &json!({ "organisatie": {
            "__typename": "Kennisinstelling",
            "naam": "Hogeschool Utrecht",
            "volledig": false,
            "fieldlabs": [],
            "lectoraten": [],
            "minoren": [],
            "communities": [],
            "opdrachten": { "totalCount": 0, "nodes": [] },
        } })
    );
}

async fn the_programme_office_has_the_relations_of_an_organisation_too(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let eigen = create_opdracht(
        &app,
        &bureau,
        "Opdracht van het programmabureau",
        json!({ "onderwijssoort": "HBO", "uitvoerders": [app.org_id(demo::HANZE).await] }),
    )
    .await;
    // An opdracht of HU in which the programme office takes no part: the office reads it, but
    // it is not among the office's own.
    let hu = app.als(demo::HU, Rol::Medewerker);
    create_opdracht(&app, &hu, "Opdracht van HU", json!({})).await;
    let query = "{ me { organisatie { __typename volledig fieldlabs { naam } lectoraten { naam } \
        minoren { naam } communities { naam } opdrachten { totalCount nodes { id naam } } } } }";
    assert_eq!(
        bureau.query(query, json!({})).await.data(),
        &json!({ "me": { "organisatie": {
            "__typename": "Programmabureau",
            "volledig": true,
            "fieldlabs": [],
            "lectoraten": [],
            "minoren": [],
            "communities": [
                { "naam": "IT Academies community" },
                { "naam": "Promovendi community" },
                { "naam": "Cybersecurity community" },
                { "naam": "Data/AI community" },
            ],
            "opdrachten": { "totalCount": 1, "nodes": [{ "id": eigen, "naam": "Opdracht van het programmabureau" }] },
        } } })
    );
}

/// Creates an opdracht for BZK as `caller` with the extra `input` fields; returns its id.
async fn create_opdracht(app: &TestApp, caller: &Caller<'_>, naam: &str, input: Value) -> String {
    let mut input = input;
    input["naam"] = json!(naam);
    input["opdrachtSoort"] = json!("STAGE");
    if input.get("opdrachtgever").is_none() {
        input["opdrachtgever"] = json!(app.org_id(demo::BZK).await);
    }
    caller
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await
        .data()["createOpdracht"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The ids of HU's minor and lectoraat.
async fn hu_records(app: &TestApp) -> (String, String) {
    let hu = app.org_id(demo::HU).await;
    let data = app
        .anoniem()
        .query(
            "query($hu: ID!) { minoren(filter: { instelling: $hu }) { nodes { id } } \
             lectoraten(filter: { instelling: $hu }) { nodes { id } } }",
            json!({ "hu": hu }),
        )
        .await
        .data()
        .clone();
    (
        data["minoren"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        data["lectoraten"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// A page of opdrachten with these names, all of them.
fn named_page(namen: &[&str]) -> Value {
    json!({
        "totalCount": namen.len(),
        "nodes": namen.iter().map(|n| json!({ "naam": n })).collect::<Vec<_>>(),
    })
}

async fn a_minor_lists_only_the_opdrachten_the_caller_may_see(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (minor, _) = hu_records(&app).await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let uva = app.als(demo::UVA, Rol::Medewerker);
    let rdw = app.org_id(demo::RDW).await;
    for (caller, naam, input) in [
        (&hu, "Minoropdracht van HU", json!({ "minor": minor })),
        (
            &uva,
            "Minoropdracht van UvA",
            json!({ "minor": minor, "opdrachtgever": rdw }),
        ),
    ] {
        create_opdracht(&app, caller, naam, input).await;
    }
    let query = "query($m: ID!) { node(id: $m) { ... on Minor { naam \
        opdrachten { totalCount nodes { naam } pageInfo { hasNextPage } } } } }";
    let page = |namen: &[&str]| {
        let mut page = named_page(namen);
        page["pageInfo"] = json!({ "hasNextPage": false });
        json!({ "node": { "naam": "Informatiehuishouding", "opdrachten": page } })
    };
    for (caller, namen, who) in [
        (hu, vec!["Minoropdracht van HU"], "HU, its owner"),
        (uva, vec!["Minoropdracht van UvA"], "UvA, its owner"),
        (
            app.als(demo::BZK, Rol::Lezer),
            vec!["Minoropdracht van HU"],
            "BZK, its opdrachtgever",
        ),
        (
            app.als(demo::RDW, Rol::Lezer),
            vec!["Minoropdracht van UvA"],
            "RDW, its opdrachtgever",
        ),
        (
            app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
            vec!["Minoropdracht van HU", "Minoropdracht van UvA"],
            "the programme office",
        ),
        (app.anoniem(), vec![], "anonymous: none, and no count"),
    ] {
        assert_eq!(
            caller.query(query, json!({ "m": minor })).await.data(),
            &page(&namen),
            "{who}"
        );
    }
    let gefilterd = app
        .als(demo::PROGRAMMABUREAU, Rol::Programmabureau)
        .query(
            "query($m: ID!) { node(id: $m) { ... on Minor { opdrachten(filter: { zoek: \"UvA\" }) { totalCount } } } }",
            json!({ "m": minor }),
        )
        .await;
    assert_eq!(
        gefilterd.data(),
        &json!({ "node": { "opdrachten": { "totalCount": 1 } } }),
        "with a filter"
    );
}

const FILTERED: &str =
    "query($f: OpdrachtFilter) { opdrachten(filter: $f) { totalCount nodes { naam } } }";

async fn opdrachten_are_filtered_on_their_minor_and_their_lectoraat(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (minor, lectoraat) = hu_records(&app).await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let uva = app.als(demo::UVA, Rol::Medewerker);
    for (caller, naam, input) in [
        (&hu, "Bij de minor", json!({ "minor": minor })),
        (&uva, "Ook bij de minor", json!({ "minor": minor })),
        (&hu, "Bij het lectoraat", json!({ "lectoraat": lectoraat })),
        (
            &hu,
            "Bij beide",
            json!({ "lectoraat": lectoraat, "minor": minor }),
        ),
    ] {
        create_opdracht(&app, caller, naam, input).await;
    }
    let page = |namen: &[&str]| json!({ "opdrachten": named_page(namen) });
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (filter, namen) in [
        (
            json!({ "minor": minor }),
            vec!["Bij de minor", "Ook bij de minor", "Bij beide"],
        ),
        (
            json!({ "lectoraat": lectoraat }),
            vec!["Bij het lectoraat", "Bij beide"],
        ),
        (
            json!({ "lectoraat": lectoraat, "minor": minor }),
            vec!["Bij beide"],
        ),
    ] {
        assert_eq!(
            bureau.query(FILTERED, json!({ "f": filter })).await.data(),
            &page(&namen),
            "{filter}"
        );
    }
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM opdrachten WHERE minor_id IS NOT NULL OR lectoraat_id IS NOT NULL"
        )
        .await,
        4,
        "the demo links no opdracht to a minor or lectoraat"
    );
    assert_eq!(
        hu.query(FILTERED, json!({ "f": { "minor": minor } }))
            .await
            .data(),
        &page(&["Bij de minor", "Bij beide"]),
        "HU does not see UvA's opdracht"
    );
    assert_eq!(
        app.anoniem()
            .query(FILTERED, json!({ "f": { "minor": minor } }))
            .await
            .data(),
        &page(&[]),
        "anonymous callers see no opdrachten"
    );
}

async fn a_record_criterion_refuses_an_id_of_another_type_and_matches_nothing_for_an_unknown_one(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let organisatie = app.org_id(demo::HU).await;
    for (criterion, typename, what) in [
        ("fieldlab", "Fieldlab", "a fieldlab"),
        ("lectoraat", "Lectoraat", "a lectoraat"),
        ("minor", "Minor", "a minor"),
    ] {
        for wrong in [organisatie.as_str(), "nonsense"] {
            let answer = bureau
                .query(FILTERED, json!({ "f": { criterion: wrong } }))
                .await;
            answer.assert_problem(&format!("filter.{criterion}"));
            assert_eq!(
                answer.extensions()["problems"],
                json!([{
                    "field": format!("filter.{criterion}"),
                    "message": format!("not the id of {what} of this API"),
                }]),
                "{criterion}: {wrong}"
            );
        }
        let unknown = app.id(typename, 999_999);
        assert_eq!(
            bureau
                .query(FILTERED, json!({ "f": { criterion: unknown } }))
                .await
                .data(),
            &json!({ "opdrachten": { "totalCount": 0, "nodes": [] } }),
            "{criterion}: a record that does not exist"
        );
    }
}
