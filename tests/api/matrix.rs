//! The access matrix of `docs/access.md`, cell by cell: the test reads the table from the
//! document and, for every row (record type × action), tries the action as every kind of
//! caller (anonymous, the programme office, beheerder / medewerker / lezer of the owner, of a
//! participant and of an unrelated organisation, a kennismakelaar in and outside the record's
//! region) through the public API, and checks that exactly the callers the cell names succeed,
//! and that the others get the outcome the document describes (nothing, `null`, `NOT_FOUND`,
//! `FORBIDDEN`).

use crate::dual_tests;
use crate::harness::{Backend, Caller, TestApp, demo};
use ipartnerschap::auth::Rol;
use serde_json::{Value, json};

dual_tests!(every_cell_of_the_access_matrix_holds_for_every_caller);

/// One row of the table in docs/access.md.
#[derive(Debug, Clone)]
struct Cel {
    record: String,
    actie: String,
    wie: Vec<String>,
}

fn matrix() -> Vec<Cel> {
    let tekst = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/access.md"))
        .expect("docs/access.md");
    let cellen = tekst
        .split("## The cells")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/access.md has the section 'The cells'");
    cellen
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| record"))
        .map(|l| {
            let kolommen: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            Cel {
                record: kolommen[0].to_owned(),
                actie: kolommen[1].to_owned(),
                wie: kolommen[2]
                    .split(',')
                    .map(|w| w.trim().to_owned())
                    .collect(),
            }
        })
        .collect()
}

/// A caller: its relation to the record and its role (or anonymous / programme office /
/// kennismakelaar).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Beller {
    Anoniem,
    Bureau,
    Org(Relatie, Rol),
    MakelaarInRegio,
    MakelaarElders,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Relatie {
    Eigenaar,
    Deelnemer,
    Ander,
}

impl Relatie {
    fn naam(self) -> &'static str {
        match self {
            Relatie::Eigenaar => "owner",
            Relatie::Deelnemer => "participant",
            Relatie::Ander => "other",
        }
    }
}

/// Whether the cell lets `beller` do its action.
fn mag(cel: &Cel, beller: Beller) -> bool {
    let heeft = |w: &str| cel.wie.iter().any(|x| x == w);
    if heeft("all") {
        return true;
    }
    match beller {
        Beller::Anoniem => false,
        Beller::Bureau => true,
        _ if heeft("partners") => true,
        Beller::Org(relatie, rol) => {
            heeft(relatie.naam()) || heeft(&format!("{}:{}", relatie.naam(), rol.as_str()))
        }
        Beller::MakelaarInRegio => heeft("region") || heeft("other"),
        Beller::MakelaarElders => heeft("other"),
    }
}

/// The organisations of a record type: owner, participant, other (natural keys; `None` for
/// the programme office).
fn organisaties(record: &str) -> [Option<&'static str>; 3] {
    const HU: &str = demo::HU;
    const BZK: &str = demo::BZK;
    const DUO: &str = demo::DUO;
    match record {
        "community" => [None, Some(BZK), Some(DUO)],
        // A question of BZK, proposed to HU.
        "vraagstuk" => [Some(BZK), Some(HU), Some(DUO)],
        "profile" => [Some(HU), Some(BZK), Some(DUO)],
        _ => [Some(HU), Some(BZK), Some(DUO)],
    }
}

struct Wereld<'a> {
    app: &'a TestApp,
    bureau: Caller<'a>,
    teller: std::cell::Cell<u32>,
}

impl<'a> Wereld<'a> {
    fn uniek(&self, basis: &str) -> String {
        self.teller.set(self.teller.get() + 1);
        format!("Matrix {basis} {}", self.teller.get())
    }

