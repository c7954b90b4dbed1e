//! Generated demo opdrachten, shaped on the published figures of 2020–2024:
//!
//! - 548 opdrachten and stages; 287 afgerond, 58 in voorbereiding, 54 in uitvoering (the other
//!   149, mostly from 2020–2021, have no recorded status: `ONBEKEND`);
//! - 64% HBO, 33% WO, 3% MBO (351 / 181 / 16);
//! - 1235 students in all, 261 of them in a stage (one student per stage);
//! - 150 opdrachten in 2022 (the 2022 annual report), the rest spread over 2020–2024.
//!
//! Generation is deterministic (a fixed-seed SplitMix64), so every load gives the same records.

use crate::domain::{Onderwijssoort, OpdrachtSoort, OpdrachtStatus};
use chrono::{Days, NaiveDate};

pub const AANTAL: usize = 548;
pub const AFGEROND: usize = 287;
pub const IN_VOORBEREIDING: usize = 58;
pub const IN_UITVOERING: usize = 54;
pub const HBO: usize = 351;
pub const WO: usize = 181;
pub const MBO: usize = 16;
pub const STUDENTEN: i32 = 1235;
pub const STAGES: usize = 261;

/// Opdrachten per year, 2020 to 2024.
const PER_YEAR: [(i32, usize); 5] = [
    (2020, 40),
    (2021, 85),
    (2022, 150),
    (2023, 143),
    (2024, 130),
];

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// Picks an index by weight.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut roll = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }
}

/// One generated opdracht; organisations and links are indexes into the caller's lists.
#[derive(Debug, Clone)]
pub struct GeneratedOpdracht {
    pub extern_id: String,
    pub naam: String,
    pub soort: OpdrachtSoort,
    pub status: OpdrachtStatus,
    pub onderwijssoort: Onderwijssoort,
    pub startdatum: NaiveDate,
    pub einddatum: Option<NaiveDate>,
    pub aantal_studenten: i32,
    pub themas: Vec<&'static str>,
    /// A number to pick the owner among the institutions of the right onderwijssoort.
    pub instelling_choice: usize,
    /// A number to pick the opdrachtgever among the rijkspartners.
    pub opdrachtgever_choice: usize,
    /// Whether to link the opdracht to a fieldlab in its region (if there is one).
    pub in_fieldlab: bool,
    /// Whether a second institution carries it out too.
    pub second_uitvoerder: bool,
}

const THEMAS: [(&str, usize); 7] = [
    ("DATA_AI", 30),
    ("CYBERVEILIGHEID", 20),
    ("INFORMATIEHUISHOUDING", 18),
    ("SOFTWAREONTWIKKELING", 15),
    ("PROCESOPTIMALISATIE", 10),
    ("BLOCKCHAIN", 4),
    ("IT_CHANGE", 3),
];

fn topics(thema: &str) -> &'static [&'static str] {
    match thema {
        "DATA_AI" => &[
            "Voorspellend model voor klantcontact",
            "NLP op beleidsdocumenten",
            "Datakwaliteit in basisregistraties",
            "Dashboard voor sturingsinformatie",
            "Verantwoorde inzet van algoritmen",
        ],
        "CYBERVEILIGHEID" => &[
            "Phishingbewustzijn van medewerkers",
            "Dreigingsanalyse van de keten",
            "Zero trust-architectuur",
            "Incidentrespons oefenen",
        ],
        "INFORMATIEHUISHOUDING" => &[
            "Archiveren by design",
            "Actieve openbaarmaking",
            "Metadatering van e-mail",
            "Duurzame toegankelijkheid van documenten",
        ],
        "SOFTWAREONTWIKKELING" => &[
            "Toegankelijke webformulieren",
            "Migratie van een legacy-applicatie",
            "Open source-component voor de overheid",
            "Testautomatisering",
        ],
        "PROCESOPTIMALISATIE" => &[
            "Procesmining van aanvragen",
            "Doorlooptijd van bezwaarprocedures",
            "Lean in de servicedesk",
        ],
        "BLOCKCHAIN" => &["Verifieerbare diplomagegevens", "EU id-wallet"],
        _ => &["Wendbare IT-organisatie", "Leerpaden voor IT-personeel"],
    }
}

