//! Hostile input is normal input: every list has a maximum, every text field a maximum length
//! and no control characters (free text keeps tabs and newlines), every date lies in
//! 1900-01-01 ..= 2999-12-31; each refusal is `BAD_USER_INPUT` naming the field and the rule,
//! writes nothing, and does not hold up other writers. A `PER_ITEM` sync rejects only the bad
//! items. Writers of two processes on one database take turns (or get `503 TIMEOUT` with
//! `Retry-After`), never `INTERNAL`.

use crate::dual_tests;
use crate::harness::{Backend, Reply, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

dual_tests!(
    a_create_with_120000_uitvoerders_is_refused_without_holding_up_another_organisation,
    a_filter_with_40000_values_is_bad_user_input_not_internal,
    every_list_in_a_filter_has_a_maximum,
    every_list_in_a_mutation_has_a_maximum,
    nul_bytes_in_mutation_strings_are_refused_naming_the_field,
    nul_bytes_in_filters_are_refused_rather_than_matched,
    control_characters_are_refused_but_free_text_keeps_tabs_and_newlines,
    dates_outside_1900_to_2999_are_refused_in_mutations,
    dates_outside_1900_to_2999_are_refused_in_filters,
    a_per_item_sync_rejects_only_the_bad_items_and_the_others_land,
    an_atomair_sync_with_one_bad_item_writes_nothing,
    every_list_of_a_sync_has_a_maximum,
    over_long_text_fields_are_refused_naming_the_field_and_the_maximum,
    writers_of_two_processes_on_one_database_take_turns_without_internal_errors,
    a_writer_that_cannot_get_the_write_lock_in_time_gets_503_timeout_with_retry_after,
);

const CREATE_OPDRACHT: &str =
    "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id naam } }";
const CREATE_FIELDLAB: &str =
    "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { id naam beschrijving } }";
const CREATE_LECTORAAT: &str =
    "mutation($input: LectoraatInput!) { createLectoraat(input: $input) { id } }";
const CREATE_MINOR: &str = "mutation($input: MinorInput!) { createMinor(input: $input) { id } }";
const CREATE_COMMUNITY: &str =
    "mutation($input: CommunityInput!) { createCommunity(input: $input) { id } }";
const PROFIEL: &str = "mutation($id: ID!, $versie: Int!, $input: OrganisatieProfielInput!) { \
    updateOrganisatieProfiel(id: $id, versie: $versie, input: $input) { versie } }";
const SYNC: &str = "mutation($input: OpdrachtenSyncInput!) { syncOpdrachten(input: $input) { \
    toegepast totalen { created rejected deleted unchanged } \
    items { externId resultaat opdracht errors { field message } } } }";

/// The fields of the `BAD_USER_INPUT` problems of an answer (asserting that it is one).
fn velden(antwoord: &Reply) -> Vec<String> {
    assert_eq!(
        antwoord.error_code(),
        "BAD_USER_INPUT",
        "expected BAD_USER_INPUT, got {}",
        antwoord.body
    );
    antwoord.extensions()["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts a `BAD_USER_INPUT` for `veld` whose message contains `tekst`.
fn geweigerd(antwoord: &Reply, veld: &str, tekst: &str) {
    let velden = velden(antwoord);
    assert!(
        velden.iter().any(|v| v == veld),
        "{veld} is reported: {}",
        antwoord.body
    );
    let melding = antwoord.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        melding.contains(tekst),
        "the message names the rule '{tekst}': {melding}"
    );
}

fn opdracht(naam: &str, opdrachtgever: &str) -> Value {
    json!({ "naam": naam, "opdrachtSoort": "AFSTUDEEROPDRACHT", "opdrachtgever": opdrachtgever })
}

fn lab(naam: &str) -> Value {
    json!({ "naam": naam, "regios": ["MIDDEN"] })
}

async fn a_create_with_120000_uitvoerders_is_refused_without_holding_up_another_organisation(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.token(Some(demo::HU), Rol::Medewerker).await;
    let duo = app.org_id(demo::DUO).await;
    let hu_id = app.org_id(demo::HU).await;
    // 120,000 copies of one id (3.6 MB), or as many as fit under the 4 MiB body limit.
    let aantal = 120_000.min(4_000_000 / (hu_id.len() + 3));
    let mut groot = opdracht("Groot", &duo);
    groot["uitvoerders"] = json!(vec![hu_id.clone(); aantal]);
    let voor = app.dump().await;

    let app = std::sync::Arc::new(app);
    let hanze = app.als(demo::HANZE, Rol::Medewerker);
    let (app2, hu2, groot2) = (app.clone(), hu.clone(), groot.clone());
    let groot_verzoek = tokio::spawn(async move {
        let begin = Instant::now();
        let antwoord = app2
            .with_token(&hu2)
            .query(CREATE_OPDRACHT, json!({ "input": groot2 }))
            .await;
        (antwoord, begin.elapsed())
    });
    // Another organisation writes while the large request is on its way.
    let mut traagste = Duration::ZERO;
    let mut schrijfacties = 0;
    while !groot_verzoek.is_finished() || schrijfacties == 0 {
        let begin = Instant::now();
        let antwoord = hanze
            .query(
                CREATE_OPDRACHT,
                json!({ "input": opdracht(&format!("Klein {schrijfacties}"), &duo) }),
            )
            .await;
        antwoord.data();
        traagste = traagste.max(begin.elapsed());
        schrijfacties += 1;
    }
    let (antwoord, duur) = groot_verzoek.await.unwrap();
    geweigerd(&antwoord, "uitvoerders", "at most 1000");
    assert!(
        traagste < Duration::from_secs(3),
        "the other organisation's writes were not held up (slowest {traagste:?}, the large \
         request took {duur:?})"
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE naam = 'Groot'")
            .await,
        0
    );
    let na = app.dump().await;
    assert!(na.len() > voor.len(), "the small writes landed");
}

/// Every list criterion of every filter: (list field, query, filter field, one valid value).
const FILTERLIJSTEN: &[(&str, &str, &str)] = &[
    ("opdrachten", "regio", "\"NOORD\""),
    ("opdrachten", "themas", "\"DATA_AI\""),
    ("opdrachten", "opdrachtStatus", "\"AFGEROND\""),
    ("opdrachten", "opdrachtSoort", "\"STAGE\""),
    ("opdrachten", "onderwijssoort", "\"HBO\""),
    ("fieldlabs", "regios", "\"NOORD\""),
    ("fieldlabs", "themas", "\"DATA_AI\""),
    ("fieldlabs", "fieldlabStatus", "\"ACTIEF\""),
    ("rijkspartners", "regio", "\"NOORD\""),
    ("rijkspartners", "rijkspartnerSoort", "\"MINISTERIE\""),
    ("kennisinstellingen", "regio", "\"NOORD\""),
    ("kennisinstellingen", "onderwijssoort", "\"HBO\""),
    ("lectoraten", "themas", "\"DATA_AI\""),
    ("minoren", "minorSoort", "\"MINOR\""),
    ("minoren", "themas", "\"DATA_AI\""),
    ("communities", "communityStatus", "\"ACTIEF\""),
    ("communities", "themas", "\"DATA_AI\""),
];

fn filterquery(lijst: &str, veld: &str) -> String {
    let typ = match (lijst, veld) {
        (_, "themas") => "[String!]".to_owned(),
        (_, "opdrachtStatus") => "[OpdrachtStatus!]".to_owned(),
        (_, "opdrachtSoort") => "[OpdrachtSoort!]".to_owned(),
        (_, "fieldlabStatus") => "[FieldlabStatus!]".to_owned(),
        (_, "communityStatus") => "[CommunityStatus!]".to_owned(),
        (_, "minorSoort") => "[MinorSoort!]".to_owned(),
        (_, "regio" | "regios") => "[Regio!]".to_owned(),
        (_, "onderwijssoort") => "[Onderwijssoort!]".to_owned(),
        (_, "rijkspartnerSoort") => "[RijkspartnerSoort!]".to_owned(),
        other => panic!("no type for {other:?}"),
    };
    format!("query($v: {typ}) {{ {lijst}(filter: {{ {veld}: $v }}) {{ totalCount }} }}")
}

async fn a_filter_with_40000_values_is_bad_user_input_not_internal(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (lijst, veld, waarde) in [
        ("opdrachten", "themas", "DATA_AI"),
        ("opdrachten", "opdrachtStatus", "AFGEROND"),
        ("fieldlabs", "regios", "NOORD"),
    ] {
        let antwoord = bureau
            .query(
                &filterquery(lijst, veld),
                json!({ "v": vec![waarde; 40_000] }),
            )
            .await;
        geweigerd(&antwoord, &format!("filter.{veld}"), "at most 1000");
    }
    // The statistics take the same filter.
    let antwoord = bureau
        .query(
            "query($v: [OpdrachtStatus!]) { statistieken(filter: { opdrachtStatus: $v }) { aantalOpdrachten } }",
            json!({ "v": vec!["AFGEROND"; 40_000] }),
        )
        .await;
    geweigerd(&antwoord, "filter.opdrachtStatus", "at most 1000");
}

async fn every_list_in_a_filter_has_a_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for (lijst, veld, waarde) in FILTERLIJSTEN {
        let waarde: Value = serde_json::from_str(waarde).unwrap();
        let query = filterquery(lijst, veld);
        let antwoord = bureau
            .query(&query, json!({ "v": vec![waarde.clone(); 1000] }))
            .await;
        antwoord.data();
        let antwoord = bureau
            .query(&query, json!({ "v": vec![waarde; 1001] }))
            .await;
        geweigerd(&antwoord, &format!("filter.{veld}"), "at most 1000");
    }
    let antwoord = bureau
        .query(
            "query($v: [RecordType!]) { wijzigingen(recordTypes: $v) { endCursor } }",
            json!({ "v": vec!["OPDRACHT"; 1001] }),
        )
        .await;
    geweigerd(&antwoord, "recordTypes", "at most 1000");
}

async fn every_list_in_a_mutation_has_a_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let hu_beheerder = app.als(demo::HU, Rol::Beheerder);
    let duo = app.org_id(demo::DUO).await;
    let hu = app.org_id(demo::HU).await;
    let lab_id = hu_beheerder
        .query(CREATE_FIELDLAB, json!({ "input": lab("Lijstlab") }))
        .await
        .data()["createFieldlab"]["id"]
        .clone();
    let voor = app.dump().await;
    let te_veel = |w: Value| json!(vec![w; 1001]);
    let gevallen: Vec<(&str, &str, Value, &str)> = vec![
        (CREATE_OPDRACHT, "themas", json!("DATA_AI"), "opdracht"),
        (CREATE_OPDRACHT, "uitvoerders", json!(hu), "opdracht"),
        (CREATE_FIELDLAB, "themas", json!("DATA_AI"), "lab"),
        (
            CREATE_FIELDLAB,
            "deelnemers",
            json!({ "organisatie": duo, "deelnemerRol": "PARTNER" }),
            "lab",
        ),
        (CREATE_LECTORAAT, "themas", json!("DATA_AI"), "lectoraat"),
        (CREATE_LECTORAAT, "partners", json!(duo), "lectoraat"),
        (CREATE_LECTORAAT, "fieldlabs", lab_id.clone(), "lectoraat"),
        (CREATE_MINOR, "themas", json!("DATA_AI"), "minor"),
        (CREATE_MINOR, "partners", json!(duo), "minor"),
        (CREATE_COMMUNITY, "themas", json!("DATA_AI"), "community"),
        (CREATE_COMMUNITY, "leden", json!(duo), "community"),
    ];
    for (mutatie, veld, waarde, soort) in gevallen {
        let mut input = match soort {
            "opdracht" => opdracht("Lijst", &duo),
            "lab" => lab("Lijst"),
            "lectoraat" => {
                json!({ "naam": "Lijst", "lectoraatSoort": "LECTORAAT", "eigenaar": hu })
            }
            "minor" => json!({ "naam": "Lijst", "minorSoort": "MINOR", "eigenaar": hu }),
            _ => json!({ "naam": "Lijst" }),
        };
        input[veld] = te_veel(waarde);
        let antwoord = bureau.query(mutatie, json!({ "input": input })).await;
        geweigerd(&antwoord, veld, "at most 1000");
    }
    assert_eq!(app.dump().await, voor, "nothing was written");

    // Duplicates in a list of links are merged: 1000 copies of one theme make one link.
    let mut input = opdracht("Dubbel", &duo);
    input["onderwijssoort"] = json!("HBO");
    input["themas"] = json!(vec!["DATA_AI"; 1000]);
    input["uitvoerders"] = json!(vec![hu.clone(); 1000]);
    let antwoord = bureau
        .query(CREATE_OPDRACHT, json!({ "input": input }))
        .await;
    antwoord.data();
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM opdracht_uitvoerders WHERE opdracht_id = \
             (SELECT id FROM opdrachten WHERE naam = 'Dubbel')"
        )
        .await,
        1
    );
}