    /// The caller `beller` for a record of type `record`.
    fn caller(&self, record: &str, beller: Beller) -> Caller<'a> {
        let [eigenaar, deelnemer, ander] = organisaties(record);
        let ander = ander.expect("every record type has an unrelated organisation");
        match beller {
            Beller::Anoniem => self.app.anoniem(),
            Beller::Bureau => self.bureau.clone(),
            Beller::Org(relatie, rol) => {
                let org = match relatie {
                    Relatie::Eigenaar => eigenaar,
                    Relatie::Deelnemer => deelnemer,
                    Relatie::Ander => Some(ander),
                };
                self.app
                    .als(org.expect("the record type has this relation"), rol)
            }
            Beller::MakelaarInRegio => self.app.als_kennismakelaar(ander, &["MIDDEN"]),
            Beller::MakelaarElders => self.app.als_kennismakelaar(ander, &["NOORD"]),
        }
    }

    async fn gql(&self, caller: &Caller<'_>, query: &str, variables: Value) -> Value {
        caller.query(query, variables).await.body
    }

    /// A fresh record of `record` owned by the owner, linked to the participant, in region
    /// MIDDEN, with a contact person and a description; returns its id and name.
    async fn maak(&self, record: &str) -> (String, String) {
        let naam = self.uniek(record);
        let bzk = self.app.org_id(demo::BZK).await;
        let hu = self.app.org_id(demo::HU).await;
        let contact = json!({ "naam": "C. Persoon", "email": "c.persoon@hu.nl" });
        let (mutatie, input) = match record {
            "fieldlab" => (
                "createFieldlab",
                json!({ "eigenaar": hu, "naam": naam, "regios": ["MIDDEN"], "beschrijving": "Lab", "contactpersoon": contact,
                        "deelnemers": [{ "organisatie": bzk, "deelnemerRol": "PARTNER" }] }),
            ),
            "lectoraat" => (
                "createLectoraat",
                json!({ "eigenaar": hu, "naam": naam, "lectoraatSoort": "LECTORAAT", "beschrijving": "Onderzoek", "contactpersoon": contact, "partners": [bzk] }),
            ),
            "minor" => (
                "createMinor",
                json!({ "eigenaar": hu, "naam": naam, "minorSoort": "MINOR", "beschrijving": "Onderwijs", "contactpersoon": contact, "partners": [bzk] }),
            ),
            "community" => (
                "createCommunity",
                json!({ "naam": naam, "beschrijving": "Delen", "communityStatus": "ACTIEF", "contactpersoon": contact, "leden": [bzk] }),
            ),
            "promotietraject" => (
                "createPromotietraject",
                json!({ "eigenaar": hu, "naam": naam, "gastheer": bzk, "thema": "DATA_AI", "startjaar": 2024,
                        "beschrijving": "Onderzoek", "contactpersoon": contact }),
            ),
            "bijeenkomst" => (
                "createBijeenkomst",
                json!({ "eigenaar": hu, "naam": naam, "bijeenkomstSoort": "KENNISSESSIE", "datum": "2024-05-01",
                        "beschrijving": "Sessie", "contactpersoon": contact, "partners": [bzk] }),
            ),
            "vraagstuk" => return self.maak_vraagstuk(naam, bzk, hu, contact).await,
            "kennismakelaar" => (
                "createKennismakelaar",
                json!({ "eigenaar": hu, "contactpersoon": contact, "regios": ["MIDDEN"] }),
            ),
            "opdracht" => {
                let lab = Box::pin(self.maak("fieldlab")).await.0;
                (
                    "createOpdracht",
                    json!({ "eigenaar": hu, "naam": naam, "opdrachtSoort": "STAGE", "regio": "MIDDEN", "startdatum": "2025-02-01",
                            "externId": naam, "contactpersoon": contact, "opdrachtgever": bzk, "fieldlab": lab }),
                )
            }
            "profile" => {
                let (mutatie, (input_type, input)) = bijwerk_input(self, "profile", "").await;
                let versie = self
                    .gql(
                        &self.bureau,
                        "query($id: ID!) { node(id: $id) { ... on Kennisinstelling { versie } } }",
                        json!({ "id": hu }),
                    )
                    .await["data"]["node"]["versie"]
                    .clone();
                self.gql(
                    &self.bureau,
                    &format!("mutation($id: ID!, $v: Int!, $input: {input_type}!) {{ {mutatie}(id: $id, versie: $v, input: $input) {{ __typename }} }}"),
                    json!({ "id": hu, "v": versie, "input": input }),
                )
                .await;
                return (hu, "Hogeschool Utrecht".to_owned());
            }
            other => panic!("unknown record type {other}"),
        };
        let type_naam = &mutatie["create".len()..];
        let body = self
            .gql(
                &self.bureau,
                &format!(
                    "mutation($input: {type_naam}Input!) {{ {mutatie}(input: $input) {{ id }} }}"
                ),
                json!({ "input": input }),
            )
            .await;
        let id = body["data"][mutatie]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{mutatie}: {body}"))
            .to_owned();
        (id, naam)
    }
}

