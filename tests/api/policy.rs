//! The access policy read as whole facts: a record's feed entries reach exactly those who may
//! see the record (before or after the change), and a link between two records is one fact,
//! shown from both sides (docs/access.md, "Links between records").

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use crate::mutaties::CREATE_OPDRACHT;
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_kennismakelaar_reads_the_feed_entries_of_the_opdrachten_of_its_regions,
    a_link_between_a_fieldlab_and_a_lectoraat_reads_the_same_from_both_sides,
);

const FEED: &str = "query { wijzigingen(recordTypes: [OPDRACHT]) { \
    wijzigingen { actie recordId verwijderd record { ... on Opdracht { naam regio } } } } }";
async fn feed(caller: &Caller<'_>) -> Vec<Value> {
    caller.query(FEED, json!({})).await.data()["wijzigingen"]["wijzigingen"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_kennismakelaar_reads_the_feed_entries_of_the_opdrachten_of_its_regions(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let bzk_id = app.org_id(demo::BZK).await;
    let makelaar = app.als_kennismakelaar(demo::RDW, &["NOORD"]);
    let elders = app.als_kennismakelaar(demo::RDW, &["OOST"]);
    let opdracht = hu
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Stage in het noorden", "opdrachtSoort": "STAGE", "regio": "NOORD", "opdrachtgever": bzk_id } }),
        )
        .await
        .data()["createOpdracht"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lijst = makelaar
        .query(
            "query { opdrachten(filter: { zoek: \"Stage in het noorden\" }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        lijst.data()["opdrachten"]["nodes"],
        json!([{ "id": opdracht }]),
        "the kennismakelaar of NOORD lists the opdracht"
    );
    let entries = feed(&makelaar).await;
    assert_eq!(
        entries.len(),
        1,
        "and reads its creation in the feed: {entries:?}"
    );
    assert_eq!(entries[0]["recordId"], opdracht);
    assert_eq!(entries[0]["record"]["naam"], "Stage in het noorden");

    // The opdracht moves to ZUID: the kennismakelaar of NOORD saw it before the change, so the
    // change reaches it, as a tombstone; the one of OOST never sees anything.
    hu.query(
        "mutation($id: ID!, $bzk: ID!) { updateOpdracht(id: $id, versie: 1, input: { naam: \"Stage in het noorden\", opdrachtSoort: STAGE, regio: ZUID, opdrachtgever: $bzk }) { versie } }",
        json!({ "id": opdracht, "bzk": bzk_id }),
    )
    .await
    .data();
    let entries = feed(&makelaar).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries
            .iter()
            .all(|e| e["verwijderd"] == true && e["record"].is_null()),
        "the opdracht left NOORD: {entries:?}"
    );
    assert_eq!(feed(&elders).await, Vec::<Value>::new());
}

const LAB_LECTORATEN: &str = "query { fieldlabs(first: 1, filter: { zoek: \"AI-Labs midden NL\" }) { nodes { \
    naam lectoraten { naam beschrijving fieldlabs { naam } partners { naam } } } } }";
const LECTORAAT_FIELDLABS: &str = "query { lectoraten(first: 1, filter: { zoek: \"Human Centered AI\" }) { nodes { \
    naam beschrijving partners { naam } fieldlabs { naam deelnemers { deelnemerRol } lectoraten { naam } } } } }";

async fn a_link_between_a_fieldlab_and_a_lectoraat_reads_the_same_from_both_sides(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    // Politie takes part in the fieldlab, not in the lectoraat.
    let politie = app.als(demo::POLITIE, Rol::Lezer);
    let lab = politie.query(LAB_LECTORATEN, json!({})).await;
    assert_eq!(
        lab.data()["fieldlabs"]["nodes"][0]["lectoraten"],
        json!([{
            "naam": "Human Centered AI in the public sector",
            "beschrijving": null,
            "fieldlabs": [{ "naam": "AI-Labs midden NL" }],
            "partners": null,
        }]),
        "the lectoraat's own fields stay closed, but the link is the same from its side"
    );
    let lectoraat = politie.query(LECTORAAT_FIELDLABS, json!({})).await;
    let lectoraat = &lectoraat.data()["lectoraten"]["nodes"][0];
    assert_eq!(lectoraat["beschrijving"], Value::Null);
    assert_eq!(lectoraat["partners"], Value::Null);
    assert_eq!(
        lectoraat["fieldlabs"][0]["naam"], "AI-Labs midden NL",
        "the lectoraat lists the fieldlab Politie takes part in"
    );
    assert_eq!(
        lectoraat["fieldlabs"][0]["lectoraten"],
        json!([{ "naam": "Human Centered AI in the public sector" }])
    );

    // BZK is a partner of the lectoraat, not of the fieldlab: it sees the link from both sides
    // too, and the fieldlab's own fields stay closed.
    let bzk = app.als(demo::BZK, Rol::Lezer);
    let lectoraat = bzk.query(LECTORAAT_FIELDLABS, json!({})).await;
    assert_eq!(
        lectoraat.data()["lectoraten"]["nodes"][0]["fieldlabs"],
        json!([{
            "naam": "AI-Labs midden NL",
            "deelnemers": null,
            "lectoraten": [{ "naam": "Human Centered AI in the public sector" }],
        }])
    );

    // Anonymous callers read neither record in full, so they see no link.
    let anoniem = app.anoniem().query(LECTORAAT_FIELDLABS, json!({})).await;
    assert_eq!(
        anoniem.data()["lectoraten"]["nodes"][0]["fieldlabs"],
        Value::Null
    );
}
