//! What a page actually draws where: an approximate interpreter of content
//! streams that reports the boxes of painted text, paths and images.
//!
//! Used to find content inside an inserter's mark zone or clear zone before
//! a job is released. The boxes err on the large side (clipping is ignored,
//! glyph boxes span the font's full height) because a missed stroke in a
//! mark zone makes the inserter stop, while a false alarm costs a look.
//! Paint in white is not ink and is skipped.

use hayro_syntax::content::TypedIter;
use hayro_syntax::content::ops::TypedInstruction;
use hayro_syntax::object::{Array, Dict, Name, Number, Object, Stream};
use hayro_syntax::page::Resources;

use std::collections::HashMap;
use std::rc::Rc;

use crate::standard_widths::STANDARD_WIDTHS;
use crate::{POINTS_PER_MM, PdfError, PdfInput};

/// What kind of content made an [`InkArea`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InkKind {
    /// Glyphs of a text-showing operator.
    Text,
    /// A filled or stroked path.
    Path,
    /// An image (XObject or inline).
    Image,
    /// A shading painted with `sh` (covers its whole area).
    Shading,
}

/// A box the page paints into, in mm from the visible page's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InkArea {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Horizontal extent.
    pub width: f64,
    /// Vertical extent.
    pub height: f64,
    /// What painted it.
    pub kind: InkKind,
    /// Painted in colour (not black, grey or white), so it needs a colour
    /// printer. Colour spaces other than the device ones count as colour.
    pub colour: bool,
}

/// Nested forms deeper than this are not followed (and reported as a
/// box of the whole form instead); real documents nest two or three.
const MAX_FORM_DEPTH: usize = 8;

type Matrix = [f64; 6];

