//! Limits against hostile or careless queries, checked before anything runs: document size,
//! nesting (a lexical scan before parsing, see [`super::nesting`]), the size of the document
//! with its fragments written out, and for the operation that runs: depth, aliases, root
//! fields and an estimated cost in which list fields weigh as much as the page they ask for.
//! Every refusal is a `BAD_USER_INPUT` error whose `extensions.limit` names the limit and
//! whose message says the maximum and the setting.
//!
//! Written here rather than with async-graphql's `limit_depth`/`limit_complexity` because those
//! answer without an error code and have no alias, root-field or page-size notion.
//!
//! Every measure is linear in the size of the document. Fragments are measured once each and
//! their measures reused wherever they are spread (a document of 40 fragments that each spread
//! the next one twice describes 2^40 fields; it is measured in 80 steps and refused). That
//! matters twice: for this walk, and because async-graphql's own checks inside `execute`
//! (`check_recursive_depth`, `check_max_directives`, validation) do write fragments out, in
//! synchronous code that no timeout can interrupt. They only ever see documents whose
//! written-out size is within [`Limieten::max_selecties`], in every operation, selected or not.

use super::nesting::{self, MAX_INVOERDIEPTE, MAX_SELECTIEDIEPTE, TeDiep};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Name, Pos, Positioned, Request, ServerError, Value, Variables};
use std::collections::HashMap;

/// The limits, with the settings (environment variables) that change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limieten {
    /// `GRAPHQL_MAX_DEPTH`: nesting of fields.
    pub max_diepte: usize,
    /// `GRAPHQL_MAX_COST`: estimated cost; a field costs 1, a list field `first`/`last` (or its
    /// default page) times what it selects.
    pub max_kosten: usize,
    /// `GRAPHQL_MAX_ALIASES`: aliased fields in the operation.
    pub max_aliassen: usize,
    /// `GRAPHQL_MAX_ROOT_FIELDS`: fields at the root of the operation.
    pub max_rootvelden: usize,
    /// `GRAPHQL_MAX_DOCUMENT_BYTES`: size of the query text.
    pub max_document_bytes: usize,
    /// `GRAPHQL_MAX_SELECTIONS`: fields in the whole document with its fragments written out.
    pub max_selecties: usize,
}

impl Default for Limieten {
    fn default() -> Self {
        Self {
            max_diepte: 15,
            max_kosten: 10_000,
            max_aliassen: 30,
            max_rootvelden: 10,
            max_document_bytes: 16 * 1024,
            max_selecties: 2_000,
        }
    }
}

/// The page a list field returns when the query gives neither `first` nor `last`; other
/// fields return one value. `in_feed`: the field is one of the feed's (`Query.wijzigingen`)
/// own, where `wijzigingen` is the page the feed's size already counts.
fn standaardpagina(veld: &str, in_feed: bool) -> usize {
    match veld {
        "rijkspartners" | "kennisinstellingen" | "fieldlabs" | "lectoraten" | "minoren"
        | "communities" | "opdrachten" | "auditTrail" => super::paginering::DEFAULT_PAGE_SIZE,
        "wijzigingen" if !in_feed => super::wijzigingen::STANDAARD_FEED,
        _ => 1,
    }
}

/// Whether the fields of a selection set are the feed's own: the set of a `wijzigingen` field.
fn is_feed(veld: &str) -> bool {
    veld == "wijzigingen"
}

/// An error with `extensions.code` and, for a limit, `extensions.limit`.
fn fout(code: &str, limit: Option<&str>, message: String, pos: Option<Pos>) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    if let Some(limit) = limit {
        extensions.set("limit", limit);
    }
    error.extensions = Some(extensions);
    error
}

fn te_veel(limit: &str, message: String) -> ServerError {
    fout("BAD_USER_INPUT", Some(limit), message, None)
}

fn te_diep() -> ServerError {
    te_veel(
        "maxDepth",
        format!(
            "selection sets and fragments are nested more than {MAX_SELECTIEDIEPTE} levels deep; \
             ask for fewer nested fields"
        ),
    )
}

