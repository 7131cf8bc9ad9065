//! Output that is either complete or absent: files are written under a
//! temporary name and renamed, and a whole output directory is assembled
//! under a hidden staging name and renamed into place at the end.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::CoreError;

/// A directory being assembled; it appears under its final name only on
/// [`StagedDir::commit`], and is removed when dropped uncommitted.
pub struct StagedDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Starts assembling `target`, which must not exist yet (or be empty).
    pub fn new(target: &Path) -> Result<Self, CoreError> {
        if let Ok(mut entries) = std::fs::read_dir(target) {
            if entries.next().is_some() {
                return Err(CoreError::OutputExists(target.to_owned()));
            }
            std::fs::remove_dir(target).map_err(CoreError::io(target))?;
        } else if target.exists() {
            return Err(CoreError::OutputExists(target.to_owned()));
        }
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let staging = target.with_file_name(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(CoreError::io(&staging))?;
        }
        std::fs::create_dir_all(&staging).map_err(CoreError::io(&staging))?;
        Ok(Self {
            staging,
            target: target.to_owned(),
            committed: false,
        })
    }

    /// Where files are written until the commit.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Renames the staging directory to its final name.
    pub fn commit(mut self) -> Result<PathBuf, CoreError> {
        std::fs::rename(&self.staging, &self.target).map_err(CoreError::io(&self.target))?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// A file written under `NAME.tmp` that becomes `NAME` on
/// [`AtomicFile::commit`], hashing everything written to it.
pub struct AtomicFile {
    file: File,
    temporary: PathBuf,
    target: PathBuf,
    hasher: Sha256,
    len: u64,
}

impl AtomicFile {
    /// Creates `target.tmp`.
    pub fn create(target: &Path) -> Result<Self, CoreError> {
        let mut temporary = target.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let file = File::create(&temporary).map_err(CoreError::io(&temporary))?;
        Ok(Self {
            file,
            temporary,
            target: target.to_owned(),
            hasher: Sha256::new(),
            len: 0,
        })
    }

    /// Flushes to disk, renames to the final name and returns the SHA-256
    /// (lowercase hex) and length of the content.
    pub fn commit(mut self) -> Result<(String, u64), CoreError> {
        self.file.flush().map_err(CoreError::io(&self.temporary))?;
        self.file
            .sync_all()
            .map_err(CoreError::io(&self.temporary))?;
        std::fs::rename(&self.temporary, &self.target).map_err(CoreError::io(&self.target))?;
        Ok((hex(&self.hasher.finalize_reset()), self.len))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Writes `content` to `target` atomically and returns its SHA-256.
pub fn write_atomically(target: &Path, content: &[u8]) -> Result<String, CoreError> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(content).map_err(CoreError::io(target))?;
    Ok(file.commit()?.0)
}

/// SHA-256 of a file, read in blocks, as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, CoreError> {
    let mut file = File::open(path).map_err(CoreError::io(path))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(CoreError::io(path))?;
    Ok(hex(&hasher.finalize()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
