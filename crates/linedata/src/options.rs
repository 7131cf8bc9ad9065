//! The `[line_data]` table of a job ticket.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::{
    CarriageControl, DocumentTrigger, Encoding, FieldPosition, LineDataError, LineDataFormat,
};

/// How to read a line-data listing: framing, carriage control, encoding,
/// layout and document splitting. Deserializes from a job ticket's
/// `[line_data]` table, e.g.
///
/// ```toml
/// [line_data]
/// format = "rdw"                 # or "newline", or { fixed = { length = 133 } }
/// carriage_control = "asa"       # "machine", "none"
/// encoding = "ebcdic-273"        # "ebcdic-500", "ebcdic-1141", "latin-1"
/// trc = false
/// layout = "steuer-layout.toml"
/// trigger = "channel1"           # or { text = { line = 1, columns = [60, 70], text = "SEITE 1" } }
/// plz_field = { line = 8, columns = [11, 15] }
/// country = "DE"
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineDataOptions {
    /// Record framing.
    pub format: LineDataFormat,
    /// Carriage control in the first byte of each record.
    pub carriage_control: CarriageControl,
    /// Text encoding.
    pub encoding: Encoding,
    /// Each record has a table reference character after the carriage
    /// control (or first, without one) selecting a font of the layout.
    #[serde(default)]
    pub trc: bool,
    /// Path of the page layout TOML (relative paths are the caller's to resolve).
    #[serde(default)]
    pub layout: PathBuf,
    /// What starts a new document.
    #[serde(default)]
    pub trigger: DocumentTrigger,
    /// Where the PLZ is on a document's first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plz_field: Option<FieldPosition>,
    /// Country of every piece, ISO 3166-1 alpha-2.
    #[serde(default = "default_country")]
    pub country: String,
}

fn default_country() -> String {
    "DE".into()
}

impl LineDataOptions {
    /// Options with the given framing, control and encoding; no TRC, empty
    /// layout path, channel-1 trigger, no PLZ field, country DE.
    pub fn new(
        format: LineDataFormat,
        carriage_control: CarriageControl,
        encoding: Encoding,
    ) -> Self {
        LineDataOptions {
            format,
            carriage_control,
            encoding,
            trc: false,
            layout: PathBuf::new(),
            trigger: DocumentTrigger::Channel1,
            plz_field: None,
            country: default_country(),
        }
    }

    /// Checks the options on their own (the layout is checked by
    /// [`crate::PageLayout::validate`]).
    pub fn validate(&self) -> Result<(), LineDataError> {
        if let LineDataFormat::Fixed { length: 0 } = self.format {
            return Err(LineDataError::Options {
                key: "format.fixed.length".into(),
                message: "must be at least 1".into(),
            });
        }
        if let DocumentTrigger::Text { line, columns, .. } = &self.trigger {
            FieldPosition {
                line: *line,
                columns: *columns,
            }
            .validate("trigger.text")?;
        }
        if let Some(f) = &self.plz_field {
            f.validate("plz_field")?;
        }
        Ok(())
    }
}