fn soort_naam(soort: OpdrachtSoort) -> &'static str {
    match soort {
        OpdrachtSoort::Stage => "Stage",
        OpdrachtSoort::Afstudeeropdracht => "Afstuderen",
        OpdrachtSoort::Groepsopdracht => "Groepsopdracht",
        OpdrachtSoort::Hackathon => "Hackathon",
        OpdrachtSoort::Onderzoek => "Onderzoek",
    }
}

/// The 548 demo opdrachten.
pub fn generate() -> Vec<GeneratedOpdracht> {
    let mut rng = Rng::new(0x1_9A27_2020_2024);
    let plan = year_and_status_plan();
    let education = education_plan(&mut rng);
    let mut is_stage: Vec<bool> = (0..AANTAL).map(|i| i < STAGES).collect();
    rng.shuffle(&mut is_stage);
    let mut students = student_counts(&mut rng).into_iter();

    let thema_weights: Vec<usize> = THEMAS.iter().map(|(_, w)| *w).collect();
    plan.into_iter()
        .enumerate()
        .map(|(i, (year, status))| {
            let stage = is_stage[i];
            let aantal_studenten = if stage {
                1
            } else {
                students.next().expect("one count per non-stage")
            };
            let planned = Planned {
                index: i,
                year,
                status,
                onderwijssoort: education[i],
                stage,
                aantal_studenten,
            };
            generate_one(&mut rng, &thema_weights, planned)
        })
        .collect()
}

/// Years and statuses follow a fixed plan: ONBEKEND in the early years, AFGEROND after, and the
/// running and prepared ones in the last year.
fn year_and_status_plan() -> Vec<(i32, OpdrachtStatus)> {
    let mut plan: Vec<(i32, OpdrachtStatus)> = Vec::with_capacity(AANTAL);
    let onbekend = AANTAL - AFGEROND - IN_VOORBEREIDING - IN_UITVOERING;
    let mut statuses: Vec<OpdrachtStatus> = std::iter::empty()
        .chain(std::iter::repeat_n(OpdrachtStatus::Onbekend, onbekend))
        .chain(std::iter::repeat_n(OpdrachtStatus::Afgerond, AFGEROND))
        .chain(std::iter::repeat_n(
            OpdrachtStatus::InUitvoering,
            IN_UITVOERING,
        ))
        .chain(std::iter::repeat_n(
            OpdrachtStatus::InVoorbereiding,
            IN_VOORBEREIDING,
        ))
        .collect();
    statuses.reverse();
    for (year, count) in PER_YEAR {
        for _ in 0..count {
            plan.push((year, statuses.pop().expect("plan adds up to AANTAL")));
        }
    }
    plan
}

/// The kind of education of each opdracht, in the published proportions, shuffled.
fn education_plan(rng: &mut Rng) -> Vec<Onderwijssoort> {
    let mut education: Vec<Onderwijssoort> = std::iter::empty()
        .chain(std::iter::repeat_n(Onderwijssoort::Hbo, HBO))
        .chain(std::iter::repeat_n(Onderwijssoort::Wo, WO))
        .chain(std::iter::repeat_n(Onderwijssoort::Mbo, MBO))
        .collect();
    rng.shuffle(&mut education);
    education
}

/// The students of the opdrachten that are not a stage (a stage has one): three each to start
/// with, then spread out a little and topped up to the exact total.
fn student_counts(rng: &mut Rng) -> Vec<i32> {
    let others = AANTAL - STAGES;
    let mut students = vec![3i32; others];
    for _ in 0..400 {
        let (a, b) = (rng.below(others), rng.below(others));
        if students[a] > 1 && students[b] < 10 {
            students[a] -= 1;
            students[b] += 1;
        }
    }
    let mut rest = STUDENTEN - STAGES as i32 - students.iter().sum::<i32>();
    while rest > 0 {
        let i = rng.below(others);
        if students[i] < 10 {
            students[i] += 1;
            rest -= 1;
        }
    }
    students
}

