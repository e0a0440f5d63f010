//! YAML helpers: splitting a stream into documents with their start lines, and parsing a
//! document into a [`serde_yaml::Value`] under a node budget (alias-bomb guard).

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_yaml::{Mapping, Value};

/// One document of a multi-document YAML stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// 1-based line where the document starts (its `---` marker, if any).
    pub line: usize,
    pub text: &'a str,
}

fn is_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// True when the text holds nothing but blank lines, comments and document markers.
pub fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || is_marker(l) || t == "..."
    })
}

/// Splits a stream on `---` lines. A blank leading part before the first marker is dropped
/// (YAML counts `# comment\n---\na: 1` as one document).
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1usize;
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if is_marker(line.trim_end_matches(['\n', '\r'])) && offset > start {
            chunks.push(Chunk {
                line: start_line,
                text: &text[start..offset],
            });
            start = offset;
            start_line = i + 1;
        } else if is_marker(line.trim_end_matches(['\n', '\r'])) {
            start_line = i + 1;
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        line: start_line,
        text: &text[start..],
    });
    if chunks.len() > 1 && is_blank(chunks[0].text) && !chunks[0].text.contains("---") {
        chunks.remove(0);
    }
    chunks
}

/// Parse failure of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line inside the document text, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The deepest nesting of collections a document may have. serde_yaml refuses deeper
/// documents too (its recursion limit is 128), but only after libyaml has scanned the whole
/// document, and libyaml's scan of nested flow collections takes time proportional to
/// depth × length: a 200 KB line of `[` takes tens of seconds. [`check_depth`] stops at
/// this depth instead.
pub const MAX_DEPTH: usize = 128;

/// Walks the document's events with libyaml itself (`unsafe-libyaml`, the parser serde_yaml
/// is built on, so no second YAML grammar is written here) and refuses it at the first
/// collection nested deeper than [`MAX_DEPTH`]. Each event costs at most O(depth), so this is
/// linear. Syntax errors are left to the real parse, which reports them with their line.
pub fn check_depth(text: &str) -> Result<(), ParseError> {
    use std::mem::MaybeUninit;
    // Every collection starts with an indicator: `[` or `{` (flow), `-` (block sequence), `:`
    // or `?` (block mapping). A document with no more of them than the limit cannot nest
    // deeper, and most manifests are such documents: no need to parse them twice.
    let indicators = text
        .bytes()
        .filter(|b| matches!(b, b'[' | b'{' | b'-' | b':' | b'?'))
        .count();
    if indicators <= MAX_DEPTH {
        return Ok(());
    }
    use unsafe_libyaml as unsafe_yaml;
    // SAFETY: the calls follow libyaml's protocol as serde_yaml's own wrapper does: the
    // parser is initialised before use and deleted once; `text` outlives the parser; an event
    // is deleted only after a successful `yaml_parser_parse` filled it.
    unsafe {
        let mut parser: Box<MaybeUninit<unsafe_yaml::yaml_parser_t>> =
            Box::new(MaybeUninit::uninit());
        let parser = parser.as_mut_ptr();
        if unsafe_yaml::yaml_parser_initialize(parser).fail {
            return Ok(());
        }
        unsafe_yaml::yaml_parser_set_encoding(parser, unsafe_yaml::YAML_UTF8_ENCODING);
        unsafe_yaml::yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut depth = 0usize;
        let mut result = Ok(());
        loop {
            let mut event = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
            let event = event.as_mut_ptr();
            if unsafe_yaml::yaml_parser_parse(parser, event).fail {
                break;
            }
            let kind = (*event).type_;
            let line = (*event).start_mark.line as usize + 1;
            unsafe_yaml::yaml_event_delete(event);
            match kind {
                unsafe_yaml::YAML_SEQUENCE_START_EVENT | unsafe_yaml::YAML_MAPPING_START_EVENT => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        result = Err(ParseError {
                            line: Some(line),
                            message: format!(
                                "collections nested more than {MAX_DEPTH} levels deep; refused"
                            ),
                        });
                        break;
                    }
                }
                unsafe_yaml::YAML_SEQUENCE_END_EVENT | unsafe_yaml::YAML_MAPPING_END_EVENT => {
                    depth = depth.saturating_sub(1)
                }
                unsafe_yaml::YAML_STREAM_END_EVENT => break,
                _ => {}
            }
        }
        unsafe_yaml::yaml_parser_delete(parser);
        result
    }
}