async fn nul_bytes_in_mutation_strings_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let duo = app.org_id(demo::DUO).await;
    let voor = app.dump().await;
    for (veld, pad) in [
        ("naam", "naam"),
        ("beschrijving", "beschrijving"),
        ("plaats", "plaats"),
        ("website", "website"),
    ] {
        let mut input = lab("Lab");
        input[veld] = json!("https://lab\u{0}.nl");
        let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
        geweigerd(&antwoord, pad, "control character");
    }
    let mut input = lab("Lab");
    input["contactpersoon"] = json!({ "naam": "A.\u{0}B", "email": "a@hu.nl" });
    let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    geweigerd(&antwoord, "contactpersoon.naam", "control character");
    let mut input = lab("Lab");
    input["themas"] = json!(["DATA_AI\u{0}"]);
    let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    geweigerd(&antwoord, "themas[0]", "control character");

    let mut input = opdracht("Opdracht", &duo);
    input["externId"] = json!("X\u{0}1");
    input["omschrijving"] = json!("een\u{0}twee");
    let antwoord = hu.query(CREATE_OPDRACHT, json!({ "input": input })).await;
    geweigerd(&antwoord, "externId", "control character");
    assert!(velden(&antwoord).contains(&"omschrijving".to_owned()));

    let hu_id = app.org_id(demo::HU).await;
    let antwoord = hu
        .query(
            PROFIEL,
            json!({ "id": hu_id, "versie": 1, "input": { "afkorting": "H\u{0}U" } }),
        )
        .await;
    geweigerd(&antwoord, "afkorting", "control character");

    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let antwoord = medewerker
        .query(
            SYNC,
            json!({ "input": { "bron": "osi\u{0}ris", "opdrachten": [] } }),
        )
        .await;
    geweigerd(&antwoord, "bron", "control character");
    assert_eq!(app.dump().await, voor, "nothing was written");
}

