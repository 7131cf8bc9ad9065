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
//! let profile = tandem_profile::CentreProfile::from_toml_str(r#"
//!     [centre]
//!     id = "sued"
//!     name = "Druckzentrum Süd"
//!     [printer]
//!     formats = ["pdf"]
//!     duplex = true
//!     [marks.omr]
//!     top_mm = 100.0
//!     left_mm = 5.0
//!     pitch_mm = 4.2333
//!     bar_length_mm = 12.0
//!     bar_thickness_mm = 0.5
//!     tracks = ["benchmark", "end-of-set", "parity", "safety"]
//!     [output]
//!     max_sheets_per_run = 2000
//! "#)?;
//! assert_eq!(profile.centre.id, "sued");
//! assert_eq!(profile.output.file_name, "{job}-{centre}-run{run}.pdf");
//! # Ok::<(), tandem_profile::ProfileError>(())
//! ```

mod profile;

pub use profile::{Centre, CentreProfile, ClearZone, Marks, Output, Printer, ProfileError};
