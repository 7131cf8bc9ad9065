//! The storage behind the journal: a [`Journal`] trait and its embedded
//! SQLite implementation, [`SqliteJournal`].

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::{JournalError, State};

/// Whether a job's output exists yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobStatus {
    /// Recorded, output not yet committed.
    Planned,
    /// Output committed.
    Released,
}

/// A job (the origin's job or a reprint child `JOB.n`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Job id (`JOB` or `JOB.n`).
    pub id: String,
    /// The origin's job this one belongs to (its own id for the root).
    pub root: String,
    /// Reprint number n of `JOB.n`; 0 for the root.
    pub number: u32,
    /// The centre the job came from.
    pub origin_centre: String,
    /// The centre producing it.
    pub target_centre: String,
    /// Output status.
    pub status: JobStatus,
    /// When it was recorded.
    pub created_at: String,
    /// Where the output is (as given to the command).
    pub out_dir: String,
    /// The producing centre's results layout as JSON, if it has one.
    pub results_layout: Option<String>,
}

/// A piece of a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceRecord {
    /// Piece id, the same in the root job and its reprints.
    pub piece_id: String,
    /// Envelopes the piece takes in this job.
    pub parts: u32,
}

/// One output file of a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// File number (0: manual inserting).
    pub run: u32,
    /// File name.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Pieces in the file.
    pub pieces: u64,
}

/// An event to append.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    /// Root job id.
    pub job: String,
    /// Piece id.
    pub piece: String,
    /// The new state.
    pub state: State,
    /// The job whose production the event concerns (root or child).
    pub via: String,
    /// RFC 3339 time.
    pub at: String,
    /// Who recorded it: command and file, e.g. `reconcile results-1.txt`.
    pub source: String,
    /// Details: results line, status code, machine (ids only).
    pub detail: String,
}

/// An event as stored, with its sequence number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the journal, strictly increasing.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: NewEvent,
}

/// The current (last) state of a piece.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PieceState {
    /// Piece id.
    pub piece_id: String,
    /// Its last state.
    pub state: State,
    /// The job of the last event.
    pub via: String,
    /// When.
    pub at: String,
    /// Sequence number of the last event.
    pub seq: i64,
}

/// A finished reconciliation, stored so that a rerun of the same results
/// files changes nothing and returns the same report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileRecord {
    /// SHA-256 over the job id and the results files' hashes.
    pub key: String,
    /// The job reconciled.
    pub job: String,
    /// When.
    pub at: String,
    /// The report as JSON.
    pub report: String,
}

/// Storage of the production journal. Every method that writes is one
/// transaction: all of it happens or none. Events are only ever appended;
/// each is checked against the piece's current state ([`State::may_follow`]).
pub trait Journal {
    /// Records a job and its pieces with `events` (usually `planned`).
    /// Returns `false`, changing nothing, when the job is known already.
    fn create_job(
        &mut self,
        job: &JobRecord,
        pieces: &[PieceRecord],
        events: &[NewEvent],
    ) -> Result<bool, JournalError>;
    /// Marks a job's output as committed, records its runs and the
    /// envelopes per piece (`parts`) the output has, and appends `events`.
    /// Returns `false`, changing nothing, when it is released already.
    fn release_job(
        &mut self,
        job: &str,
        runs: &[RunRecord],
        parts: &[PieceRecord],
        events: &[NewEvent],
    ) -> Result<bool, JournalError>;
    /// Appends a reconciliation and its events. Returns `false`, changing
    /// nothing, when a reconciliation with the same key exists.
    fn commit_reconcile(
        &mut self,
        record: &ReconcileRecord,
        events: &[NewEvent],
    ) -> Result<bool, JournalError>;
    /// Appends events (a person's decision, a printer's confirmation).
    fn append(&mut self, events: &[NewEvent]) -> Result<(), JournalError>;
    /// The ids of all root jobs.
    fn roots(&self) -> Result<Vec<String>, JournalError>;
    /// A job by id.
    fn job(&self, id: &str) -> Result<Option<JobRecord>, JournalError>;
    /// Every job of the root job `root`, the root first, then children by number.
    fn family(&self, root: &str) -> Result<Vec<JobRecord>, JournalError>;
    /// The pieces of a job, in the order recorded.
    fn pieces(&self, job: &str) -> Result<Vec<PieceRecord>, JournalError>;
    /// The runs of a job.
    fn runs(&self, job: &str) -> Result<Vec<RunRecord>, JournalError>;
    /// The current state of every piece of root job `root` that has events.
    fn states(&self, root: &str) -> Result<Vec<PieceState>, JournalError>;
    /// All events of root job `root`, in order.
    fn events(&self, root: &str) -> Result<Vec<Event>, JournalError>;
    /// A stored reconciliation.
    fn reconciliation(&self, key: &str) -> Result<Option<ReconcileRecord>, JournalError>;
    /// Every stored reconciliation of job `job`, oldest first.
    fn reconciliations(&self, job: &str) -> Result<Vec<ReconcileRecord>, JournalError>;
}

