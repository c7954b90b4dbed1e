//! The domain's enums: regions, kinds of organisation, education and record, statuses, roles in
//! a fieldlab and the actions of the change log.
//!
//! Why one definition serves three layers: each enum derives the GraphQL enum (its schema name),
//! the sea-orm active enum (its stored text) and serde (its form in change-log snapshots), and
//! the three spellings are the same upper-case word. So a value reads the same in a query, in a
//! database console and in the change feed, and the migrations' `CHECK` constraints list exactly
//! these words; adding a value means adding it here and to a migration, nowhere else.

use async_graphql::Enum;
use sea_orm::sea_query::StringLen;
use sea_orm::{DeriveActiveEnum, EnumIter};
use serde::{Deserialize, Serialize};

/// Regio: the five regions in which the knowledge brokers (kennismakelaars) work. Ordered as
/// declared: the order in which a fieldlab lists its regions.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum Regio {
    /// Noord-Nederland (Groningen, Friesland, Drenthe).
    #[sea_orm(string_value = "NOORD")]
    Noord,
    /// Oost-Nederland (Overijssel, Gelderland).
    #[sea_orm(string_value = "OOST")]
    Oost,
    /// Midden-Nederland (Utrecht, Flevoland).
    #[sea_orm(string_value = "MIDDEN")]
    Midden,
    /// West-Nederland (Noord- en Zuid-Holland).
    #[sea_orm(string_value = "WEST")]
    West,
    /// Zuid-Nederland (Zeeland, Noord-Brabant, Limburg).
    #[sea_orm(string_value = "ZUID")]
    Zuid,
}

/// Onderwijssoort: the kind of education of a kennisinstelling or an opdracht.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(3))")]
pub enum Onderwijssoort {
    /// Wetenschappelijk onderwijs: universities.
    #[sea_orm(string_value = "WO")]
    Wo,
    /// Hoger beroepsonderwijs: hogescholen (universities of applied sciences).
    #[sea_orm(string_value = "HBO")]
    Hbo,
    /// Middelbaar beroepsonderwijs: MBO colleges (vocational education).
    #[sea_orm(string_value = "MBO")]
    Mbo,
}

/// The kind of an organisation in the partnership.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum OrganisatieSoort {
    /// Rijkspartner: a government organisation (ministry or agency), identified by its OIN.
    #[sea_orm(string_value = "RIJKSPARTNER")]
    Rijkspartner,
    /// Kennisinstelling: a university, hogeschool or MBO college, identified by its schacHome.
    #[sea_orm(string_value = "KENNISINSTELLING")]
    Kennisinstelling,
    /// The programme office of I-Partnerschap itself.
    #[sea_orm(string_value = "PROGRAMMABUREAU")]
    Programmabureau,
}

impl OrganisatieSoort {
    /// The kind in words, for messages ("a Lectoraat is owned by a kennisinstelling").
    pub fn naam(self) -> &'static str {
        match self {
            OrganisatieSoort::Rijkspartner => "rijkspartner",
            OrganisatieSoort::Kennisinstelling => "kennisinstelling",
            OrganisatieSoort::Programmabureau => "programme office",
        }
    }
}

/// The kind of a rijkspartner.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum RijkspartnerSoort {
    /// Ministerie: a ministry.
    #[sea_orm(string_value = "MINISTERIE")]
    Ministerie,
    /// Uitvoeringsorganisatie: an executive agency or independent administrative body (DUO,
    /// RDW, UWV, Belastingdienst...).
    #[sea_orm(string_value = "UITVOERINGSORGANISATIE")]
    Uitvoeringsorganisatie,
    /// Hoog College van Staat: a High Council of State (Eerste Kamer, Raad van State...).
    #[sea_orm(string_value = "HOOG_COLLEGE_VAN_STAAT")]
    HoogCollegeVanStaat,
    /// Any other government organisation.
    #[sea_orm(string_value = "OVERIG")]
    Overig,
}

/// Status of a fieldlab.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum FieldlabStatus {
    /// In oprichting: being set up, not yet running.
    #[sea_orm(string_value = "IN_OPRICHTING")]
    InOprichting,
    /// Actief: running.
    #[sea_orm(string_value = "ACTIEF")]
    Actief,
    /// Beëindigd: ended.
    #[sea_orm(string_value = "BEEINDIGD")]
    Beeindigd,
}

