//! Mutations: happy paths per record type, validation (all problems at once, nothing written),
//! optimistic concurrency, and who may write what (FORBIDDEN for what you may see, NOT_FOUND
//! for what you may not, no records for other organisations).

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(
    a_beheerder_creates_updates_and_deletes_a_fieldlab_of_its_own_organisation,
    every_problem_of_an_input_is_reported_at_once_and_nothing_is_written,
    a_stale_versie_is_a_conflict_that_names_the_current_version_and_changes_nothing,
    a_record_you_may_see_but_not_change_is_forbidden_and_one_you_may_not_see_is_not_found,
    nobody_but_the_programme_office_creates_records_for_another_organisation_or_moves_one,
    lectoraten_minoren_and_communities_are_created_updated_and_deleted_by_their_owners,
    an_organisation_keeps_its_own_profile_up_to_date,
    a_medewerker_registers_and_edits_opdrachten_of_its_own_institution,
    a_record_others_still_link_to_cannot_be_deleted,
    an_update_that_changes_nothing_keeps_the_version_and_logs_nothing,
    anonymous_callers_cannot_write,
    the_change_log_cannot_be_rewritten,
);

pub const CREATE_FIELDLAB: &str = "mutation($input: FieldlabInput!) { createFieldlab(input: $input) { \
    id naam regios fieldlabStatus plaats versie magBewerken themas { code } \
    deelnemers { organisatie { naam } deelnemerRol } penvoerder { naam } contactpersoon { naam email } } }";
const UPDATE_FIELDLAB: &str = "mutation($id: ID!, $versie: Int!, $input: FieldlabUpdateInput!) { \
    updateFieldlab(id: $id, versie: $versie, input: $input) { id naam fieldlabStatus versie themas { code } deelnemers { deelnemerRol } } }";
const DELETE_FIELDLAB: &str =
    "mutation($id: ID!, $versie: Int!) { deleteFieldlab(id: $id, versie: $versie) }";
pub const CREATE_OPDRACHT: &str = "mutation($input: OpdrachtInput!) { createOpdracht(input: $input) { \
    id naam versie externId opdrachtStatus onderwijssoort aantalStudenten opdrachtgever { naam } uitvoerders { naam } themas { code } } }";
const NODE_VERSIE: &str = "query($id: ID!) { node(id: $id) { ... on Fieldlab { naam versie } } }";

fn lab(naam: &str) -> Value {
    json!({
        "naam": naam,
        "regios": ["MIDDEN"],
        "plaats": "Utrecht",
        "themas": ["DATA_AI", "blockchain"],
        "contactpersoon": { "naam": "Lab Leider", "email": "leider@hu.nl" },
    })
}

async fn maak_lab(caller: &Caller<'_>, naam: &str) -> (String, i64) {
    let data = caller
        .query(CREATE_FIELDLAB, json!({ "input": lab(naam) }))
        .await
        .data()
        .clone();
    let lab = &data["createFieldlab"];
    (
        lab["id"].as_str().unwrap().to_owned(),
        lab["versie"].as_i64().unwrap(),
    )
}

async fn a_beheerder_creates_updates_and_deletes_a_fieldlab_of_its_own_organisation(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let duo = app.org_id(demo::DUO).await;
    let mut input = lab("Testlab Utrecht");
    input["deelnemers"] = json!([{ "organisatie": duo, "deelnemerRol": "PARTNER" }]);
    let created = hu.query(CREATE_FIELDLAB, json!({ "input": input })).await;
    let lab = &created.data()["createFieldlab"];
    assert_eq!(lab["naam"], "Testlab Utrecht");
    assert_eq!(lab["fieldlabStatus"], "IN_OPRICHTING", "the default status");
    assert_eq!(lab["versie"], 1);
    assert_eq!(lab["magBewerken"], true);
    assert_eq!(lab["penvoerder"]["naam"], "Hogeschool Utrecht");
    assert_eq!(
        lab["themas"],
        json!([{ "code": "DATA_AI" }, { "code": "BLOCKCHAIN" }])
    );
    assert_eq!(lab["deelnemers"][0]["deelnemerRol"], "PARTNER");
    assert_eq!(lab["contactpersoon"]["email"], "leider@hu.nl");
    let id = lab["id"].as_str().unwrap().to_owned();

    let mut nieuw = lab_input_status("Testlab Utrecht-Oost", "ACTIEF");
    nieuw["themas"] = json!(["CYBERVEILIGHEID"]);
    let updated = hu
        .query(
            UPDATE_FIELDLAB,
            json!({ "id": id, "versie": 1, "input": nieuw }),
        )
        .await;
    let lab = &updated.data()["updateFieldlab"];
    assert_eq!(lab["naam"], "Testlab Utrecht-Oost");
    assert_eq!(lab["fieldlabStatus"], "ACTIEF");
    assert_eq!(lab["versie"], 2);
    assert_eq!(lab["themas"], json!([{ "code": "CYBERVEILIGHEID" }]));
    assert_eq!(
        lab["deelnemers"],
        json!([{ "deelnemerRol": "PARTNER" }]),
        "a list the update leaves out is kept"
    );

    let deleted = hu
        .query(DELETE_FIELDLAB, json!({ "id": id, "versie": 2 }))
        .await;
    assert_eq!(deleted.data()["deleteFieldlab"], id);
    let gone = hu.query(NODE_VERSIE, json!({ "id": id })).await;
    gone.assert_not_found();
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM fieldlab_themas WHERE fieldlab_id NOT IN (SELECT id FROM fieldlabs)")
            .await,
        0,
        "links go with the lab"
    );
}

