//! Limits against hostile or careless queries, checked on the parsed document before anything
//! runs: document size, depth, aliases, root fields and an estimated cost in which list fields
//! weigh as much as the page they ask for. Every refusal is a `BAD_USER_INPUT` error whose
//! `extensions.limit` names the limit and whose message says the maximum and the setting.
//!
//! Written here rather than with async-graphql's `limit_depth`/`limit_complexity` because those
//! answer without an error code and have no alias, root-field or page-size notion.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Request, ServerError, ServerResult, Value, Variables};

/// The limits, with the settings (environment variables) that change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limieten {
    /// `GRAPHQL_MAX_DEPTH`: nesting of selection sets.
    pub max_diepte: usize,
    /// `GRAPHQL_MAX_COST`: estimated cost; a field costs 1, a list field `first`/`last` (or the
    /// default page of 20) times what it selects.
    pub max_kosten: usize,
    /// `GRAPHQL_MAX_ALIASES`: aliased fields in a document.
    pub max_aliassen: usize,
    /// `GRAPHQL_MAX_ROOT_FIELDS`: fields at the root of the operation.
    pub max_rootvelden: usize,
    /// `GRAPHQL_MAX_DOCUMENT_BYTES`: size of the query text.
    pub max_document_bytes: usize,
}

impl Default for Limieten {
    fn default() -> Self {
        Self {
            max_diepte: 15,
            max_kosten: 10_000,
            max_aliassen: 30,
            max_rootvelden: 10,
            max_document_bytes: 16 * 1024,
        }
    }
}

/// The default page size the cost estimate assumes for a connection without `first`/`last`.
const STANDAARD_PAGINA: usize = super::paginering::STANDAARD_PAGINA;

/// Connection fields: they return pages, so what they select counts once per row.
const VERBINDINGEN: &[&str] = &[
    "rijkspartners",
    "kennisinstellingen",
    "fieldlabs",
    "lectoraten",
    "minoren",
    "communities",
    "opdrachten",
];

fn te_veel(limit: &str, message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", "BAD_USER_INPUT");
    extensions.set("limit", limit);
    error.extensions = Some(extensions);
    error
}

struct Meting<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    aliassen: usize,
    diepte: usize,
    max_diepte: usize,
}

impl Meting<'_> {
    /// Walks a selection set; returns its cost. `niveau` is the depth of its fields.
    fn meet(&mut self, set: &SelectionSet, niveau: usize, fragmenten: &mut Vec<Name>) -> usize {
        self.diepte = self.diepte.max(niveau);
        if niveau > self.max_diepte {
            // Too deep already, and refused for that: do not recurse further into a document
            // that may be nested thousands of levels.
            return 0;
        }
        let mut kosten = 0usize;
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    if field.alias.is_some() {
                        self.aliassen += 1;
                    }
                    let kinderen = if field.selection_set.node.items.is_empty() {
                        0
                    } else {
                        self.meet(&field.selection_set.node, niveau + 1, fragmenten)
                    };
                    let factor = self.paginagrootte(field);
                    kosten = kosten
                        .saturating_add(1usize.saturating_add(factor.saturating_mul(kinderen)));
                }
                Selection::InlineFragment(fragment) => {
                    kosten = kosten.saturating_add(self.meet(
                        &fragment.node.selection_set.node,
                        niveau,
                        fragmenten,
                    ));
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    // A fragment inside itself is refused by validation; do not loop here.
                    if fragmenten.contains(name) {
                        continue;
                    }
                    if let Some(fragment) = self.document.fragments.get(name) {
                        fragmenten.push(name.clone());
                        kosten = kosten.saturating_add(self.meet(
                            &fragment.node.selection_set.node,
                            niveau,
                            fragmenten,
                        ));
                        fragmenten.pop();
                    }
                }
            }
        }
        kosten
    }

    /// How many rows a field returns at most, for the cost estimate.
    fn paginagrootte(&self, field: &async_graphql::parser::types::Field) -> usize {
        let argument = field
            .arguments
            .iter()
            .find(|(name, _)| name.node == "first" || name.node == "last")
            .map(|(_, value)| &value.node);
        let waarde = argument
            .and_then(|value| {
                value
                    .clone()
                    .into_const_with(|var| self.variables.get(&var).cloned().ok_or(()))
                    .ok()
            })
            .and_then(|value| match value {
                Value::Number(n) => n.as_u64(),
                _ => None,
            });
        match waarde {
            Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            None if VERBINDINGEN.contains(&field.name.node.as_str()) => STANDAARD_PAGINA,
            None => 1,
        }
    }
}

