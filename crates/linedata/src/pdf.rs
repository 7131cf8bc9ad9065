//! Pages → PDF with the standard Courier fonts, written as it goes.

use std::io::{BufWriter, Write};

use pdf_writer::{Chunk, Content, Name, Rect, Ref, Str};
use tandem_ticket::MailPiece;

use crate::{
    Document, DocumentSplitter, LineDataError, LineDataOptions, Page, PageLayout, Paginator,
};
use tandem_codepage::win_ansi;

/// What [`render_pdf`] produced besides the PDF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedListing {
    /// Pages written.
    pub pages: u64,
    /// Records read.
    pub records: u64,
    /// Structured fields (X'5A' records) passed over.
    pub structured_fields: u64,
    /// The documents, in page order.
    pub documents: Vec<Document>,
    /// The documents as mail pieces: ids `{prefix}{n:06}` from 1, the
    /// options' country, no extra inserts.
    pub pieces: Vec<MailPiece>,
}

/// Paginates `listing` onto `layout`, writes the pages to `out` as a PDF
/// (Courier faces with WinAnsiEncoding, one content stream per page, font
/// objects shared by all pages) and splits them into mail pieces with ids
/// `{piece_prefix}{n:06}`.
///
/// Pages are written as they are made; memory use does not grow with the
/// listing beyond one page and one PDF offset per object. Fails with
/// [`LineDataError::NoPages`] if nothing is printed.
pub fn render_pdf<W: Write>(
    listing: &[u8],
    options: &LineDataOptions,
    layout: &PageLayout,
    piece_prefix: &str,
    out: W,
) -> Result<RenderedListing, LineDataError> {
    options.validate()?;
    let paginator = Paginator::new(listing, options, layout)?;
    let mut splitter = DocumentSplitter::new(options.trigger.clone(), options.plz_field);
    let mut w = ObjWriter::new(out)?;

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut next = 3;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let font_refs: Vec<Ref> = layout.fonts.iter().map(|_| alloc()).collect();
    for (spec, &id) in layout.fonts.iter().zip(&font_refs) {
        let mut c = Chunk::new();
        c.type1_font(id)
            .base_font(Name(spec.face.base_font().as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        w.object(id, &c)?;
    }
    let font_names: Vec<String> = (0..layout.fonts.len()).map(|i| format!("F{i}")).collect();
    let (width, height) = layout.page_size_pt();

    let mut page_refs = Vec::new();
    let mut records = 0;
    let mut fields = 0;
    let mut paginator = paginator;
    let mut text = Vec::new();
    for page in paginator.by_ref() {
        let page = page?;
        fields += page.structured_fields.len() as u64;
        let (page_id, content_id) = (alloc(), alloc());
        let content = page_content(&page, layout, &font_names, &mut text);
        let mut c = Chunk::new();
        c.stream(content_id, &content);
        w.object(content_id, &c)?;
        let mut c = Chunk::new();
        {
            let mut p = c.page(page_id);
            p.parent(tree)
                .media_box(Rect::new(0.0, 0.0, width, height))
                .contents(content_id);
            let mut res = p.resources();
            let mut fonts = res.fonts();
            for (name, &r) in font_names.iter().zip(&font_refs) {
                fonts.pair(Name(name.as_bytes()), r);
            }
        }
        w.object(page_id, &c)?;
        page_refs.push(page_id);
        splitter.push(&page);
    }
    records += paginator.records_read();
    if page_refs.is_empty() {
        return Err(LineDataError::NoPages);
    }
    let mut c = Chunk::new();
    c.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    w.object(tree, &c)?;
    let mut c = Chunk::new();
    c.indirect(catalog)
        .dict()
        .pair(Name(b"Type"), Name(b"Catalog"))
        .pair(Name(b"Pages"), tree);
    w.object(catalog, &c)?;
    w.finish(next, catalog)?;

    let documents = splitter.finish();
    let pieces = documents
        .iter()
        .enumerate()
        .map(|(i, d)| MailPiece {
            piece_id: format!("{piece_prefix}{:06}", i + 1),
            plz: d.plz.clone(),
            country: options.country.clone(),
            first_page: d.first_page,
            page_count: d.page_count,
            inserts: Vec::new(),
        })
        .collect();
    Ok(RenderedListing {
        pages: page_refs.len() as u64,
        records,
        structured_fields: fields,
        documents,
        pieces,
    })
}

/// The content stream of one page: one text object, each line placed by
/// its own text matrix.
fn page_content(
    page: &Page,
    layout: &PageLayout,
    font_names: &[String],
    text: &mut Vec<u8>,
) -> Vec<u8> {
    let mut content = Content::new();
    content.begin_text();
    let mut current_font = None;
    for line in &page.lines {
        if line.text.is_empty() {
            continue;
        }
        let font = usize::from(line.font).min(layout.fonts.len() - 1);
        if current_font != Some(font) {
            content.set_font(
                Name(font_names[font].as_bytes()),
                layout.fonts[font].size_pt,
            );
            current_font = Some(font);
        }
        let (x, y) = layout.position(line.line, line.column);
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
        text.clear();
        text.extend(line.text.chars().map(win_ansi));
        content.show(Str(text));
    }
    content.end_text();
    content.finish().into_vec()
}

/// Writes indirect objects one at a time and remembers their offsets.
struct ObjWriter<W: Write> {
    out: BufWriter<W>,
    pos: u64,
    /// Offset by object number (index 0 unused).
    offsets: Vec<u64>,
}

impl<W: Write> ObjWriter<W> {
    fn new(out: W) -> Result<Self, LineDataError> {
        let mut w = ObjWriter {
            out: BufWriter::with_capacity(1 << 16, out),
            pos: 0,
            offsets: vec![0],
        };
        w.raw(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        Ok(w)
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), LineDataError> {
        self.out.write_all(bytes).map_err(LineDataError::Write)?;
        self.pos += bytes.len() as u64;
        Ok(())
    }

    fn object(&mut self, id: Ref, chunk: &Chunk) -> Result<(), LineDataError> {
        let n = id.get() as usize;
        if self.offsets.len() <= n {
            self.offsets.resize(n + 1, 0);
        }
        self.offsets[n] = self.pos;
        self.raw(chunk.as_bytes())
    }

    fn finish(mut self, size: i32, root: Ref) -> Result<(), LineDataError> {
        let xref = self.pos;
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n").into_bytes();
        for n in 1..size as usize {
            let off = self.offsets.get(n).copied().unwrap_or(0);
            table.extend_from_slice(format!("{off:010} 00000 n\r\n").as_bytes());
        }
        table.extend_from_slice(
            format!(
                "trailer\n<< /Size {size} /Root {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                root.get()
            )
            .as_bytes(),
        );
        self.raw(&table)?;
        self.out.flush().map_err(LineDataError::Write)
    }
}
