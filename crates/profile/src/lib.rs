//! Partner centre profiles for Tandem.
//!
//! A [`CentreProfile`] describes what a print-and-mail centre can produce
//! and what its inserters read: accepted data formats, plex, the control
//! marks (an [`OmrScheme`](tandem_marks::OmrScheme) and/or a
//! [`DataMatrixMark`](tandem_marks::DataMatrixMark)) and how output files
//! are cut and named. Profiles are TOML; unknown keys are errors, and every
//! error names the file, line and key.
//!
//! ```
//! use std::path::Path;
//!
//! let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/centre-sued.toml");
//! let profile = tandem_profile::CentreProfile::from_file(&path)?;
//! assert_eq!(profile.centre.id, "sued");
//! assert_eq!(profile.output_file_name("T1", 2), "T1-sued-run002.pdf");
//! assert_eq!(profile.target_centre().inserter.max_sheets_per_set, 10);
//! # Ok::<(), tandem_profile::ProfileError>(())
//! ```

mod closed_loop;
mod profile;

pub use closed_loop::{ControlFileLayout, FieldPos, RecordFormat, ResultsLayout};

pub use profile::{
    Capacity, Centre, CentreProfile, ClearZone, Marks, Output, PaperStock, Postage, Printer,
    ProfileError,
};