/// The role of a participating organisation in a fieldlab (the lead partner, the penvoerder, is
/// the fieldlab's owner and is not listed among the participants).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum DeelnemerRol {
    /// Partner: brings questions, people or capacity to the lab (usually a rijkspartner).
    #[sea_orm(string_value = "PARTNER")]
    Partner,
    /// Kennispartner: does research or education in the lab (usually a kennisinstelling).
    #[sea_orm(string_value = "KENNISPARTNER")]
    Kennispartner,
}

/// Lectoraat or leerstoel.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum LectoraatSoort {
    /// Lectoraat: a research chair at a hogeschool, led by a lector.
    #[sea_orm(string_value = "LECTORAAT")]
    Lectoraat,
    /// Leerstoel: a chair at a university, held by a professor.
    #[sea_orm(string_value = "LEERSTOEL")]
    Leerstoel,
}

/// The kind of a curriculum (an OOAPI programme type).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum MinorSoort {
    /// Minor: an elective part of a bachelor's programme (usually 15 or 30 ECTS).
    #[sea_orm(string_value = "MINOR")]
    Minor,
    /// Master: a master's programme.
    #[sea_orm(string_value = "MASTER")]
    Master,
    /// Post-master: a programme for professionals who already hold a master's degree.
    #[sea_orm(string_value = "POST_MASTER")]
    PostMaster,
}

/// Status of a community.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum CommunityStatus {
    /// Gepland: planned, not yet started.
    #[sea_orm(string_value = "GEPLAND")]
    Gepland,
    /// Actief: members are sharing knowledge.
    #[sea_orm(string_value = "ACTIEF")]
    Actief,
    /// Beëindigd: ended.
    #[sea_orm(string_value = "BEEINDIGD")]
    Beeindigd,
}

/// Soort: the kind of a student assignment.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(30))")]
pub enum OpdrachtSoort {
    /// Stage: an internship at the opdrachtgever.
    #[sea_orm(string_value = "STAGE")]
    Stage,
    /// Afstudeeropdracht: a graduation assignment.
    #[sea_orm(string_value = "AFSTUDEEROPDRACHT")]
    Afstudeeropdracht,
    /// Groepsopdracht: an assignment for a group of students (a project course).
    #[sea_orm(string_value = "GROEPSOPDRACHT")]
    Groepsopdracht,
    /// Hackathon: a short event in which teams of students work on a question.
    #[sea_orm(string_value = "HACKATHON")]
    Hackathon,
    /// Onderzoek: a research assignment.
    #[sea_orm(string_value = "ONDERZOEK")]
    Onderzoek,
}

/// Status of a student assignment: IN_VOORBEREIDING, then IN_UITVOERING, then AFGEROND.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum OpdrachtStatus {
    /// In voorbereiding: agreed, not yet started.
    #[sea_orm(string_value = "IN_VOORBEREIDING")]
    InVoorbereiding,
    /// In uitvoering: students are working on it.
    #[sea_orm(string_value = "IN_UITVOERING")]
    InUitvoering,
    /// Afgerond: finished.
    #[sea_orm(string_value = "AFGEROND")]
    Afgerond,
    /// Onbekend: the source did not record a status (older assignments registered before the
    /// status was tracked).
    #[sea_orm(string_value = "ONBEKEND")]
    Onbekend,
}

/// VraagstukStatus: where a rijkspartner's question is in the programme's process. The
/// transitions between them, and who may make each, are the table in docs/access.md
/// ("Vraagstukken: the workflow"), declared in `crate::db::workflow`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum VraagstukStatus {
    /// Submitted by the rijkspartner; no kennismakelaar has taken it up yet.
    #[sea_orm(string_value = "NIEUW")]
    Nieuw,
    /// A kennismakelaar of its region works on it (translating it into an assignment).
    #[sea_orm(string_value = "IN_BEHANDELING")]
    InBehandeling,
    /// Proposed to one or more kennisinstellingen, which may answer.
    #[sea_orm(string_value = "VOORGELEGD")]
    Voorgelegd,
    /// Matched: an opdracht, fieldlab or lectoraat answers it.
    #[sea_orm(string_value = "BELEGD")]
    Belegd,
    /// Closed: the work that answered it is done.
    #[sea_orm(string_value = "AFGEROND")]
    Afgerond,
    /// Withdrawn by the rijkspartner before it was matched.
    #[sea_orm(string_value = "INGETROKKEN")]
    Ingetrokken,
}

