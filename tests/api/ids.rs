//! Public ids and cursors cannot be counted, read or made: they are encrypted under the
//! database's keys, a forged one is refused as input (never INTERNAL), and the id of a record
//! the caller may not see gets the same answer, byte for byte, as the id of one that is gone.

use crate::dual_tests;
use crate::harness::{Backend, TestApp, demo};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ipartnerschap::auth::Rol;
use ipartnerschap::db::Database;
use ipartnerschap::graphql::Keys;
use serde_json::{Value, json};

dual_tests!(
    ids_and_cursors_hold_no_row_numbers_and_show_no_order,
    ids_are_the_same_for_every_process_on_the_database,
    a_tampered_foreign_or_random_id_is_bad_user_input,
    a_hidden_and_an_absent_record_get_byte_identical_answers,
    a_forged_cursor_is_bad_user_input_naming_its_argument_on_every_list,
);

const NODE: &str = "query($id: ID!) { node(id: $id) { id } }";
const UPDATE: &str = "mutation($id: ID!) { updateOpdracht(id: $id, versie: 1, input: { \
                      naam: \"x\", opdrachtSoort: AFSTUDEEROPDRACHT, opdrachtgever: $id }) { id } }";

/// The ids and cursors of the first `n` opdrachten the programme office sees, in the order
/// they were created.
async fn opdrachten(app: &TestApp, n: usize) -> Vec<(String, String)> {
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let data = bureau
        .query(
            "query($n: Int!) { opdrachten(first: $n, orderBy: { veld: AANGEMAAKT_OP }) { \
             edges { cursor node { id } } } }",
            json!({ "n": n }),
        )
        .await
        .data()
        .clone();
    data["opdrachten"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["id"].as_str().unwrap().to_owned(),
                e["cursor"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The longest common prefix of two strings, in characters.
fn gemeen(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

async fn ids_and_cursors_hold_no_row_numbers_and_show_no_order(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let mut rijen: Vec<(i32, String, String)> = opdrachten(&app, 20)
        .await
        .into_iter()
        .map(|(id, cursor)| (app.sleutels.read_id(&id).unwrap().id, id, cursor))
        .collect();
    rijen.sort();
    assert_eq!(rijen.len(), 20);
    for (rij, id, cursor) in &rijen {
        assert_eq!(id.len(), 22, "16 bytes in base64url: {id}");
        for opaak in [id, cursor] {
            let bytes = URL_SAFE_NO_PAD.decode(opaak).unwrap();
            let tekst = String::from_utf8_lossy(&bytes);
            // The row number in any plain encoding: as text after the type's name, or as the
            // four bytes of an integer either way round. (A bare ":7" is two bytes and turns
            // up in random bytes about once in a hundred runs, so it proves nothing.)
            let als_getal = |b: [u8; 4]| bytes.windows(4).any(|w| w == b);
            assert!(
                !tekst.contains("Opdracht")
                    && !als_getal(rij.to_be_bytes())
                    && !als_getal(rij.to_le_bytes()),
                "{opaak} reads as {tekst}"
            );
            assert!(
                serde_json::from_slice::<Value>(&bytes).is_err(),
                "{opaak} is no JSON"
            );
        }
    }
    for paar in rijen.windows(2) {
        let ((a, id_a, c_a), (b, id_b, c_b)) = (&paar[0], &paar[1]);
        assert!(b > a);
        assert!(gemeen(id_a, id_b) < 4, "{id_a} and {id_b} look alike");
        assert!(gemeen(c_a, c_b) < 4, "{c_a} and {c_b} look alike");
    }
    let ids: Vec<&String> = rijen.iter().map(|(_, id, _)| id).collect();
    let mut gesorteerd = ids.clone();
    gesorteerd.sort();
    assert_ne!(ids, gesorteerd, "ids are not in the order of the rows");
}

async fn ids_are_the_same_for_every_process_on_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (id, _) = opdrachten(&app, 1).await.remove(0);
    let rij = app.sleutels.read_id(&id).unwrap().id;
    // Another process on the same database reads the same keys.
    let ander = Database::connect(&app.database_url, 1).await.unwrap();
    let sleutels = Keys::load(&ander).await.unwrap();
    assert_eq!(sleutels.id("Opdracht", rij).0, id);
    // Another database has other keys: this id means nothing there.
    let elders = TestApp::spawn(backend).await;
    assert_eq!(elders.sleutels.read_id(&id), None);
    let antwoord = elders.anoniem().query(NODE, json!({ "id": id })).await;
    antwoord.assert_bad_user_input();
}

/// `id` with the character at `i` replaced.
fn veranderd(id: &str, i: usize) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    chars.into_iter().collect()
}

async fn a_tampered_foreign_or_random_id_is_bad_user_input(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let (opdracht, _) = opdrachten(&app, 1).await.remove(0);
    let lab = app
        .anoniem()
        .query("{ fieldlabs(first: 1) { nodes { id } } }", json!({}))
        .await;
    let lab = lab.data()["fieldlabs"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rij = app.sleutels.read_id(&opdracht).unwrap().id;
    let ongeldig = [
        veranderd(&opdracht, 0),
        veranderd(&opdracht, 10),
        veranderd(&opdracht, 20),
        URL_SAFE_NO_PAD.encode(format!("Opdracht:{rij}")),
        "T3BkcmFjaHQ6NTQ5".to_owned(),
        "AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "x4HkP0oGmQ9zq7VbTtLs2w".to_owned(),
        "a random string".to_owned(),
        String::new(),
    ];
    for id in &ongeldig {
        for query in [NODE, UPDATE] {
            let antwoord = bureau.query(query, json!({ "id": id })).await;
            assert_eq!(
                antwoord.error_code(),
                "BAD_USER_INPUT",
                "{id}: {}",
                antwoord.body
            );
            assert_eq!(antwoord.extensions()["field"], "id");
        }
    }
    // The id of a fieldlab is a valid id, but not of an opdracht.
    let antwoord = bureau.query(UPDATE, json!({ "id": lab })).await;
    assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{}", antwoord.body);
    assert!(
        antwoord.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is the id of a Fieldlab"),
        "{}",
        antwoord.body
    );
}

/// The raw answer to `query` with `id`, sent with a fixed request id: status, content type and
/// the body's bytes.
async fn rauw(app: &TestApp, token: &str, query: &str, id: &str) -> (u16, String, Vec<u8>) {
    let response = reqwest::Client::new()
        .post(&app.endpoint)
        .bearer_auth(token)
        .header("X-Request-Id", "id-probe")
        .json(&json!({ "query": query, "variables": { "id": id } }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let soort = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, soort, response.bytes().await.unwrap().to_vec())
}

async fn a_hidden_and_an_absent_record_get_byte_identical_answers(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let beller = app.token(Some(demo::HANZE), Rol::Medewerker).await;
    // Hidden: an opdracht the programme office sees and hanze.nl does not.
    let mut verborgen = None;
    for (id, _) in opdrachten(&app, 100).await {
        let antwoord = app
            .with_token(&beller)
            .query(NODE, json!({ "id": id }))
            .await;
        if antwoord.extensions()["code"] == "NOT_FOUND" {
            verborgen = Some(id);
            break;
        }
    }
    let verborgen = verborgen.expect("an opdracht hidden from hanze.nl");
    // Absent: a valid id whose record was deleted.
    let nieuw = bureau
        .query(
            "mutation($e: ID!, $o: ID!) { createOpdracht(input: { eigenaar: $e, \
             opdrachtgever: $o, naam: \"Weg\", opdrachtSoort: AFSTUDEEROPDRACHT }) { id versie } }",
            json!({ "e": app.org_id(demo::HU).await, "o": app.org_id(demo::BZK).await }),
        )
        .await;
    let nieuw = nieuw.data()["createOpdracht"].clone();
    let afwezig = nieuw["id"].as_str().unwrap().to_owned();
    bureau
        .query(
            "mutation($id: ID!, $v: Int!) { deleteOpdracht(id: $id, versie: $v) }",
            json!({ "id": afwezig, "v": nieuw["versie"] }),
        )
        .await
        .data();
    // And one that never existed, made with the key.
    let nooit = app.id("Opdracht", 987_654);
    for query in [NODE, UPDATE] {
        let (status, soort, body) = rauw(&app, &beller, query, &verborgen).await;
        let antwoord: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            antwoord["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{antwoord}"
        );
        for ander in [&afwezig, &nooit] {
            let (status2, soort2, body2) = rauw(&app, &beller, query, ander).await;
            assert_eq!((status, &soort), (status2, &soort2));
            assert_eq!(
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(&body2),
                "{query}"
            );
        }
    }
}

/// Every paged list with the argument its cursors go in.
const LIJSTEN: &[(&str, &str)] = &[
    ("rijkspartners", "after"),
    ("rijkspartners", "before"),
    ("kennisinstellingen", "after"),
    ("kennisinstellingen", "before"),
    ("fieldlabs", "after"),
    ("fieldlabs", "before"),
    ("lectoraten", "after"),
    ("lectoraten", "before"),
    ("minoren", "after"),
    ("minoren", "before"),
    ("communities", "after"),
    ("communities", "before"),
    ("opdrachten", "after"),
    ("opdrachten", "before"),
    ("auditTrail", "after"),
];

async fn a_forged_cursor_is_bad_user_input_naming_its_argument_on_every_list(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let (_, echt) = opdrachten(&app, 2).await.remove(1);
    let feed = bureau
        .query("{ wijzigingen(first: 1) { endCursor } }", json!({}))
        .await;
    let feed = feed.data()["wijzigingen"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let b64 = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let vervalst = [
        // The old format with a text where the ordering column holds dates.
        b64(json!({ "veld": "startdatum", "richting": true, "waarde": { "Tekst": "x" }, "id": 1 })),
        b64(
            json!({ "veld": "naam", "richting": true, "waarde": { "Date": "2024-01-01" }, "id": 1 }),
        ),
        URL_SAFE_NO_PAD.encode("wijziging:12"),
        veranderd(&echt, 5),
        veranderd(&feed, 5),
        // A real cursor of another kind: the feed's in a list, a list's in the feed.
        feed.clone(),
        "not a cursor".to_owned(),
    ];
    for cursor in &vervalst {
        for (lijst, argument) in LIJSTEN {
            let query = format!("query($c: String) {{ {lijst}({argument}: $c) {{ totalCount }} }}");
            let antwoord = bureau.query(&query, json!({ "c": cursor })).await;
            assert_eq!(
                antwoord.error_code(),
                "BAD_USER_INPUT",
                "{lijst}({argument}: {cursor}): {}",
                antwoord.body
            );
            assert_eq!(
                antwoord.extensions()["field"],
                *argument,
                "{lijst}: {}",
                antwoord.body
            );
        }
    }
    for cursor in vervalst.iter().filter(|c| **c != feed).chain([&echt]) {
        let antwoord = bureau
            .query(
                "query($c: String) { wijzigingen(after: $c) { endCursor } }",
                json!({ "c": cursor }),
            )
            .await;
        assert_eq!(antwoord.error_code(), "BAD_USER_INPUT", "{}", antwoord.body);
        assert_eq!(antwoord.extensions()["field"], "after");
    }
    // The real ones still work.
    let pagina = bureau
        .query(
            "query($c: String) { opdrachten(first: 1, orderBy: { veld: AANGEMAAKT_OP }, after: $c) { totalCount } }",
            json!({ "c": echt }),
        )
        .await;
    pagina.data();
    bureau
        .query(
            "query($c: String) { wijzigingen(after: $c) { endCursor } }",
            json!({ "c": feed }),
        )
        .await
        .data();
}