/// The journal in an embedded SQLite database (WAL, `synchronous=FULL`).
pub struct SqliteJournal {
    conn: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, root TEXT NOT NULL, number INTEGER NOT NULL,
    origin_centre TEXT NOT NULL, target_centre TEXT NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL, out_dir TEXT NOT NULL, results_layout TEXT
);
CREATE TABLE IF NOT EXISTS pieces (
    job TEXT NOT NULL REFERENCES jobs(id), ord INTEGER NOT NULL, piece TEXT NOT NULL,
    parts INTEGER NOT NULL, PRIMARY KEY (job, piece)
);
CREATE TABLE IF NOT EXISTS runs (
    job TEXT NOT NULL REFERENCES jobs(id), run INTEGER NOT NULL, file TEXT NOT NULL,
    sha256 TEXT NOT NULL, pieces INTEGER NOT NULL, PRIMARY KEY (job, file)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, job TEXT NOT NULL, piece TEXT NOT NULL, state TEXT NOT NULL,
    via TEXT NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_piece ON events (job, piece, seq);
CREATE TABLE IF NOT EXISTS reconciliations (
    key TEXT PRIMARY KEY, job TEXT NOT NULL, at TEXT NOT NULL, report TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS piece_states AS
    SELECT e.job, e.piece, e.state, e.via, e.at, e.seq FROM events e
    WHERE e.seq = (SELECT MAX(seq) FROM events x WHERE x.job = e.job AND x.piece = e.piece);
CREATE TRIGGER IF NOT EXISTS events_append_only_u BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_append_only_d BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
";

impl SqliteJournal {
    /// Opens (creating if needed) the journal at `path`.
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let db = |source| JournalError::Db {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(db)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn db(&self) -> impl Fn(rusqlite::Error) -> JournalError + '_ {
        move |source| JournalError::Db {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, reason: String) -> JournalError {
        JournalError::Corrupt {
            path: self.path.clone(),
            reason,
        }
    }
}

fn append_events(
    tx: &rusqlite::Transaction<'_>,
    events: &[NewEvent],
    path: &Path,
) -> Result<(), JournalError> {
    let db = |source| JournalError::Db {
        path: path.to_owned(),
        source,
    };
    let mut current = tx
        .prepare_cached(
            "SELECT state FROM events WHERE job = ?1 AND piece = ?2 ORDER BY seq DESC LIMIT 1",
        )
        .map_err(db)?;
    let mut insert = tx
        .prepare_cached("INSERT INTO events (job, piece, state, via, at, source, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .map_err(db)?;
    for e in events {
        let from: Option<String> = current
            .query_row(params![e.job, e.piece], |r| r.get(0))
            .optional()
            .map_err(db)?;
        let from = from
            .map(|s| {
                s.parse::<State>().map_err(|reason| JournalError::Corrupt {
                    path: path.to_owned(),
                    reason,
                })
            })
            .transpose()?;
        if !e.state.may_follow(from) {
            return Err(JournalError::Transition {
                job: e.job.clone(),
                piece: e.piece.clone(),
                from: from.map_or("none", State::as_str).into(),
                to: e.state.as_str().into(),
            });
        }
        insert
            .execute(params![
                e.job,
                e.piece,
                e.state.as_str(),
                e.via,
                e.at,
                e.source,
                e.detail
            ])
            .map_err(db)?;
    }
    Ok(())
}

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(JobRecord, String)> {
    let status: String = r.get(5)?;
    Ok((
        JobRecord {
            id: r.get(0)?,
            root: r.get(1)?,
            number: r.get(2)?,
            origin_centre: r.get(3)?,
            target_centre: r.get(4)?,
            status: JobStatus::Planned,
            created_at: r.get(6)?,
            out_dir: r.get(7)?,
            results_layout: r.get(8)?,
        },
        status,
    ))
}

const JOB_COLUMNS: &str =
    "id, root, number, origin_centre, target_centre, status, created_at, out_dir, results_layout";

impl SqliteJournal {
    fn finish_job(
        &self,
        (mut job, status): (JobRecord, String),
    ) -> Result<JobRecord, JournalError> {
        job.status = match status.as_str() {
            "planned" => JobStatus::Planned,
            "released" => JobStatus::Released,
            other => return Err(self.corrupt(format!("job {}: unknown status {other:?}", job.id))),
        };
        Ok(job)
    }
}

impl Journal for SqliteJournal {
    fn create_job(
        &mut self,
        job: &JobRecord,
        pieces: &[PieceRecord],
        events: &[NewEvent],
    ) -> Result<bool, JournalError> {
        let path = self.path.clone();
        let db = |source| JournalError::Db {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let exists: bool = tx
            .query_row("SELECT COUNT(*) FROM jobs WHERE id = ?1", [&job.id], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(db)?
            > 0;
        if exists {
            return Ok(false);
        }
        tx.execute(
            &format!(
                "INSERT INTO jobs ({JOB_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ),
            params![
                job.id,
                job.root,
                job.number,
                job.origin_centre,
                job.target_centre,
                match job.status {
                    JobStatus::Planned => "planned",
                    JobStatus::Released => "released",
                },
                job.created_at,
                job.out_dir,
                job.results_layout
            ],
        )
        .map_err(db)?;
        {
            let mut insert = tx
                .prepare("INSERT INTO pieces (job, ord, piece, parts) VALUES (?1, ?2, ?3, ?4)")
                .map_err(db)?;
            for (i, p) in pieces.iter().enumerate() {
                insert
                    .execute(params![job.id, i as i64, p.piece_id, p.parts])
                    .map_err(db)?;
            }
        }
        append_events(&tx, events, &path)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn release_job(
        &mut self,
        job: &str,
        runs: &[RunRecord],
        parts: &[PieceRecord],
        events: &[NewEvent],
    ) -> Result<bool, JournalError> {
        let path = self.path.clone();
        let db = |source| JournalError::Db {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let status: Option<String> = tx
            .query_row("SELECT status FROM jobs WHERE id = ?1", [job], |r| r.get(0))
            .optional()
            .map_err(db)?;
        match status.as_deref() {
            None => return Err(JournalError::UnknownJob(job.into())),
            Some("released") => return Ok(false),
            Some(_) => {}
        }
        tx.execute("UPDATE jobs SET status = 'released' WHERE id = ?1", [job])
            .map_err(db)?;
        {
            let mut insert = tx
                .prepare("INSERT OR REPLACE INTO runs (job, run, file, sha256, pieces) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(db)?;
            for r in runs {
                insert
                    .execute(params![job, r.run, r.file, r.sha256, r.pieces as i64])
                    .map_err(db)?;
            }
        }
        {
            let mut update = tx
                .prepare("UPDATE pieces SET parts = ?3 WHERE job = ?1 AND piece = ?2")
                .map_err(db)?;
            for p in parts {
                update
                    .execute(params![job, p.piece_id, p.parts])
                    .map_err(db)?;
            }
        }
        append_events(&tx, events, &path)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn commit_reconcile(
        &mut self,
        record: &ReconcileRecord,
        events: &[NewEvent],
    ) -> Result<bool, JournalError> {
        let path = self.path.clone();
        let db = |source| JournalError::Db {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        let inserted = tx
            .execute(
                "INSERT OR IGNORE INTO reconciliations (key, job, at, report) VALUES (?1, ?2, ?3, ?4)",
                params![record.key, record.job, record.at, record.report],
            )
            .map_err(db)?;
        if inserted == 0 {
            return Ok(false);
        }
        append_events(&tx, events, &path)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn append(&mut self, events: &[NewEvent]) -> Result<(), JournalError> {
        let path = self.path.clone();
        let db = |source| JournalError::Db {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db)?;
        append_events(&tx, events, &path)?;
        tx.commit().map_err(db)
    }

    fn roots(&self) -> Result<Vec<String>, JournalError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM jobs WHERE number = 0 ORDER BY id")
            .map_err(self.db())?;
        stmt.query_map([], |r| r.get(0))
            .map_err(self.db())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.db())
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>, JournalError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                [id],
                job_from_row,
            )
            .optional()
            .map_err(self.db())?;
        row.map(|r| self.finish_job(r)).transpose()
    }

    fn family(&self, root: &str) -> Result<Vec<JobRecord>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {JOB_COLUMNS} FROM jobs WHERE root = ?1 ORDER BY number"
            ))
            .map_err(self.db())?;
        let rows = stmt
            .query_map([root], job_from_row)
            .map_err(self.db())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.db())?;
        rows.into_iter().map(|r| self.finish_job(r)).collect()
    }

    fn pieces(&self, job: &str) -> Result<Vec<PieceRecord>, JournalError> {
        let mut stmt = self
            .conn
            .prepare("SELECT piece, parts FROM pieces WHERE job = ?1 ORDER BY ord")
            .map_err(self.db())?;
        stmt.query_map([job], |r| {
            Ok(PieceRecord {
                piece_id: r.get(0)?,
                parts: r.get(1)?,
            })
        })
        .map_err(self.db())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(self.db())
    }

    fn runs(&self, job: &str) -> Result<Vec<RunRecord>, JournalError> {
        let mut stmt = self
            .conn
            .prepare("SELECT run, file, sha256, pieces FROM runs WHERE job = ?1 ORDER BY run, file")
            .map_err(self.db())?;
        stmt.query_map([job], |r| {
            Ok(RunRecord {
                run: r.get(0)?,
                file: r.get(1)?,
                sha256: r.get(2)?,
                pieces: r.get::<_, i64>(3)? as u64,
            })
        })
        .map_err(self.db())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(self.db())
    }

    fn states(&self, root: &str) -> Result<Vec<PieceState>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT piece, state, via, at, seq FROM piece_states WHERE job = ?1 ORDER BY piece",
            )
            .map_err(self.db())?;
        let rows = stmt
            .query_map([root], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(self.db())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.db())?;
        rows.into_iter()
            .map(|(piece_id, state, via, at, seq)| {
                Ok(PieceState {
                    piece_id,
                    state: state.parse().map_err(|r| self.corrupt(r))?,
                    via,
                    at,
                    seq,
                })
            })
            .collect()
    }

    fn events(&self, root: &str) -> Result<Vec<Event>, JournalError> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, job, piece, state, via, at, source, detail FROM events WHERE job = ?1 ORDER BY seq")
            .map_err(self.db())?;
        let rows = stmt
            .query_map([root], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .map_err(self.db())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.db())?;
        rows.into_iter()
            .map(|(seq, job, piece, state, via, at, source, detail)| {
                Ok(Event {
                    seq,
                    event: NewEvent {
                        job,
                        piece,
                        state: state.parse().map_err(|r| self.corrupt(r))?,
                        via,
                        at,
                        source,
                        detail,
                    },
                })
            })
            .collect()
    }

    fn reconciliation(&self, key: &str) -> Result<Option<ReconcileRecord>, JournalError> {
        self.conn
            .query_row(
                "SELECT key, job, at, report FROM reconciliations WHERE key = ?1",
                [key],
                reconcile_record,
            )
            .optional()
            .map_err(self.db())
    }

    fn reconciliations(&self, job: &str) -> Result<Vec<ReconcileRecord>, JournalError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT key, job, at, report FROM reconciliations WHERE job = ?1 ORDER BY rowid",
            )
            .map_err(self.db())?;
        let rows = statement
            .query_map([job], reconcile_record)
            .map_err(self.db())?;
        rows.collect::<Result<_, _>>().map_err(self.db())
    }
}

/// A `reconciliations` row (key, job, at, report) as a record.
fn reconcile_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReconcileRecord> {
    Ok(ReconcileRecord {
        key: r.get(0)?,
        job: r.get(1)?,
        at: r.get(2)?,
        report: r.get(3)?,
    })
}