fn lab_input_status(naam: &str, status: &str) -> Value {
    let mut input = lab(naam);
    input["fieldlabStatus"] = json!(status);
    input
}

async fn every_problem_of_an_input_is_reported_at_once_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Medewerker);
    let uu = app.org_id(demo::UU).await;
    let voor = app.dump().await;
    let antwoord = hu
        .query(
            CREATE_OPDRACHT,
            json!({ "input": {
                "naam": "   ",
                "opdrachtSoort": "STAGE",
                "startdatum": "2025-02-01",
                "einddatum": "2025-01-01",
                "aantalStudenten": -1,
                "themas": ["DATA_AI", "ASTROLOGIE"],
                "contactpersoon": { "email": "geen-adres" },
                "opdrachtgever": uu,
                "fieldlab": "bm9wZQ",
            } }),
        )
        .await;
    let velden = antwoord.problem_fields();
    for veld in [
        "naam",
        "einddatum",
        "aantalStudenten",
        "themas[1]",
        "contactpersoon.naam",
        "contactpersoon.email",
        "opdrachtgever",
        "fieldlab",
    ] {
        assert!(
            velden.iter().any(|v| v == veld),
            "{veld} is reported: {velden:?}"
        );
    }
    let message = antwoord.message();
    assert!(
        message.contains(
            "opdrachtgever: Universiteit Utrecht is a kennisinstelling; expected a rijkspartner"
        ),
        "{message}"
    );
    assert_eq!(app.dump().await, voor, "nothing was written");
}

async fn a_stale_versie_is_a_conflict_that_names_the_current_version_and_changes_nothing(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let (id, _) = maak_lab(&hu, "Conflictlab").await;
    // Two editors read version 1; the first saves.
    hu.query(
        UPDATE_FIELDLAB,
        json!({ "id": id, "versie": 1, "input": lab_input_status("Conflictlab", "ACTIEF") }),
    )
    .await
    .data();
    let voor = app.dump().await;
    let tweede = hu
        .query(
            UPDATE_FIELDLAB,
            json!({ "id": id, "versie": 1, "input": lab_input_status("Conflictlab", "BEEINDIGD") }),
        )
        .await;
    tweede.assert_conflict();
    assert_eq!(
        tweede.extensions()["versie"],
        2,
        "named as the schema names it: {}",
        tweede.body
    );
    let weg = hu
        .query(DELETE_FIELDLAB, json!({ "id": id, "versie": 1 }))
        .await;
    assert_eq!(weg.error_code(), "CONFLICT", "a stale delete too");
    assert_eq!(app.dump().await, voor);
}

