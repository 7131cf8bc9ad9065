//! AFP files mapped into memory: the reader borrows from the mapping, so a
//! multi-gigabyte print file costs address space, not heap.

use std::fs::File;
use std::ops::Deref;
use std::path::Path;

/// An AFP file's bytes, memory-mapped (or empty).
#[derive(Debug)]
pub struct AfpFile {
    map: Option<memmap2::Mmap>,
}

impl AfpFile {
    /// Maps the file at `path` read-only.
    pub fn open(path: &Path) -> std::io::Result<AfpFile> {
        let file = File::open(path)?;
        if file.metadata()?.len() == 0 {
            // Mapping zero bytes fails on some systems; an empty file is
            // simply empty (and reads as having no fields).
            return Ok(AfpFile { map: None });
        }
        // SAFETY: the mapping is read-only; should another process truncate
        // the file while it is mapped, reads fault instead of returning
        // garbage — the accepted trade-off for not reading multi-gigabyte
        // print files into memory (the same as tandem-pdf's input).
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }?;
        // Readers go front to back: let the kernel read ahead and drop
        // pages behind (advice only; failure changes nothing).
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(AfpFile { map: Some(map) })
    }
}

impl Deref for AfpFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }
}