/// The measures of a selection set, with its fragments written out.
#[derive(Debug, Clone, Copy, Default)]
struct Maat {
    /// Estimated cost.
    kosten: usize,
    /// Aliased fields.
    aliassen: usize,
    /// Fields.
    velden: usize,
    /// Fields at the set's own level (through fragments).
    breedte: usize,
    /// Levels of fields: 1 for a set of leaves.
    velddiepte: usize,
    /// Levels of selection sets below it, fragments included (as async-graphql counts them).
    diepte: usize,
}

impl Maat {
    /// The measures of two parts of one selection set.
    fn plus(self, ander: Maat) -> Maat {
        Maat {
            kosten: self.kosten.saturating_add(ander.kosten),
            aliassen: self.aliassen.saturating_add(ander.aliassen),
            velden: self.velden.saturating_add(ander.velden),
            breedte: self.breedte.saturating_add(ander.breedte),
            velddiepte: self.velddiepte.max(ander.velddiepte),
            diepte: self.diepte.max(ander.diepte),
        }
    }
}

/// A fragment's selection set as part of the set around it: one level deeper.
fn onder(binnen: Maat) -> Maat {
    Maat {
        diepte: binnen.diepte + 1,
        ..binnen
    }
}

/// Measures selection sets of one document, each fragment once.
struct Meter<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The operation whose variable defaults page sizes fall back on.
    operatie: Option<&'a OperationDefinition>,
    /// Measured fragments, by name and whether they are spread in the feed's selection; `None`
    /// while a fragment is being measured (a spread of it then is a cycle).
    fragmenten: HashMap<(&'a Name, bool), Option<Maat>>,
}

impl<'a> Meter<'a> {
    fn new(
        document: &'a ExecutableDocument,
        variables: &'a Variables,
        operatie: Option<&'a OperationDefinition>,
    ) -> Self {
        Self {
            document,
            variables,
            operatie,
            fragmenten: HashMap::new(),
        }
    }

    /// Measures a selection set at `niveau` levels of selection sets below the root; `in_feed`:
    /// it is the selection of the change feed (see [`standaardpagina`]).
    fn meet(
        &mut self,
        set: &'a SelectionSet,
        niveau: usize,
        in_feed: bool,
    ) -> Result<Maat, ServerError> {
        if niveau > MAX_SELECTIEDIEPTE {
            return Err(te_diep());
        }
        let mut maat = Maat::default();
        for selection in &set.items {
            let deel = match &selection.node {
                Selection::Field(field) => self.meet_veld(&field.node, niveau, in_feed)?,
                Selection::InlineFragment(fragment) => {
                    onder(self.meet(&fragment.node.selection_set.node, niveau + 1, in_feed)?)
                }
                Selection::FragmentSpread(spread) => {
                    match self.fragment(&spread.node.fragment_name, niveau + 1, in_feed)? {
                        Some(binnen) => onder(binnen),
                        // An unknown fragment: validation reports it.
                        None => Maat::default(),
                    }
                }
            };
            maat = maat.plus(deel);
        }
        if niveau + maat.diepte > MAX_SELECTIEDIEPTE {
            return Err(te_diep());
        }
        Ok(maat)
    }

    fn meet_veld(
        &mut self,
        field: &'a Field,
        niveau: usize,
        in_feed: bool,
    ) -> Result<Maat, ServerError> {
        let alias = usize::from(field.alias.is_some());
        if field.selection_set.node.items.is_empty() {
            return Ok(Maat {
                kosten: 1,
                aliassen: alias,
                velden: 1,
                breedte: 1,
                velddiepte: 1,
                diepte: 0,
            });
        }
        let naam = field.name.node.as_str();
        let kinderen = self.meet(&field.selection_set.node, niveau + 1, is_feed(naam))?;
        let factor = self.paginagrootte(field, in_feed);
        Ok(Maat {
            kosten: factor.saturating_mul(kinderen.kosten).saturating_add(1),
            aliassen: kinderen.aliassen.saturating_add(alias),
            velden: kinderen.velden.saturating_add(1),
            breedte: 1,
            velddiepte: kinderen.velddiepte + 1,
            diepte: kinderen.diepte + 1,
        })
    }

