//! The shape of the schema that the response completion and the argument checks need: for
//! every type its kind, its fields with their types and arguments, and which object types an
//! interface or union stands for. Read once from the schema's own SDL (plus the introspection
//! types, which the SDL leaves out), so it cannot drift from what async-graphql executes.

use async_graphql::parser::types::{
    BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Positioned, Value as ConstValue};
use std::collections::{HashMap, HashSet};

/// An argument or input field: its type and default value.
#[derive(Debug, Clone)]
pub struct InputShape {
    pub ty: Type,
    pub default: Option<ConstValue>,
}

/// A field of an object or interface type.
#[derive(Debug, Clone)]
pub struct FieldShape {
    pub ty: Type,
    /// The arguments in the order the schema declares them.
    pub args: Vec<(String, InputShape)>,
}

/// What a named type is.
#[derive(Debug, Clone)]
pub enum TypeShape {
    Scalar,
    Enum(HashSet<String>),
    /// An object type with its fields and the interfaces it implements.
    Object(HashMap<String, FieldShape>, Vec<String>),
    Interface(HashMap<String, FieldShape>),
    Union(Vec<String>),
    /// An input object with its fields in declared order.
    Input(Vec<(String, InputShape)>),
}

/// The types of a schema by name, and its root types.
#[derive(Debug, Clone)]
pub struct SchemaIndex {
    types: HashMap<String, TypeShape>,
    pub query: String,
    pub mutation: Option<String>,
    /// The subscription root, if the schema has one.
    pub subscription: Option<String>,
}

/// The introspection types of the spec (section 4.2), which `Schema::sdl` does not print,
/// and the two introspection fields of the query root.
const INTROSPECTION: &str = r#"
type __Schema { description: String types: [__Type!]! queryType: __Type! mutationType: __Type
  subscriptionType: __Type directives: [__Directive!]! }
type __Type { kind: __TypeKind! name: String description: String specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!] interfaces: [__Type!]
  possibleTypes: [__Type!] enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!] ofType: __Type isOneOf: Boolean }
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
type __Field { name: String! description: String args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type! isDeprecated: Boolean! deprecationReason: String }
type __InputValue { name: String! description: String type: __Type! defaultValue: String
  isDeprecated: Boolean! deprecationReason: String }
type __EnumValue { name: String! description: String isDeprecated: Boolean! deprecationReason: String }
type __Directive { name: String! description: String locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]! isRepeatable: Boolean! }
enum __DirectiveLocation { QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD
  INLINE_FRAGMENT VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION
  INTERFACE UNION ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION }
"#;