impl Limieten {
    /// Checks a parsed document against the limits.
    pub fn controleer(
        &self,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> ServerResult<()> {
        let mut meting = Meting {
            document,
            variables,
            aliassen: 0,
            diepte: 0,
            max_diepte: self.max_diepte,
        };
        let mut kosten = 0usize;
        for (_, operation) in document.operations.iter() {
            let root = &operation.node.selection_set.node;
            let rootvelden = root.items.len();
            if rootvelden > self.max_rootvelden {
                return Err(te_veel(
                    "maxRootFields",
                    format!(
                        "the operation has {rootvelden} root fields; the maximum is {} \
                         (GRAPHQL_MAX_ROOT_FIELDS): split it into several requests",
                        self.max_rootvelden
                    ),
                ));
            }
            kosten = kosten.saturating_add(meting.meet(root, 1, &mut Vec::new()));
        }
        if meting.diepte > self.max_diepte {
            return Err(te_veel(
                "maxDepth",
                format!(
                    "the query is nested {} levels deep; the maximum is {} (GRAPHQL_MAX_DEPTH)",
                    meting.diepte, self.max_diepte
                ),
            ));
        }
        if meting.aliassen > self.max_aliassen {
            return Err(te_veel(
                "maxAliases",
                format!(
                    "the query has {} aliased fields; the maximum is {} (GRAPHQL_MAX_ALIASES)",
                    meting.aliassen, self.max_aliassen
                ),
            ));
        }
        if kosten > self.max_kosten {
            return Err(te_veel(
                "maxCost",
                format!(
                    "the query's estimated cost is {kosten}; the maximum is {} (GRAPHQL_MAX_COST). \
                     Ask for smaller pages (first/last) or fewer nested lists",
                    self.max_kosten
                ),
            ));
        }
        Ok(())
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
    /// Parses `request`'s document and checks it against the limits, before anything runs.
    /// The parsed document goes into the request, so execution does not parse it again.
    /// `Ok(None)`: the document does not parse; execution reports that in its own words.
    ///
    /// Done here rather than in an async-graphql extension: with an extension registered,
    /// async-graphql routes every field of every answer through the extension chain, a cost
    /// per resolved value that a page of 100 opdrachten pays ~2,500 times.
    pub fn toets(&self, request: &mut Request) -> Result<Option<Operatie>, ServerError> {
        if request.query.len() > self.max_document_bytes {
            return Err(te_veel(
                "maxDocumentBytes",
                format!(
                    "the query is {} bytes; the maximum is {} (GRAPHQL_MAX_DOCUMENT_BYTES)",
                    request.query.len(),
                    self.max_document_bytes
                ),
            ));
        }
        let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
            return Ok(None);
        };
        self.controleer(&document, &request.variables)?;
        let gekozen = match (&document.operations, request.operation_name.as_deref()) {
            (DocumentOperations::Single(op), None) => Some((None, op.node.ty)),
            (DocumentOperations::Multiple(ops), Some(naam)) => ops
                .iter()
                .find(|(n, _)| n.as_str() == naam)
                .map(|(n, op)| (Some(n.to_string()), op.node.ty)),
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops
                .iter()
                .next()
                .map(|(n, op)| (Some(n.to_string()), op.node.ty)),
            _ => None,
        };
        let operatie = Operatie {
            naam: request
                .operation_name
                .clone()
                .or_else(|| gekozen.as_ref().and_then(|(n, _)| n.clone())),
            soort: gekozen.map(|(_, soort)| soort),
        };
        request.set_parsed_query(document);
        Ok(Some(operatie))
    }
}