/// Parses one document into a Value, expanding at most `budget` nodes (aliases included),
/// after [`check_depth`].
pub fn parse_value(text: &str, budget: usize) -> Result<Value, ParseError> {
    check_depth(text)?;
    let remaining = Cell::new(budget);
    let de = serde_yaml::Deserializer::from_str(text);
    let result = Budgeted {
        remaining: &remaining,
    }
    .deserialize(de);
    match result {
        Ok(mut v) => {
            if text.contains("<<") && v.apply_merge().is_err() {
                return Err(ParseError {
                    line: None,
                    message: "invalid YAML merge key (<<)".into(),
                });
            }
            Ok(v)
        }
        Err(e) if remaining.get() == 0 => Err(ParseError {
            line: e.location().map(|l| l.line()),
            message: format!(
                "document expands to more than {budget} YAML nodes (alias bomb?); refused"
            ),
        }),
        Err(e) => Err(ParseError {
            line: e.location().map(|l| l.line()),
            message: e.to_string(),
        }),
    }
}

struct Budgeted<'b> {
    remaining: &'b Cell<usize>,
}

impl Budgeted<'_> {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.remaining.get() {
            0 => Err(E::custom("YAML node budget exhausted")),
            n => {
                self.remaining.set(n - 1);
                Ok(())
            }
        }
    }
    fn child(&self) -> Self {
        Budgeted {
            remaining: self.remaining,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Budgeted<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Budgeted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(v.into()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.take()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child())? {
            out.push(v);
        }
        Ok(Value::Sequence(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.take()?;
        let mut out = Mapping::new();
        while let Some(k) = map.next_key_seed(self.child())? {
            // kubectl refuses a mapping with a repeated key; so does the explorer, instead of
            // silently keeping one of the values.
            if out.contains_key(&k) {
                let name = scalar_string(&k).unwrap_or_else(|| "(a non-scalar key)".into());
                return Err(de::Error::custom(format_args!("duplicate key {name:?}")));
            }
            let v = map.next_value_seed(self.child())?;
            out.insert(k, v);
        }
        Ok(Value::Mapping(out))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        self.take()?;
        let (tag, variant) = data.variant::<String>()?;
        let value = variant.newtype_variant_seed(self.child())?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// Renders a scalar as a string (labels and annotations written as numbers, true or false).
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_markers_with_lines() {
        let text = "# c\n---\na: 1\n---\nb: 2\n--- \n";
        let chunks = split_documents(text);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0].line, 2);
        assert!(chunks[0].text.contains("a: 1"));
        assert_eq!(chunks[1].line, 4);
        assert!(chunks[1].text.contains("b: 2"));
        assert!(is_blank(chunks[2].text));
    }

    #[test]
    fn no_marker_is_one_document() {
        let chunks = split_documents("a: 1\nb: 2\n");
        assert_eq!(
            chunks,
            vec![Chunk {
                line: 1,
                text: "a: 1\nb: 2\n"
            }]
        );
    }

    #[test]
    fn marker_like_text_is_not_split() {
        let chunks = split_documents("a: |\n  ---x\nb: ----\n");
        assert_eq!(chunks.len(), 1);
    }

    #[test]
    fn budget_stops_expansion() {
        let err = parse_value("a: &a [1,2,3]\nb: [*a,*a,*a,*a]\n", 8).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        assert!(parse_value("a: &a [1,2,3]\nb: [*a,*a,*a,*a]\n", 100).is_ok());
    }

    #[test]
    fn tagged_and_merge() {
        let v = parse_value("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\nt: !foo bar\n", 100).unwrap();
        assert_eq!(v["c"]["x"], Value::Number(1.into()));
        assert!(matches!(v["t"], Value::Tagged(_)));
    }
}
