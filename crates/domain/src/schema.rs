//! OpenAPI schemas of the domain types whose JSON form is not what a derive
//! would infer from their fields (newtypes with a rule: a pattern, a range).

use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};

/// A string schema with a description and a pattern.
pub fn pattern_string(description: &str, pattern: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(description))
        .pattern(Some(pattern))
        .into()
}

/// A 64-bit integer schema of at least `minimum`.
pub fn int64_from(description: &str, minimum: i64) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(description))
        .minimum(Some(minimum))
        .into()
}

/// Implements `ToSchema` for a type with a hand-built schema, as the
/// component `$name`; the types listed last are the components it refers to.
#[macro_export]
macro_rules! schema_component {
    ($ty:ty, $name:expr, $schema:expr $(, [$($dep:ty),*])?) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
            $(
            fn schemas(
                out: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                $(
                    out.push((
                        <$dep as utoipa::ToSchema>::name().into_owned(),
                        <$dep as utoipa::PartialSchema>::schema(),
                    ));
                    <$dep as utoipa::ToSchema>::schemas(out);
                )*
            }
            )?
        }
    };
}
