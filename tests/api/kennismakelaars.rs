//! Kennismakelaars as a directory (public entries, the person for its organisation only), the
//! duo that handles a vraagstuk, and the rest of what answers a question: an opdracht that
//! names it (also by kenmerk in a sync) and a promotietraject.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use crate::sync::{SYNC, item};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    the_demo_has_a_duo_of_education_and_government_for_noord_oost_midden_and_west,
    an_entry_is_kept_by_the_beheerder_of_the_organisation_the_person_works_for,
    an_entry_without_a_name_or_a_region_is_refused_on_its_field_and_writes_nothing,
    taking_a_question_up_names_a_duo_that_works_in_its_regions,
    a_removed_kennismakelaar_leaves_the_duos_it_was_in_as_a_change_of_each_question,
    an_institutions_sync_names_the_question_an_opdracht_answers_by_its_kenmerk,
    a_kenmerk_of_a_question_the_institution_may_not_read_is_as_unknown_as_one_that_never_existed,
    a_promotietraject_can_answer_a_question_and_its_removal_unlinks_it,
);

const LIST: &str = "query($filter: KennismakelaarFilter) { kennismakelaars(filter: $filter, \
    first: 100) { totalCount nodes { id kant regios werkgever { naam } contactpersoon { naam \
    email } magBewerken } } }";
const CREATE: &str = "mutation($input: KennismakelaarInput!) { createKennismakelaar(input: \
    $input) { id kant regios versie contactpersoon { naam } } }";
const CREATE_VRAAGSTUK: &str = "mutation($input: VraagstukInput!) { createVraagstuk(input: \
    $input) { id versie } }";
const TAKE_UP: &str = "mutation($id: ID!, $versie: Int!, $makelaars: [ID!]) { \
    neemVraagstukInBehandeling(id: $id, versie: $versie, makelaars: $makelaars) { versie \
    vraagstukStatus makelaars { id kant } } }";
const READ_VRAAGSTUK: &str = "query($id: ID!) { node(id: $id) { ... on Vraagstuk { versie \
    makelaars { id } opdrachten { totalCount nodes { id } } promotietraject { id naam } } } }";

/// The entries `caller` sees in the directory under `filter`.
async fn directory(caller: &Caller<'_>, filter: Value) -> Vec<Value> {
    let reply = caller.query(LIST, json!({ "filter": filter })).await;
    reply.data()["kennismakelaars"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", reply.body))
        .clone()
}

/// The entry of `directory` whose organisation is `naam`.
fn of<'a>(entries: &'a [Value], naam: &str) -> &'a Value {
    entries
        .iter()
        .find(|e| e["werkgever"]["naam"] == naam)
        .unwrap_or_else(|| panic!("no entry of {naam} in {entries:?}"))
}

async fn the_demo_has_a_duo_of_education_and_government_for_noord_oost_midden_and_west(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let anoniem = app.anoniem();
    for (regio, onderwijs, overheid) in [
        (
            "NOORD",
            "Rijksuniversiteit Groningen",
            "Dienst Uitvoering Onderwijs",
        ),
        (
            "OOST",
            "Rijksuniversiteit Groningen",
            "Dienst Uitvoering Onderwijs",
        ),
        (
            "MIDDEN",
            "Hogeschool Utrecht",
            "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
        ),
        (
            "WEST",
            "Universiteit Leiden",
            "Ministerie van Justitie en Veiligheid",
        ),
    ] {
        let entries = directory(&anoniem, json!({ "regios": [regio] })).await;
        assert_eq!(entries.len(), 2, "{regio}: {entries:?}");
        assert_eq!(of(&entries, onderwijs)["kant"], "ONDERWIJS");
        assert_eq!(of(&entries, overheid)["kant"], "OVERHEID");
        assert!(
            entries.iter().all(|e| e["contactpersoon"].is_null()),
            "the person is personal data: {entries:?}"
        );
    }
    assert!(
        directory(&anoniem, json!({ "regios": ["ZUID"] }))
            .await
            .is_empty()
    );
    // The person: for the organisation the person works for and the programme office.
    let midden = json!({ "regios": ["MIDDEN"] });
    let hu = directory(&app.als(demo::HU, Rol::Lezer), midden.clone()).await;
    assert_eq!(
        of(&hu, "Hogeschool Utrecht")["contactpersoon"]["naam"],
        "Fatima el Amrani"
    );
    let bzk = "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties";
    assert!(of(&hu, bzk)["contactpersoon"].is_null());
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let alle = directory(&bureau, midden).await;
    assert_eq!(of(&alle, bzk)["contactpersoon"]["naam"], "Pieter de Graaf");
    // The demo's questions name their duo: one of 2022 in Midden, answered by a HU opdracht.
    let vraagstukken = bureau
        .query(
            "{ vraagstukken(filter: { regios: [MIDDEN], vraagstukStatus: [BELEGD, AFGEROND] }, \
             first: 1) { nodes { makelaars { kant werkgever { naam } } } } }",
            json!({}),
        )
        .await;
    let duo = &vraagstukken.data()["vraagstukken"]["nodes"][0]["makelaars"];
    assert_eq!(duo.as_array().map(Vec::len), Some(2), "{duo}");
}

