//! `[duplicates]`: when `ticket open` warns that a new ticket may repeat an earlier one.
//!
//! ```toml
//! [duplicates]
//! match = ["customer", "serial"]   # fields that must all be equal
//! within = "30d"                   # how far apart the two were opened
//! ```
//!
//! An earlier ticket is a candidate when it was opened within `within` of the new one
//! and has the same value for every field in `match`. A field the new ticket leaves
//! empty matches nothing, so a ticket without a serial number is never flagged by
//! `["customer", "serial"]`. `match = []` turns the warning off.

use chrono::Duration;
use serde::{Deserialize, Deserializer, Serialize};

use crate::time::parse_duration;

crate::vocab::vocab!(
    /// A ticket field `[duplicates] match` may compare.
    DupField {
        Customer = "customer",
        Product = "product",
        Serial = "serial",
        Category = "category",
        Contact = "contact",
    }
);

/// `[duplicates]`, with the defaults a desk gets when it says nothing.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Duplicates {
    /// Fields that must all be equal (serial and product compare case-blind).
    #[serde(rename = "match", default = "default_match")]
    pub fields: Vec<DupField>,
    /// How far apart the two tickets were opened, e.g. "30d" (wall clock).
    #[serde(
        default = "default_within",
        deserialize_with = "de_within",
        serialize_with = "ser_within"
    )]
    pub within: Duration,
}

impl Default for Duplicates {
    fn default() -> Self {
        Duplicates {
            fields: default_match(),
            within: default_within(),
        }
    }
}

impl Duplicates {
    /// Whether the warning is on (`match` names a field).
    pub fn enabled(&self) -> bool {
        !self.fields.is_empty()
    }
}

fn default_match() -> Vec<DupField> {
    vec![DupField::Customer, DupField::Serial]
}

fn default_within() -> Duration {
    Duration::days(30)
}

fn de_within<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let text = String::deserialize(d)?;
    parse_duration(&text).map_err(serde::de::Error::custom)
}

fn ser_within<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}d", d.num_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Duplicates, String> {
        #[derive(Deserialize)]
        struct C {
            #[serde(default)]
            duplicates: Duplicates,
        }
        toml::from_str::<C>(text)
            .map(|c| c.duplicates)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_and_values() {
        let d = parse("").unwrap();
        assert_eq!(d.fields, [DupField::Customer, DupField::Serial]);
        assert_eq!(d.within, Duration::days(30));
        let d =
            parse("[duplicates]\nmatch = [\"customer\", \"product\"]\nwithin = \"7d\"").unwrap();
        assert_eq!(d.fields, [DupField::Customer, DupField::Product]);
        assert_eq!(d.within, Duration::days(7));
        assert!(!parse("[duplicates]\nmatch = []").unwrap().enabled());
        let e = parse("[duplicates]\nwithin = \"a month\"").unwrap_err();
        assert!(e.contains("invalid duration"), "{e}");
        let e = parse("[duplicates]\nmatch = [\"colour\"]").unwrap_err();
        assert!(e.contains("colour"), "{e}");
    }
}
