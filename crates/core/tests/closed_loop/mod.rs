// The closed loop end to end: real redirect output, a simulated inserter
// that drops, duplicates, diverts and damages random pieces and writes
// results files in every supported layout, then reconcile → reprint →
// produce → reconcile until every piece is completed exactly once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tandem_core::tandem_journal::{
    self, CountingClock, Journal, Outcome, Reported, ResultRecord, SqliteJournal, State,
    format_result,
};
use tandem_core::{
    CentreProfile, DemoOptions, EXAMPLE_ORIGIN_PROFILE, EXAMPLE_PARTNER_PROFILE, JobTicket,
    Manifest,
};

const DELIMITED: &str = r##"
[control_file]
format = "delimited"
delimiter = ";"

[results]
format = "delimited"
delimiter = ";"
skip_prefix = "#"
job = { at = 1 }
piece_id = { at = 2 }
part = { at = 3 }
status = { at = 4 }
time = { at = 5 }
machine = { at = 6 }
ok = ["00"]
diverted = ["10", "11"]
damaged = ["20"]
"##;

const FIXED: &str = r#"
[control_file]
format = "fixed"

[results]
format = "fixed"
job = { at = 1, len = 20 }
piece_id = { at = 21, len = 16 }
status = { at = 37, len = 2 }
time = { at = 39, len = 20 }
machine = { at = 59, len = 6 }
ok = ["OK"]
diverted = ["DV"]
damaged = ["DM", "JM"]
"#;

/// Centre Süd with the given control and results layouts (replacing the
/// example's own) and a 20 % reprint ceiling.
fn profile(layout: &str) -> CentreProfile {
    #[derive(serde::Deserialize)]
    struct Layouts {
        control_file: tandem_profile::ControlFileLayout,
        results: tandem_profile::ResultsLayout,
    }
    let layouts: Layouts = toml::from_str(layout).expect("test layouts");
    let mut profile =
        CentreProfile::from_toml_str(EXAMPLE_PARTNER_PROFILE).expect("example profile");
    profile.control_file = Some(layouts.control_file);
    profile.results = Some(layouts.results);
    profile.reprint_ceiling_percent = 20.0;
    profile.validate().expect("test profile");
    profile
}

/// Redirects `ticket` to `profile` into `dir/out`, with the journal there
/// and a counting clock from 2026-01-01.
fn redirected(
    dir: &Path,
    ticket: &JobTicket,
    profile: &CentreProfile,
) -> (CountingClock, PathBuf, tandem_core::JournaledRedirect) {
    let clock = CountingClock::new(1_767_225_600);
    let out = dir.join("out");
    let done = tandem_core::redirect_with_journal(ticket, profile, &out, None, &clock, &mut |_| {})
        .unwrap();
    (clock, out, done)
}

fn demo_job(dir: &Path, letters: usize, seed: u64) -> JobTicket {
    let origin = CentreProfile::from_toml_str(EXAMPLE_ORIGIN_PROFILE).unwrap();
    let job = tandem_core::generate_demo_job(
        &dir.join("job"),
        &origin,
        &DemoOptions {
            letters,
            seed,
            ..DemoOptions::default()
        },
    )
    .unwrap();
    JobTicket::from_file(&job.ticket).unwrap()
}

/// What the simulated inserter does to one envelope.
#[derive(Clone, Copy, Debug)]
enum Fault {
    None,
    Drop,
    Duplicate,
    Divert,
    Damage,
}

fn fault(roll: u8) -> Fault {
    match roll % 16 {
        0 => Fault::Drop,
        1 => Fault::Duplicate,
        2 => Fault::Divert,
        3 => Fault::Damage,
        _ => Fault::None,
    }
}