async fn an_entry_is_kept_by_the_beheerder_of_the_organisation_the_person_works_for(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let input = |naam: &str| {
        json!({ "input": { "contactpersoon": { "naam": naam, "email": "km@example.nl" },
                           "regios": ["ZUID", "ZUID"] } })
    };
    let made = app
        .als(demo::HU, Rol::Beheerder)
        .query(CREATE, input("Kees Makelaar"))
        .await;
    let entry = &made.data()["createKennismakelaar"];
    assert_eq!(entry["kant"], "ONDERWIJS", "{}", made.body);
    assert_eq!(entry["regios"], json!(["ZUID"]), "duplicates merged");
    assert_eq!(entry["contactpersoon"]["naam"], "Kees Makelaar");
    let id = entry["id"].as_str().unwrap().to_owned();
    let overheid = app
        .als(demo::BZK, Rol::Beheerder)
        .query(CREATE, input("Olga Overheid"))
        .await;
    assert_eq!(overheid.data()["createKennismakelaar"]["kant"], "OVERHEID");
    app.als(demo::HU, Rol::Medewerker)
        .query(CREATE, input("Mia Medewerker"))
        .await
        .assert_forbidden();
    let update = "mutation($id: ID!) { updateKennismakelaar(id: $id, versie: 1, input: { \
                  regios: [ZUID, WEST] }) { regios versie } }";
    app.als(demo::UU, Rol::Beheerder)
        .query(update, json!({ "id": id }))
        .await
        .assert_forbidden();
    let changed = app
        .als(demo::HU, Rol::Beheerder)
        .query(update, json!({ "id": id }))
        .await;
    assert_eq!(
        changed.data()["updateKennismakelaar"],
        json!({ "regios": ["WEST", "ZUID"], "versie": 2 })
    );
    // Everyone finds the entry; only HU (and the programme office) may change it.
    let zuid = directory(
        &app.als(demo::UU, Rol::Beheerder),
        json!({ "kant": "ONDERWIJS" }),
    )
    .await;
    let mine = zuid.iter().find(|e| e["id"] == id.as_str()).unwrap();
    assert_eq!(mine["magBewerken"], false);
    assert!(mine["contactpersoon"].is_null());
}

async fn an_entry_without_a_name_or_a_region_is_refused_on_its_field_and_writes_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let voor = app.dump().await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    for (input, field) in [
        (
            json!({ "contactpersoon": { "email": "x@example.nl" }, "regios": ["NOORD"] }),
            "contactpersoon.naam",
        ),
        (
            json!({ "contactpersoon": {}, "regios": ["NOORD"] }),
            "contactpersoon.naam",
        ),
        (
            json!({ "contactpersoon": { "naam": "Zonder Regio" }, "regios": [] }),
            "regios",
        ),
        (
            json!({ "contactpersoon": { "naam": "Nul\u{0}Byte" }, "regios": ["NOORD"] }),
            "contactpersoon.naam",
        ),
    ] {
        beheerder
            .query(CREATE, json!({ "input": input }))
            .await
            .assert_bad_user_input()
            .assert_problem(field);
    }
    // A programme office naming the programme office itself: not an organisation with a side.
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let me = bureau
        .query("{ me { organisatie { id } } }", json!({}))
        .await;
    let eigen = me.data()["me"]["organisatie"]["id"].clone();
    bureau
        .query(
            CREATE,
            json!({ "input": { "eigenaar": eigen, "contactpersoon": { "naam": "B. Bureau" },
                               "regios": ["NOORD"] } }),
        )
        .await
        .assert_bad_user_input()
        .assert_problem("eigenaar");
    assert_eq!(app.dump().await, voor, "nothing written");
}

