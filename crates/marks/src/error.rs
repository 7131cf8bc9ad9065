//! The error type shared by all mark encoders.

/// Errors raised while validating, encoding or decoding marks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MarkError {
    /// A numeric geometry value is out of range.
    #[error("invalid {field}: {reason}")]
    InvalidGeometry {
        /// Name of the offending field, as spelled in the configuration.
        field: &'static str,
        /// Why the value was rejected.
        reason: String,
    },
    /// The OMR track list is inconsistent.
    #[error("invalid tracks: {0}")]
    InvalidTracks(String),
    /// A DataMatrix payload template is malformed.
    #[error("invalid template {template:?}: {reason}")]
    Template {
        /// The template as configured.
        template: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The DataMatrix encoder rejected the payload.
    #[error("DataMatrix encoding failed: {0}")]
    DataMatrix(String),
    /// A barcode payload cannot be encoded in the configured symbology
    /// (a character outside its set, or an empty payload).
    #[error("cannot encode {payload:?} as {symbology}: {reason}")]
    Payload {
        /// The payload as filled in from the template.
        payload: String,
        /// The symbology, e.g. `Code 39`.
        symbology: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The sheet's control data asks for something the code cannot express,
    /// e.g. a selective feeder or divert the OMR scheme has no track for.
    #[error("control data not expressible: {0}")]
    Unsupported(String),
    /// A set of read OMR marks is not a valid code for the scheme.
    #[error("OMR decoding failed: {0}")]
    Decode(String),
}
