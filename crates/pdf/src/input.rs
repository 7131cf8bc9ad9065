use std::path::{Path, PathBuf};
use std::sync::Arc;

use hayro_syntax::{LoadPdfError, Pdf};
use pdf_writer::{Chunk, Ref};

use crate::{PageImporter, PdfError, RefAllocator};

/// A PDF print file, opened lazily over a memory map.
pub struct PdfInput {
    path: PathBuf,
    pdf: Pdf,
}

/// Source pages imported as Form XObjects, ready to be drawn on new pages.
#[derive(Debug)]
pub struct ImportedPages {
    /// The forms and every object they depend on; write it to the output once.
    pub chunk: Chunk,
    /// One entry per requested page, in request order.
    pub pages: Vec<ImportedPage>,
}

/// One imported page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImportedPage {
    /// The Form XObject that draws the page's visible area (CropBox, rotated
    /// by /Rotate) with its lower-left corner at the origin.
    pub form: Ref,
    /// Width of the visible page in points, after rotation.
    pub width: f32,
    /// Height of the visible page in points, after rotation.
    pub height: f32,
}

/// How far from the end of a file the trailer and `%%EOF` must be. Writers
/// may append a little whitespace or garbage; a cut transfer loses far more.
const TAIL: usize = 1024;

impl PdfInput {
    /// Opens a PDF file memory-mapped. Checks that it is complete and not
    /// encrypted; pages are parsed only when they are used.
    pub fn open(path: &Path) -> Result<Self, PdfError> {
        let io = |source| PdfError::Io {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the print file is an input that nobody writes while a job
        // runs; a concurrent truncation would end the process with SIGBUS
        // instead of reading garbage, which is the accepted trade-off of
        // mapping multi-gigabyte inputs instead of reading them into memory.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        Self::from_data(Arc::new(map), path)
    }

    /// Reads a PDF held in memory; `path` is used in error messages only.
    pub fn from_bytes(data: Vec<u8>, path: impl Into<PathBuf>) -> Result<Self, PdfError> {
        Self::from_data(Arc::new(data), &path.into())
    }

    fn from_data<T>(data: Arc<T>, path: &Path) -> Result<Self, PdfError>
    where
        T: AsRef<[u8]> + Send + Sync + 'static,
    {
        let bytes = (*data).as_ref();
        let len = bytes.len() as u64;
        let truncated = |reason| PdfError::Truncated {
            path: path.to_owned(),
            reason,
            len,
        };
        if !bytes.starts_with(b"%PDF-") {
            return Err(PdfError::Malformed {
                path: path.to_owned(),
                reason: "no %PDF- header".into(),
            });
        }
        let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
        if find(tail, b"%%EOF").is_none() {
            return Err(truncated("no %%EOF marker at the end"));
        }
        if find(tail, b"startxref").is_none() {
            return Err(truncated("no startxref before %%EOF"));
        }
        // hayro opens documents with an empty user password transparently; a
        // production centre must still refuse them, so look for the
        // /Encrypt entry of the trailer or cross-reference stream dictionary.
        let trailer_area = &bytes[bytes.len().saturating_sub(64 * 1024)..];
        if find(trailer_area, b"/Encrypt").is_some() {
            return Err(PdfError::Encrypted {
                path: path.to_owned(),
            });
        }
        let pdf = Pdf::new(data).map_err(|e| match e {
            LoadPdfError::Decryption(_) => PdfError::Encrypted {
                path: path.to_owned(),
            },
            LoadPdfError::Invalid => PdfError::Malformed {
                path: path.to_owned(),
                reason: "no usable cross-reference table or page tree".into(),
            },
        })?;
        Ok(Self {
            path: path.to_owned(),
            pdf,
        })
    }

    /// The file this input was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pdf.pages().len()
    }

    /// Visible size of a page (0-based index) in points, after CropBox and /Rotate.
    pub fn page_size(&self, index: usize) -> Result<(f32, f32), PdfError> {
        let page = self
            .pdf
            .pages()
            .get(index)
            .ok_or_else(|| self.out_of_range(index))?;
        Ok(page.render_dimensions())
    }

    /// Decoded content stream of a page (0-based index), for inspecting what
    /// a page draws.
    pub fn page_content(&self, index: usize) -> Result<Vec<u8>, PdfError> {
        let page = self
            .pdf
            .pages()
            .get(index)
            .ok_or_else(|| self.out_of_range(index))?;
        Ok(decoded_contents(page))
    }

    pub(crate) fn pdf(&self) -> &Pdf {
        &self.pdf
    }

    pub(crate) fn out_of_range(&self, index: usize) -> PdfError {
        PdfError::PageOutOfRange {
            path: self.path.clone(),
            page: index + 1,
            count: self.page_count(),
        }
    }

    /// Imports the given pages (0-based indices) as Form XObjects. Resources
    /// shared by several of these pages are written once; to share them
    /// across calls, keep a [`PageImporter`].
    pub fn import(
        &self,
        indices: &[usize],
        refs: &mut RefAllocator,
    ) -> Result<ImportedPages, PdfError> {
        let mut importer = PageImporter::new(self);
        let mut chunk = Chunk::new();
        let pages = indices
            .iter()
            .map(|&index| importer.import(index, refs, &mut chunk))
            .collect::<Result<_, _>>()?;
        Ok(ImportedPages { chunk, pages })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The decoded content of a page: its /Contents stream, or its streams
/// joined with a space. hayro-syntax's own `Page::page_stream` keeps every
/// decoded page in memory for the life of the document, which a
/// 100,000-page job cannot afford; this decodes and hands over.
pub(crate) fn decoded_contents(page: &hayro_syntax::page::Page<'_>) -> Vec<u8> {
    use hayro_syntax::object::{Array, Stream};
    let raw = page.raw();
    if let Some(stream) = raw.get::<Stream<'_>>(b"Contents".as_slice()) {
        return stream.decoded().map(|d| d.into_owned()).unwrap_or_default();
    }
    let mut joined = Vec::new();
    if let Some(streams) = raw.get::<Array<'_>>(b"Contents".as_slice()) {
        for stream in streams.iter::<Stream<'_>>() {
            if let Ok(data) = stream.decoded() {
                joined.extend_from_slice(&data);
                joined.push(b' ');
            }
        }
    }
    joined
}