/// Simulated production: one results file per run, in the profile's layout.
fn produce(
    profile: &CentreProfile,
    out: &Path,
    rolls: &mut impl Iterator<Item = u8>,
    round: usize,
) -> Vec<PathBuf> {
    let layout = profile.results.as_ref().unwrap();
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let code = |kind: Reported| match kind {
        Reported::Ok => layout.ok[0].clone(),
        Reported::Diverted => layout.diverted[0].clone(),
        Reported::Damaged => layout.damaged[0].clone(),
    };
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &manifest.pieces {
        let record = |kind| ResultRecord {
            file: String::new(),
            line: 0,
            job: manifest.job_id.clone(),
            piece_id: p.piece_id.clone(),
            part: p.part,
            code: code(kind),
            status: kind,
            time: Some("2026-01-01T10:00:00Z".into()),
            machine: Some("INS1".into()),
        };
        let lines = files.entry(p.file.clone()).or_default();
        // From the third round on, production is clean so the loop ends.
        let f = if round >= 2 {
            Fault::None
        } else {
            fault(rolls.next().unwrap_or(4))
        };
        match f {
            Fault::None => lines.push(format_result(layout, &record(Reported::Ok))),
            Fault::Drop => {}
            Fault::Duplicate => {
                lines.push(format_result(layout, &record(Reported::Ok)));
                lines.push(format_result(layout, &record(Reported::Ok)));
            }
            Fault::Divert => lines.push(format_result(layout, &record(Reported::Diverted))),
            Fault::Damage => lines.push(format_result(layout, &record(Reported::Damaged))),
        }
    }
    files
        .into_iter()
        .enumerate()
        .map(|(i, (_, lines))| {
            let path = out.with_file_name(format!(
                "{}-results-{i}.txt",
                out.file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            path
        })
        .collect()
}

fn closed_loop(layout: &str, letters: usize, seed: u64, rolls: Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), letters, seed);
    let profile = profile(layout);
    let (clock, out, done) = redirected(dir.path(), &ticket, &profile);
    let journal_path = done.journal;
    let mut rolls = rolls.into_iter().cycle();
    let mut job_out = out.clone();
    let mut job_id = ticket.id.clone();
    for round in 0..6 {
        for run in &done.summary.manifest.runs {
            if round == 0 {
                assert!(out.join(run.file.replace(".pdf", ".ctl")).is_file());
            }
        }
        let files = produce(&profile, &job_out, &mut rolls, round);
        let report =
            // The job is named: when every envelope of a small reprint was
            // dropped, its results file holds no record to tell the job by.
            tandem_core::reconcile_files(&journal_path, &files, Some(&job_id), None, &clock).unwrap();
        assert_eq!(report.job, job_id);
        assert!(report.malformed.is_empty());
        assert_eq!(report.count(Outcome::Unknown), 0);
        let duplicates: Vec<String> = report
            .pieces
            .iter()
            .filter(|p| p.outcome == Outcome::Duplicate)
            .map(|p| p.piece_id.clone())
            .collect();
        // A person checks each duplicate report: one good envelope.
        for piece in &duplicates {
            let state = tandem_core::decide_duplicate(
                &journal_path,
                Some(&ticket.id),
                piece,
                tandem_core::DuplicateDecision::OneGood,
                "",
                &clock,
            )
            .unwrap();
            assert_eq!(state, State::Completed);
        }
        // Reconciling the same files again changes nothing.
        let again =
            // The job is named: when every envelope of a small reprint was
            // dropped, its results file holds no record to tell the job by.
            tandem_core::reconcile_files(&journal_path, &files, Some(&job_id), None, &clock).unwrap();
        assert!(again.already_applied);
        let status = tandem_core::job_status(&journal_path, None).unwrap();
        assert!(status.balanced);
        if status.open.is_empty() {
            break;
        }
        let reprint_out = dir.path().join(format!("reprint{}", round + 1));
        let re = tandem_core::reprint(
            &ticket,
            &profile,
            &reprint_out,
            &journal_path,
            true,
            &clock,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(re.child_id, format!("{}.{}", ticket.id, round + 1));
        assert_eq!(re.pieces.len(), status.open.len());
        job_out = reprint_out;
        job_id = re.child_id;
    }
    let journal = SqliteJournal::open(&journal_path).unwrap();
    let status = tandem_journal::status(&journal, &ticket.id).unwrap();
    assert_eq!(status.completed, letters, "{}", status.to_text());
    assert!(status.open.is_empty());
    assert_eq!(
        tandem_journal::check_consistency(&journal, &ticket.id).unwrap(),
        Vec::<String>::new()
    );
    let completions = journal
        .events(&ticket.id)
        .unwrap()
        .into_iter()
        .filter(|e| e.event.state == State::Completed)
        .count();
    assert_eq!(completions, letters, "every piece completed exactly once");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn every_piece_completes_exactly_once_delimited(seed in 0u64..1000, rolls in proptest::collection::vec(any::<u8>(), 1..64)) {
        closed_loop(DELIMITED, 12, seed, rolls);
    }

    #[test]
    fn every_piece_completes_exactly_once_fixed(seed in 0u64..1000, rolls in proptest::collection::vec(any::<u8>(), 1..64)) {
        closed_loop(FIXED, 12, seed, rolls);
    }
}

#[test]
fn malformed_lines_are_reported_and_other_jobs_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), 6, 7);
    let profile = profile(DELIMITED);
    let (clock, _, done) = redirected(dir.path(), &ticket, &profile);
    let pieces: Vec<&str> = done
        .summary
        .manifest
        .pieces
        .iter()
        .map(|p| p.piece_id.as_str())
        .collect();
    let job = &ticket.id;
    let mut text = String::from("# header\n");
    text += &format!("{job};{};1;00;t;M1\n", pieces[0]);
    text += "complete garbage\n";
    text += &format!("{job};{};1;99;t;M1\n", pieces[1]);
    text += &format!("{job};{};1;00;t;M1\n", pieces[2]);
    let results = dir.path().join("r.txt");
    std::fs::write(&results, &text).unwrap();
    let report = tandem_core::reconcile_files(
        &done.journal,
        std::slice::from_ref(&results),
        None,
        None,
        &clock,
    )
    .unwrap();
    let lines: Vec<(usize, &str)> = report
        .malformed
        .iter()
        .map(|m| (m.line, m.file.as_str()))
        .collect();
    let name = results.display().to_string();
    assert_eq!(lines, vec![(3, name.as_str()), (4, name.as_str())]);
    assert_eq!(report.count(Outcome::Ok), 2);
    assert_eq!(report.count(Outcome::Missing), pieces.len() - 2);
    assert!(report.to_text().contains(&format!("{name}:4")));

    let other = dir.path().join("other.txt");
    std::fs::write(
        &other,
        format!("{job};{};1;00;t;M1\nOTHER-JOB;X1;1;00;t;M1\n", pieces[0]),
    )
    .unwrap();
    let err = tandem_core::reconcile_files(&done.journal, &[other], Some(job), None, &clock)
        .unwrap_err()
        .to_string();
    assert!(err.contains("OTHER-JOB") && err.contains(":2"), "{err}");
    let err = tandem_core::reconcile_files(
        &done.journal,
        &[dir.path().join("missing.txt")],
        None,
        None,
        &clock,
    );
    assert!(err.is_err());
}