/// What the plan fixes for one opdracht; the rest is drawn in [`generate_one`].
struct Planned {
    index: usize,
    year: i32,
    status: OpdrachtStatus,
    onderwijssoort: Onderwijssoort,
    stage: bool,
    aantal_studenten: i32,
}

/// One opdracht of the plan, with its kind, themes, name, dates and partners drawn from `rng`.
fn generate_one(rng: &mut Rng, thema_weights: &[usize], planned: Planned) -> GeneratedOpdracht {
    let Planned {
        index,
        year,
        status,
        onderwijssoort,
        stage,
        aantal_studenten,
    } = planned;
    let soort = if stage {
        OpdrachtSoort::Stage
    } else {
        [
            OpdrachtSoort::Afstudeeropdracht,
            OpdrachtSoort::Groepsopdracht,
            OpdrachtSoort::Onderzoek,
            OpdrachtSoort::Hackathon,
        ][rng.weighted(&[40, 35, 20, 5])]
    };
    let first = THEMAS[rng.weighted(thema_weights)].0;
    let mut themas = vec![first];
    if rng.below(3) == 0 {
        let second = THEMAS[rng.weighted(thema_weights)].0;
        if second != first {
            themas.push(second);
        }
    }
    let topic = topics(first)[rng.below(topics(first).len())];
    let begin = NaiveDate::from_ymd_opt(year, 1, 6).expect("valid date");
    let startdatum = begin + Days::new(rng.below(300) as u64);
    let einddatum = match status {
        OpdrachtStatus::InVoorbereiding => None,
        _ => Some(startdatum + Days::new(60 + rng.below(120) as u64)),
    };
    GeneratedOpdracht {
        extern_id: format!("demo-{:04}", index + 1),
        naam: format!("{}: {}", soort_naam(soort), topic),
        soort,
        status,
        onderwijssoort,
        startdatum,
        einddatum,
        aantal_studenten,
        themas,
        instelling_choice: rng.below(1000),
        opdrachtgever_choice: rng.below(1000),
        in_fieldlab: rng.below(7) == 0,
        second_uitvoerder: !stage && rng.below(12) == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_opdrachten_match_the_published_figures() {
        let all = generate();
        assert_eq!(all.len(), AANTAL);
        let count = |f: &dyn Fn(&GeneratedOpdracht) -> bool| all.iter().filter(|o| f(o)).count();
        assert_eq!(count(&|o| o.status == OpdrachtStatus::Afgerond), 287);
        assert_eq!(count(&|o| o.status == OpdrachtStatus::InVoorbereiding), 58);
        assert_eq!(count(&|o| o.status == OpdrachtStatus::InUitvoering), 54);
        assert_eq!(count(&|o| o.onderwijssoort == Onderwijssoort::Hbo), 351);
        assert_eq!(count(&|o| o.onderwijssoort == Onderwijssoort::Wo), 181);
        assert_eq!(count(&|o| o.onderwijssoort == Onderwijssoort::Mbo), 16);
        assert_eq!(count(&|o| o.soort == OpdrachtSoort::Stage), 261);
        assert_eq!(all.iter().map(|o| o.aantal_studenten).sum::<i32>(), 1235);
        assert_eq!(
            count(&|o| o.startdatum.format("%Y").to_string() == "2022"),
            150
        );
        assert!(
            all.iter()
                .all(|o| o.einddatum.is_none_or(|e| e >= o.startdatum))
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let (a, b) = (generate(), generate());
        assert!(a.iter().zip(&b).all(|(x, y)| x.naam == y.naam
            && x.startdatum == y.startdatum
            && x.instelling_choice == y.instelling_choice));
    }
}
