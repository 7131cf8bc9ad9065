use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The life cycle of a mail piece.
///
/// `planned → released → printed → inserted | diverted | damaged | missing
/// → reprinted → …` and finally `completed`. A piece whose envelope was
/// inserted is `completed` (reconciliation appends both events). A
/// `missing` piece may still be reported late (`missing → inserted`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// In a job the journal knows; no output yet.
    Planned,
    /// Print-ready output exists (the output directory was committed).
    Released,
    /// The printer confirmed it.
    Printed,
    /// The inserter reported it as good.
    Inserted,
    /// The inserter pulled it out.
    Diverted,
    /// The inserter reported it damaged.
    Damaged,
    /// No results file reported it.
    Missing,
    /// It is in a reprint (child) job whose output exists.
    Reprinted,
    /// Done: in its envelope, exactly once.
    Completed,
}

impl State {
    /// All states, in life-cycle order.
    pub const ALL: [State; 9] = [
        State::Planned,
        State::Released,
        State::Printed,
        State::Inserted,
        State::Diverted,
        State::Damaged,
        State::Missing,
        State::Reprinted,
        State::Completed,
    ];

    /// The name used in the journal and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::Released => "released",
            State::Printed => "printed",
            State::Inserted => "inserted",
            State::Diverted => "diverted",
            State::Damaged => "damaged",
            State::Missing => "missing",
            State::Reprinted => "reprinted",
            State::Completed => "completed",
        }
    }

    /// Whether a piece in `from` (`None`: no event yet) may move to `self`.
    pub fn may_follow(self, from: Option<State>) -> bool {
        use State::*;
        match from {
            None => self == Planned,
            Some(Planned) => self == Released,
            Some(Released | Printed | Reprinted) => {
                matches!(self, Printed | Inserted | Diverted | Damaged | Missing)
                    && !(from == Some(Printed) && self == Printed)
            }
            Some(Inserted) => self == Completed,
            Some(Missing) => matches!(self, Reprinted | Inserted | Diverted | Damaged),
            Some(Diverted | Damaged) => self == Reprinted,
            Some(Completed) => false,
        }
    }

    /// Whether the piece waits for a reprint.
    pub fn needs_reprint(self) -> bool {
        matches!(self, State::Diverted | State::Damaged | State::Missing)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        State::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| format!("unknown piece state {s:?}"))
    }
}