#[test]
fn reprint_refuses_above_the_ceiling_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), 10, 3);
    let profile = profile(DELIMITED);
    let (clock, _, done) = redirected(dir.path(), &ticket, &profile);
    // An empty results file: every piece missing, 100 % > 20 %.
    let results = dir.path().join("empty.txt");
    std::fs::write(&results, "# nothing\n").unwrap();
    let err = tandem_core::reconcile_files(
        &done.journal,
        std::slice::from_ref(&results),
        None,
        None,
        &clock,
    );
    assert!(err.is_err(), "no record names a job");
    let report =
        tandem_core::reconcile_files(&done.journal, &[results], Some(&ticket.id), None, &clock)
            .unwrap();
    assert_eq!(report.count(Outcome::Missing), 10);
    let reprint = |force| {
        tandem_core::reprint(
            &ticket,
            &profile,
            &dir.path().join("re"),
            &done.journal,
            force,
            &clock,
            &mut |_| {},
        )
    };
    let err = reprint(false).unwrap_err().to_string();
    assert!(err.contains("ceiling"), "{err}");
    let re = reprint(true).unwrap();
    assert_eq!(re.pieces.len(), 10);
    // The child's marks carry the child id; its index lists only those pieces.
    let manifest = &re.summary.manifest;
    assert_eq!(manifest.job_id, format!("{}.1", ticket.id));
    assert_eq!(manifest.totals.pieces, 10);
    let ctl = std::fs::read_to_string(
        re.summary
            .output_dir
            .join(manifest.runs[0].file.replace(".pdf", ".ctl")),
    )
    .unwrap();
    assert!(
        ctl.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{}.1;", ticket.id))
    );
}

