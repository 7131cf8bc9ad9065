//! Criterion benchmarks for Tandem live in `benches/`; run them with
//! `cargo bench -p tandem-benches`. This library holds what the benchmarks
//! and the bench scripts share: making large inputs from small fixtures.

use std::io::Write;

use tandem_afp::{AfpError, AfpIndex, AfpWriter, WriteError};

/// Why a large AFP input could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RepeatError {
    /// The fixture does not read.
    #[error("fixture: {0}")]
    Read(#[from] AfpError),
    /// The output failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The fixture has no page group to repeat.
    #[error("the fixture has no page groups")]
    NoPageGroups,
}

/// Writes an AFP file of at least `target_bytes` to `out`: the fixture's
/// head (resource group, BDT), its top-level page groups repeated in order
/// until the size is reached, and its tail (EDT). Returns the bytes written
/// and the page groups written.
pub fn repeat_page_groups(
    fixture: &[u8],
    target_bytes: u64,
    out: impl Write,
) -> Result<(u64, u64), RepeatError> {
    let index = AfpIndex::build(fixture)?;
    let groups: Vec<_> = index.page_groups.iter().filter(|g| g.depth == 0).collect();
    let (Some(first), Some(last)) = (groups.first(), groups.last()) else {
        return Err(RepeatError::NoPageGroups);
    };
    let slice = |start: u64, end: u64| &fixture[start as usize..end as usize];
    let head = slice(0, first.offset);
    let body = slice(first.offset, last.end);
    let tail = slice(last.end, fixture.len() as u64);
    let mut writer = AfpWriter::new(out);
    writer.copy(head)?;
    let mut written_groups = 0;
    while writer.bytes_written() + (tail.len() as u64) < target_bytes {
        writer.copy(body)?;
        written_groups += groups.len() as u64;
    }
    writer.copy(tail)?;
    let bytes = writer.bytes_written();
    writer.into_inner()?;
    Ok((bytes, written_groups))
}
