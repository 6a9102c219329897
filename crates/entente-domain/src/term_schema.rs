//! The OpenAPI schemas of term values: one typed schema per kind of value, maps of terms with
//! one typed property per field, and unions told apart by the term's `field`, so a client
//! generated from the document sees every shape (written by hand: no derive can say which
//! field holds which kind of value).

use crate::terms::{LiabilityCap, Sourced, TermField, TermValue, Terms, ValueKind};
use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, Discriminator, Object, ObjectBuilder,
    OneOfBuilder, Schema, Type,
};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

type Named = Vec<(String, RefOr<Schema>)>;

const KINDS: [ValueKind; 7] = [
    ValueKind::Date,
    ValueKind::Period,
    ValueKind::Bool,
    ValueKind::Text,
    ValueKind::Money,
    ValueKind::Cap,
    ValueKind::List,
];

/// The name part of a kind in schema names (`SourcedDate`, `ConsolidatedValueMoney` …).
fn kind_name(k: ValueKind) -> &'static str {
    match k {
        ValueKind::Date => "Date",
        ValueKind::Period => "Period",
        ValueKind::Bool => "Flag",
        ValueKind::Text => "Text",
        ValueKind::Money => "Money",
        ValueKind::Cap => "Cap",
        ValueKind::List => "List",
    }
}

fn fields_of(k: ValueKind) -> Vec<&'static str> {
    TermField::ALL
        .iter()
        .filter(|f| f.kind() == k)
        .map(|f| f.as_str())
        .collect()
}

/// The schema of a value of kind `k` as the server answers it.
fn value(k: ValueKind) -> RefOr<Schema> {
    match k {
        ValueKind::Date => Ref::from_schema_name("Date").into(),
        ValueKind::Period => Ref::from_schema_name("Period").into(),
        ValueKind::Bool => Object::with_type(Type::Boolean).into(),
        ValueKind::Text => ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(500))
            .into(),
        ValueKind::Money => Ref::from_schema_name("Money").into(),
        ValueKind::Cap => Ref::from_schema_name("LiabilityCap").into(),
        ValueKind::List => ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(100)),
            )
            .into(),
    }
}

/// The schema of a value of kind `k` as a request may give it (a cap in its short forms too).
fn input(k: ValueKind) -> RefOr<Schema> {
    match k {
        ValueKind::Cap => Ref::from_schema_name("LiabilityCapInput").into(),
        other => value(other),
    }
}

fn field_enum(k: ValueKind) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(fields_of(k)))
        .description(Some(
            "The term (its kind of value decides the shape of `value`).",
        ))
}

/// A union over the seven kinds, told apart by `field`: `make(k)` builds the object of kind
/// `k`, named `{prefix}{Kind}`, to which the `field` property is added.
fn by_field(
    prefix: &str,
    description: &str,
    make: impl Fn(ValueKind) -> ObjectBuilder,
) -> (RefOr<Schema>, Named) {
    let mut one = OneOfBuilder::new().description(Some(description.to_owned()));
    let mut mapping = Discriminator::new("field");
    let mut named = Named::new();
    for k in KINDS {
        let name = format!("{prefix}{}", kind_name(k));
        let schema = make(k)
            .property("field", field_enum(k))
            .required("field")
            .into();
        named.push((name.clone(), schema));
        one = one.item(Ref::from_schema_name(name.clone()));
        for f in fields_of(k) {
            mapping
                .mapping
                .insert(f.to_owned(), format!("#/components/schemas/{name}"));
        }
    }
    (one.discriminator(Some(mapping)).into(), named)
}

/// `{value, source}` of kind `k`.
fn sourced(k: ValueKind) -> ObjectBuilder {
    ObjectBuilder::new()
        .description(Some(format!(
            "A {} value with its provenance.",
            kind_name(k).to_ascii_lowercase()
        )))
        .property("value", value(k))
        .required("value")
        .property("source", Ref::from_schema_name("Source"))
        .required("source")
}

fn sourced_name(k: ValueKind) -> String {
    format!("Sourced{}", kind_name(k))
}

/// An object with one property per term field, each `per_kind(k)`.
fn per_field(description: &str, per_kind: impl Fn(ValueKind) -> RefOr<Schema>) -> ObjectBuilder {
    let mut o = ObjectBuilder::new()
        .description(Some(description.to_owned()))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for f in TermField::ALL {
        o = o.property(f.as_str(), per_kind(f.kind()));
    }
    o
}

