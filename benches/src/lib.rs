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
    /// A TLE to renumber has no attribute value.
    #[error("the TLE at byte {0} has no attribute value")]
    NoValue(u64),
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
    repeat_page_groups_renumbered(fixture, target_bytes, None, out)
}

/// [`repeat_page_groups`], and with `renumber` the value of that TLE in
/// every group (a piece id) is replaced by the group's running number in
/// base 36 (EBCDIC digits and capitals, the value's own length), so that
/// the pieces of the large file stay unique for a redirect.
pub fn repeat_page_groups_renumbered(
    fixture: &[u8],
    target_bytes: u64,
    renumber: Option<&str>,
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
    // Where in `body` each group's id value lies (start, length).
    let mut ids = Vec::new();
    if let Some(name) = renumber {
        for tle in index.tles().filter(|t| t.name == name) {
            let field = &fixture[tle.offset as usize..];
            let length = usize::from(u16::from_be_bytes([field[1], field[2]]));
            let data = &field[9..1 + length];
            let value = tandem_afp::Triplets::new(data)
                .filter_map(Result::ok)
                .find(|t| t.id == tandem_afp::TRIPLET_ATTRIBUTE_VALUE)
                .map(|t| (t.offset + 4, t.data.len() - 2))
                .ok_or(RepeatError::NoValue(tle.offset))?;
            let start = tle.offset - first.offset + 9 + value.0 as u64;
            ids.push((start as usize, value.1));
        }
    }
    let mut writer = AfpWriter::new(out);
    writer.copy(head)?;
    let mut written_groups = 0u64;
    let mut copy = body.to_vec();
    while writer.bytes_written() + (tail.len() as u64) < target_bytes {
        for (n, &(start, len)) in ids.iter().enumerate() {
            let number = written_groups + n as u64;
            copy[start..start + len].copy_from_slice(&base36_ebcdic(number, len));
        }
        writer.copy(if ids.is_empty() { body } else { &copy })?;
        written_groups += groups.len() as u64;
    }
    writer.copy(tail)?;
    let bytes = writer.bytes_written();
    writer.into_inner()?;
    Ok((bytes, written_groups))
}

/// `number` in base 36 with EBCDIC digits and capitals, `len` characters.
fn base36_ebcdic(mut number: u64, len: usize) -> Vec<u8> {
    const DIGITS: &[u8; 36] = b"\xF0\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xC1\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xD1\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9";
    let mut out = vec![DIGITS[0]; len];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(number % 36) as usize];
        number /= 36;
    }
    out
}
