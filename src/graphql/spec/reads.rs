//! What an operation can read, derived from the operation before it runs: the record types
//! (for the answer cache's versions, [`crate::cache`]) and whether it shows the caller's own
//! identity (then its answer is never shared with another caller).
//!
//! Why from the operation: a resolver may only read what the operation's fields and arguments
//! ask for, so the types reachable in the selection (through fragments, interfaces and lists)
//! and in the arguments' input types bound what the answer can depend on. The table
//! [`RECORD_TYPES`] says, per GraphQL type, which record types its values and their resolvers
//! read (with what the access rules read to decide who sees them, e.g. the owner's region of a
//! lectoraat). Conservative wherever it is not sure: a composite or input type the table does
//! not list, a field the schema does not have, or an operation that cannot be found reads
//! every type; an interface or union reads what every type it stands for reads; the change log
//! reads every type (a change's `record` is any node).

use super::index::{SchemaIndex, TypeShape};
use crate::cache::Recordsoort::{self, *};
use crate::cache::Recordsoorten;
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use std::collections::HashSet;

/// Per GraphQL type, the record types its values are read from (their own fields, their link
/// tables, and what the access rules read). Types with fields of other types need not list
/// those: the walk reaches them. The one place to change when a type is added.
const RECORD_TYPES: &[(&str, &[Recordsoort])] = &[
    ("Query", &[]),
    ("PageInfo", &[]),
    ("Contactpersoon", &[]),
    ("Me", &[]),
    ("Thema", &[Themas]),
    ("Rijkspartner", &[Organisaties]),
    ("RijkspartnerConnection", &[Organisaties]),
    ("RijkspartnerEdge", &[Organisaties]),
    ("RijkspartnerFilter", &[Organisaties]),
    ("Kennisinstelling", &[Organisaties]),
    ("KennisinstellingConnection", &[Organisaties]),
    ("KennisinstellingEdge", &[Organisaties]),
    ("KennisinstellingFilter", &[Organisaties]),
    ("Programmabureau", &[Organisaties]),
    ("Sortering", &[]),
    ("Fieldlab", &[Fieldlabs]),
    ("FieldlabConnection", &[Fieldlabs]),
    ("FieldlabEdge", &[Fieldlabs]),
    ("FieldlabDeelnemer", &[Fieldlabs]),
    ("FieldlabFilter", &[Fieldlabs, Themas]),
    // Who sees a lectoraat or minor also depends on the region of its owner organisation.
    ("Lectoraat", &[Lectoraten, Organisaties]),
    ("LectoraatConnection", &[Lectoraten, Organisaties]),
    ("LectoraatEdge", &[Lectoraten, Organisaties]),
    ("LectoraatFilter", &[Lectoraten, Organisaties, Themas]),
    ("Minor", &[Minoren, Organisaties]),
    ("MinorConnection", &[Minoren, Organisaties]),
    ("MinorEdge", &[Minoren, Organisaties]),
    ("MinorFilter", &[Minoren, Organisaties, Themas]),
    ("Community", &[Communities]),
    ("CommunityConnection", &[Communities]),
    ("CommunityEdge", &[Communities]),
    ("CommunityFilter", &[Communities, Themas]),
    ("Opdracht", &[Opdrachten]),
    ("OpdrachtConnection", &[Opdrachten]),
    ("OpdrachtEdge", &[Opdrachten]),
    ("OpdrachtFilter", &[Opdrachten, Organisaties, Themas]),
    ("OpdrachtSortering", &[]),
    ("Vraagstuk", &[Vraagstukken]),
    ("VraagstukConnection", &[Vraagstukken]),
    ("VraagstukEdge", &[Vraagstukken]),
    ("VraagstukFilter", &[Vraagstukken, Themas]),
    ("VraagstukSortering", &[]),
    ("VraagstukReactie", &[Vraagstukken]),
    // Who reads a promotietraject in full also depends on the region of its university.
    (
        "Promotietraject",
        &[Promotietrajecten, Organisaties, Themas],
    ),
    (
        "PromotietrajectConnection",
        &[Promotietrajecten, Organisaties, Themas],
    ),
    (
        "PromotietrajectEdge",
        &[Promotietrajecten, Organisaties, Themas],
    ),
    (
        "PromotietrajectFilter",
        &[Promotietrajecten, Organisaties, Themas],
    ),
    ("Bijeenkomst", &[Bijeenkomsten]),
    ("BijeenkomstConnection", &[Bijeenkomsten]),
    ("BijeenkomstEdge", &[Bijeenkomsten]),
    ("BijeenkomstFilter", &[Bijeenkomsten, Themas]),
    ("Kennismakelaar", &[Kennismakelaars]),
    ("KennismakelaarConnection", &[Kennismakelaars]),
    ("KennismakelaarEdge", &[Kennismakelaars]),
    ("KennismakelaarFilter", &[Kennismakelaars]),
    ("KennismakelaarSortering", &[]),
    // A ranking counts opdrachten, themes, regions and links of every kind of candidate.
    (
        "Kandidaat",
        &[
            Vraagstukken,
            Opdrachten,
            Organisaties,
            Fieldlabs,
            Lectoraten,
            Minoren,
            Themas,
        ],
    ),
    ("Reden", &[Vraagstukken]),
    // The figures count opdrachten (with themes), organisations, fieldlabs and communities.
    (
        "Statistieken",
        &[
            Opdrachten,
            Themas,
            Organisaties,
            Fieldlabs,
            Communities,
            Vraagstukken,
            Promotietrajecten,
            Bijeenkomsten,
        ],
    ),
    ("VraagstukCijfers", &[Vraagstukken]),
    ("BijeenkomstCijfers", &[Bijeenkomsten]),
    ("BijeenkomstSoortAantal", &[Bijeenkomsten]),
    ("VraagstukStatusAantal", &[Vraagstukken]),
    ("ActieveOrganisaties", &[Opdrachten, Organisaties]),
    // Published figures are read from their table; before, the programme office gets them
    // counted now.
    (
        "Jaarcijfers",
        &[
            Jaarcijfers,
            Opdrachten,
            Themas,
            Organisaties,
            Fieldlabs,
            Communities,
            Vraagstukken,
            Promotietrajecten,
            Bijeenkomsten,
        ],
    ),
    ("StatusAantal", &[Opdrachten]),
    ("OnderwijssoortAandeel", &[Opdrachten]),
    ("SoortAantal", &[Opdrachten]),
    ("ThemaAantal", &[Opdrachten, Themas]),
    ("JaarAantal", &[Opdrachten]),
    ("RegioAantal", &[Opdrachten]),
];