async fn a_record_you_may_see_but_not_change_is_forbidden_and_one_you_may_not_see_is_not_found(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let (lab, _) = maak_lab(&hu, "Rechtenlab").await;
    let input = lab_input_status("Rechtenlab", "ACTIEF");
    let poging = |org: Option<&'static str>, rol: Rol| {
        let caller = app.als(org, rol);
        let lab = lab.clone();
        let input = input.clone();
        async move {
            caller
                .query(
                    UPDATE_FIELDLAB,
                    json!({ "id": lab, "versie": 1, "input": input }),
                )
                .await
        }
    };
    for (org, rol) in [
        (demo::HU, Rol::Lezer),
        (demo::HU, Rol::Medewerker),
        (demo::UU, Rol::Beheerder),
    ] {
        let antwoord = poging(Some(org), rol).await;
        assert_eq!(antwoord.error_code(), "FORBIDDEN", "{org} {rol:?}");
        assert!(antwoord.body["data"].is_null());
    }
    assert_eq!(
        poging(demo::PROGRAMMABUREAU, Rol::Programmabureau)
            .await
            .data()["updateFieldlab"]["versie"],
        2,
        "the programme office edits everything"
    );

    // An opdracht of HU given by BZK: invisible to DUO, so NOT_FOUND there, FORBIDDEN for BZK.
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let bzk = app.org_id(demo::BZK).await;
    let opdracht = medewerker
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Geheime stage", "opdrachtSoort": "STAGE", "opdrachtgever": bzk } }),
        )
        .await
        .data()["createOpdracht"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let delete = "mutation($id: ID!) { deleteOpdracht(id: $id, versie: 1) }";
    let duo = app.als(demo::DUO, Rol::Beheerder);
    let bzk_token = app.als(demo::BZK, Rol::Beheerder);
    duo.query(delete, json!({ "id": opdracht }))
        .await
        .assert_not_found();
    bzk_token
        .query(delete, json!({ "id": opdracht }))
        .await
        .assert_forbidden();
    assert_eq!(
        medewerker
            .query(delete, json!({ "id": opdracht }))
            .await
            .data()["deleteOpdracht"],
        opdracht.as_str()
    );
}

async fn nobody_but_the_programme_office_creates_records_for_another_organisation_or_moves_one(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let uu = app.org_id(demo::UU).await;
    let hu_id = app.org_id(demo::HU).await;
    let mut input = lab("Andermans lab");
    input["eigenaar"] = json!(uu);
    let antwoord = hu
        .query(CREATE_FIELDLAB, json!({ "input": input.clone() }))
        .await;
    antwoord.assert_forbidden();

    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let lab = bureau
        .query(CREATE_FIELDLAB, json!({ "input": input }))
        .await;
    assert_eq!(
        lab.data()["createFieldlab"]["penvoerder"]["naam"],
        "Universiteit Utrecht"
    );
    let id = lab.data()["createFieldlab"]["id"].as_str().unwrap();
    // A record keeps its owner: an update has no `eigenaar` to send.
    let antwoord = bureau
        .query(
            UPDATE_FIELDLAB,
            json!({ "id": id, "versie": 1, "input": { "eigenaar": hu_id } }),
        )
        .await;
    assert!(antwoord.message().contains("eigenaar"), "{}", antwoord.body);
    let penvoerder = bureau
        .query(
            "query($id: ID!) { node(id: $id) { ... on Fieldlab { versie penvoerder { naam } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        penvoerder.data()["node"],
        json!({ "versie": 1, "penvoerder": { "naam": "Universiteit Utrecht" } })
    );

    // A lectoraat belongs to a kennisinstelling; a community to the programme office.
    let bzk = app.als(demo::BZK, Rol::Beheerder);
    let lectoraat = bzk
        .query(
            "mutation { createLectoraat(input: { naam: \"Ministeriële leerstoel\", lectoraatSoort: LEERSTOEL }) { id } }",
            json!({}),
        )
        .await;
    lectoraat.assert_bad_user_input();
    let community = hu
        .query(
            "mutation { createCommunity(input: { naam: \"Eigen community\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        community.error_code(),
        "FORBIDDEN",
        "communities are the programme office's"
    );
    assert!(
        community
            .message()
            .contains("only the programme office creates"),
        "the message says who may: {}",
        community.message()
    );
}