async fn nul_bytes_in_filters_are_refused_rather_than_matched(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for lijst in [
        "fieldlabs",
        "opdrachten",
        "rijkspartners",
        "kennisinstellingen",
        "lectoraten",
        "minoren",
        "communities",
    ] {
        let antwoord = bureau
            .query(
                &format!(
                    "query($z: String) {{ {lijst}(filter: {{ zoek: $z }}) {{ totalCount }} }}"
                ),
                json!({ "z": "Lab\u{0}" }),
            )
            .await;
        geweigerd(&antwoord, "filter.zoek", "control character");
    }
    let antwoord = bureau
        .query(
            "query($t: [String!]) { fieldlabs(filter: { themas: $t }) { totalCount } }",
            json!({ "t": ["DATA_AI\u{0}"] }),
        )
        .await;
    geweigerd(&antwoord, "filter.themas[0]", "control character");
    let antwoord = bureau
        .query(
            "query($a: String) { auditTrail(filter: { actor: $a }) { totalCount } }",
            json!({ "a": "test\u{0}user" }),
        )
        .await;
    geweigerd(&antwoord, "filter.actor", "control character");
}

async fn control_characters_are_refused_but_free_text_keeps_tabs_and_newlines(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let mut input = lab("Regel\nbreuk");
    let antwoord = hu
        .query(CREATE_FIELDLAB, json!({ "input": input.clone() }))
        .await;
    geweigerd(&antwoord, "naam", "control character");
    input["naam"] = json!("Belletje");
    input["beschrijving"] = json!("piep\u{7}");
    let antwoord = hu
        .query(CREATE_FIELDLAB, json!({ "input": input.clone() }))
        .await;
    geweigerd(&antwoord, "beschrijving", "control character");
    input["beschrijving"] = json!("Regel 1\r\nRegel 2\n\tingesprongen");
    let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    assert_eq!(
        antwoord.data()["createFieldlab"]["beschrijving"],
        "Regel 1\r\nRegel 2\n\tingesprongen"
    );
}