    /// The measures of the fragment `naam`, measured the first time it is spread.
    fn fragment(
        &mut self,
        naam: &'a Positioned<Name>,
        niveau: usize,
        in_feed: bool,
    ) -> Result<Option<Maat>, ServerError> {
        let document = self.document;
        let Some(fragment) = document.fragments.get(&naam.node) else {
            return Ok(None);
        };
        let sleutel = (&naam.node, in_feed);
        match self.fragmenten.get(&sleutel) {
            Some(Some(maat)) => return Ok(Some(*maat)),
            Some(None) => {
                return Err(fout(
                    "GRAPHQL_VALIDATION_FAILED",
                    None,
                    format!(
                        "the fragment `{}` spreads itself, directly or through other fragments",
                        naam.node
                    ),
                    Some(naam.pos),
                ));
            }
            None => {}
        }
        self.fragmenten.insert(sleutel, None);
        let maat = self.meet(&fragment.node.selection_set.node, niveau, in_feed)?;
        self.fragmenten.insert(sleutel, Some(maat));
        Ok(Some(maat))
    }

    /// How many rows a field returns at most: the larger of `first` and `last` as execution
    /// will see them (a literal, a variable's value, or else its default; `null` is the same
    /// as leaving it out), or the field's default page.
    fn paginagrootte(&self, field: &Field, in_feed: bool) -> usize {
        let grootte = |naam: &str| {
            field
                .get_argument(naam)
                .and_then(|waarde| self.getal(waarde))
        };
        match (grootte("first"), grootte("last")) {
            (None, None) => standaardpagina(field.name.node.as_str(), in_feed),
            (first, last) => {
                let n = first.unwrap_or(0).max(last.unwrap_or(0));
                usize::try_from(n).unwrap_or(usize::MAX)
            }
        }
    }

    /// A whole number argument as execution will see it: a literal, the variable's value,
    /// or else its default; `None` for null, absent or not a whole number.
    fn getal(&self, waarde: &Positioned<async_graphql_value::Value>) -> Option<u64> {
        let waarde = waarde
            .node
            .clone()
            .into_const_with(|naam| self.variabele(&naam).ok_or(()))
            .ok()?;
        match waarde {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// A variable's value: the request's, or else the default of the operation's definition.
    fn variabele(&self, naam: &Name) -> Option<Value> {
        if let Some(waarde) = self.variables.get(naam) {
            return Some(waarde.clone());
        }
        self.operatie?
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == *naam)?
            .node
            .default_value
            .as_ref()
            .map(|d| d.node.clone())
    }
}

/// What a request runs, as far as the handler needs to know before running it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operatie {
    /// The operation's name: the request's `operationName`, or the name of the only operation.
    pub naam: Option<String>,
    /// Query or mutation; `None` when the document does not say which operation runs (that is
    /// an error execution reports).
    pub soort: Option<OperationType>,
}

