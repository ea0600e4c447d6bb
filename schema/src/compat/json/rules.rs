//! The JSON Schema differences, with Confluent Schema Registry's names, and which of them a
//! policy accepts. Which changes are compatible is this table, not code inside the comparison.

use super::super::Policy;

macro_rules! differences {
    ($( $name:ident => $strict:literal, $lenient:literal, $text:literal; )*) => {
        /// A difference between an original and an updated JSON Schema.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, missing_docs)]
        pub enum Difference { $( $name, )* }

        impl Difference {
            /// The stable rule id.
            pub fn id(self) -> &'static str {
                match self { $( Difference::$name => stringify!($name), )* }
            }

            /// Whether the updated schema still accepts everything the original accepted,
            /// under the given policy.
            pub fn is_compatible(self, policy: Policy) -> bool {
                match (self, policy) {
                    $( (Difference::$name, Policy::Strict) => $strict,
                       (Difference::$name, Policy::Lenient) => $lenient, )*
                }
            }

            /// What changed, for a person.
            pub fn describe(self) -> &'static str {
                match self { $( Difference::$name => $text, )* }
            }
        }
    };
}

differences! {
    SCHEMA_ADDED => false, false, "a schema was added where there was none";
    SCHEMA_REMOVED => true, true, "a schema was removed";
    TYPE_CHANGED => false, false, "the type changed";
    TYPE_EXTENDED => true, true, "the type was widened";
    TYPE_NARROWED => false, false, "the type was narrowed";
    ID_CHANGED => true, true, "`$id` changed";
    TITLE_CHANGED => true, true, "`title` changed";
    DESCRIPTION_CHANGED => true, true, "`description` changed";
    DEFAULT_CHANGED => true, true, "`default` changed";

    MAX_LENGTH_ADDED => false, false, "`maxLength` was added";
    MAX_LENGTH_REMOVED => true, true, "`maxLength` was removed";
    MAX_LENGTH_INCREASED => true, true, "`maxLength` was increased";
    MAX_LENGTH_DECREASED => false, false, "`maxLength` was decreased";
    MIN_LENGTH_ADDED => false, false, "`minLength` was added";
    MIN_LENGTH_REMOVED => true, true, "`minLength` was removed";
    MIN_LENGTH_INCREASED => false, false, "`minLength` was increased";
    MIN_LENGTH_DECREASED => true, true, "`minLength` was decreased";
    PATTERN_ADDED => false, false, "a `pattern` was added";
    PATTERN_REMOVED => true, true, "the `pattern` was removed";
    PATTERN_CHANGED => false, false, "the `pattern` changed";
    FORMAT_ADDED => false, false, "a `format` was added";
    FORMAT_REMOVED => true, true, "the `format` was removed";
    FORMAT_CHANGED => false, false, "the `format` changed";
    CONTENT_ENCODING_ADDED => false, false, "a `contentEncoding` was added";
    CONTENT_ENCODING_REMOVED => true, true, "the `contentEncoding` was removed";
    CONTENT_ENCODING_CHANGED => false, false, "the `contentEncoding` changed";
    CONTENT_MEDIA_TYPE_ADDED => false, false, "a `contentMediaType` was added";
    CONTENT_MEDIA_TYPE_REMOVED => true, true, "the `contentMediaType` was removed";
    CONTENT_MEDIA_TYPE_CHANGED => false, false, "the `contentMediaType` changed";

    MAXIMUM_ADDED => false, false, "an upper limit (`maximum`/`exclusiveMaximum`) was added";
    MAXIMUM_REMOVED => true, true, "the upper limit was removed";
    MAXIMUM_INCREASED => true, true, "the upper limit was raised (or made inclusive)";
    MAXIMUM_DECREASED => false, false, "the upper limit was lowered (or made exclusive)";
    MINIMUM_ADDED => false, false, "a lower limit (`minimum`/`exclusiveMinimum`) was added";
    MINIMUM_REMOVED => true, true, "the lower limit was removed";
    MINIMUM_INCREASED => false, false, "the lower limit was raised (or made exclusive)";
    MINIMUM_DECREASED => true, true, "the lower limit was lowered (or made inclusive)";
    EXCLUSIVE_MAXIMUM_ADDED => false, false, "`exclusiveMaximum` was added";
    EXCLUSIVE_MAXIMUM_REMOVED => true, true, "`exclusiveMaximum` was removed";
    EXCLUSIVE_MAXIMUM_INCREASED => true, true, "`exclusiveMaximum` was raised";
    EXCLUSIVE_MAXIMUM_DECREASED => false, false, "`exclusiveMaximum` was lowered";
    EXCLUSIVE_MINIMUM_ADDED => false, false, "`exclusiveMinimum` was added";
    EXCLUSIVE_MINIMUM_REMOVED => true, true, "`exclusiveMinimum` was removed";
    EXCLUSIVE_MINIMUM_INCREASED => false, false, "`exclusiveMinimum` was raised";
    EXCLUSIVE_MINIMUM_DECREASED => true, true, "`exclusiveMinimum` was lowered";
    MULTIPLE_OF_ADDED => false, false, "`multipleOf` was added";
    MULTIPLE_OF_REMOVED => true, true, "`multipleOf` was removed";
    MULTIPLE_OF_EXPANDED => false, false, "`multipleOf` was made a multiple of the old one";
    MULTIPLE_OF_REDUCED => true, true, "`multipleOf` was made a divisor of the old one";
    MULTIPLE_OF_CHANGED => false, false, "`multipleOf` changed";

    REQUIRED_ATTRIBUTE_ADDED => false, false, "a property became required";
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED => true, true, "a property with a default became required";
    REQUIRED_ATTRIBUTE_REMOVED => true, true, "a property is no longer required";
    DEPENDENCY_ARRAY_ADDED => false, false, "a property dependency was added";
    DEPENDENCY_ARRAY_REMOVED => true, true, "a property dependency was removed";
    DEPENDENCY_ARRAY_EXTENDED => false, false, "a property dependency requires more properties";
    DEPENDENCY_ARRAY_NARROWED => true, true, "a property dependency requires fewer properties";
    DEPENDENCY_ARRAY_CHANGED => false, false, "a property dependency changed";
    DEPENDENCY_SCHEMA_ADDED => false, false, "a schema dependency was added";
    DEPENDENCY_SCHEMA_REMOVED => true, true, "a schema dependency was removed";
    PATTERN_PROPERTY_ADDED => false, false, "a pattern property was added where undeclared properties were accepted";
    PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL => true, true, "a pattern property was added to a closed content model";
    PATTERN_PROPERTY_REMOVED => true, true, "a pattern property was removed and undeclared properties are accepted";
    PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => false, false, "a pattern property was removed from a closed content model";
    PROPERTY_NAMES_ADDED => false, false, "`propertyNames` was added";
    PROPERTY_NAMES_REMOVED => true, true, "`propertyNames` was removed";
    MAX_PROPERTIES_ADDED => false, false, "`maxProperties` was added";
    MAX_PROPERTIES_REMOVED => true, true, "`maxProperties` was removed";
    MAX_PROPERTIES_INCREASED => true, true, "`maxProperties` was increased";
    MAX_PROPERTIES_DECREASED => false, false, "`maxProperties` was decreased";
    MIN_PROPERTIES_ADDED => false, false, "`minProperties` was added";
    MIN_PROPERTIES_REMOVED => true, true, "`minProperties` was removed";
    MIN_PROPERTIES_INCREASED => false, false, "`minProperties` was increased";
    MIN_PROPERTIES_DECREASED => true, true, "`minProperties` was decreased";
    ADDITIONAL_PROPERTIES_ADDED => true, true, "additional properties are now allowed";
    ADDITIONAL_PROPERTIES_REMOVED => false, true, "additional properties are no longer allowed";
    ADDITIONAL_PROPERTIES_EXTENDED => true, true, "the schema of additional properties was removed";
    ADDITIONAL_PROPERTIES_NARROWED => false, true, "additional properties must now match a schema";
    PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => false, true, "a property was added to an open content model";
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => false, false, "a required property was added to an open content model";
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL => false, true, "a required property with a default was added to an open content model";
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => true, true, "a property that accepts anything was added to an open content model";
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => false, false, "a required property was added to a closed content model";
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL => true, true, "a required property with a default was added to a closed content model";
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => true, true, "an optional property was added to a closed content model";
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL => true, true, "a property was removed from an open content model";
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => false, true, "a property was removed from a closed content model";
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => true, true, "a property that accepted nothing was removed from a closed content model";
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => true, true, "a property was added that the old additional or pattern properties already covered";
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => false, true, "a property was added that the old additional or pattern properties did not cover";
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => true, true, "a property was removed that the new additional or pattern properties cover";
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => false, true, "a property was removed that the new additional or pattern properties do not cover";

    MAX_ITEMS_ADDED => false, false, "`maxItems` was added";
    MAX_ITEMS_REMOVED => true, true, "`maxItems` was removed";
    MAX_ITEMS_INCREASED => true, true, "`maxItems` was increased";
    MAX_ITEMS_DECREASED => false, false, "`maxItems` was decreased";
    MIN_ITEMS_ADDED => false, false, "`minItems` was added";
    MIN_ITEMS_REMOVED => true, true, "`minItems` was removed";
    MIN_ITEMS_INCREASED => false, false, "`minItems` was increased";
    MIN_ITEMS_DECREASED => true, true, "`minItems` was decreased";
    CONTAINS_ADDED => false, false, "`contains` was added";
    MIN_CONTAINS_ADDED => false, false, "`minContains` was added";
    MIN_CONTAINS_REMOVED => true, true, "`minContains` was removed";
    MIN_CONTAINS_INCREASED => false, false, "`minContains` was increased";
    MIN_CONTAINS_DECREASED => true, true, "`minContains` was decreased";
    MAX_CONTAINS_ADDED => false, false, "`maxContains` was added";
    MAX_CONTAINS_REMOVED => true, true, "`maxContains` was removed";
    MAX_CONTAINS_INCREASED => true, true, "`maxContains` was increased";
    MAX_CONTAINS_DECREASED => false, false, "`maxContains` was decreased";
    CONTAINS_REMOVED => true, true, "`contains` was removed";
    UNIQUE_ITEMS_ADDED => false, false, "`uniqueItems` was added";
    UNIQUE_ITEMS_REMOVED => true, true, "`uniqueItems` was removed";
    ADDITIONAL_ITEMS_ADDED => true, true, "additional items are now allowed";
    ADDITIONAL_ITEMS_REMOVED => false, false, "additional items are no longer allowed";
    ADDITIONAL_ITEMS_EXTENDED => true, true, "the schema of additional items was removed";
    ADDITIONAL_ITEMS_NARROWED => false, false, "additional items must now match a schema";
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL => false, false, "a positional item was added to an open content model";
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL => true, true, "a positional item that accepts anything was added";
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL => true, true, "a positional item was added to a closed content model";
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL => true, true, "a positional item was removed from an open content model";
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => false, false, "a positional item was removed from a closed content model";
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL => true, true, "a positional item that accepted nothing was removed";
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => true, true, "a positional item was added that the old additional items covered";
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => false, false, "a positional item was added that the old additional items did not cover";
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => true, true, "a positional item was removed that the new additional items cover";
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => false, false, "a positional item was removed that the new additional items do not cover";

    ENUM_ARRAY_EXTENDED => true, true, "values were added to `enum`";
    ENUM_ARRAY_NARROWED => false, false, "values were removed from `enum`";
    ENUM_ARRAY_CHANGED => false, false, "the allowed values (`enum`/`const`) changed";

    COMBINED_TYPE_EXTENDED => true, true, "the combination became more permissive";
    COMBINED_TYPE_CHANGED => false, false, "the kind of combination (allOf/anyOf/oneOf) changed";
    PRODUCT_TYPE_EXTENDED => false, false, "`allOf` gained a subschema";
    PRODUCT_TYPE_NARROWED => true, true, "`allOf` lost a subschema";
    SUM_TYPE_EXTENDED => true, true, "`anyOf`/`oneOf` gained a subschema";
    SUM_TYPE_NARROWED => false, false, "`anyOf`/`oneOf` lost a subschema";
    COMBINED_TYPE_SUBSCHEMAS_CHANGED => false, false, "the subschemas of the combination changed";
    CONDITION_CHANGED => false, false, "the `if` condition changed";
    CONDITION_ADDED => false, false, "an `if`/`then`/`else` branch was added";
    CONDITION_REMOVED => true, true, "an `if`/`then`/`else` branch was removed";
    NOT_TYPE_EXTENDED => false, false, "`not` excludes more";
    NOT_TYPE_NARROWED => true, true, "`not` excludes less";
}