async fn dates_outside_1900_to_2999_are_refused_in_mutations(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let duo = app.org_id(demo::DUO).await;
    let voor = app.dump().await;
    for datum in ["-262143-01-01", "3000-01-01", "1899-12-31", "+10000-01-01"] {
        let mut input = opdracht("Date", &duo);
        input["startdatum"] = json!(datum);
        let antwoord = hu.query(CREATE_OPDRACHT, json!({ "input": input })).await;
        geweigerd(&antwoord, "startdatum", "between 1900-01-01 and 2999-12-31");
        let mut input = lab("Datumlab");
        input["startdatum"] = json!(datum);
        let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
        geweigerd(&antwoord, "startdatum", "between 1900-01-01 and 2999-12-31");
        let input = json!({ "naam": "Date", "lectoraatSoort": "LECTORAAT", "einddatum": datum });
        let antwoord = hu.query(CREATE_LECTORAAT, json!({ "input": input })).await;
        geweigerd(&antwoord, "einddatum", "between 1900-01-01 and 2999-12-31");
        let input = json!({ "naam": "Date", "minorSoort": "MINOR", "startdatum": datum });
        let antwoord = hu.query(CREATE_MINOR, json!({ "input": input })).await;
        geweigerd(&antwoord, "startdatum", "between 1900-01-01 and 2999-12-31");
    }
    assert_eq!(app.dump().await, voor, "nothing was written");
    let mut input = opdracht("Grenzen", &duo);
    input["startdatum"] = json!("1900-01-01");
    input["einddatum"] = json!("2999-12-31");
    hu.query(CREATE_OPDRACHT, json!({ "input": input }))
        .await
        .data();
}