/// The named schemas every term schema here may refer to.
fn common(schemas: &mut Named) {
    schemas.push(("Date".into(), crate::Date::schema()));
    schemas.push(("Period".into(), crate::Period::schema()));
    schemas.push(("Money".into(), crate::Money::schema()));
    <crate::Money as ToSchema>::schemas(schemas);
    schemas.push(("LiabilityCap".into(), LiabilityCap::schema()));
    <LiabilityCap as ToSchema>::schemas(schemas);
    schemas.push(("LiabilityCapInput".into(), cap_input()));
    schemas.push(("Source".into(), crate::terms::Source::schema()));
    <crate::terms::Source as ToSchema>::schemas(schemas);
    for k in KINDS {
        schemas.push((sourced_name(k), sourced(k).into()));
    }
}

// --- LiabilityCap: three objects told apart by `kind`.

fn cap_variant(kind: &str, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .description(Some(description.to_owned()))
        .property(
            "kind",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([kind])),
        )
        .required("kind")
}

fn cap_variants() -> Named {
    vec![
        (
            "LiabilityCapAmount".into(),
            cap_variant("amount", "A fixed amount.")
                .property(
                    "amount",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^[0-9]{1,18}(\\.[0-9]{1,8})?$"))
                        .description(Some("Decimal amount, as a string to keep it exact.")),
                )
                .required("amount")
                .property("currency", Ref::from_schema_name("Currency"))
                .required("currency")
                .into(),
        ),
        (
            "LiabilityCapFormula".into(),
            cap_variant(
                "formula",
                "A formula such as \"fees paid in the 12 months preceding the claim\".",
            )
            .property(
                "text",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("\\S"))
                    .description(Some("The formula as written.")),
            )
            .required("text")
            .into(),
        ),
        (
            "LiabilityCapUncapped".into(),
            cap_variant("uncapped", "Liability is expressly unlimited.").into(),
        ),
    ]
}

impl PartialSchema for LiabilityCap {
    fn schema() -> RefOr<Schema> {
        let mut d = Discriminator::new("kind");
        let mut one = OneOfBuilder::new().description(Some(
            "A liability cap: a fixed amount, a formula, or expressly uncapped (told apart by `kind`).",
        ));
        for (name, kind) in [
            ("LiabilityCapAmount", "amount"),
            ("LiabilityCapFormula", "formula"),
            ("LiabilityCapUncapped", "uncapped"),
        ] {
            d.mapping
                .insert(kind.to_owned(), format!("#/components/schemas/{name}"));
            one = one.item(Ref::from_schema_name(name));
        }
        one.discriminator(Some(d)).into()
    }
}

impl ToSchema for LiabilityCap {
    fn schemas(schemas: &mut Named) {
        schemas.extend(cap_variants());
        schemas.push(("Currency".into(), crate::money::Currency::schema()));
    }
}

/// A cap as a request may give it: the tagged form, an amount without `kind`, or the word
/// `"uncapped"`.
fn cap_input() -> RefOr<Schema> {
    AnyOfBuilder::new()
        .description(Some(
            "A liability cap: `{\"kind\": \"amount\"|\"formula\"|\"uncapped\", …}`, an amount \
             `{\"amount\": \"…\", \"currency\": \"…\"}`, or `\"uncapped\"`.",
        ))
        .item(Ref::from_schema_name("LiabilityCap"))
        .item(Ref::from_schema_name("Money"))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["uncapped"])),
        )
        .into()
}

// --- Terms and the maps of term values.

impl PartialSchema for Terms {
    fn schema() -> RefOr<Schema> {
        per_field(
            "The agreement's known terms: one property per field, each its value with the \
             value's source (extracted, with its evidence span and confidence, or entered by a \
             person).",
            |k| Ref::from_schema_name(sourced_name(k)).into(),
        )
        .into()
    }
}