#[test]
fn redirect_reruns_after_a_crash_complete_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), 5, 9);
    let profile = profile(FIXED);
    let clock = CountingClock::new(1_767_225_600);
    let out = dir.path().join("out");
    // As if the process died right after the output directory appeared.
    tandem_core::redirect(&ticket, &profile, &out, &mut |_| {}).unwrap();
    assert!(!out.join("journal.sqlite").exists());
    let done =
        tandem_core::redirect_with_journal(&ticket, &profile, &out, None, &clock, &mut |_| {})
            .unwrap();
    assert!(done.resumed);
    let status = tandem_core::job_status(&done.journal, None).unwrap();
    assert_eq!(status.pieces_in, 5);
    assert_eq!(status.by_state.get(&State::Released), Some(&5));
    // And once more: nothing changes.
    let again =
        tandem_core::redirect_with_journal(&ticket, &profile, &out, None, &clock, &mut |_| {})
            .unwrap();
    assert!(again.resumed);
    let journal = SqliteJournal::open(&done.journal).unwrap();
    assert_eq!(journal.events(&ticket.id).unwrap().len(), 10);
}

/// A piece reported twice stays open until a person decides: no good
/// envelope sends it to the reprint; a completed piece takes no decision.
#[test]
fn duplicate_reports_wait_for_a_decision() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), 6, 5);
    let profile = profile(DELIMITED);
    let layout = profile.results.clone().unwrap();
    let (clock, out, done) = redirected(dir.path(), &ticket, &profile);
    let manifest = &done.summary.manifest;
    let twice = manifest.pieces[2].piece_id.clone();
    // Before any results, no piece can be decided on.
    let e = tandem_core::decide_duplicate(
        &done.journal,
        None,
        &twice,
        tandem_core::DuplicateDecision::OneGood,
        "",
        &clock,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .ends_with(&format!("found piece {twice} reported twice")),
        "{e}"
    );
    let mut lines = Vec::new();
    for p in &manifest.pieces {
        let record = ResultRecord {
            file: String::new(),
            line: 0,
            job: manifest.job_id.clone(),
            piece_id: p.piece_id.clone(),
            part: p.part,
            code: layout.ok[0].clone(),
            status: Reported::Ok,
            time: Some("2026-01-01T10:00:00Z".into()),
            machine: Some("INS1".into()),
        };
        lines.push(format_result(&layout, &record));
        if p.piece_id == twice {
            lines.push(format_result(&layout, &record));
        }
    }
    let results = dir.path().join("results.txt");
    std::fs::write(&results, lines.join("\n") + "\n").unwrap();
    let report =
        tandem_core::reconcile_files(&done.journal, &[results], None, None, &clock).unwrap();
    assert_eq!(report.count(Outcome::Duplicate), 1);
    let status = tandem_core::job_status(&done.journal, None).unwrap();
    assert_eq!(status.open.len(), 1, "{}", status.to_text());

    let decide = |piece: &str, decision| {
        tandem_core::decide_duplicate(&done.journal, None, piece, decision, "both creased", &clock)
    };
    let state = decide(&twice, tandem_core::DuplicateDecision::NoneGood).unwrap();
    assert_eq!(state, State::Damaged);
    let status = tandem_core::job_status(&done.journal, None).unwrap();
    assert_eq!(status.open[0].piece_id, twice);
    assert_eq!(status.open[0].state, State::Damaged);
    // Settled pieces and pieces the job does not have take no decision.
    let settled = &manifest.pieces[0].piece_id;
    let e = decide(settled, tandem_core::DuplicateDecision::OneGood).unwrap_err();
    assert!(e.to_string().contains("is completed"), "{e}");
    let e = decide("NOPE", tandem_core::DuplicateDecision::OneGood).unwrap_err();
    assert!(e.to_string().ends_with("has no piece NOPE"), "{e}");
    // The damaged piece is what the reprint takes.
    let re = tandem_core::reprint(
        &ticket,
        &profile,
        &dir.path().join("re"),
        &done.journal,
        true,
        &clock,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(re.pieces, std::slice::from_ref(&twice));
    // Confirming the root's run again leaves the reprinted piece to its
    // child job.
    let run = &manifest.runs[0].file;
    let printed = tandem_core::record_printed(&out, None, run, &clock).unwrap();
    assert_eq!(printed.marked, 0);
    assert!(
        printed.skipped.contains(&(twice, State::Reprinted)),
        "{printed:?}"
    );
}