async fn dates_outside_1900_to_2999_are_refused_in_filters(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    for veld in [
        "startdatumVanaf",
        "startdatumTotEnMet",
        "einddatumVanaf",
        "einddatumTotEnMet",
    ] {
        for datum in ["-262143-01-01", "3000-01-01"] {
            let antwoord = bureau
                .query(
                    &format!(
                        "query($d: Date) {{ opdrachten(filter: {{ {veld}: $d }}) {{ totalCount }} \
                         }}"
                    ),
                    json!({ "d": datum }),
                )
                .await;
            geweigerd(
                &antwoord,
                &format!("filter.{veld}"),
                "between 1900-01-01 and 2999-12-31",
            );
            let antwoord = bureau
                .query(
                    &format!(
                        "query($d: Date) {{ statistieken(filter: {{ {veld}: $d }}) {{ aantalOpdrachten \
                         }} }}"
                    ),
                    json!({ "d": datum }),
                )
                .await;
            geweigerd(
                &antwoord,
                &format!("filter.{veld}"),
                "between 1900-01-01 and 2999-12-31",
            );
        }
    }
    // Moments too: a year past 9999 in UTC would sort differently on the two databases.
    for (query, veld) in [
        (
            "query($t: DateTime) { fieldlabs(filter: { gewijzigdSinds: $t }) { totalCount } }",
            "filter.gewijzigdSinds",
        ),
        (
            "query($t: DateTime) { auditTrail(filter: { vanaf: $t }) { totalCount } }",
            "filter.vanaf",
        ),
    ] {
        for tijdstip in ["9999-12-31T23:59:59-23:59", "1899-12-31T23:59:59Z"] {
            let antwoord = bureau.query(query, json!({ "t": tijdstip })).await;
            geweigerd(&antwoord, veld, "between 1900-01-01 and 2999-12-31");
        }
    }
    let antwoord = bureau
        .query(
            "{ opdrachten(filter: { startdatumVanaf: \"1900-01-01\", startdatumTotEnMet: \
             \"2999-12-31\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(antwoord.data()["opdrachten"]["totalCount"], 548);
}

fn sync_item(n: usize) -> Value {
    json!({
        "externId": format!("INV-{n}"),
        "naam": format!("Opdracht {n}"),
        "opdrachtSoort": "STAGE",
        "startdatum": "2025-02-01",
        "opdrachtgever": demo::DUO,
        "uitvoerders": [demo::HU],
        "themas": ["DATA_AI"],
    })
}

/// A batch of five good items and five bad ones (each bad in one field), with one good and one
/// bad withdrawal; returns the batch and the bad items' index with their field.
fn gemengde_batch(modus: &str) -> (Value, Vec<(usize, String)>) {
    let mut items: Vec<Value> = (0..10).map(sync_item).collect();
    items[1]["naam"] = json!("Nul\u{0}byte");
    items[3]["startdatum"] = json!("-262143-01-01");
    items[5]["einddatum"] = json!("3000-01-01");
    items[7]["contactpersoon"] = json!({ "naam": "x".repeat(201) });
    items[9]["uitvoerders"] = json!(vec![demo::HU; 1001]);
    let slecht = vec![
        (1, "opdrachten[1].naam".to_owned()),
        (3, "opdrachten[3].startdatum".to_owned()),
        (5, "opdrachten[5].einddatum".to_owned()),
        (7, "opdrachten[7].contactpersoon.naam".to_owned()),
        (9, "opdrachten[9].uitvoerders".to_owned()),
        (11, "ingetrokken[1]".to_owned()),
    ];
    let batch = json!({ "input": {
        "bron": "osiris",
        "modus": modus,
        "opdrachten": items,
        "ingetrokken": ["ONBEKEND-1", "WEG\u{0}"],
    } });
    (batch, slecht)
}

async fn a_per_item_sync_rejects_only_the_bad_items_and_the_others_land(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let (batch, slecht) = gemengde_batch("PER_ITEM");
    let antwoord = hu.query(SYNC, batch).await;
    let resultaat = &antwoord.data()["syncOpdrachten"];
    assert_eq!(resultaat["toegepast"], true);
    assert_eq!(resultaat["totalen"]["created"], 5);
    assert_eq!(resultaat["totalen"]["rejected"], 6);
    let items = resultaat["items"].as_array().unwrap();
    for (index, veld) in &slecht {
        let item = &items[*index];
        assert_eq!(item["resultaat"], "REJECTED", "{item}");
        let fouten: Vec<&str> = item["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert!(fouten.contains(&veld.as_str()), "{veld} in {item}");
    }
    for goed in [0, 2, 4, 6, 8] {
        assert_eq!(items[goed]["resultaat"], "CREATED", "{}", items[goed]);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM opdrachten WHERE extern_id LIKE 'INV-%'")
            .await,
        5
    );
}

async fn an_atomair_sync_with_one_bad_item_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let voor = app.dump().await;
    let (batch, slecht) = gemengde_batch("ATOMAIR");
    let antwoord = hu.query(SYNC, batch).await;
    let resultaat = &antwoord.data()["syncOpdrachten"];
    assert_eq!(resultaat["toegepast"], false);
    assert_eq!(resultaat["totalen"]["rejected"], slecht.len());
    assert_eq!(app.dump().await, voor, "nothing of the batch was written");
}

async fn every_list_of_a_sync_has_a_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let voor = app.dump().await;
    let antwoord = hu
        .query(
            SYNC,
            json!({ "input": { "bron": "osiris", "ingetrokken": vec!["X"; 1001] } }),
        )
        .await;
    geweigerd(&antwoord, "ingetrokken", "at most 1000");
    let antwoord = hu
        .query(
            SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": (0..1001).map(sync_item).collect::<Vec<_>>() } }),
        )
        .await;
    geweigerd(&antwoord, "opdrachten", "at most 1000");
    // A list inside an item rejects that item.
    let mut item = sync_item(1);
    item["themas"] = json!(vec!["DATA_AI"; 1001]);
    let antwoord = hu
        .query(
            SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": [item] } }),
        )
        .await;
    let fout = &antwoord.data()["syncOpdrachten"]["items"][0]["errors"][0];
    assert_eq!(fout["field"], "opdrachten[0].themas");
    assert!(fout["message"].as_str().unwrap().contains("at most 1000"));
    assert_eq!(app.dump().await, voor, "nothing was written");
}