impl Limieten {
    /// Checks `request`'s document against the limits, parsing it only once its nesting is
    /// known to be safe. The parsed document goes into the request, so execution does not
    /// parse it again. `Ok(None)`: the document does not parse; execution reports that in its
    /// own words.
    ///
    /// Done here rather than in an async-graphql extension: with an extension registered,
    /// async-graphql routes every field of every answer through the extension chain, a cost
    /// per resolved value that a page of 100 opdrachten pays ~2,500 times.
    pub fn toets(&self, request: &mut Request) -> Result<Option<Operatie>, ServerError> {
        grens(
            "maxDocumentBytes",
            request.query.len(),
            self.max_document_bytes,
            |n| format!("the query is {n} bytes"),
            "GRAPHQL_MAX_DOCUMENT_BYTES)",
        )?;
        match nesting::scan(&request.query) {
            Ok(()) => {}
            Err(TeDiep::Selecties) => return Err(te_diep()),
            Err(TeDiep::Waarden) => {
                return Err(te_veel(
                    "maxInputDepth",
                    format!(
                        "a value (list or input object), variable type or default value is \
                         nested more than {MAX_INVOERDIEPTE} levels deep"
                    ),
                ));
            }
        }
        let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
            return Ok(None);
        };
        self.controleer_document(&document, &request.variables)?;
        let gekozen = gekozen_operatie(&document, request.operation_name.as_deref());
        if let Some((_, operatie)) = gekozen {
            self.controleer_operatie(&document, operatie, &request.variables)?;
        }
        let operatie = Operatie {
            naam: request
                .operation_name
                .clone()
                .or_else(|| gekozen.and_then(|(naam, _)| naam.map(str::to_owned))),
            soort: gekozen.map(|(_, operatie)| operatie.ty),
        };
        request.set_parsed_query(document);
        Ok(Some(operatie))
    }

    /// What holds for the whole document, whichever operation runs: no fragment cycles, and a
    /// bounded size with the fragments written out.
    fn controleer_document(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let mut meter = Meter::new(document, variables, None);
        let mut velden = 0usize;
        for (_, operatie) in document.operations.iter() {
            let maat = meter.meet(&operatie.node.selection_set.node, 0, false)?;
            velden = velden.saturating_add(maat.velden);
        }
        grens(
            "maxSelections",
            velden,
            self.max_selecties,
            |n| format!("the document has {n} fields with its fragments written out"),
            "GRAPHQL_MAX_SELECTIONS)",
        )?;
        Ok(())
    }

    /// The limits of the operation that runs.
    fn controleer_operatie(
        &self,
        document: &ExecutableDocument,
        operatie: &OperationDefinition,
        variables: &Variables,
    ) -> Result<(), ServerError> {
        let mut meter = Meter::new(document, variables, Some(operatie));
        let maat = meter.meet(&operatie.selection_set.node, 0, false)?;
        grens(
            "maxRootFields",
            maat.breedte,
            self.max_rootvelden,
            |n| format!("the operation has {n} root fields"),
            "GRAPHQL_MAX_ROOT_FIELDS): split it into several requests",
        )?;
        grens(
            "maxDepth",
            maat.velddiepte,
            self.max_diepte,
            |n| format!("the query is nested {n} levels deep"),
            "GRAPHQL_MAX_DEPTH)",
        )?;
        grens(
            "maxAliases",
            maat.aliassen,
            self.max_aliassen,
            |n| format!("the query has {n} aliased fields"),
            "GRAPHQL_MAX_ALIASES)",
        )?;
        grens(
            "maxCost",
            maat.kosten,
            self.max_kosten,
            |n| format!("the query's estimated cost is {n}"),
            "GRAPHQL_MAX_COST). Ask for smaller pages (first/last) or fewer nested lists",
        )
    }
}

/// `Err` when the measure `n` of `limit` is over `max`: "<what n is>; the maximum is <max>
/// (<setting and advice>".
fn grens(
    limit: &str,
    n: usize,
    max: usize,
    wat: impl FnOnce(usize) -> String,
    instelling: &str,
) -> Result<(), ServerError> {
    if n <= max {
        return Ok(());
    }
    Err(te_veel(
        limit,
        format!("{}; the maximum is {max} ({instelling}", wat(n)),
    ))
}