/// A question of BZK in `regios`, proposed to HU when `voorleggen`; its id and versie.
async fn question(app: &TestApp, regios: &[&str], kenmerk: &str) -> (String, i64) {
    let reply = app
        .als(demo::BZK, Rol::Medewerker)
        .query(
            CREATE_VRAAGSTUK,
            json!({ "input": { "titel": "Data in de wijk", "antwoordsoort": "ONDERZOEK",
                               "regios": regios, "themas": ["DATA_AI"], "kenmerk": kenmerk } }),
        )
        .await;
    let made = &reply.data()["createVraagstuk"];
    (
        made["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{}", reply.body))
            .to_owned(),
        made["versie"].as_i64().unwrap(),
    )
}

/// The ids of the demo entries of `regio`, education first.
async fn duo(app: &TestApp, regio: &str) -> (String, String) {
    let entries = directory(&app.anoniem(), json!({ "regios": [regio] })).await;
    let id = |kant: &str| {
        entries
            .iter()
            .find(|e| e["kant"] == kant)
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .unwrap()
    };
    (id("ONDERWIJS"), id("OVERHEID"))
}

async fn taking_a_question_up_names_a_duo_that_works_in_its_regions(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (vraag, versie) = question(&app, &["MIDDEN"], "BZK-DUO-1").await;
    let makelaar = app.als_kennismakelaar(demo::HU, &["MIDDEN"]);
    let (onderwijs, overheid) = duo(&app, "MIDDEN").await;
    let (west, _) = duo(&app, "WEST").await;
    let (noord, _) = duo(&app, "NOORD").await;
    let tweede = app
        .als(demo::UU, Rol::Beheerder)
        .query(
            CREATE,
            json!({ "input": { "contactpersoon": { "naam": "Tweede Onderwijs" },
                               "regios": ["MIDDEN"] } }),
        )
        .await;
    let tweede = tweede.data()["createKennismakelaar"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let voor = app.dump().await;
    let take_up =
        |makelaars: Vec<&String>| json!({ "id": vraag, "versie": versie, "makelaars": makelaars });
    let elsewhere = makelaar
        .query(TAKE_UP, take_up(vec![&west, &overheid]))
        .await;
    elsewhere
        .assert_bad_user_input()
        .assert_problem("makelaars");
    assert!(elsewhere.message().contains("MIDDEN"), "{}", elsewhere.body);
    makelaar
        .query(TAKE_UP, take_up(vec![&noord]))
        .await
        .assert_bad_user_input()
        .assert_problem("makelaars");
    let same_side = makelaar
        .query(TAKE_UP, take_up(vec![&onderwijs, &tweede]))
        .await;
    same_side
        .assert_bad_user_input()
        .assert_problem("makelaars");
    assert!(
        same_side.message().contains("one of each side"),
        "{}",
        same_side.body
    );
    let not_a_broker = app.org_id(demo::HU).await;
    makelaar
        .query(
            TAKE_UP,
            json!({ "id": vraag, "versie": versie, "makelaars": [not_a_broker] }),
        )
        .await
        .assert_bad_user_input()
        .assert_problem("makelaars[0]");
    assert_eq!(app.dump().await, voor, "a refused duo writes nothing");
    let taken = makelaar
        .query(TAKE_UP, take_up(vec![&onderwijs, &overheid]))
        .await;
    let after = &taken.data()["neemVraagstukInBehandeling"];
    assert_eq!(after["vraagstukStatus"], "IN_BEHANDELING", "{}", taken.body);
    let kanten: Vec<&Value> = after["makelaars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["kant"])
        .collect();
    assert_eq!(kanten.len(), 2);
    // The owner reads the duo; an institution it was not proposed to does not see the question.
    let owner = app
        .als(demo::BZK, Rol::Lezer)
        .query(READ_VRAAGSTUK, json!({ "id": vraag }))
        .await;
    assert_eq!(
        owner.data()["node"]["makelaars"].as_array().map(Vec::len),
        Some(2)
    );
    app.als(demo::UU, Rol::Beheerder)
        .query(READ_VRAAGSTUK, json!({ "id": vraag }))
        .await
        .assert_not_found();
}

async fn a_removed_kennismakelaar_leaves_the_duos_it_was_in_as_a_change_of_each_question(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (vraag, versie) = question(&app, &["MIDDEN"], "BZK-DUO-2").await;
    let (onderwijs, overheid) = duo(&app, "MIDDEN").await;
    app.als_kennismakelaar(demo::HU, &["MIDDEN"])
        .query(
            TAKE_UP,
            json!({ "id": vraag, "versie": versie, "makelaars": [onderwijs, overheid] }),
        )
        .await
        .data();
    let hu = app.als(demo::HU, Rol::Beheerder);
    let entry = hu
        .query(
            "query($id: ID!) { node(id: $id) { ... on Kennismakelaar { versie } } }",
            json!({ "id": onderwijs }),
        )
        .await;
    let entry_versie = entry.data()["node"]["versie"].clone();
    let deleted = hu
        .query(
            "mutation($id: ID!, $versie: Int!) { deleteKennismakelaar(id: $id, versie: $versie) }",
            json!({ "id": onderwijs, "versie": entry_versie }),
        )
        .await;
    assert_eq!(deleted.data()["deleteKennismakelaar"], onderwijs.as_str());
    let read = app
        .als(demo::BZK, Rol::Beheerder)
        .query(READ_VRAAGSTUK, json!({ "id": vraag }))
        .await;
    let node = &read.data()["node"];
    assert_eq!(node["makelaars"], json!([{ "id": overheid }]));
    assert_eq!(node["versie"], versie + 2, "taken up, then unlinked");
    let audit = app
        .als(demo::BZK, Rol::Beheerder)
        .query(
            "query($id: ID!) { auditTrail(filter: { record: $id }) { nodes { actie \
             veldwijzigingen { veld } } } }",
            json!({ "id": vraag }),
        )
        .await;
    let velden = audit.data()["auditTrail"]["nodes"][0]["veldwijzigingen"].to_string();
    assert!(velden.contains("makelaars"), "{velden}");
}

const SYNC_READ: &str =
    "query($id: ID!) { node(id: $id) { ... on Opdracht { vraagstuk { id } } } }";

/// Syncs `items` as a medewerker of HU; the reply's `syncOpdrachten`.
async fn sync(app: &TestApp, items: Vec<Value>) -> Value {
    let reply = app
        .als(demo::HU, Rol::Medewerker)
        .query(
            SYNC,
            json!({ "input": { "bron": "osiris", "opdrachten": items } }),
        )
        .await;
    reply.data()["syncOpdrachten"].clone()
}

/// Proposes question `vraag` (at `versie`) to HU, as a kennismakelaar of Midden.
async fn propose_to_hu(app: &TestApp, vraag: &str, versie: i64) {
    let makelaar = app.als_kennismakelaar(demo::UU, &["MIDDEN"]);
    let taken = makelaar
        .query(TAKE_UP, json!({ "id": vraag, "versie": versie }))
        .await;
    let versie = taken.data()["neemVraagstukInBehandeling"]["versie"].clone();
    let proposed = makelaar
        .query(
            "mutation($id: ID!, $versie: Int!, $i: [ID!]!) { legVraagstukVoor(id: $id, \
             versie: $versie, instellingen: $i) { vraagstukStatus } }",
            json!({ "id": vraag, "versie": versie, "i": [app.org_id(demo::HU).await] }),
        )
        .await;
    assert_eq!(
        proposed.data()["legVraagstukVoor"]["vraagstukStatus"],
        "VOORGELEGD"
    );
}

async fn an_institutions_sync_names_the_question_an_opdracht_answers_by_its_kenmerk(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (vraag, versie) = question(&app, &["MIDDEN"], "BZK-SYNC-1").await;
    propose_to_hu(&app, &vraag, versie).await;
    let mut opdracht = item(1);
    opdracht["vraagstukKenmerk"] = json!("bzk-sync-1");
    // Given by the rijkspartner that asked (an opdracht is read by those involved in it).
    opdracht["opdrachtgever"] = json!(demo::BZK);
    let result = sync(&app, vec![opdracht.clone()]).await;
    assert_eq!(result["totalen"]["created"], 1, "{result}");
    let id = result["items"][0]["opdracht"].clone();
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let read = medewerker.query(SYNC_READ, json!({ "id": id })).await;
    assert_eq!(read.data()["node"]["vraagstuk"]["id"], vraag.as_str());
    // The question's owner sees the opdracht among those that answer it.
    let owner = app
        .als(demo::BZK, Rol::Lezer)
        .query(READ_VRAAGSTUK, json!({ "id": vraag }))
        .await;
    assert_eq!(
        owner.data()["node"]["opdrachten"]["nodes"],
        json!([{ "id": id }])
    );
    // The same item again changes nothing; without the kenmerk, the link is gone (a sync
    // sends the whole record).
    assert_eq!(
        sync(&app, vec![opdracht.clone()]).await["totalen"]["unchanged"],
        1
    );
    let mut without = item(1);
    without["opdrachtgever"] = json!(demo::BZK);
    let without = sync(&app, vec![without]).await;
    assert_eq!(without["totalen"]["updated"], 1, "{without}");
    let read = medewerker.query(SYNC_READ, json!({ "id": id })).await;
    assert!(read.data()["node"]["vraagstuk"].is_null());
}

async fn a_kenmerk_of_a_question_the_institution_may_not_read_is_as_unknown_as_one_that_never_existed(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    // Asked in Midden, not proposed to HU, but public: HU sees its title, not its kenmerk.
    let reply = app
        .als(demo::BZK, Rol::Medewerker)
        .query(
            CREATE_VRAAGSTUK,
            json!({ "input": { "titel": "Publiek", "antwoordsoort": "STAGE", "openbaar": true,
                               "regios": ["MIDDEN"], "kenmerk": "BZK-PUBLIEK" } }),
        )
        .await;
    let publiek = reply.data()["createVraagstuk"]["id"].clone();
    question(&app, &["MIDDEN"], "BZK-GEHEIM").await;
    let voor = app.dump().await;
    let answer = |n: usize, kenmerk: &str| {
        let mut o = item(n);
        o["vraagstukKenmerk"] = json!(kenmerk);
        o
    };
    let result = sync(
        &app,
        vec![
            answer(1, "BZK-GEHEIM"),
            answer(2, "BZK-PUBLIEK"),
            answer(3, "BZK-NERGENS"),
        ],
    )
    .await;
    assert_eq!(result["toegepast"], false, "{result}");
    let errors: Vec<(String, String)> = (0..3)
        .map(|i| {
            let e = &result["items"][i]["errors"][0];
            let message = e["message"].as_str().unwrap().to_owned();
            (e["field"].as_str().unwrap().to_owned(), message)
        })
        .collect();
    for (i, kenmerk) in ["BZK-GEHEIM", "BZK-PUBLIEK", "BZK-NERGENS"]
        .iter()
        .enumerate()
    {
        assert_eq!(errors[i].0, format!("opdrachten[{i}].vraagstukKenmerk"));
        assert_eq!(
            errors[i].1,
            format!("no Vraagstuk has the kenmerk {kenmerk}")
        );
    }
    assert_eq!(app.dump().await, voor, "a rejected batch writes nothing");
    // A public question may be named by its id, which the catalogue shows.
    let mut by_id = item(1);
    by_id["vraagstuk"] = publiek.clone();
    let result = sync(&app, vec![by_id]).await;
    assert_eq!(result["totalen"]["created"], 1, "{result}");
}

async fn a_promotietraject_can_answer_a_question_and_its_removal_unlinks_it(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let (vraag, versie) = question(&app, &["MIDDEN"], "BZK-PHD-1").await;
    let uu = app.als(demo::UU, Rol::Beheerder);
    let track = uu
        .query(
            "mutation($input: PromotietrajectInput!) { createPromotietraject(input: $input) { \
             id versie } }",
            json!({ "input": { "naam": "Data in de wijk", "gastheer": app.org_id(demo::BZK).await,
                               "thema": "DATA_AI", "startjaar": 2025 } }),
        )
        .await;
    let track = track.data()["createPromotietraject"].clone();
    let makelaar = app.als_kennismakelaar(demo::HU, &["MIDDEN"]);
    let taken = makelaar
        .query(TAKE_UP, json!({ "id": vraag, "versie": versie }))
        .await;
    let versie = taken.data()["neemVraagstukInBehandeling"]["versie"].clone();
    let belegd = makelaar
        .query(
            "mutation($id: ID!, $versie: Int!, $p: ID) { belegVraagstuk(id: $id, \
             versie: $versie, promotietraject: $p) { vraagstukStatus promotietraject { naam } } }",
            json!({ "id": vraag, "versie": versie, "p": track["id"] }),
        )
        .await;
    assert_eq!(
        belegd.data()["belegVraagstuk"],
        json!({ "vraagstukStatus": "BELEGD", "promotietraject": { "naam": "Data in de wijk" } })
    );
    let deleted = uu
        .query(
            "mutation($id: ID!, $versie: Int!) { deletePromotietraject(id: $id, versie: $versie) }",
            json!({ "id": track["id"], "versie": track["versie"] }),
        )
        .await;
    assert_eq!(deleted.data()["deletePromotietraject"], track["id"]);
    let read = app
        .als(demo::BZK, Rol::Lezer)
        .query(READ_VRAAGSTUK, json!({ "id": vraag }))
        .await;
    assert!(
        read.data()["node"]["promotietraject"].is_null(),
        "{}",
        read.body
    );
}