impl Difference {
    /// How to make the change compatible, where there is a usual way.
    pub fn hint(self) -> &'static str {
        use Difference::*;
        match self {
            TYPE_CHANGED | TYPE_NARROWED => "keep the old type, or add a new property with the new type and deprecate the old one",
            REQUIRED_ATTRIBUTE_ADDED | REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL | REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL => "make the property optional, or give it a `default`",
            PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL | PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL | PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => "close the content model (`\"additionalProperties\": false`) from the first version, or use `--policy lenient` if producers never send undeclared properties",
            PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL => "keep the property (mark it deprecated in `description`), or open the content model",
            ADDITIONAL_PROPERTIES_REMOVED | ADDITIONAL_PROPERTIES_NARROWED => "declare the properties producers send before closing the content model",
            ENUM_ARRAY_NARROWED | ENUM_ARRAY_CHANGED => "only add values to an `enum`; keep the old ones",
            SUM_TYPE_NARROWED | COMBINED_TYPE_SUBSCHEMAS_CHANGED | COMBINED_TYPE_CHANGED | PRODUCT_TYPE_EXTENDED => "keep every old alternative; add new ones to `anyOf`/`oneOf`",
            EXCLUSIVE_MINIMUM_ADDED | EXCLUSIVE_MAXIMUM_ADDED => "the registry compares each limit keyword on its own, so an added one is refused even where the other limit already implies it (`--policy lenient` compares the effective limit); keep the keywords of the previous version",
            _ => "relax the constraint instead of tightening it, or publish the change as a new event",
        }
    }
}
