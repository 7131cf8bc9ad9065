use std::io::{BufWriter, Write};

use pdf_writer::{Chunk, Name, Rect, Ref, Settings};

use crate::PdfError;

/// Hands out consecutive object numbers for one output file.
#[derive(Debug)]
pub struct RefAllocator {
    next: i32,
}

impl RefAllocator {
    /// The next unused object number.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }
}

/// Writes a PDF file object by object instead of assembling it in memory.
///
/// Only the byte offset of every object (12 bytes each) and the page
/// references are kept until [`PdfWriter::finish`] writes the page tree and
/// the cross-reference table.
pub struct PdfWriter<W: Write> {
    out: BufWriter<W>,
    position: u64,
    /// (object number, byte offset); sorted when the xref table is written.
    offsets: Vec<(i32, u64)>,
    refs: RefAllocator,
    catalog: Ref,
    page_tree: Ref,
    pages: Vec<Ref>,
}

/// Production files are read by RIPs, not people: no pretty-printing.
pub(crate) const COMPACT: Settings = Settings { pretty: false };

const HEADER: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

impl<W: Write> PdfWriter<W> {
    /// Starts a PDF 1.7 file on `out`.
    pub fn new(out: W) -> Result<Self, PdfError> {
        let mut out = BufWriter::with_capacity(256 * 1024, out);
        out.write_all(HEADER)?;
        let mut refs = RefAllocator { next: 1 };
        let catalog = refs.next();
        let page_tree = refs.next();
        Ok(Self {
            out,
            position: HEADER.len() as u64,
            offsets: Vec::new(),
            refs,
            catalog,
            page_tree,
            pages: Vec::new(),
        })
    }

    /// The allocator for object numbers of this file; use it for every
    /// object written with [`PdfWriter::write_chunk`].
    pub fn allocator(&mut self) -> &mut RefAllocator {
        &mut self.refs
    }

    /// Number of pages added so far.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Appends every object of `chunk` to the file.
    pub fn write_chunk(&mut self, chunk: &Chunk) -> Result<(), PdfError> {
        let bytes = chunk.as_bytes();
        let mut cursor = 0;
        for r in chunk.refs() {
            let start = object_start(bytes, cursor, r).ok_or_else(|| {
                std::io::Error::other(format!("object {} not found in a chunk", r.get()))
            })?;
            self.offsets.push((r.get(), self.position + start as u64));
            cursor = start + 1;
        }
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Adds a page of `width` × `height` points that draws `content`, with
    /// the given Form XObjects available under their names.
    pub fn add_page(
        &mut self,
        width: f32,
        height: f32,
        forms: &[(&[u8], Ref)],
        content: &[u8],
    ) -> Result<Ref, PdfError> {
        self.add_page_with_fonts(width, height, forms, &[], content)
    }

    /// Like [`PdfWriter::add_page`], with fonts available under their names too.
    pub fn add_page_with_fonts(
        &mut self,
        width: f32,
        height: f32,
        forms: &[(&[u8], Ref)],
        fonts: &[(&[u8], Ref)],
        content: &[u8],
    ) -> Result<Ref, PdfError> {
        let page_ref = self.refs.next();
        let content_ref = self.refs.next();
        let mut chunk = Chunk::with_settings_and_capacity(COMPACT, content.len() + 256);
        {
            let mut page = chunk.page(page_ref);
            page.media_box(Rect::new(0.0, 0.0, width, height))
                .parent(self.page_tree)
                .contents(content_ref);
            let mut resources = page.resources();
            if !forms.is_empty() {
                let mut x_objects = resources.x_objects();
                for (name, form) in forms {
                    x_objects.pair(Name(name), *form);
                }
            }
            if !fonts.is_empty() {
                let mut font_dict = resources.fonts();
                for (name, font) in fonts {
                    font_dict.pair(Name(name), *font);
                }
            }
        }
        chunk.stream(content_ref, content);
        self.write_chunk(&chunk)?;
        self.pages.push(page_ref);
        Ok(page_ref)
    }

    /// Writes the page tree, the catalog, the cross-reference table and the
    /// trailer, and returns the underlying writer, flushed.
    pub fn finish(mut self) -> Result<W, PdfError> {
        let mut chunk = Chunk::with_settings(COMPACT);
        chunk
            .indirect(self.catalog)
            .dict()
            .pair(Name(b"Type"), Name(b"Catalog"))
            .pair(Name(b"Pages"), self.page_tree);
        chunk
            .pages(self.page_tree)
            .kids(self.pages.iter().copied())
            .count(i32::try_from(self.pages.len()).unwrap_or(i32::MAX));
        // Numbers that were allocated but never written (hayro-write reserves
        // a page-tree parent that XObject imports never use) become null
        // objects, so the table has no holes to link into a free list.
        self.offsets.sort_unstable();
        let mut written = self.offsets.iter().map(|&(id, _)| id).peekable();
        for id in 1..self.refs.next {
            if written.peek() == Some(&id) {
                written.next();
            } else if id != self.catalog.get() && id != self.page_tree.get() {
                chunk.indirect(Ref::new(id)).primitive(pdf_writer::Null);
            }
        }
        self.write_chunk(&chunk)?;
        self.offsets.sort_unstable();

        let xref_at = self.position;
        let size = self.refs.next;
        let mut table = Vec::with_capacity(64 + 20 * size as usize);
        write!(table, "xref\n0 {size}\n0000000000 65535 f\r\n")?;
        for &(_, offset) in &self.offsets {
            write!(table, "{offset:010} 00000 n\r\n")?;
        }
        write!(
            table,
            "trailer\n<< /Size {size} /Root {} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.catalog.get()
        )?;
        self.out.write_all(&table)?;
        self.out
            .into_inner()
            .map_err(|e| PdfError::Write(e.into_error()))
    }
}

/// Finds where object `r` starts in a chunk, at or after `from`.
///
/// pdf-writer keeps object offsets private, so they are recovered from the
/// bytes: an object starts with `N 0 obj` at the chunk start or right after
/// the previous object's `endobj` line. Requiring that boundary makes a
/// false match inside stream data practically impossible.
fn object_start(bytes: &[u8], from: usize, r: Ref) -> Option<usize> {
    let header = format!("{} 0 obj", r.get());
    let header = header.as_bytes();
    let mut at = from;
    while at + header.len() <= bytes.len() {
        let offset = bytes[at..]
            .windows(header.len())
            .position(|w| w == header)?;
        let start = at + offset;
        let before = &bytes[..start];
        if start == 0 || before.ends_with(b"endobj\n") || before.ends_with(b"endobj\n\n") {
            return Some(start);
        }
        at = start + 1;
    }
    None
}