impl Wereld<'_> {
    /// A question of BZK in region MIDDEN, taken up and proposed to HU by the programme office.
    async fn maak_vraagstuk(
        &self,
        titel: String,
        bzk: String,
        hu: String,
        contact: Value,
    ) -> (String, String) {
        let body = self
            .gql(
                &self.bureau,
                "mutation($input: VraagstukInput!) { createVraagstuk(input: $input) { id } }",
                json!({ "input": { "eigenaar": bzk, "titel": titel, "antwoordsoort": "STAGE", "regios": ["MIDDEN"],
                                   "omschrijving": "Vraag", "contactpersoon": contact } }),
            )
            .await;
        let id = body["data"]["createVraagstuk"]["id"].clone();
        for (step, vars) in [
            (
                "mutation($id: ID!) { neemVraagstukInBehandeling(id: $id, versie: 1) { versie } }",
                json!({ "id": id }),
            ),
            (
                "mutation($id: ID!, $hu: ID!) { legVraagstukVoor(id: $id, versie: 2, instellingen: [$hu]) { versie } }",
                json!({ "id": id, "hu": hu }),
            ),
        ] {
            let done = self.gql(&self.bureau, step, vars).await;
            assert!(done["errors"].is_null(), "{step}: {done}");
        }
        (id.as_str().unwrap().to_owned(), titel)
    }
}

/// The GraphQL type and list field of a record type.
fn typen(record: &str) -> (&'static str, &'static str, &'static str) {
    match record {
        "fieldlab" => ("Fieldlab", "fieldlabs", "fieldlabStatus"),
        "lectoraat" => ("Lectoraat", "lectoraten", "beschrijving"),
        "minor" => ("Minor", "minoren", "beschrijving"),
        "community" => ("Community", "communities", "communityStatus"),
        "opdracht" => ("Opdracht", "opdrachten", "startdatum"),
        "promotietraject" => ("Promotietraject", "promotietrajecten", "beschrijving"),
        "bijeenkomst" => ("Bijeenkomst", "bijeenkomsten", "beschrijving"),
        "vraagstuk" => ("Vraagstuk", "vraagstukken", "omschrijving"),
        // Nothing but the person (read-contact) is more than public on a directory entry.
        "kennismakelaar" => ("Kennismakelaar", "kennismakelaars", "kant"),
        "profile" => ("Kennisinstelling", "kennisinstellingen", "beschrijving"),
        other => panic!("unknown record type {other}"),
    }
}