/// The change log's types: their answers read every record type.
const CHANGE_LOG: &[&str] = &[
    "Wijzigingsfeed",
    "Wijziging",
    "AuditConnection",
    "AuditEdge",
    "AuditRegel",
    "AuditFilter",
    "Veldwijziging",
];

/// The types whose values show who the caller is (the token's subject).
const IDENTITY: &[&str] = &["Me"];

/// What an operation can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    /// The record types whose versions its answer depends on.
    pub types: Recordsoorten,
    /// Whether it selects the caller's own identity (`me`).
    pub identity: bool,
}

impl Reads {
    /// Everything: for an operation the walk cannot follow.
    pub const ALL: Reads = Reads {
        types: Recordsoorten::ALL,
        identity: true,
    };
}

/// What `operation` of `document` (its root type `root`) can read.
pub fn reads(
    index: &SchemaIndex,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    root: &str,
) -> Reads {
    let mut walk = Walk {
        index,
        document,
        reads: Reads {
            types: Recordsoorten::NONE,
            identity: false,
        },
        fragments: HashSet::new(),
        inputs: HashSet::new(),
    };
    walk.named(root);
    walk.selection(root, &operation.selection_set.node);
    walk.reads
}

struct Walk<'a> {
    index: &'a SchemaIndex,
    document: &'a ExecutableDocument,
    reads: Reads,
    /// Fragments walked already (each once, on its own type condition).
    fragments: HashSet<&'a str>,
    /// Input types walked already (input types may refer to themselves).
    inputs: HashSet<String>,
}

impl<'a> Walk<'a> {
    fn all(&mut self) {
        self.reads = Reads::ALL;
    }