impl SchemaIndex {
    /// The index of the schema written as `sdl`.
    pub fn from_sdl(sdl: &str) -> Result<Self, async_graphql::parser::Error> {
        let document = async_graphql::parser::parse_schema(format!("{sdl}\n{INTROSPECTION}"))?;
        let mut index = SchemaIndex {
            types: HashMap::new(),
            query: "Query".to_owned(),
            mutation: None,
            subscription: None,
        };
        let mut mutation = "Mutation".to_owned();
        let mut subscription = "Subscription".to_owned();
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(q) = &schema.node.query {
                        index.query = q.node.to_string();
                    }
                    if let Some(m) = &schema.node.mutation {
                        mutation = m.node.to_string();
                    }
                    if let Some(s) = &schema.node.subscription {
                        subscription = s.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(t) => {
                    let shape = shape_of(t.node.kind);
                    index.types.insert(t.node.name.node.to_string(), shape);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        index.mutation = index.types.contains_key(&mutation).then_some(mutation);
        index.subscription = index
            .types
            .contains_key(&subscription)
            .then_some(subscription);
        index.add_introspection_roots();
        Ok(index)
    }

    /// `__schema` and `__type(name:)` on the query root.
    fn add_introspection_roots(&mut self) {
        if let Some(TypeShape::Object(fields, _)) = self.types.get_mut(&self.query) {
            let named = |name: &str, nullable| Type {
                base: BaseType::Named(async_graphql::Name::new(name)),
                nullable,
            };
            fields.insert(
                "__schema".into(),
                FieldShape {
                    ty: named("__Schema", false),
                    args: Vec::new(),
                },
            );
            let name = InputShape {
                ty: named("String", false),
                default: None,
            };
            fields.insert(
                "__type".into(),
                FieldShape {
                    ty: named("__Type", true),
                    args: vec![("name".into(), name)],
                },
            );
        }
    }

    pub fn get(&self, name: &str) -> Option<&TypeShape> {
        self.types.get(name)
    }

    /// The type `name` with its name as the index keeps it.
    pub fn entry(&self, name: &str) -> Option<(&str, &TypeShape)> {
        self.types.get_key_value(name).map(|(k, v)| (k.as_str(), v))
    }

    /// The field `name` of the object or interface type `parent`.
    pub fn field(&self, parent: &str, name: &str) -> Option<&FieldShape> {
        match self.types.get(parent)? {
            TypeShape::Object(fields, _) | TypeShape::Interface(fields) => fields.get(name),
            _ => None,
        }
    }

    /// The field `name` of `parent`, with the parent's name as the index keeps it.
    pub fn field_entry(&self, parent: &str, name: &str) -> Option<(&str, &FieldShape)> {
        let (parent, shape) = self.types.get_key_value(parent)?;
        match shape {
            TypeShape::Object(fields, _) | TypeShape::Interface(fields) => {
                fields.get(name).map(|f| (parent.as_str(), f))
            }
            _ => None,
        }
    }

    /// The named type at the bottom of `ty` (through lists and non-null), by its name as the
    /// index keeps it; `None` for a type the schema does not have.
    pub fn named(&self, ty: &Type) -> Option<&str> {
        match &ty.base {
            BaseType::List(inner) => self.named(inner),
            BaseType::Named(name) => self.entry(name).map(|(n, _)| n),
        }
    }

    /// Whether values of `name` have fields of their own (objects, interfaces, unions).
    pub fn is_composite(&self, name: &str) -> bool {
        matches!(
            self.types.get(name),
            Some(TypeShape::Object(..) | TypeShape::Interface(_) | TypeShape::Union(_))
        )
    }

    /// Whether `object` is, or belongs to, the type `condition` (a fragment's type condition).
    pub fn applies(&self, object: &str, condition: &str) -> bool {
        if object == condition {
            return true;
        }
        match (self.types.get(object), self.types.get(condition)) {
            (Some(TypeShape::Object(_, interfaces)), Some(TypeShape::Interface(_))) => {
                interfaces.iter().any(|i| i == condition)
            }
            (_, Some(TypeShape::Union(members))) => members.iter().any(|m| m == object),
            _ => false,
        }
    }

    /// The object types a value of `name` can be: the members of a union, the objects that
    /// implement an interface, or the object type itself.
    pub fn possible_types<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        match self.types.get(name) {
            Some(TypeShape::Union(members)) => members.iter().map(String::as_str).collect(),
            Some(TypeShape::Interface(_)) => self
                .types
                .iter()
                .filter(|(_, shape)| {
                    matches!(shape, TypeShape::Object(_, interfaces) if interfaces.iter().any(|i| i == name))
                })
                .map(|(object, _)| object.as_str())
                .collect(),
            _ => vec![name],
        }
    }

    /// The object type a value of the abstract or object type `declared` is, from the
    /// `__typename` it carries; `None` when that is not one of the types `declared` stands for.
    pub fn concrete<'a>(&self, declared: &'a str, typename: Option<&'a str>) -> Option<&'a str> {
        match self.types.get(declared)? {
            TypeShape::Object(..) => Some(declared),
            _ => typename.filter(|t| {
                matches!(self.types.get(*t), Some(TypeShape::Object(..)))
                    && self.applies(t, declared)
            }),
        }
    }
}

fn shape_of(kind: TypeKind) -> TypeShape {
    let fields = |fields: Vec<Positioned<async_graphql::parser::types::FieldDefinition>>| {
        fields
            .into_iter()
            .map(|f| {
                let args = f.node.arguments.into_iter().map(input_shape).collect();
                let shape = FieldShape {
                    ty: f.node.ty.node,
                    args,
                };
                (f.node.name.node.to_string(), shape)
            })
            .collect()
    };
    let names = |names: Vec<Positioned<async_graphql::Name>>| {
        names.into_iter().map(|n| n.node.to_string()).collect()
    };
    match kind {
        TypeKind::Scalar => TypeShape::Scalar,
        TypeKind::Enum(e) => TypeShape::Enum(
            e.values
                .into_iter()
                .map(|v| v.node.value.node.to_string())
                .collect(),
        ),
        TypeKind::Object(o) => TypeShape::Object(fields(o.fields), names(o.implements)),
        TypeKind::Interface(i) => TypeShape::Interface(fields(i.fields)),
        TypeKind::Union(u) => TypeShape::Union(names(u.members)),
        TypeKind::InputObject(i) => {
            TypeShape::Input(i.fields.into_iter().map(input_shape).collect())
        }
    }
}

fn input_shape(value: Positioned<InputValueDefinition>) -> (String, InputShape) {
    let shape = InputShape {
        ty: value.node.ty.node,
        default: value.node.default_value.map(|d| d.node),
    };
    (value.node.name.node.to_string(), shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_knows_the_schema_and_the_introspection_types() {
        let index = SchemaIndex::from_sdl(&crate::graphql::sdl()).unwrap();
        assert_eq!(index.query, "Query");
        assert_eq!(index.mutation.as_deref(), Some("Mutation"));
        assert_eq!(index.subscription.as_deref(), Some("Subscription"));
        let node = index.field("Query", "node").unwrap();
        assert!(node.ty.nullable);
        assert!(!index.field("Query", "__schema").unwrap().ty.nullable);
        assert!(index.field("__Type", "fields").is_some());
        assert!(index.applies("Fieldlab", "Node"));
        assert!(!index.applies("Fieldlab", "Organisatie"));
        assert_eq!(index.concrete("Node", Some("Fieldlab")), Some("Fieldlab"));
        assert_eq!(index.concrete("Node", Some("Query")), None);
        assert_eq!(index.concrete("Fieldlab", None), Some("Fieldlab"));
    }
}