/// Does the action as `caller`; `Ok(())` when it succeeded, `Err(code or "HIDDEN")` otherwise.
async fn probeer(w: &Wereld<'_>, cel: &Cel, caller: &Caller<'_>) -> Result<(), String> {
    let (typ, lijst, vol_veld) = typen(&cel.record);
    let code = |body: &Value| -> String {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("NO_ERROR")
            .to_owned()
    };
    let (id, naam) = if cel.actie == "create" {
        (String::new(), String::new())
    } else {
        w.maak(&cel.record).await
    };
    match cel.actie.as_str() {
        "list" | "count" => {
            // The directory has no text to search (the person is personal data): its page.
            let (zoek, vars) = if cel.record == "kennismakelaar" {
                ("(first: 100)".to_owned(), json!({}))
            } else {
                ("(filter: { zoek: $z })".to_owned(), json!({ "z": naam }))
            };
            let params = if vars.as_object().is_some_and(|v| v.is_empty()) {
                ""
            } else {
                "($z: String)"
            };
            let body = w
                .gql(
                    caller,
                    &format!("query{params} {{ {lijst}{zoek} {{ totalCount nodes {{ id }} }} }}"),
                    vars,
                )
                .await;
            let nodes = body["data"][lijst]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let gevonden = nodes.iter().any(|n| n["id"] == id.as_str());
            let geteld = body["data"][lijst]["totalCount"].as_i64().unwrap_or(0) >= 1;
            if cel.actie == "count" && cel.record == "opdracht" {
                let stats = w
                    .gql(
                        caller,
                        "query($z: String) { statistieken(filter: { zoek: $z }) { aantalOpdrachten } }",
                        json!({ "z": naam }),
                    )
                    .await;
                let in_stats = stats["data"]["statistieken"]["aantalOpdrachten"] == 1;
                assert_eq!(
                    in_stats, geteld,
                    "statistieken and totalCount agree: {stats}"
                );
            }
            if gevonden && geteld {
                Ok(())
            } else {
                Err("HIDDEN".into())
            }
        }
        "read-by-id" | "read-full" | "read-contact" => {
            let body = w
                .gql(
                    caller,
                    &format!("query($id: ID!) {{ node(id: $id) {{ ... on {typ} {{ {vol_veld} contactpersoon {{ email }} }} }} }}"),
                    json!({ "id": id }),
                )
                .await;
            let node = &body["data"]["node"];
            let ok = match cel.actie.as_str() {
                "read-by-id" => node.is_object(),
                "read-full" => !node[vol_veld].is_null(),
                _ => !node["contactpersoon"]["email"].is_null(),
            };
            if ok {
                Ok(())
            } else {
                Err(if node.is_object() {
                    "NULL".into()
                } else {
                    code(&body)
                })
            }
        }
        "read-nested" => {
            let lab = w
                .gql(
                    &w.bureau,
                    "query($id: ID!) { node(id: $id) { ... on Opdracht { fieldlab { id } } } }",
                    json!({ "id": id }),
                )
                .await["data"]["node"]["fieldlab"]["id"]
                .clone();
            let body = w
                .gql(caller, "query($id: ID!) { node(id: $id) { ... on Fieldlab { opdrachten { nodes { id } } } } }", json!({ "id": lab }))
                .await;
            let nodes = body["data"]["node"]["opdrachten"]["nodes"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if nodes.iter().any(|n| n["id"] == id.as_str()) {
                Ok(())
            } else {
                Err("HIDDEN".into())
            }
        }
        "create" => {
            let (nieuw, _) = maak_als(w, &cel.record, caller).await;
            nieuw
        }
        "update" => {
            let versie = w
                .gql(
                    &w.bureau,
                    &format!("query($id: ID!) {{ node(id: $id) {{ ... on {typ} {{ versie }} }} }}"),
                    json!({ "id": id }),
                )
                .await["data"]["node"]["versie"]
                .clone();
            let (mutatie, input) = bijwerk_input(w, &cel.record, &naam).await;
            let body = w
                .gql(
                    caller,
                    &format!("mutation($id: ID!, $v: Int!, $input: {input_type}!) {{ {mutatie}(id: $id, versie: $v, input: $input) {{ __typename }} }}",
                        input_type = input.0),
                    json!({ "id": id, "v": versie, "input": input.1 }),
                )
                .await;
            if body["data"][mutatie].is_object() {
                Ok(())
            } else {
                Err(code(&body))
            }
        }
        "delete" => {
            let mutatie = format!("delete{typ}");
            let body = w
                .gql(
                    caller,
                    &format!("mutation($id: ID!) {{ {mutatie}(id: $id, versie: 1) }}"),
                    json!({ "id": id }),
                )
                .await;
            if body["data"][&mutatie].is_string() {
                Ok(())
            } else {
                Err(code(&body))
            }
        }
        "sync" => {
            let hu = w.app.org_id(demo::HU).await;
            let body = w
                .gql(
                    caller,
                    crate::sync::SYNC,
                    json!({ "input": { "bron": "matrix", "eigenaar": hu, "opdrachten": [crate::sync::item(w.teller.get() as usize)] } }),
                )
                .await;
            if body["data"]["syncOpdrachten"]["toegepast"] == true {
                Ok(())
            } else {
                Err(code(&body))
            }
        }
        "audit" => {
            let body = w
                .gql(
                    caller,
                    "query($id: ID!) { auditTrail(filter: { record: $id }) { totalCount } }",
                    json!({ "id": id }),
                )
                .await;
            if body["data"]["auditTrail"]["totalCount"]
                .as_i64()
                .unwrap_or(0)
                > 0
            {
                Ok(())
            } else {
                Err(if body["errors"].is_array() {
                    code(&body)
                } else {
                    "HIDDEN".into()
                })
            }
        }
        "feed" => {
            let mut na = Value::Null;
            loop {
                let body = w
                    .gql(caller, "query($after: String) { wijzigingen(after: $after, first: 500, recordTypes: [OPDRACHT]) { endCursor hasNextPage wijzigingen { recordId } } }", json!({ "after": na }))
                    .await;
                let feed = &body["data"]["wijzigingen"];
                let regels = feed["wijzigingen"].as_array().cloned().unwrap_or_default();
                if regels.iter().any(|r| r["recordId"] == id.as_str()) {
                    return Ok(());
                }
                if feed["hasNextPage"] != true {
                    return Err("HIDDEN".into());
                }
                na = feed["endCursor"].clone();
            }
        }
        other => panic!("docs/access.md names an action the test does not know: {other}"),
    }
}

/// Creates a record of `record` for the owner as `caller`.
async fn maak_als(w: &Wereld<'_>, record: &str, caller: &Caller<'_>) -> (Result<(), String>, ()) {
    let (typ, _, _) = typen(record);
    let hu = w.app.org_id(demo::HU).await;
    let bzk = w.app.org_id(demo::BZK).await;
    let naam = w.uniek(record);
    let input = match record {
        "fieldlab" => json!({ "eigenaar": hu, "naam": naam, "regios": ["MIDDEN"] }),
        "lectoraat" => json!({ "eigenaar": hu, "naam": naam, "lectoraatSoort": "LECTORAAT" }),
        "minor" => json!({ "eigenaar": hu, "naam": naam, "minorSoort": "MINOR" }),
        "community" => json!({ "naam": naam }),
        "promotietraject" => {
            json!({ "eigenaar": hu, "naam": naam, "gastheer": bzk, "thema": "DATA_AI", "startjaar": 2024 })
        }
        "bijeenkomst" => {
            json!({ "eigenaar": hu, "naam": naam, "bijeenkomstSoort": "EVENEMENT", "datum": "2024-05-01" })
        }
        "vraagstuk" => {
            json!({ "eigenaar": bzk, "titel": naam, "antwoordsoort": "STAGE", "regios": ["MIDDEN"] })
        }
        "kennismakelaar" => {
            json!({ "eigenaar": hu, "contactpersoon": { "naam": naam }, "regios": ["MIDDEN"] })
        }
        "opdracht" => {
            json!({ "eigenaar": hu, "naam": naam, "opdrachtSoort": "STAGE", "opdrachtgever": bzk })
        }
        other => panic!("no create for {other}"),
    };
    let mutatie = format!("create{typ}");
    let body = w
        .gql(
            caller,
            &format!("mutation($input: {typ}Input!) {{ {mutatie}(input: $input) {{ id }} }}"),
            json!({ "input": input }),
        )
        .await;
    let uitkomst = if body["data"][&mutatie].is_object() {
        Ok(())
    } else {
        Err(body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("NO_ERROR")
            .to_owned())
    };
    (uitkomst, ())
}

/// The update mutation of a record type and an input that leaves the record as it is made.
async fn bijwerk_input(
    w: &Wereld<'_>,
    record: &str,
    naam: &str,
) -> (String, (&'static str, Value)) {
    let bzk = w.app.org_id(demo::BZK).await;
    let contact = json!({ "naam": "C. Persoon", "email": "c.persoon@hu.nl" });
    match record {
        "fieldlab" => (
            "updateFieldlab".into(),
            (
                "FieldlabUpdateInput",
                json!({ "naam": naam, "regios": ["MIDDEN"], "beschrijving": "Lab", "contactpersoon": contact,
            "deelnemers": [{ "organisatie": bzk, "deelnemerRol": "PARTNER" }] }),
            ),
        ),
        "lectoraat" => (
            "updateLectoraat".into(),
            (
                "LectoraatUpdateInput",
                json!({ "naam": naam, "lectoraatSoort": "LECTORAAT", "beschrijving": "Onderzoek", "contactpersoon": contact, "partners": [bzk] }),
            ),
        ),
        "minor" => (
            "updateMinor".into(),
            (
                "MinorUpdateInput",
                json!({ "naam": naam, "minorSoort": "MINOR", "beschrijving": "Onderwijs", "contactpersoon": contact, "partners": [bzk] }),
            ),
        ),
        "community" => (
            "updateCommunity".into(),
            (
                "CommunityUpdateInput",
                json!({ "naam": naam, "beschrijving": "Delen", "communityStatus": "ACTIEF", "contactpersoon": contact, "leden": [bzk] }),
            ),
        ),
        "opdracht" => (
            "updateOpdracht".into(),
            (
                "OpdrachtUpdateInput",
                json!({ "naam": naam, "opdrachtSoort": "STAGE", "regio": "MIDDEN", "startdatum": "2025-02-01",
            "externId": naam, "contactpersoon": contact, "opdrachtgever": bzk }),
            ),
        ),
        "promotietraject" => (
            "updatePromotietraject".into(),
            (
                "PromotietrajectUpdateInput",
                json!({ "naam": naam, "gastheer": bzk, "thema": "DATA_AI", "startjaar": 2024,
                        "beschrijving": "Onderzoek", "contactpersoon": contact }),
            ),
        ),
        "bijeenkomst" => (
            "updateBijeenkomst".into(),
            (
                "BijeenkomstUpdateInput",
                json!({ "naam": naam, "bijeenkomstSoort": "KENNISSESSIE", "datum": "2024-05-01",
                        "beschrijving": "Sessie", "contactpersoon": contact, "partners": [bzk] }),
            ),
        ),
        "vraagstuk" => (
            "updateVraagstuk".into(),
            (
                "VraagstukUpdateInput",
                json!({ "titel": naam, "antwoordsoort": "STAGE", "regios": ["MIDDEN"],
                        "omschrijving": "Vraag", "contactpersoon": contact }),
            ),
        ),
        "kennismakelaar" => (
            "updateKennismakelaar".into(),
            (
                "KennismakelaarUpdateInput",
                json!({ "contactpersoon": contact, "regios": ["MIDDEN"] }),
            ),
        ),
        "profile" => (
            "updateOrganisatieProfiel".into(),
            (
                "OrganisatieProfielInput",
                json!({ "afkorting": "HU", "regio": "MIDDEN", "website": "https://www.hu.nl",
            "beschrijving": "Hogeschool", "contactpersoon": contact }),
            ),
        ),
        other => panic!("no update for {other}"),
    }
}

/// What a caller that may not do the action gets, per the document.
fn verwacht_weigering(cel: &Cel, beller: Beller, mag_bestaan_weten: bool) -> &'static str {
    match cel.actie.as_str() {
        "create" | "update" | "delete" | "sync" if beller == Beller::Anoniem => "UNAUTHENTICATED",
        "create" | "sync" => "FORBIDDEN",
        "update" | "delete" if mag_bestaan_weten => "FORBIDDEN",
        "update" | "delete" => "NOT_FOUND",
        "audit" if beller == Beller::Anoniem => "UNAUTHENTICATED",
        "read-by-id" => "NOT_FOUND",
        "read-full" | "read-contact" if mag_bestaan_weten => "NULL",
        "read-full" | "read-contact" => "NOT_FOUND",
        _ => "HIDDEN",
    }
}

async fn every_cell_of_the_access_matrix_holds_for_every_caller(backend: Backend) {
    let app = TestApp::spawn(backend).with_demo().await;
    let w = Wereld {
        app: &app,
        bureau: app.als(demo::PROGRAMMABUREAU, Rol::Programmabureau),
        teller: std::cell::Cell::new(0),
    };
    let cellen = matrix();
    assert!(
        cellen.len() >= 40,
        "the matrix has its rows: {}",
        cellen.len()
    );
    let mut bellers = vec![
        Beller::Anoniem,
        Beller::Bureau,
        Beller::MakelaarInRegio,
        Beller::MakelaarElders,
    ];
    for relatie in [Relatie::Eigenaar, Relatie::Deelnemer, Relatie::Ander] {
        for rol in [Rol::Beheerder, Rol::Medewerker, Rol::Lezer] {
            bellers.push(Beller::Org(relatie, rol));
        }
    }
    let mut fouten = Vec::new();
    let mut gecontroleerd = 0;
    for cel in &cellen {
        let lijst_cel = cellen
            .iter()
            .find(|c| c.record == cel.record && c.actie == "list")
            .expect("every record type has a list row");
        for &beller in &bellers {
            // The programme office's own organisation only has the programmabureau role.
            if cel.record == "community" && matches!(beller, Beller::Org(Relatie::Eigenaar, _)) {
                continue;
            }
            let caller = w.caller(&cel.record, beller);
            let uitkomst = probeer(&w, cel, &caller).await;
            gecontroleerd += 1;
            let verwacht = if mag(cel, beller) {
                Ok(())
            } else {
                Err(verwacht_weigering(cel, beller, mag(lijst_cel, beller)).to_owned())
            };
            if uitkomst != verwacht {
                fouten.push(format!(
                    "{} / {} as {beller:?}: expected {verwacht:?}, got {uitkomst:?}",
                    cel.record, cel.actie
                ));
            }
        }
    }
    assert!(
        fouten.is_empty(),
        "{} of {gecontroleerd} checks disagree with docs/access.md:\n{}",
        fouten.len(),
        fouten.join("\n")
    );
}