async fn lectoraten_minoren_and_communities_are_created_updated_and_deleted_by_their_owners(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let bzk = app.org_id(demo::BZK).await;
    let (lab, _) = maak_lab(&hu, "Lab voor lectoraat").await;

    let lectoraat = hu.query("mutation($input: LectoraatInput!) { createLectoraat(input: $input) { id naam versie lector \
             instelling { naam } partners { naam } fieldlabs { naam } einddatum } }",
            json!({ "input": { "naam": "Digitale Overheid", "lectoraatSoort": "LECTORAAT", "lector": "Dr. A. Lector",
                "startdatum": "2025-01-01", "einddatum": "2028-12-31", "partners": [bzk], "fieldlabs": [lab] } }),
        )
        .await;
    let l = &lectoraat.data()["createLectoraat"];
    assert_eq!(l["instelling"]["naam"], "Hogeschool Utrecht");
    assert_eq!(
        l["partners"][0]["naam"],
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties"
    );
    assert_eq!(l["fieldlabs"][0]["naam"], "Lab voor lectoraat");
    let lid = l["id"].as_str().unwrap();
    let dubbel = hu
        .query(
            "mutation { createLectoraat(input: { naam: \"Digitale Overheid\", lectoraatSoort: LECTORAAT }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        dubbel.error_code(),
        "BAD_USER_INPUT",
        "names are unique per institution"
    );
    let upd = hu
        .query(
            "mutation($id: ID!) { updateLectoraat(id: $id, versie: 1, input: { naam: \"Digitale Overheid 2\", lectoraatSoort: LECTORAAT }) { versie partners { naam } } }",
            json!({ "id": lid }),
        )
        .await;
    assert_eq!(upd.data()["updateLectoraat"]["versie"], 2);
    assert_eq!(
        upd.data()["updateLectoraat"]["partners"],
        json!([{ "naam": "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties" }]),
        "a list the update leaves out is kept"
    );
    let del = hu
        .query(
            "mutation($id: ID!) { deleteLectoraat(id: $id, versie: 2) }",
            json!({ "id": lid }),
        )
        .await;
    assert_eq!(del.data()["deleteLectoraat"], lid);

    let minor = hu
        .query(
            "mutation { createMinor(input: { naam: \"Data en Overheid\", minorSoort: MINOR, studielastEcts: 30, themas: [\"DATA_AI\"] }) { id versie studielastEcts } }",
            json!({}),
        )
        .await;
    let mid = minor.data()["createMinor"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let te_groot = hu
        .query(
            "mutation($id: ID!) { updateMinor(id: $id, versie: 1, input: { naam: \"Data en Overheid\", minorSoort: MINOR, studielastEcts: 500 }) { id } }",
            json!({ "id": mid }),
        )
        .await;
    te_groot.assert_problem("studielastEcts");
    let del = hu
        .query(
            "mutation($id: ID!) { deleteMinor(id: $id, versie: 1) }",
            json!({ "id": mid }),
        )
        .await;
    assert_eq!(del.data()["deleteMinor"], mid.as_str());

    let bureau = app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau);
    let hu_id = app.org_id(demo::HU).await;
    let community = bureau
        .query(
            "mutation($hu: ID!) { createCommunity(input: { naam: \"PhD community\", communityStatus: GEPLAND, leden: [$hu] }) { id versie leden { naam } } }",
            json!({ "hu": hu_id }),
        )
        .await;
    let c = &community.data()["createCommunity"];
    assert_eq!(c["leden"][0]["naam"], "Hogeschool Utrecht");
    let cid = c["id"].as_str().unwrap();
    let als_lid = hu
        .query(
            "mutation($id: ID!) { updateCommunity(id: $id, versie: 1, input: { naam: \"Overgenomen\" }) { id } }",
            json!({ "id": cid }),
        )
        .await;
    assert_eq!(
        als_lid.error_code(),
        "FORBIDDEN",
        "members read, the programme office edits"
    );
    let del = bureau
        .query(
            "mutation($id: ID!) { deleteCommunity(id: $id, versie: 1) }",
            json!({ "id": cid }),
        )
        .await;
    assert_eq!(del.data()["deleteCommunity"], cid);
}

async fn an_organisation_keeps_its_own_profile_up_to_date(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.org_id(demo::HU).await;
    let uu = app.org_id(demo::UU).await;
    let beheerder = app.als(demo::HU, Rol::Beheerder);
    let versie = beheerder
        .query(
            "query($id: ID!) { node(id: $id) { ... on Kennisinstelling { versie magBewerken } } }",
            json!({ "id": hu }),
        )
        .await
        .data()["node"]
        .clone();
    assert_eq!(versie["magBewerken"], true);
    let profiel = "mutation($id: ID!, $v: Int!) { updateOrganisatieProfiel(id: $id, versie: $v, input: { \
        afkorting: \"HU\", regio: MIDDEN, website: \"https://www.hu.nl\", beschrijving: \"Hogeschool in Utrecht\", \
        contactpersoon: { naam: \"I. Partner\", email: \"partner@hu.nl\" } }) { versie beschrijving contactpersoon { email } } }";
    let antwoord = beheerder
        .query(profiel, json!({ "id": hu, "v": versie["versie"] }))
        .await;
    let p = &antwoord.data()["updateOrganisatieProfiel"];
    assert_eq!(p["beschrijving"], "Hogeschool in Utrecht");
    assert_eq!(p["contactpersoon"]["email"], "partner@hu.nl");
    let ander = beheerder.query(profiel, json!({ "id": uu, "v": 1 })).await;
    ander.assert_forbidden();
    let website = beheerder
        .query(
            "mutation($id: ID!, $v: Int!) { updateOrganisatieProfiel(id: $id, versie: $v, input: { website: \"hu punt nl\" }) { versie } }",
            json!({ "id": hu, "v": p["versie"] }),
        )
        .await;
    website.assert_problem("website");
}