/// The operation a request runs, with its name: the one named by `operationName`, or the only
/// one. `None` when that is not clear; execution reports it.
fn gekozen_operatie<'a>(
    document: &'a ExecutableDocument,
    naam: Option<&str>,
) -> Option<(Option<&'a str>, &'a OperationDefinition)> {
    match (&document.operations, naam) {
        (DocumentOperations::Single(op), None) => Some((None, &op.node)),
        (DocumentOperations::Multiple(ops), Some(naam)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == naam)
            .map(|(n, op)| (Some(n.as_str()), &op.node)),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
            .iter()
            .next()
            .map(|(n, op)| (Some(n.as_str()), &op.node)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toets(query: &str, variables: serde_json::Value, naam: Option<&str>) -> Result<(), String> {
        let mut request = Request::new(query).variables(Variables::from_json(variables));
        if let Some(naam) = naam {
            request = request.operation_name(naam);
        }
        let limieten = Limieten {
            max_document_bytes: usize::MAX,
            ..Limieten::default()
        };
        match limieten.toets(&mut request) {
            Ok(_) => Ok(()),
            Err(e) => Err(e
                .extensions
                .and_then(|x| x.get("limit").cloned())
                .map(|l| l.to_string())
                .unwrap_or(e.message)),
        }
    }

    #[test]
    fn fragment_cycles_are_refused_before_anything_walks_them() {
        let q =
            "query { ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A ...A }";
        assert!(
            toets(q, serde_json::json!({}), None)
                .unwrap_err()
                .contains("spreads itself")
        );
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_for_its_depth() {
        let mut q = String::from("query { ...F0 }\n");
        for i in 0..2_000 {
            q.push_str(&format!("fragment F{i} on Query {{ ...F{} }}\n", i + 1));
        }
        q.push_str("fragment F2000 on Query { __typename }");
        assert_eq!(
            toets(&q, serde_json::json!({}), None).unwrap_err(),
            "\"maxDepth\""
        );
    }

    #[test]
    fn page_sizes_are_the_ones_execution_uses() {
        let diep = |args: &str| {
            format!(
                "query Q($n: Int = 100) {{ rijkspartners({args}) {{ nodes {{ opdrachten({args}) \
                 {{ nodes {{ naam }} }} }} }} }}"
            )
        };
        let kosten = |q: &str, v| toets(q, v, None);
        assert_eq!(
            kosten(&diep("last: null, first: 100"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
        assert_eq!(
            kosten(&diep("first: $n"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
        assert_eq!(
            kosten(&diep("first: $n"), serde_json::json!({ "n": null })),
            Ok(())
        );
        assert_eq!(
            kosten(&diep("first: $n"), serde_json::json!({ "n": 5 })),
            Ok(())
        );
        assert_eq!(
            kosten(&diep("first: 5, last: 100"), serde_json::json!({})).unwrap_err(),
            "\"maxCost\""
        );
    }

    #[test]
    fn the_feeds_page_counts_once_not_again_for_its_list_of_changes() {
        let feed = "{ wijzigingen(first: 500) { cursor wijzigingen { id record { id } } } }";
        assert_eq!(toets(feed, serde_json::json!({}), None), Ok(()));
        let standaard = "{ wijzigingen { wijzigingen { record { ... on Fieldlab { opdrachten(first: 100) { totalCount } } } } } }";
        assert_eq!(
            toets(standaard, serde_json::json!({}), None).unwrap_err(),
            "\"maxCost\""
        );
    }

    #[test]
    fn only_the_selected_operation_counts() {
        let aliassen: Vec<String> = (0..31).map(|i| format!("a{i}: __typename")).collect();
        let q = format!(
            "query A {{ __typename }} query B {{ me {{ {} }} }}",
            aliassen.join(" ")
        );
        assert_eq!(toets(&q, serde_json::json!({}), Some("A")), Ok(()));
        assert_eq!(
            toets(&q, serde_json::json!({}), Some("B")).unwrap_err(),
            "\"maxAliases\""
        );
    }

    #[test]
    fn root_fields_are_counted_through_fragments() {
        let velden: Vec<String> = (0..11).map(|i| format!("a{i}: __typename")).collect();
        let q = format!(
            "query {{ ...R }} fragment R on Query {{ {} }}",
            velden.join(" ")
        );
        assert_eq!(
            toets(&q, serde_json::json!({}), None).unwrap_err(),
            "\"maxRootFields\""
        );
    }
}
