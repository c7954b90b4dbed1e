//! Partial updates: an `update*` mutation changes what its input gives. A field left out keeps
//! its value, an explicit `null` clears it (a required field cannot be cleared:
//! `BAD_USER_INPUT` naming it), and a list is replaced only when it is given. Only the fields
//! that really changed are in the audit trail; the version check holds as before.

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_fieldlab_update_changes_only_what_it_gives,
    a_lectoraat_update_changes_only_what_it_gives,
    a_minor_update_changes_only_what_it_gives,
    a_community_update_changes_only_what_it_gives,
    an_opdracht_update_changes_only_what_it_gives,
    an_opdracht_update_of_only_its_status_keeps_region_dates_themes_and_contact,
    an_opdracht_update_with_uitvoerders_null_gives_the_default_uitvoerders,
    an_organisation_profile_update_changes_only_what_it_gives,
);

/// One record type in the partial-update walk of [`changes_only_what_it_gives`].
struct Walk {
    /// The record type (`Fieldlab`): its mutations are `create…`/`update…`, its inputs
    /// `…Input`/`…UpdateInput`.
    record: &'static str,
    /// The fields read back after each step.
    selection: &'static str,
    /// A field and a new value for it (read back as sent).
    change: (&'static str, Value),
    /// An optional field the create gives, cleared with null.
    optional: &'static str,
    /// A list field, a new value for it and how it reads back.
    list: (&'static str, Value, Value),
    /// A required field.
    required: &'static str,
}

/// Creates a record of `walk.record` with `create` as `caller` and updates it step by step:
/// one field changed (the rest, lists too, unchanged), an optional field null (cleared), a
/// list given (replaced) and null (emptied), a required field null (refused), a stale version
/// (refused). Each step reads the record back and compares all of `walk.selection`.
async fn changes_only_what_it_gives(caller: &Caller<'_>, walk: Walk, create: Value) {
    let Walk {
        record,
        selection,
        change,
        optional,
        list,
        required,
    } = walk;
    let create_query = format!(
        "mutation($input: {record}Input!) {{ create{record}(input: $input) {{ id versie {selection} }} }}"
    );
    let update_query = format!(
        "mutation($id: ID!, $versie: Int!, $input: {record}UpdateInput!) {{ \
         update{record}(id: $id, versie: $versie, input: $input) {{ id versie {selection} }} }}"
    );
    let created = caller
        .query(&create_query, json!({ "input": create }))
        .await
        .data()[format!("create{record}")]
    .clone();
    let id = created["id"].clone();
    let mut expected = created.clone();
    let mut step = |input: Value, fields: &[(&str, Value)]| {
        let update_query = update_query.clone();
        let id = id.clone();
        for (field, value) in fields {
            expected[*field] = value.clone();
        }
        expected["versie"] = json!(expected["versie"].as_i64().unwrap() + 1);
        let expected = expected.clone();
        async move {
            let versie = expected["versie"].as_i64().unwrap() - 1;
            let reply = caller
                .query(
                    &update_query,
                    json!({ "id": id, "versie": versie, "input": input }),
                )
                .await;
            assert_eq!(
                reply.data()[format!("update{record}")],
                expected,
                "after {input}"
            );
        }
    };
    let (field, value) = change;
    step(json!({ field: value }), &[(field, value.clone())]).await;
    step(json!({ optional: null }), &[(optional, Value::Null)]).await;
    let (list_field, list_value, list_read) = list;
    step(
        json!({ list_field: list_value }),
        &[(list_field, list_read)],
    )
    .await;
    step(json!({ list_field: null }), &[(list_field, json!([]))]).await;

    let current = 5;
    let refused = caller
        .query(
            &update_query,
            json!({ "id": id, "versie": current, "input": { required: null } }),
        )
        .await;
    refused.assert_problem(required);
    let stale = caller
        .query(
            &update_query,
            json!({ "id": id, "versie": 1, "input": { field: value } }),
        )
        .await;
    stale.assert_conflict();

    // The audit trail: one entry per step, each with only the field it changed.
    let trail = caller
        .query(
            "query($id: ID!) { auditTrail(filter: { record: $id }) { nodes { versie veldwijzigingen { veld } } } }",
            json!({ "id": id }),
        )
        .await;
    let fields: Vec<(i64, Vec<String>)> = trail.data()["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let velden = n["veldwijzigingen"].as_array().unwrap();
            (
                n["versie"].as_i64().unwrap(),
                velden
                    .iter()
                    .map(|v| v["veld"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .filter(|(versie, _)| *versie > 1)
        .collect();
    assert_eq!(
        fields,
        vec![
            (5, vec![list_field.to_owned()]),
            (4, vec![list_field.to_owned()]),
            (3, vec![optional.to_owned()]),
            (2, vec![field.to_owned()]),
        ]
    );
}

fn contact() -> Value {
    json!({ "naam": "A. de Vries", "email": "a.devries@hu.nl" })
}

async fn a_fieldlab_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let walk = Walk {
        record: "Fieldlab",
        selection: "naam beschrijving regios fieldlabStatus plaats startdatum themas { code } \
                    contactpersoon { naam email }",
        change: ("beschrijving", json!("Daarna")),
        optional: "plaats",
        list: (
            "themas",
            json!(["BLOCKCHAIN", "DATA_AI"]),
            json!([{ "code": "DATA_AI" }, { "code": "BLOCKCHAIN" }]),
        ),
        required: "naam",
    };
    let create = json!({
        "naam": "Bijwerklab", "regios": ["MIDDEN", "OOST"], "beschrijving": "Eerst",
        "fieldlabStatus": "ACTIEF", "plaats": "Utrecht", "startdatum": "2024-09-01",
        "themas": ["CYBERVEILIGHEID"], "contactpersoon": contact(),
    });
    changes_only_what_it_gives(&hu, walk, create).await;
}

async fn a_lectoraat_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let bzk = app.org_id(demo::BZK).await;
    let walk = Walk {
        record: "Lectoraat",
        selection: "naam lectoraatSoort lector beschrijving startdatum themas { code } \
                    partners { naam } contactpersoon { naam email }",
        change: ("lector", json!("Prof. dr. B. Jansen")),
        optional: "beschrijving",
        list: (
            "themas",
            json!(["IT_CHANGE"]),
            json!([{ "code": "IT_CHANGE" }]),
        ),
        required: "naam",
    };
    let create = json!({
        "naam": "Bijwerklectoraat", "lectoraatSoort": "LECTORAAT", "lector": "Dr. A. Smit",
        "beschrijving": "Eerst", "startdatum": "2023-02-01", "themas": ["DATA_AI"],
        "partners": [bzk], "contactpersoon": contact(),
    });
    changes_only_what_it_gives(&hu, walk, create).await;
}

async fn a_minor_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let walk = Walk {
        record: "Minor",
        selection: "naam minorSoort studielastEcts beschrijving website themas { code } \
                    contactpersoon { naam email }",
        change: ("studielastEcts", json!(15)),
        optional: "website",
        list: (
            "themas",
            json!(["IT_CHANGE"]),
            json!([{ "code": "IT_CHANGE" }]),
        ),
        required: "minorSoort",
    };
    let create = json!({
        "naam": "Bijwerkminor", "minorSoort": "MINOR", "studielastEcts": 30,
        "beschrijving": "Eerst", "website": "https://www.hu.nl/minor",
        "themas": ["DATA_AI"], "contactpersoon": contact(),
    });
    changes_only_what_it_gives(&hu, walk, create).await;
}

async fn a_community_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let hu = app.org_id(demo::HU).await;
    let walk = Walk {
        record: "Community",
        selection: "naam beschrijving communityStatus themas { code } leden { naam } \
                    contactpersoon { naam email }",
        change: ("naam", json!("Bijgewerkte community")),
        optional: "beschrijving",
        list: (
            "themas",
            json!(["IT_CHANGE"]),
            json!([{ "code": "IT_CHANGE" }]),
        ),
        required: "naam",
    };
    let create = json!({
        "naam": "Bijwerkcommunity", "beschrijving": "Eerst", "themas": ["DATA_AI"],
        "leden": [hu], "contactpersoon": contact(),
    });
    changes_only_what_it_gives(&bureau, walk, create).await;
}

const OPDRACHT: &str = "naam omschrijving opdrachtStatus regio startdatum einddatum aantalStudenten \
    themas { code } uitvoerders { naam } opdrachtgever { naam } contactpersoon { naam email }";

async fn opdracht_input(app: &TestApp) -> Value {
    let bzk = app.org_id(demo::BZK).await;
    json!({
        "naam": "Bijwerkopdracht", "omschrijving": "Eerst", "opdrachtSoort": "STAGE",
        "opdrachtStatus": "IN_VOORBEREIDING", "regio": "MIDDEN", "startdatum": "2025-02-01",
        "einddatum": "2025-06-30", "aantalStudenten": 2, "opdrachtgever": bzk,
        "themas": ["DATA_AI"], "contactpersoon": contact(),
    })
}

async fn an_opdracht_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let walk = Walk {
        record: "Opdracht",
        selection: OPDRACHT,
        change: ("omschrijving", json!("Daarna")),
        optional: "einddatum",
        list: (
            "themas",
            json!(["BLOCKCHAIN"]),
            json!([{ "code": "BLOCKCHAIN" }]),
        ),
        required: "opdrachtgever",
    };
    changes_only_what_it_gives(&hu, walk, opdracht_input(&app).await).await;
}

const CREATE_OPDRACHT: &str =
    "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { id } }";

/// `input` applied to a new opdracht of HU as a medewerker: the opdracht as it reads after.
async fn updated_opdracht(app: &TestApp, input: Value) -> Value {
    let hu = app.als(demo::HU, Rol::Medewerker);
    let created = hu
        .query(
            CREATE_OPDRACHT,
            json!({ "input": opdracht_input(app).await }),
        )
        .await;
    let id = created.data()["createOpdracht"]["id"].clone();
    let update = format!(
        "mutation($id: ID!, $input: OpdrachtUpdateInput!) {{ \
         updateOpdracht(id: $id, versie: 1, input: $input) {{ versie {OPDRACHT} }} }}"
    );
    hu.query(&update, json!({ "id": id, "input": input }))
        .await
        .data()["updateOpdracht"]
        .clone()
}

async fn an_opdracht_update_of_only_its_status_keeps_region_dates_themes_and_contact(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let after = updated_opdracht(&app, json!({ "opdrachtStatus": "IN_UITVOERING" })).await;
    assert_eq!(
        after,
        json!({
            "versie": 2, "naam": "Bijwerkopdracht", "omschrijving": "Eerst",
            "opdrachtStatus": "IN_UITVOERING", "regio": "MIDDEN", "startdatum": "2025-02-01",
            "einddatum": "2025-06-30", "aantalStudenten": 2,
            "themas": [{ "code": "DATA_AI" }], "uitvoerders": [{ "naam": "Hogeschool Utrecht" }],
            "opdrachtgever": { "naam": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties" },
            "contactpersoon": contact(),
        })
    );
}

async fn an_opdracht_update_with_uitvoerders_null_gives_the_default_uitvoerders(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let uu = app.org_id(demo::UU).await;
    let named = updated_opdracht(&app, json!({ "uitvoerders": [uu] })).await;
    assert_eq!(
        named["uitvoerders"],
        json!([{ "naam": "Universiteit Utrecht" }])
    );
    // null: what a create without uitvoerders gives, the owner (a kennisinstelling).
    let hu = app.als(demo::HU, Rol::Medewerker);
    let id = hu
        .query(
            "{ opdrachten(filter: { zoek: \"Bijwerkopdracht\" }) { nodes { id } } }",
            json!({}),
        )
        .await
        .data()["opdrachten"]["nodes"][0]["id"]
        .clone();
    let reset = hu
        .query(
            "mutation($id: ID!) { updateOpdracht(id: $id, versie: 2, input: { uitvoerders: null }) { uitvoerders { naam } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        reset.data()["updateOpdracht"]["uitvoerders"],
        json!([{ "naam": "Hogeschool Utrecht" }])
    );
}

async fn an_organisation_profile_update_changes_only_what_it_gives(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let id = app.org_id(demo::HU).await;
    let profile = "afkorting regio website beschrijving contactpersoon { naam email }";
    let update = format!(
        "mutation($id: ID!, $versie: Int!, $input: OrganisatieProfielInput!) {{ \
         updateOrganisatieProfiel(id: $id, versie: $versie, input: $input) {{ versie {profile} }} }}"
    );
    let versie = hu
        .query(
            "query($id: ID!) { node(id: $id) { ... on Kennisinstelling { versie } } }",
            json!({ "id": id }),
        )
        .await
        .data()["node"]["versie"]
        .as_i64()
        .unwrap();
    let full = json!({
        "afkorting": "HU", "regio": "MIDDEN", "website": "https://www.hu.nl/samenwerken",
        "beschrijving": "Hogeschool in Utrecht, partner sinds 2020", "contactpersoon": contact(),
    });
    let first = hu
        .query(
            &update,
            json!({ "id": id, "versie": versie, "input": full }),
        )
        .await
        .data()["updateOrganisatieProfiel"]
        .clone();
    assert_eq!(first["versie"], versie + 1);
    let mut expected = first.clone();
    let website = hu
        .query(
            &update,
            json!({ "id": id, "versie": versie + 1, "input": { "website": "https://www.hu.nl/partners" } }),
        )
        .await;
    expected["versie"] = json!(versie + 2);
    expected["website"] = json!("https://www.hu.nl/partners");
    assert_eq!(website.data()["updateOrganisatieProfiel"], expected);
    let cleared = hu
        .query(
            &update,
            json!({ "id": id, "versie": versie + 2, "input": { "beschrijving": null, "contactpersoon": null } }),
        )
        .await;
    expected["versie"] = json!(versie + 3);
    expected["beschrijving"] = Value::Null;
    expected["contactpersoon"] = Value::Null;
    assert_eq!(cleared.data()["updateOrganisatieProfiel"], expected);
}