impl ToSchema for Terms {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// The schema of term values keyed by field, as a request gives them (a new agreement's
/// `terms`, an amendment's `changes`).
pub struct TermValuesInput;

impl PartialSchema for TermValuesInput {
    fn schema() -> RefOr<Schema> {
        per_field(
            "Term values keyed by field, each in the shape of its kind: dates `YYYY-MM-DD`, \
             periods as ISO 8601 durations, `auto_renewal` true or false, texts, money \
             `{\"amount\", \"currency\"}`, the liability cap, and `excluded_damages` as a list.",
            input,
        )
        .into()
    }
}

impl ToSchema for TermValuesInput {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// The schema of term values keyed by field, as the server answers them (an amendment's
/// `changes`).
pub struct TermValues;

impl PartialSchema for TermValues {
    fn schema() -> RefOr<Schema> {
        per_field(
            "Term values keyed by field, each in the shape of its kind.",
            value,
        )
        .into()
    }
}

impl ToSchema for TermValues {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// The schema of the values an amendment replaced, keyed by field (`null`: there was none).
pub struct PreviousTerms;

impl PartialSchema for PreviousTerms {
    fn schema() -> RefOr<Schema> {
        per_field(
            "The values an amendment replaced, keyed by field, with their sources (`null`: the \
             term had no value).",
            |k| {
                OneOfBuilder::new()
                    .item(Ref::from_schema_name(sourced_name(k)))
                    .item(Object::with_type(Type::Null))
                    .into()
            },
        )
        .into()
    }
}

impl ToSchema for PreviousTerms {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// A single term value in a request whose field is named elsewhere (the path of
/// `PUT /api/agreements/{id}/terms/{field}`).
impl PartialSchema for TermValue {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .description(Some(
                "A term's value in the shape of its field's kind: a date `YYYY-MM-DD`, an ISO \
                 8601 period, true or false, a text, money, a liability cap, or a list of labels.",
            ))
            .item(Ref::from_schema_name("Date"))
            .item(Ref::from_schema_name("Period"))
            .item(Object::with_type(Type::Boolean))
            .item(value(ValueKind::Text))
            .item(Ref::from_schema_name("Money"))
            .item(Ref::from_schema_name("LiabilityCapInput"))
            .item(value(ValueKind::List))
            .into()
    }
}

impl ToSchema for TermValue {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// A value with its source whose field is known from the enclosing object (a review item's
/// `conflict`).
impl PartialSchema for Sourced {
    fn schema() -> RefOr<Schema> {
        let mut one = OneOfBuilder::new().description(Some(
            "A value with its provenance, in the shape of the enclosing item's `field`.",
        ));
        for k in KINDS {
            one = one.item(Ref::from_schema_name(sourced_name(k)));
        }
        one.into()
    }
}

impl ToSchema for Sourced {
    fn schemas(schemas: &mut Named) {
        common(schemas);
    }
}

/// One term as in force on a date (`ConsolidatedValue`), told apart by `field`.
pub fn consolidated_value() -> (RefOr<Schema>, Named) {
    by_field(
        "ConsolidatedValue",
        "One term as in force on a date, with its origin; `field` tells the shape of `value`.",
        |k| {
            ObjectBuilder::new()
                .property("value", value(k))
                .required("value")
                .property("origin", Ref::from_schema_name("Origin"))
                .required("origin")
        },
    )
}

/// One value to review (`ReviewItem`), told apart by `field`.
pub fn review_item() -> (RefOr<Schema>, Named) {
    by_field(
        "ReviewItem",
        "A term value to review; `field` tells the shape of `value` and `conflict`.",
        |k| {
            ObjectBuilder::new()
                .property("agreement_id", Ref::from_schema_name("AgreementId"))
                .required("agreement_id")
                .property(
                    "agreement_title",
                    ObjectBuilder::new().schema_type(Type::String),
                )
                .required("agreement_title")
                .property("value", value(k))
                .required("value")
                .property(
                    "confidence",
                    ObjectBuilder::new()
                        .schema_type(Type::Number)
                        .minimum(Some(0.0))
                        .maximum(Some(1.0))
                        .description(Some(
                            "How sure the analysis is (0..=1); for a conflict, how sure it is of \
                             what the new text says.",
                        )),
                )
                .required("confidence")
                .property("source", Ref::from_schema_name("Source"))
                .required("source")
                .property(
                    "conflict",
                    OneOfBuilder::new()
                        .description(Some(
                            "A value a person entered or confirmed that a later version's text \
                             contradicts: what that text says and where.",
                        ))
                        .item(Ref::from_schema_name(sourced_name(k)))
                        .item(Object::with_type(Type::Null)),
                )
        },
    )
}

/// Pushes the named schemas [`consolidated_value`] and [`review_item`] refer to.
pub fn union_schemas(schemas: &mut Named, variants: Named) {
    common(schemas);
    schemas.extend(variants);
}