async fn over_long_text_fields_are_refused_naming_the_field_and_the_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let duo = app.org_id(demo::DUO).await;
    let hu_id = app.org_id(demo::HU).await;
    let voor = app.dump().await;
    let lang = |n: usize| "é".repeat(n);
    let gevallen: Vec<(&str, Value, &str, usize)> = vec![
        (CREATE_FIELDLAB, lab("Lab"), "naam", 200),
        (CREATE_FIELDLAB, lab("Lab"), "plaats", 100),
        (CREATE_FIELDLAB, lab("Lab"), "beschrijving", 4000),
        (CREATE_OPDRACHT, opdracht("O", &duo), "naam", 300),
        (CREATE_OPDRACHT, opdracht("O", &duo), "externId", 200),
        (CREATE_OPDRACHT, opdracht("O", &duo), "omschrijving", 4000),
        (
            CREATE_LECTORAAT,
            json!({ "naam": "L", "lectoraatSoort": "LECTORAAT" }),
            "lector",
            200,
        ),
        (
            CREATE_MINOR,
            json!({ "naam": "M", "minorSoort": "MINOR" }),
            "naam",
            200,
        ),
    ];
    for (mutatie, mut input, veld, max) in gevallen {
        input[veld] = json!(lang(max + 1));
        let antwoord = hu.query(mutatie, json!({ "input": input.clone() })).await;
        geweigerd(&antwoord, veld, &format!("at most {max} characters"));
        // A megabyte is refused as quickly, with the same rule.
        input[veld] = json!(lang(1_000_000));
        let antwoord = hu.query(mutatie, json!({ "input": input })).await;
        assert!(velden(&antwoord).contains(&veld.to_owned()));
    }
    let mut input = lab("Lab");
    input["website"] = json!(format!("https://{}.nl", "a".repeat(500)));
    let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    geweigerd(&antwoord, "website", "at most 500 characters");
    let mut input = lab("Lab");
    input["contactpersoon"] =
        json!({ "naam": lang(201), "email": format!("{}@hu.nl", "a".repeat(250)) });
    let antwoord = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    geweigerd(&antwoord, "contactpersoon.naam", "at most 200 characters");
    geweigerd(&antwoord, "contactpersoon.email", "at most 254 characters");
    let antwoord = hu
        .query(
            PROFIEL,
            json!({ "id": hu_id, "versie": 1, "input": { "afkorting": lang(41) } }),
        )
        .await;
    geweigerd(&antwoord, "afkorting", "at most 40 characters");
    let antwoord = hu
        .query(
            SYNC,
            json!({ "input": { "bron": lang(101), "opdrachten": [] } }),
        )
        .await;
    geweigerd(&antwoord, "bron", "at most 100 characters");
    let antwoord = hu
        .query(
            "query($z: String) { fieldlabs(filter: { zoek: $z }) { totalCount } }",
            json!({ "z": lang(201) }),
        )
        .await;
    geweigerd(&antwoord, "filter.zoek", "at most 200 characters");
    let antwoord = hu
        .query(
            "query($a: String) { auditTrail(filter: { actor: $a }) { totalCount } }",
            json!({ "a": lang(256) }),
        )
        .await;
    geweigerd(&antwoord, "filter.actor", "at most 255 characters");
    // At the maximum, with characters of two bytes, PostgreSQL stores it (no "value too long").
    let mut input = lab(&lang(200));
    input["plaats"] = json!(lang(100));
    input["contactpersoon"] = json!({ "naam": lang(200) });
    hu.query(CREATE_FIELDLAB, json!({ "input": input }))
        .await
        .data();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM fieldlabs WHERE plaats IS NOT NULL AND naam LIKE 'é%'")
            .await,
        1
    );
    let _ = voor;
}