/// First character code and advances (in em) per code from there.
type Widths = Rc<(u32, Vec<f64>)>;

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`: the matrix that maps through `a` first, then `b`.
fn concat(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Bounds in visible-page points, y up.
#[derive(Clone, Copy, Debug)]
struct Bounds {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Bounds {
    fn empty() -> Self {
        Self {
            x0: f64::INFINITY,
            y0: f64::INFINITY,
            x1: f64::NEG_INFINITY,
            y1: f64::NEG_INFINITY,
        }
    }

    fn add(&mut self, (x, y): (f64, f64)) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }

    fn is_empty(&self) -> bool {
        !(self.x0 <= self.x1 && self.y0 <= self.y1)
    }

    /// The unit square mapped through `m` (images, forms' boxes).
    fn of_box(m: &Matrix, x0: f64, y0: f64, x1: f64, y1: f64) -> Self {
        let mut b = Self::empty();
        for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
            b.add(apply(m, x, y));
        }
        b
    }

    fn grow(mut self, by: f64) -> Self {
        self.x0 -= by;
        self.y0 -= by;
        self.x1 += by;
        self.y1 += by;
        self
    }
}

#[derive(Clone)]
struct GraphicsState {
    ctm: Matrix,
    line_width: f64,
    fill_white: bool,
    stroke_white: bool,
    fill_colour: bool,
    stroke_colour: bool,
    font_size: f64,
    /// Advance per character code in text space units (per 1 of font size):
    /// the font's /Widths, or the standard font's metrics.
    widths: Option<Widths>,
    two_byte: bool,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
    rise: f64,
    text_render_invisible: bool,
}

struct Interpreter {
    out: Vec<InkArea>,
    page_height: f64,
    state: GraphicsState,
    stack: Vec<GraphicsState>,
    path: Bounds,
    text_matrix: Matrix,
    line_matrix: Matrix,
    /// Widths per font resource, looked up once per page.
    font_widths: HashMap<Vec<u8>, Option<Widths>>,
}

/// Widths of a standard 14 font (used without /Widths) by base font name;
/// Courier is monospaced at 600/1000 em. `None` for other fonts.
fn standard_widths(base_font: &[u8]) -> Option<(u32, Vec<f64>)> {
    let name = std::str::from_utf8(base_font).ok()?;
    if name.starts_with("Courier") {
        return Some((32, vec![0.6; 224]));
    }
    let bold = name.contains("Bold");
    let italic = name.contains("Italic") || name.contains("Oblique");
    let family = if name.starts_with("Helvetica") || name.starts_with("Arial") {
        if bold { "Helvetica-Bold" } else { "Helvetica" }
    } else if name.starts_with("Times") {
        match (bold, italic) {
            (false, false) => "Times-Roman",
            (true, false) => "Times-Bold",
            (false, true) => "Times-Italic",
            (true, true) => "Times-BoldItalic",
        }
    } else {
        return None;
    };
    let (_, widths) = STANDARD_WIDTHS.iter().find(|(n, _)| *n == family)?;
    Some((32, widths.iter().map(|&w| f64::from(w) / 1000.0).collect()))
}

fn number(n: &Number) -> f64 {
    n.as_f64()
}

/// Whether device colour components are chromatic (not on the grey axis).
fn is_colour(components: &[f64]) -> bool {
    match components {
        [r, g, b] => (r - g).abs() > 0.001 || (g - b).abs() > 0.001,
        [c, m, y, _] => *c > 0.001 || *m > 0.001 || *y > 0.001,
        _ => false,
    }
}

fn is_white(components: &[f64]) -> bool {
    match components {
        [g] => *g >= 0.999,
        [r, g, b] => *r >= 0.999 && *g >= 0.999 && *b >= 0.999,
        [c, m, y, k] => *c <= 0.001 && *m <= 0.001 && *y <= 0.001 && *k <= 0.001,
        _ => false,
    }
}

impl Interpreter {
    fn emit(&mut self, bounds: Bounds, kind: InkKind, colour: bool) {
        if bounds.is_empty() {
            return;
        }
        let k = POINTS_PER_MM;
        self.out.push(InkArea {
            x: bounds.x0 / k,
            y: (self.page_height - bounds.y1) / k,
            width: (bounds.x1 - bounds.x0) / k,
            height: (bounds.y1 - bounds.y0) / k,
            kind,
            colour,
        });
    }

    fn fill(&mut self, components: &[f64]) {
        self.state.fill_white = is_white(components);
        self.state.fill_colour = is_colour(components);
    }

    fn stroke(&mut self, components: &[f64]) {
        self.state.stroke_white = is_white(components);
        self.state.stroke_colour = is_colour(components);
    }

    fn path_point(&mut self, x: f64, y: f64) {
        let p = apply(&self.state.ctm, x, y);
        self.path.add(p);
    }

    /// Paints the current path (fill and/or stroke) and starts a new one.
    fn paint(&mut self, fill: bool, stroke: bool) {
        let path = std::mem::replace(&mut self.path, Bounds::empty());
        let visible_fill = fill && !self.state.fill_white;
        let visible_stroke = stroke && !self.state.stroke_white;
        if visible_fill || visible_stroke {
            // A stroke reaches half the line width beyond the path (scaled
            // roughly by the CTM); hairlines still print one device pixel.
            let scale = (self.state.ctm[0].hypot(self.state.ctm[1]))
                .max(self.state.ctm[2].hypot(self.state.ctm[3]));
            let grow = if visible_stroke {
                (self.state.line_width * scale / 2.0).max(0.1)
            } else {
                0.0
            };
            let colour = (visible_fill && self.state.fill_colour)
                || (visible_stroke && self.state.stroke_colour);
            self.emit(path.grow(grow), InkKind::Path, colour);
        }
    }

    fn show(&mut self, codes: &[u8], adjust_before: f64) {
        let s = &self.state;
        let tx_adjust = -adjust_before / 1000.0 * s.font_size * s.horizontal_scale;
        self.text_matrix = concat(&[1.0, 0.0, 0.0, 1.0, tx_adjust, 0.0], &self.text_matrix);
        let step = if s.two_byte { 2 } else { 1 };
        let mut advance = 0.0;
        for code in codes.chunks(step) {
            let value = code.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
            let width = match s.widths.as_deref() {
                Some((first, widths)) => value
                    .checked_sub(*first)
                    .and_then(|i| widths.get(i as usize))
                    .copied()
                    .unwrap_or(0.6),
                None if s.two_byte => 1.0,
                None => 0.6,
            };
            let word = if step == 1 && value == 32 {
                s.word_spacing
            } else {
                0.0
            };
            advance += (width * s.font_size + s.char_spacing + word) * s.horizontal_scale;
        }
        if !s.text_render_invisible && !s.fill_white && !codes.is_empty() {
            // Glyph boxes from a descender of 0.25 em to an ascender of 0.95 em.
            let to_device = concat(&self.text_matrix, &s.ctm);
            let bounds = Bounds::of_box(
                &to_device,
                0.0,
                s.rise - 0.25 * s.font_size,
                advance,
                s.rise + 0.95 * s.font_size,
            );
            self.emit(bounds, InkKind::Text, s.fill_colour);
        }
        self.text_matrix = concat(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], &self.text_matrix);
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.line_matrix = concat(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    fn set_font(&mut self, resources: &Resources<'_>, name: &Name<'_>, size: f64) {
        self.state.font_size = size;
        self.state.widths = None;
        self.state.two_byte = false;
        let Some(font) = resources.get_font(name) else {
            return;
        };
        let subtype = font.get::<Name<'_>>(b"Subtype".as_slice());
        self.state.two_byte = subtype.as_deref() == Some(b"Type0".as_slice());
        let widths = self.font_widths.entry(name.to_vec()).or_insert_with(|| {
            let first = font.get::<Number>(b"FirstChar".as_slice());
            let own = first.zip(font.get::<Array<'_>>(b"Widths".as_slice()));
            match own {
                Some((first, widths)) => {
                    let widths = widths
                        .iter::<Number>()
                        .map(|w| w.as_f64() / 1000.0)
                        .collect();
                    Some(Rc::new((first.as_f64().max(0.0) as u32, widths)))
                }
                None => font
                    .get::<Name<'_>>(b"BaseFont".as_slice())
                    .and_then(|base| standard_widths(&base))
                    .map(Rc::new),
            }
        });
        self.state.widths = widths.clone();
    }

    fn run(&mut self, content: &[u8], resources: &Resources<'_>, depth: usize) {
        let mut ops = TypedIter::new(content);
        while let Some(op) = ops.next() {
            match op {
                TypedInstruction::SaveState(_) => self.stack.push(self.state.clone()),
                TypedInstruction::RestoreState(_) => {
                    if let Some(state) = self.stack.pop() {
                        self.state = state;
                    }
                }
                TypedInstruction::Transform(t) => {
                    let m = [t.0, t.1, t.2, t.3, t.4, t.5].map(|n| number(&n));
                    self.state.ctm = concat(&m, &self.state.ctm);
                }
                TypedInstruction::LineWidth(w) => self.state.line_width = number(&w.0),
                TypedInstruction::NonStrokeColorDeviceGray(c) => self.fill(&[number(&c.0)]),
                TypedInstruction::StrokeColorDeviceGray(c) => self.stroke(&[number(&c.0)]),
                TypedInstruction::NonStrokeColorDeviceRgb(c) => {
                    self.fill(&[number(&c.0), number(&c.1), number(&c.2)])
                }
                TypedInstruction::StrokeColorDeviceRgb(c) => {
                    self.stroke(&[number(&c.0), number(&c.1), number(&c.2)])
                }
                TypedInstruction::NonStrokeColorCmyk(c) => {
                    self.fill(&[number(&c.0), number(&c.1), number(&c.2), number(&c.3)])
                }
                TypedInstruction::StrokeColorCmyk(c) => {
                    self.stroke(&[number(&c.0), number(&c.1), number(&c.2), number(&c.3)])
                }
                // Colour spaces other than the device ones (sc/scn, patterns,
                // ICC, separations) are taken as coloured ink.
                TypedInstruction::NonStrokeColor(_)
                | TypedInstruction::NonStrokeColorNamed(_)
                | TypedInstruction::ColorSpaceNonStroke(_) => {
                    self.state.fill_white = false;
                    self.state.fill_colour = true;
                }
                TypedInstruction::StrokeColor(_)
                | TypedInstruction::StrokeColorNamed(_)
                | TypedInstruction::ColorSpaceStroke(_) => {
                    self.state.stroke_white = false;
                    self.state.stroke_colour = true;
                }
                TypedInstruction::MoveTo(p) => self.path_point(number(&p.0), number(&p.1)),
                TypedInstruction::LineTo(p) => self.path_point(number(&p.0), number(&p.1)),
                TypedInstruction::CubicTo(c) => {
                    // The control points bound the curve.
                    self.path_point(number(&c.0), number(&c.1));
                    self.path_point(number(&c.2), number(&c.3));
                    self.path_point(number(&c.4), number(&c.5));
                }
                TypedInstruction::CubicStartTo(c) => {
                    self.path_point(number(&c.0), number(&c.1));
                    self.path_point(number(&c.2), number(&c.3));
                }
                TypedInstruction::CubicEndTo(c) => {
                    self.path_point(number(&c.0), number(&c.1));
                    self.path_point(number(&c.2), number(&c.3));
                }
                TypedInstruction::RectPath(r) => {
                    let (x, y, w, h) = (number(&r.0), number(&r.1), number(&r.2), number(&r.3));
                    for (px, py) in [(x, y), (x + w, y), (x, y + h), (x + w, y + h)] {
                        self.path_point(px, py);
                    }
                }
                TypedInstruction::StrokePath(_) | TypedInstruction::CloseAndStrokePath(_) => {
                    self.paint(false, true)
                }
                TypedInstruction::FillPathNonZero(_)
                | TypedInstruction::FillPathNonZeroCompatibility(_)
                | TypedInstruction::FillPathEvenOdd(_) => self.paint(true, false),
                TypedInstruction::FillAndStrokeNonZero(_)
                | TypedInstruction::FillAndStrokeEvenOdd(_)
                | TypedInstruction::CloseFillAndStrokeNonZero(_)
                | TypedInstruction::CloseFillAndStrokeEvenOdd(_) => self.paint(true, true),
                TypedInstruction::EndPath(_) => self.path = Bounds::empty(),
                TypedInstruction::BeginText(_) => {
                    self.text_matrix = IDENTITY;
                    self.line_matrix = IDENTITY;
                }
                TypedInstruction::TextFont(f) => self.set_font(resources, f.0, number(&f.1)),
                TypedInstruction::CharacterSpacing(c) => self.state.char_spacing = number(&c.0),
                TypedInstruction::WordSpacing(w) => self.state.word_spacing = number(&w.0),
                TypedInstruction::HorizontalScaling(h) => {
                    self.state.horizontal_scale = number(&h.0) / 100.0
                }
                TypedInstruction::TextLeading(l) => self.state.leading = number(&l.0),
                TypedInstruction::TextRise(r) => self.state.rise = number(&r.0),
                TypedInstruction::TextRenderingMode(m) => {
                    // Mode 3 draws nothing; 7 only clips.
                    let mode = number(&m.0) as i64;
                    self.state.text_render_invisible = mode == 3 || mode == 7;
                }
                TypedInstruction::NextLine(n) => self.next_line(number(&n.0), number(&n.1)),
                TypedInstruction::NextLineAndSetLeading(n) => {
                    self.state.leading = -number(&n.1);
                    self.next_line(number(&n.0), number(&n.1));
                }
                TypedInstruction::SetTextMatrix(m) => {
                    self.line_matrix = [m.0, m.1, m.2, m.3, m.4, m.5].map(|n| number(&n));
                    self.text_matrix = self.line_matrix;
                }
                TypedInstruction::NextLineUsingLeading(_) => {
                    self.next_line(0.0, -self.state.leading)
                }
                TypedInstruction::ShowText(t) => self.show(t.0.as_bytes(), 0.0),
                TypedInstruction::NextLineAndShowText(t) => {
                    self.next_line(0.0, -self.state.leading);
                    self.show(t.0.as_bytes(), 0.0);
                }
                TypedInstruction::ShowTextWithParameters(t) => {
                    self.state.word_spacing = number(&t.0);
                    self.state.char_spacing = number(&t.1);
                    self.next_line(0.0, -self.state.leading);
                    self.show(t.2.as_bytes(), 0.0);
                }
                TypedInstruction::ShowTexts(array) => {
                    let mut adjust = 0.0;
                    for item in array.0.iter::<Object<'_>>() {
                        match item {
                            Object::Number(n) => adjust += n.as_f64(),
                            Object::String(s) => {
                                self.show(s.as_bytes(), adjust);
                                adjust = 0.0;
                            }
                            _ => {}
                        }
                    }
                }
                TypedInstruction::InlineImage(_) => {
                    // Inline images in production data are masks and logos;
                    // their colour is not inspected.
                    let b = Bounds::of_box(&self.state.ctm, 0.0, 0.0, 1.0, 1.0);
                    self.emit(b, InkKind::Image, false);
                }
                TypedInstruction::Shading(_) => {
                    // Without the clip path a shading is taken to cover the page.
                    let b = Bounds {
                        x0: f64::NEG_INFINITY,
                        y0: f64::NEG_INFINITY,
                        x1: f64::INFINITY,
                        y1: f64::INFINITY,
                    };
                    self.emit(b, InkKind::Shading, true);
                }
                TypedInstruction::XObject(x) => {
                    if let Some(stream) = resources.get_x_object(x.0) {
                        self.x_object(&stream, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn x_object(&mut self, stream: &Stream<'_>, depth: usize) {
        let dict = stream.dict();
        let subtype = dict.get::<Name<'_>>(b"Subtype".as_slice());
        match subtype.as_deref() {
            Some(b"Image") => {
                let b = Bounds::of_box(&self.state.ctm, 0.0, 0.0, 1.0, 1.0);
                let mask = dict.get::<bool>(b"ImageMask".as_slice()).unwrap_or(false);
                let grey = matches!(
                    dict.get::<Name<'_>>(b"ColorSpace".as_slice()).as_deref(),
                    Some(b"DeviceGray" | b"G" | b"CalGray")
                );
                self.emit(b, InkKind::Image, !(mask || grey));
            }
            Some(b"Form") => {
                let matrix = dict
                    .get::<Array<'_>>(b"Matrix".as_slice())
                    .map(|a| a.iter::<Number>().map(|n| n.as_f64()).collect::<Vec<_>>())
                    .and_then(|v| <[f64; 6]>::try_from(v).ok())
                    .unwrap_or(IDENTITY);
                let saved = self.state.clone();
                self.state.ctm = concat(&matrix, &self.state.ctm);
                let bbox = dict
                    .get::<Array<'_>>(b"BBox".as_slice())
                    .map(|a| a.iter::<Number>().map(|n| n.as_f64()).collect::<Vec<_>>())
                    .filter(|v| v.len() == 4);
                if depth >= MAX_FORM_DEPTH {
                    if let Some(b) = bbox {
                        self.emit(
                            Bounds::of_box(&self.state.ctm, b[0], b[1], b[2], b[3]),
                            InkKind::Path,
                            true,
                        );
                    }
                } else if let Ok(content) = stream.decoded() {
                    let resources = Resources::new(
                        dict.get::<Dict<'_>>(b"Resources".as_slice())
                            .unwrap_or_default(),
                    );
                    let stack_depth = self.stack.len();
                    let before = self.out.len();
                    self.run(&content, &resources, depth + 1);
                    self.stack.truncate(stack_depth);
                    // The form's BBox clips what it draws.
                    if let Some(b) = bbox {
                        let clip = Bounds::of_box(&self.state.ctm, b[0], b[1], b[2], b[3]);
                        self.clip_since(before, &clip);
                    }
                }
                self.state = saved;
            }
            _ => {}
        }
    }

    /// Clips the areas emitted since `from` to `clip` (a form's BBox).
    fn clip_since(&mut self, from: usize, clip: &Bounds) {
        let k = POINTS_PER_MM;
        let (cx0, cx1) = (clip.x0 / k, clip.x1 / k);
        let (cy0, cy1) = (
            (self.page_height - clip.y1) / k,
            (self.page_height - clip.y0) / k,
        );
        self.out = std::mem::take(&mut self.out)
            .into_iter()
            .enumerate()
            .filter_map(|(i, mut a)| {
                if i < from {
                    return Some(a);
                }
                let (x0, y0) = (a.x.max(cx0), a.y.max(cy0));
                let (x1, y1) = ((a.x + a.width).min(cx1), (a.y + a.height).min(cy1));
                (x0 <= x1 && y0 <= y1).then(|| {
                    a.x = x0;
                    a.y = y0;
                    a.width = x1 - x0;
                    a.height = y1 - y0;
                    a
                })
            })
            .collect();
    }
}

impl PdfInput {
    /// The areas page `index` (0-based) paints into, in mm from the visible
    /// page's top-left corner (CropBox and /Rotate applied), clipped to the
    /// visible page.
    pub fn ink(&self, index: usize) -> Result<Vec<InkArea>, PdfError> {
        let pages = self.pdf().pages();
        let page = pages.get(index).ok_or_else(|| self.out_of_range(index))?;
        let (width, height) = page.render_dimensions();
        let m = page.initial_transform(false).as_coeffs();
        let mut interpreter = Interpreter {
            out: Vec::new(),
            page_height: f64::from(height),
            state: GraphicsState {
                ctm: m,
                line_width: 1.0,
                fill_white: false,
                stroke_white: false,
                fill_colour: false,
                stroke_colour: false,
                font_size: 0.0,
                widths: None,
                two_byte: false,
                char_spacing: 0.0,
                word_spacing: 0.0,
                horizontal_scale: 1.0,
                leading: 0.0,
                rise: 0.0,
                text_render_invisible: false,
            },
            stack: Vec::new(),
            path: Bounds::empty(),
            text_matrix: IDENTITY,
            line_matrix: IDENTITY,
            font_widths: HashMap::new(),
        };
        let content = crate::input::decoded_contents(page);
        interpreter.run(&content, page.resources(), 0);
        let page_box = Bounds {
            x0: 0.0,
            y0: 0.0,
            x1: f64::from(width),
            y1: f64::from(height),
        };
        interpreter.clip_since(0, &page_box);
        Ok(interpreter.out)
    }
}