    fn selection(&mut self, parent: &str, set: &'a SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if name == "__typename" {
                        continue;
                    }
                    let Some(shape) = self.index.field(parent, name) else {
                        self.all();
                        continue;
                    };
                    for (_, argument) in &shape.args {
                        if let Some(ty) = self.index.named(&argument.ty) {
                            self.input(ty.to_owned());
                        }
                    }
                    let Some(ty) = self.index.named(&shape.ty) else {
                        // Not in the index: one of the built-in scalars, which read nothing.
                        continue;
                    };
                    self.named(ty);
                    self.selection(ty, &field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => {
                    let on = fragment.node.type_condition.as_ref();
                    let ty = on.map_or(parent, |c| c.node.on.node.as_str());
                    self.named(ty);
                    self.selection(ty, &fragment.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some((key, fragment)) = self.document.fragments.get_key_value(name) else {
                        self.all();
                        continue;
                    };
                    if self.fragments.insert(key.as_str()) {
                        let ty = fragment.node.type_condition.node.on.node.as_str();
                        self.named(ty);
                        self.selection(ty, &fragment.node.selection_set.node);
                    }
                }
            }
        }
    }

    /// Adds what values of the output type `name` read.
    fn named(&mut self, name: &str) {
        if IDENTITY.contains(&name) {
            self.reads.identity = true;
        }
        match self.index.get(name) {
            Some(TypeShape::Interface(_) | TypeShape::Union(_)) => {
                for object in self.index.possible_types(name) {
                    self.own(object);
                }
            }
            _ => self.own(name),
        }
    }

    /// Adds what the object, input or leaf type `name` itself reads.
    fn own(&mut self, name: &str) {
        if name.starts_with("__") || !(self.index.is_composite(name) || self.is_input(name)) {
            // Introspection (the schema is fixed), scalars and enums read no data.
            return;
        }
        let soorten = match RECORD_TYPES.iter().find(|(n, _)| *n == name) {
            _ if CHANGE_LOG.contains(&name) => Recordsoorten::ALL,
            Some((_, soorten)) => Recordsoorten::of(soorten),
            None => Recordsoorten::ALL,
        };
        self.reads.types = self.reads.types.union(soorten);
    }

    fn is_input(&self, name: &str) -> bool {
        matches!(self.index.get(name), Some(TypeShape::Input(_)))
    }

    /// Adds what an argument of input type `name` (and its fields' types) reads.
    fn input(&mut self, name: String) {
        let Some(TypeShape::Input(fields)) = self.index.get(&name) else {
            return;
        };
        if !self.inputs.insert(name.clone()) {
            return;
        }
        self.own(&name);
        for (_, field) in fields {
            if let Some(ty) = self.index.named(&field.ty) {
                self.input(ty.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_of(query: &str) -> Reads {
        let index = SchemaIndex::from_sdl(&crate::graphql::sdl()).unwrap();
        let document = async_graphql::parser::parse_query(query).unwrap();
        let operation = match &document.operations {
            async_graphql::parser::types::DocumentOperations::Single(op) => op.node.clone(),
            _ => unreachable!(),
        };
        reads(&index, &document, &operation, "Query")
    }

    fn types(soorten: &[Recordsoort]) -> Recordsoorten {
        Recordsoorten::of(soorten)
    }

    #[test]
    fn a_list_of_fieldlabs_reads_fieldlabs_and_what_it_selects() {
        let r = reads_of("{ fieldlabs(first: 5) { nodes { naam } } }");
        assert_eq!(
            r.types,
            types(&[Fieldlabs, Themas]),
            "the filter checks theme codes"
        );
        assert!(!r.identity);
        let r = reads_of("{ fieldlabs { nodes { penvoerder { naam } lectoraten { naam } } } }");
        assert_eq!(
            r.types,
            types(&[Fieldlabs, Themas, Organisaties, Lectoraten])
        );
        assert!(!r.types.contains(Opdrachten));
    }

    #[test]
    fn a_page_of_opdrachten_reads_the_organisations_its_filter_and_fields_name() {
        let r = reads_of("{ opdrachten { totalCount } }");
        assert_eq!(r.types, types(&[Opdrachten, Organisaties, Themas]));
        assert!(!r.types.contains(Fieldlabs));
        let r = reads_of("{ opdrachten { nodes { fieldlab { naam } } } }");
        assert!(r.types.contains(Fieldlabs));
    }

    #[test]
    fn fragments_and_interfaces_read_every_type_they_can_stand_for() {
        let r = reads_of("{ node(id: \"x\") { id } }");
        assert_eq!(
            r.types,
            types(&[
                Opdrachten,
                Organisaties,
                Fieldlabs,
                Lectoraten,
                Minoren,
                Communities,
                Vraagstukken,
                Promotietrajecten,
                Bijeenkomsten,
                Kennismakelaars,
                Themas
            ]),
            "every type that implements Node"
        );
        let r = reads_of(
            "query { organisatie(sleutel: \"hu.nl\") { ...F } } \
             fragment F on Kennisinstelling { minoren { naam } ...F2 } \
             fragment F2 on Kennisinstelling { communities { naam } }",
        );
        assert!(r.types.contains(Minoren) && r.types.contains(Communities));
        assert!(!r.types.contains(Opdrachten));
    }

    #[test]
    fn the_change_log_and_unknown_fields_read_everything() {
        assert_eq!(
            reads_of("{ wijzigingen { endCursor } }").types,
            Recordsoorten::ALL
        );
        assert_eq!(
            reads_of("{ auditTrail { nodes { id } } }").types,
            Recordsoorten::ALL
        );
        assert_eq!(reads_of("{ bestaatNiet }").types, Recordsoorten::ALL);
    }

    #[test]
    fn me_is_identity_and_statistics_read_their_record_types() {
        let r = reads_of("{ me { rol } }");
        assert!(r.identity);
        assert_eq!(r.types, Recordsoorten::NONE);
        let r = reads_of("{ statistieken { aantalOpdrachten } themas { code } }");
        assert!(!r.identity);
        assert!(r.types.contains(Opdrachten) && r.types.contains(Fieldlabs));
        assert!(!r.types.contains(Lectoraten));
        assert!(!reads_of("{ __schema { types { name } } }").identity);
    }
}