async fn a_medewerker_registers_and_edits_opdrachten_of_its_own_institution(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let medewerker = app.als(demo::HU, Rol::Medewerker);
    let bzk = app.org_id(demo::BZK).await;
    let uu = app.org_id(demo::UU).await;
    let created = medewerker
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Stage datagedreven beleid", "opdrachtSoort": "STAGE", "externId": "HU-1",
                "opdrachtgever": bzk, "themas": ["DATA_AI"] } }),
        )
        .await;
    let o = &created.data()["createOpdracht"];
    assert_eq!(
        o["onderwijssoort"], "HBO",
        "the owner's kind of education by default"
    );
    assert_eq!(o["opdrachtStatus"], "ONBEKEND");
    assert_eq!(o["aantalStudenten"], 1);
    assert_eq!(
        o["uitvoerders"],
        json!([{ "naam": "Hogeschool Utrecht" }]),
        "the owner carries it out"
    );
    let id = o["id"].as_str().unwrap();
    let dubbel = medewerker
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Andere", "opdrachtSoort": "STAGE", "externId": "HU-1", "opdrachtgever": bzk } }),
        )
        .await;
    assert_eq!(
        dubbel.error_code(),
        "BAD_USER_INPUT",
        "externId is unique per owner"
    );
    let updated = medewerker
        .query(
            "mutation($id: ID!, $input: OpdrachtUpdateInput!) { updateOpdracht(id: $id, versie: 1, input: $input) { versie opdrachtStatus uitvoerders { naam } } }",
            json!({ "id": id, "input": { "naam": "Stage datagedreven beleid", "opdrachtSoort": "STAGE", "externId": "HU-1",
                "opdrachtStatus": "IN_UITVOERING", "opdrachtgever": bzk, "uitvoerders": [app.org_id(demo::HU).await, uu] } }),
        )
        .await;
    let u = &updated.data()["updateOpdracht"];
    assert_eq!(u["versie"], 2);
    assert_eq!(u["opdrachtStatus"], "IN_UITVOERING");
    assert_eq!(u["uitvoerders"].as_array().unwrap().len(), 2);
    // UU now carries it out, so UU sees it, but cannot change it.
    let uu_token = app.als(demo::UU, Rol::Beheerder);
    let zien = uu_token
        .query(
            "query($id: ID!) { node(id: $id) { ... on Opdracht { naam magBewerken } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(zien.data()["node"]["magBewerken"], false);
}

async fn a_record_others_still_link_to_cannot_be_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let bzk = app.org_id(demo::BZK).await;
    let (lab, _) = maak_lab(&hu, "Druk lab").await;
    hu
        .query(
            CREATE_OPDRACHT,
            json!({ "input": { "naam": "Stage in het lab", "opdrachtSoort": "STAGE", "opdrachtgever": bzk, "fieldlab": lab } }),
        )
        .await
        .data();
    let voor = app.dump().await;
    let antwoord = hu
        .query(DELETE_FIELDLAB, json!({ "id": lab, "versie": 1 }))
        .await;
    antwoord.assert_conflict();
    let message = antwoord.message();
    assert!(message.contains("1 opdrachten"), "{message}");
    assert_eq!(app.dump().await, voor);
}

async fn an_update_that_changes_nothing_keeps_the_version_and_logs_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    let (id, _) = maak_lab(&hu, "Stil lab").await;
    let voor = app.dump().await;
    let antwoord = hu
        .query(
            UPDATE_FIELDLAB,
            json!({ "id": id, "versie": 1, "input": lab("Stil lab") }),
        )
        .await;
    assert_eq!(antwoord.data()["updateFieldlab"]["versie"], 1);
    assert_eq!(app.dump().await, voor);
}

async fn anonymous_callers_cannot_write(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let voor = app.dump().await;
    let antwoord = app
        .anoniem()
        .query(CREATE_FIELDLAB, json!({ "input": lab("Anoniem lab") }))
        .await;
    antwoord.assert_unauthenticated();
    assert_eq!(app.dump().await, voor);
}

async fn the_change_log_cannot_be_rewritten(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let hu = app.als(demo::HU, Rol::Beheerder);
    maak_lab(&hu, "Historisch lab").await;
    let conn = app.raw().await;
    for sql in [
        "UPDATE wijzigingen SET actor_subject = 'iemand anders'",
        "DELETE FROM wijzigingen",
    ] {
        let result = conn.execute_unprepared(sql).await;
        assert!(result.is_err(), "{sql} must be refused");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM wijzigingen").await, 1);
}

use sea_orm::ConnectionTrait;
