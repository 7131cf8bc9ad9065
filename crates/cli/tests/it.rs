//! Crash safety of the closed loop: the real `tandem` binary is killed
//! (SIGKILL) at random points during `redirect`, `reconcile` and `reprint`,
//! then rerun until it succeeds; afterwards no piece is lost or
//! duplicated and the journal is consistent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tandem_core::Manifest;
use tandem_core::tandem_journal::{self, Journal, SqliteJournal, State};

const BIN: &str = env!("CARGO_BIN_EXE_tandem");

/// SplitMix64: seeded, so a failing run can be repeated.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

fn tandem(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Starts `args`, kills it after a random delay below `max_ms` (if it is
/// still running), and returns whether it was killed.
fn kill_at_random(args: &[&str], rng: &mut Rng, max_ms: &mut u64) -> bool {
    let mut child = tandem(args).spawn().expect("spawn tandem");
    std::thread::sleep(Duration::from_millis(rng.below(*max_ms)));
    let killed = match child.try_wait().expect("try_wait") {
        Some(_) => {
            // Finished before the kill: aim earlier next time.
            *max_ms = (*max_ms * 2 / 3).max(2);
            false
        }
        None => {
            child.kill().expect("kill");
            true
        }
    };
    let _ = child.wait();
    killed
}

fn run_to_success(args: &[&str]) {
    let out = tandem(args).output().expect("run tandem");
    assert!(
        out.status.success(),
        "tandem {args:?} failed after kills: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Every piece exactly once in the manifest and the control files.
fn assert_each_piece_once(dir: &Path, expected: &BTreeSet<String>) {
    let m = manifest(dir);
    let ids: Vec<&str> = m.pieces.iter().map(|p| p.piece_id.as_str()).collect();
    let unique: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(ids.len(), unique.len(), "a piece is in the output twice");
    assert_eq!(&unique, expected, "pieces lost or added");
    let mut in_control = Vec::new();
    for run in &m.runs {
        let ctl = dir.join(run.file.replace(".pdf", ".ctl"));
        let text = std::fs::read_to_string(&ctl).unwrap();
        in_control.extend(
            text.lines()
                .skip(1)
                .map(|l| l.split(';').nth(1).unwrap().to_owned()),
        );
    }
    in_control.sort();
    let mut sorted: Vec<String> = unique.into_iter().collect();
    sorted.sort();
    assert_eq!(
        in_control, sorted,
        "control files do not list every piece once"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

fn assert_consistent(journal: &Path, root: &str) {
    let j = SqliteJournal::open(journal).unwrap();
    let problems = tandem_journal::check_consistency(&j, root).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    let status = tandem_journal::status(&j, root).unwrap();
    assert!(status.balanced);
}

#[test]
fn killed_at_random_points_nothing_is_lost_or_duplicated() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = d.join("demo");
    run_to_success(&[
        "demo",
        "--letters",
        "20",
        "--quiet",
        "--out",
        demo.to_str().unwrap(),
    ]);
    let job = demo.join("job/job.toml");
    let sued = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/centre-sued.toml"),
    )
    .unwrap();
    let profile = d.join("sued.toml");
    std::fs::write(
        &profile,
        // The example's delimited layout (job;piece;part;status) with a
        // ceiling high enough for the faults this test makes.
        sued.replace(
            "reprint_ceiling_percent = 5.0",
            "reprint_ceiling_percent = 50.0",
        ),
    )
    .unwrap();
    let (job, profile) = (job.to_str().unwrap(), profile.to_str().unwrap());

    let mut rng = Rng(0x5EED_2026);
    let (mut redirect_ms, mut reconcile_ms, mut reprint_ms) = (400u64, 60u64, 300u64);
    let mut kills = [0usize; 3];
    // At least 6 trials, then more until 60 kills have landed: on a quiet,
    // fast machine more runs finish before their kill.
    let mut trial = 0;
    while trial < 6 || (kills.iter().sum::<usize>() < 60 && trial < 24) {
        // redirect, killed up to 4 times, then run to success.
        let out = d.join(format!("out{trial}"));
        let out_s = out.to_str().unwrap();
        let args = [
            "redirect", "--quiet", "--job", job, "--to", profile, "--out", out_s,
        ];
        for _ in 0..4 {
            kills[0] += usize::from(kill_at_random(&args, &mut rng, &mut redirect_ms));
        }
        run_to_success(&args);
        let m = manifest(&out);
        let root = m.job_id.clone();
        let all: BTreeSet<String> = m.pieces.iter().map(|p| p.piece_id.clone()).collect();
        assert_eq!(all.len(), 20);
        assert_each_piece_once(&out, &all);
        let journal = out.join("journal.sqlite");
        assert_consistent(&journal, &root);

        // Results: three pieces never reported, one damaged.
        let mut lines = vec!["# job;piece;status".to_owned()];
        let missing: Vec<&String> = all.iter().skip(trial % 7).step_by(7).collect();
        for p in &all {
            if !missing.contains(&p) {
                let code = if p == all.iter().next_back().unwrap() {
                    "20"
                } else {
                    "00"
                };
                lines.push(format!("{root};{p};1;{code}"));
            }
        }
        let results = d.join(format!("results{trial}.txt"));
        std::fs::write(&results, lines.join("\n") + "\n").unwrap();
        let journal_s = journal.to_str().unwrap();
        let args = [
            "reconcile",
            "--journal",
            journal_s,
            "--results",
            results.to_str().unwrap(),
        ];
        for _ in 0..3 {
            kills[1] += usize::from(kill_at_random(&args, &mut rng, &mut reconcile_ms));
        }
        run_to_success(&args);
        assert_consistent(&journal, &root);
        let to_reprint: BTreeSet<String> = {
            let j = SqliteJournal::open(&journal).unwrap();
            let states = j.states(&root).unwrap();
            let completed = states
                .iter()
                .filter(|s| s.state == State::Completed)
                .count();
            let open: BTreeSet<String> = states
                .iter()
                .filter(|s| s.state.needs_reprint())
                .map(|s| s.piece_id.clone())
                .collect();
            assert_eq!(completed + open.len(), 20);
            assert_eq!(
                open.len(),
                missing.len() + usize::from(!missing.contains(&all.iter().next_back().unwrap()))
            );
            // Exactly one reconciliation was applied however often it ran.
            let completions = j
                .events(&root)
                .unwrap()
                .iter()
                .filter(|e| e.event.state == State::Completed)
                .count();
            assert_eq!(completions, completed);
            open
        };

        // reprint, killed up to 4 times, then run to success.
        let re = d.join(format!("reprint{trial}"));
        let args = [
            "reprint",
            "--quiet",
            "--journal",
            journal_s,
            "--job",
            job,
            "--to",
            profile,
            "--out",
            re.to_str().unwrap(),
        ];
        for _ in 0..4 {
            kills[2] += usize::from(kill_at_random(&args, &mut rng, &mut reprint_ms));
        }
        run_to_success(&args);
        assert_each_piece_once(&re, &to_reprint);
        assert_eq!(
            manifest(&re).job_id,
            format!("{root}.1"),
            "one child job, not several"
        );
        assert_consistent(&journal, &root);
        let j = SqliteJournal::open(&journal).unwrap();
        assert_eq!(j.family(&root).unwrap().len(), 2);
        trial += 1;
    }
    let total: usize = kills.iter().sum();
    eprintln!(
        "kills: redirect {}, reconcile {}, reprint {}; total {total} in {:.1} s",
        kills[0],
        kills[1],
        kills[2],
        started.elapsed().as_secs_f64()
    );
    assert!(total >= 50, "only {total} kills landed: {kills:?}");
}
