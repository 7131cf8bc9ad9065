//! Integration tests for centre profiles, including the example profiles.

use std::path::Path;

use tandem_profile::{CentreProfile, ProfileError};

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

#[test]
fn example_profiles_load_and_differ() {
    let nord = CentreProfile::from_file(&example("centre-nord.toml")).unwrap();
    let sued = CentreProfile::from_file(&example("centre-sued.toml")).unwrap();
    assert_ne!(nord.centre.id, sued.centre.id);
    assert_ne!(nord.marks.omr, sued.marks.omr);
    assert!(sued.marks.data_matrix.is_some());
    // A profile written back reads the same.
    assert_eq!(
        CentreProfile::from_toml_str(&sued.to_toml_string()).unwrap(),
        sued
    );
    assert_eq!(sued.output_file_name("T1", 7), "T1-sued-run007.pdf");
    assert_eq!(sued.manual_file_name("T1"), "T1-sued-manual.pdf");
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = std::fs::read_to_string(example("centre-sued.toml")).unwrap();
    let text = text.replacen("duplex = true", "duplex = true\ncolor = true", 1);
    let line = text.lines().position(|l| l == "color = true").unwrap() + 1;
    let path = std::env::temp_dir().join(format!(
        "tandem-profile-unknown-{}.toml",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let message = CentreProfile::from_file(&path).unwrap_err().to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains(&format!("line {line}")), "{message}");
    assert!(message.contains("color"), "{message}");
}

#[test]
fn invalid_values_name_the_key() {
    let text = std::fs::read_to_string(example("centre-sued.toml")).unwrap();
    let cases = [
        (
            "max_sheets_per_run = 2000",
            "max_sheets_per_run = 0",
            "output.max_sheets_per_run",
        ),
        (
            "bar_thickness_mm = 0.5",
            "bar_thickness_mm = 5.0",
            "marks.omr.bar_thickness_mm",
        ),
        ("formats = [\"pdf\"]", "formats = []", "printer.formats"),
    ];
    for (from, to, key) in cases {
        assert!(text.contains(from), "example lacks {from}");
        match CentreProfile::from_toml_str(&text.replacen(from, to, 1)) {
            Err(ProfileError::Invalid { key: k, .. }) => assert_eq!(k, key),
            other => panic!("{to}: expected invalid {key}, got {other:?}"),
        }
    }
}