/// Antwoordsoort: the kind of answer a vraagstuk seeks.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum Antwoordsoort {
    /// A work placement (stage).
    #[sea_orm(string_value = "STAGE")]
    Stage,
    /// A graduation assignment.
    #[sea_orm(string_value = "AFSTUDEEROPDRACHT")]
    Afstudeeropdracht,
    /// An assignment for a group of students.
    #[sea_orm(string_value = "GROEPSOPDRACHT")]
    Groepsopdracht,
    /// Research by a lectoraat or leerstoel.
    #[sea_orm(string_value = "ONDERZOEK")]
    Onderzoek,
    /// A PhD track (I-Doctoraat).
    #[sea_orm(string_value = "PROMOTIETRAJECT")]
    Promotietraject,
    /// A fieldlab.
    #[sea_orm(string_value = "FIELDLAB")]
    Fieldlab,
}

/// Reactie: a kennisinstelling's answer to a vraagstuk proposed to it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum Reactie {
    /// The institution wants to take it up.
    #[sea_orm(string_value = "INTERESSE")]
    Interesse,
    /// The institution does not take it up.
    #[sea_orm(string_value = "GEEN_INTERESSE")]
    GeenInteresse,
}

/// Kant: the side a kennismakelaar brokers from (they work in duos, one of each), given by
/// the kind of organisation the person works for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum Kant {
    /// Higher education: the person works for a kennisinstelling.
    #[sea_orm(string_value = "ONDERWIJS")]
    Onderwijs,
    /// Government: the person works for a rijkspartner.
    #[sea_orm(string_value = "OVERHEID")]
    Overheid,
}

/// PromotieStatus: where a PhD track (promotietraject) stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum PromotieStatus {
    /// The candidate is working on it.
    #[sea_orm(string_value = "LOPEND")]
    Lopend,
    /// The candidate obtained the doctorate.
    #[sea_orm(string_value = "GEPROMOVEERD")]
    Gepromoveerd,
    /// Ended without a doctorate.
    #[sea_orm(string_value = "GESTOPT")]
    Gestopt,
}

/// BijeenkomstSoort: the kind of a meeting of the partnership.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum BijeenkomstSoort {
    /// A course of one or more days for government staff (summercourse).
    #[sea_orm(string_value = "SUMMERCOURSE")]
    Summercourse,
    /// A knowledge session.
    #[sea_orm(string_value = "KENNISSESSIE")]
    Kennissessie,
    /// A working conference.
    #[sea_orm(string_value = "WERKCONFERENTIE")]
    Werkconferentie,
    /// An event (of the partnership or of a partner it contributes to).
    #[sea_orm(string_value = "EVENEMENT")]
    Evenement,
}

/// RecordType: the kinds of records that change, as the audit trail and the change feed name
/// them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum RecordType {
    /// The profile of an organisation (rijkspartner, kennisinstelling, programme office).
    #[sea_orm(string_value = "ORGANISATIE")]
    Organisatie,
    /// A fieldlab.
    #[sea_orm(string_value = "FIELDLAB")]
    Fieldlab,
    /// A lectoraat or leerstoel.
    #[sea_orm(string_value = "LECTORAAT")]
    Lectoraat,
    /// A minor, master or post-master.
    #[sea_orm(string_value = "MINOR")]
    Minor,
    /// A community.
    #[sea_orm(string_value = "COMMUNITY")]
    Community,
    /// A student assignment.
    #[sea_orm(string_value = "OPDRACHT")]
    Opdracht,
    /// A rijkspartner's question (vraagstuk).
    #[sea_orm(string_value = "VRAAGSTUK")]
    Vraagstuk,
    /// A PhD track (I-Doctoraat).
    #[sea_orm(string_value = "PROMOTIETRAJECT")]
    Promotietraject,
    /// A meeting: summercourse, kennissessie, werkconferentie, event.
    #[sea_orm(string_value = "BIJEENKOMST")]
    Bijeenkomst,
    /// An entry of the directory of kennismakelaars.
    #[sea_orm(string_value = "KENNISMAKELAAR")]
    Kennismakelaar,
}

/// Actie: what a change did to its record.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    Enum,
    Serialize,
    Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
pub enum Actie {
    /// The record was created.
    #[sea_orm(string_value = "CREATED")]
    Created,
    /// The record was changed.
    #[sea_orm(string_value = "UPDATED")]
    Updated,
    /// The record was deleted (or withdrawn by its source).
    #[sea_orm(string_value = "DELETED")]
    Deleted,
}