async fn writers_of_two_processes_on_one_database_take_turns_without_internal_errors(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let tweede = app.second_process().await;
    let hu = app.token(Some(demo::HU), Rol::Beheerder).await;
    let app = std::sync::Arc::new(app);
    let tweede = std::sync::Arc::new(tweede);
    let mut taken = Vec::new();
    for n in 0..24 {
        let doel = if n % 2 == 0 {
            app.clone()
        } else {
            tweede.clone()
        };
        let hu = hu.clone();
        taken.push(tokio::spawn(async move {
            doel.with_token(&hu)
                .query(
                    CREATE_FIELDLAB,
                    json!({ "input": lab(&format!("Proceslab {n}")) }),
                )
                .await
        }));
    }
    for taak in taken {
        let antwoord = taak.await.unwrap();
        antwoord.data();
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM fieldlabs WHERE naam LIKE 'Proceslab %'")
            .await,
        24
    );
    // The change log is numbered in commit order: each entry's number is higher than all before.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM wijzigingen a JOIN wijzigingen b ON a.id < b.id \
             WHERE a.operatie = 'createFieldlab' AND b.operatie = 'createFieldlab' \
             AND a.tijdstip > b.tijdstip"
        )
        .await,
        0
    );
}

async fn a_writer_that_cannot_get_the_write_lock_in_time_gets_503_timeout_with_retry_after(
    backend: Backend,
) {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    // Another process holds the database's write lock for longer than a writer waits.
    let raw = app.raw().await;
    let bezet = match backend {
        Backend::Sqlite => {
            raw.begin_with_options(sea_orm::TransactionOptions {
                sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        Backend::Postgres => raw.begin().await,
    }
    .expect("begin");
    if backend == Backend::Postgres {
        bezet
            // The writers' advisory lock (`WRITE_LOCK_KEY` in src/db/write.rs, 0x6950_5377).
            .execute_unprepared("SELECT pg_advisory_xact_lock(1766871927)")
            .await
            .expect("the writers' lock");
    }
    let voor = app.dump().await;
    let begin = Instant::now();
    let antwoord = hu
        .query(CREATE_FIELDLAB, json!({ "input": lab("Wachtlab") }))
        .await;
    let duur = begin.elapsed();
    assert_eq!(antwoord.status, 503, "{}", antwoord.body);
    assert_eq!(antwoord.error_code(), "TIMEOUT");
    let retry: u64 = antwoord.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert!(duur < Duration::from_secs(15), "{duur:?}");
    bezet.rollback().await.unwrap();
    assert_eq!(app.dump().await, voor, "nothing was written");
    // Once the lock is free, the same write succeeds.
    hu.query(CREATE_FIELDLAB, json!({ "input": lab("Wachtlab") }))
        .await
        .data();
}