/// The printer's confirmation of a run moves its pieces to `printed` once;
/// a file that is not the one the manifest lists is refused; the inserter's
/// results then complete the pieces as before.
#[test]
fn printed_runs_are_recorded_once_and_only_for_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let ticket = demo_job(dir.path(), 8, 9);
    let mut profile = profile(DELIMITED);
    profile.output.max_sheets_per_run = 12;
    let (clock, out, done) = redirected(dir.path(), &ticket, &profile);
    let manifest = &done.summary.manifest;
    assert!(manifest.runs.len() > 1);
    let first = &manifest.runs[0];
    let report = tandem_core::record_printed(&out, None, &first.file, &clock).unwrap();
    assert_eq!(report.marked as u64, first.pieces);
    assert_eq!((report.already, report.skipped.len()), (0, 0));
    let again = tandem_core::record_printed(&out, None, &first.file, &clock).unwrap();
    assert_eq!((again.marked, again.already as u64), (0, first.pieces));
    let journal = SqliteJournal::open(&done.journal).unwrap();
    let printed = journal
        .states(&ticket.id)
        .unwrap()
        .into_iter()
        .filter(|p| p.state == State::Printed)
        .count();
    assert_eq!(printed as u64, first.pieces);
    drop(journal);
    // Another file under the run's name is refused.
    let second = &manifest.runs[1];
    let bytes = std::fs::read(out.join(&second.file)).unwrap();
    std::fs::write(out.join(&second.file), &bytes[..bytes.len() - 1]).unwrap();
    let e = tandem_core::record_printed(&out, None, &second.file, &clock).unwrap_err();
    assert!(
        matches!(e, tandem_core::CoreError::HashMismatch { .. }),
        "{e}"
    );
    let e = tandem_core::record_printed(&out, None, "nope.pdf", &clock).unwrap_err();
    assert!(e.to_string().ends_with("has no run file nope.pdf"), "{e}");
    // Printed pieces complete when the inserter reports them.
    let files = produce(&profile, &out, &mut std::iter::repeat(4u8), 2);
    tandem_core::reconcile_files(&done.journal, &files, Some(&ticket.id), None, &clock).unwrap();
    let status = tandem_core::job_status(&done.journal, None).unwrap();
    assert_eq!(status.completed, 8, "{}", status.to_text());
}
