//! serde over [`Node`]s, with serde_yaml 0.9's semantics for every case it accepts:
//! a plain `80` is a number to `deserialize_any` and the string "80" to
//! `deserialize_str`, `~` is `None` to an `Option`, and so on. Where serde_yaml's
//! behaviour takes more than a line to restate (hexadecimal or `+`-signed integers,
//! floats, `True`/`NULL` spellings in typed positions, tagged or non-unit enum
//! variants), and on any error of the target type, it declines, and the caller asks
//! serde_yaml, which then also words the error.

use super::block::{Node, Scalar};
use super::resolve::reads_as_non_string;
use serde::de::{self, DeserializeSeed, Visitor};
use std::fmt;

/// "Not decided here": the text or the target type needs serde_yaml.
#[derive(Debug)]
pub struct Decline;

impl fmt::Display for Decline {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("left to serde_yaml")
    }
}

impl std::error::Error for Decline {}

impl de::Error for Decline {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Decline
    }
}

type Result<T> = std::result::Result<T, Decline>;

fn scalar<'n, 'a>(node: &'n Node<'a>) -> Result<&'n Scalar<'a>> {
    match node {
        Node::Scalar(s) => Ok(s),
        _ => Err(Decline),
    }
}

fn plain<'n>(node: &'n Node<'_>) -> Result<&'n str> {
    match node {
        Node::Scalar(s) if s.plain => Ok(&s.text),
        _ => Err(Decline),
    }
}

/// `0` or a decimal without a leading zero, as serde_yaml reads it in every context.
fn unsigned(s: &str) -> Option<u64> {
    let canonical = s == "0" || (!s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()));
    if canonical {
        s.parse().ok()
    } else {
        None
    }
}

fn negative(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-')?;
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// serde_yaml's `visit_untagged_scalar`, for the spellings that need no more rules.
fn untagged<'de, V: Visitor<'de>>(s: &str, visitor: V) -> Result<V::Value> {
    if !reads_as_non_string(s) {
        return visitor.visit_str(s);
    }
    match s {
        "~" | "null" | "Null" | "NULL" => visitor.visit_unit(),
        "true" | "True" | "TRUE" => visitor.visit_bool(true),
        "false" | "False" | "FALSE" => visitor.visit_bool(false),
        _ => {
            if let Some(u) = unsigned(s) {
                visitor.visit_u64(u)
            } else if let Some(i) = negative(s) {
                visitor.visit_i64(i)
            } else {
                Err(Decline)
            }
        }
    }
}

macro_rules! decline {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(Decline)
        }
    )*};
}

macro_rules! unsigned_ints {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.visit_u64(unsigned(plain(self)?).ok_or(Decline)?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &Node<'_> {
    type Error = Decline;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Node::Scalar(s) if s.plain => untagged(&s.text, visitor),
            Node::Scalar(s) => visitor.visit_str(&s.text),
            Node::Seq(items) => visit_seq(items, visitor),
            Node::Map(entries) => visit_map(entries, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match plain(self)? {
            "true" | "True" | "TRUE" => visitor.visit_bool(true),
            "false" | "False" | "FALSE" => visitor.visit_bool(false),
            _ => Err(Decline),
        }
    }

    unsigned_ints!(
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64
    );

    decline!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit
    );

    /// Any scalar, plain or quoted, whatever it would resolve to: `port: 80` is "80".
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_str(&scalar(self)?.text)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Node::Scalar(s) if s.plain && matches!(&*s.text, "~" | "null" | "Null" | "NULL") => {
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(Decline)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Node::Seq(items) => visit_seq(items, visitor),
            _ => Err(Decline),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Node::Map(entries) => visit_map(entries, visitor),
            _ => Err(Decline),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// Unit variants written as a scalar (`authentication: saml`); tagged variants are
    /// serde_yaml's.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(UnitVariant(&scalar(self)?.text))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

/// serde_yaml fails when a visitor leaves entries unread; so does this.
fn visit_seq<'de, V: Visitor<'de>>(items: &[Node<'_>], visitor: V) -> Result<V::Value> {
    let mut access = Items(items.iter());
    let value = visitor.visit_seq(&mut access)?;
    if access.0.len() == 0 {
        Ok(value)
    } else {
        Err(Decline)
    }
}

fn visit_map<'de, V: Visitor<'de>>(
    entries: &[(Node<'_>, Node<'_>)],
    visitor: V,
) -> Result<V::Value> {
    let mut access = Entries {
        entries: entries.iter(),
        value: None,
    };
    let value = visitor.visit_map(&mut access)?;
    if access.entries.len() == 0 && access.value.is_none() {
        Ok(value)
    } else {
        Err(Decline)
    }
}

struct Items<'n, 'a>(std::slice::Iter<'n, Node<'a>>);

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = Decline;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'n, 'a> {
    entries: std::slice::Iter<'n, (Node<'a>, Node<'a>)>,
    value: Option<&'n Node<'a>>,
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = Decline;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(self.value.take().ok_or(Decline)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct UnitVariant<'n>(&'n str);

impl<'de> de::EnumAccess<'de> for UnitVariant<'_> {
    type Error = Decline;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = seed.deserialize(de::value::StrDeserializer::<Decline>::new(self.0))?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'_> {
    type Error = Decline;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _: T) -> Result<T::Value> {
        Err(Decline)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(Decline)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], _: V) -> Result<V::Value> {
        Err(Decline)
    }
}
