//! Copies source pages into the output as Form XObjects.
//!
//! Content streams are copied in their encoded form (no inflate and deflate
//! per page), and every object a page's resources reach (fonts, images,
//! colour spaces) is written once per output file however many pages use it.

use std::collections::HashMap;

use hayro_syntax::object::{Array, Dict, MaybeRef, ObjRef, Object, Stream};
use hayro_syntax::page::Page;
use pdf_writer::{Chunk, Finish, Name, Obj, Rect, Ref};

use crate::{ImportedPage, PdfError, PdfInput, RefAllocator};

/// Entries that tie an object to the source document's structure or
/// metadata rather than to what it draws; following them would drag the
/// structure tree or XMP packets into every output file.
const SKIPPED_KEYS: &[&[u8]] = &[
    b"Metadata",
    b"StructParent",
    b"StructParents",
    b"PieceInfo",
    b"LastModified",
    b"OPI",
    b"AF",
    b"PtData",
    b"Ref",
    b"OC",
];

/// Imports pages of one input into one output file.
///
/// Keep one importer per output file: it remembers which source objects
/// that file already holds (a map from source to output object number, the
/// only state that grows, with the number of distinct shared resources).
pub struct PageImporter<'a> {
    input: &'a PdfInput,
    copied: HashMap<ObjRef, Ref>,
    pending: Vec<(ObjRef, Ref)>,
}

impl<'a> PageImporter<'a> {
    /// An importer with no objects copied yet.
    pub fn new(input: &'a PdfInput) -> Self {
        Self {
            input,
            copied: HashMap::new(),
            pending: Vec::new(),
        }
    }

    /// Writes page `index` (0-based) as a Form XObject, and every object it
    /// needs that this output does not have yet, into `chunk`.
    pub fn import(
        &mut self,
        index: usize,
        refs: &mut RefAllocator,
        chunk: &mut Chunk,
    ) -> Result<ImportedPage, PdfError> {
        let pages = self.input.pdf().pages();
        let page = pages
            .get(index)
            .ok_or_else(|| self.input.out_of_range(index))?;
        let (width, height) = page.render_dimensions();
        let form = refs.next();
        self.write_form(page, form, refs, chunk);
        while let Some((source, target)) = self.pending.pop() {
            match self.input.pdf().xref().get::<Object<'_>>(source.into()) {
                Some(Object::Stream(stream)) => self.write_stream(&stream, target, refs, chunk),
                Some(object) => self.write_object(&object, chunk.indirect(target), refs),
                None => chunk.indirect(target).primitive(pdf_writer::Null),
            }
        }
        Ok(ImportedPage {
            form,
            width,
            height,
        })
    }

    fn write_form(
        &mut self,
        page: &Page<'_>,
        form: Ref,
        refs: &mut RefAllocator,
        chunk: &mut Chunk,
    ) {
        let raw = page.raw();
        // A single content stream is copied as it is encoded; an array of
        // streams (rare in production output) is joined decoded.
        let single = raw.get::<Stream<'_>>(b"Contents".as_slice());
        let joined;
        let data: &[u8] = match &single {
            Some(stream) => {
                joined = stream.raw_data();
                &joined
            }
            None => {
                joined = crate::input::decoded_contents(page).into();
                &joined
            }
        };
        let mut xobject = chunk.form_xobject(form, data);
        if let Some(stream) = &single {
            let dict = stream.dict();
            for key in [b"Filter".as_slice(), b"DecodeParms".as_slice()] {
                if let Some(value) = dict.get_raw::<Object<'_>>(key) {
                    self.write_maybe_ref(&value, xobject.insert(Name(key)), refs);
                }
            }
        }
        let crop = page.intersected_crop_box();
        xobject.bbox(Rect::new(
            crop.x0 as f32,
            crop.y0 as f32,
            crop.x1 as f32,
            crop.y1 as f32,
        ));
        let m = page.initial_transform(false).as_coeffs();
        xobject.matrix(m.map(|v| v as f32));
        let resources = page.resources();
        let mut out = xobject.resources();
        for (key, dict) in [
            (b"ExtGState".as_slice(), &resources.ext_g_states),
            (b"ColorSpace".as_slice(), &resources.color_spaces),
            (b"Pattern".as_slice(), &resources.patterns),
            (b"Shading".as_slice(), &resources.shadings),
            (b"XObject".as_slice(), &resources.x_objects),
            (b"Font".as_slice(), &resources.fonts),
            (b"Properties".as_slice(), &resources.properties),
        ] {
            if !dict.is_empty() {
                self.write_dict_entries(dict, out.insert(Name(key)), refs);
            }
        }
        out.finish();
        if let Some(group) = raw.get_raw::<Object<'_>>(b"Group".as_slice()) {
            self.write_maybe_ref(&group, xobject.insert(Name(b"Group")), refs);
        }
    }

    fn write_stream(
        &mut self,
        stream: &Stream<'_>,
        target: Ref,
        refs: &mut RefAllocator,
        chunk: &mut Chunk,
    ) {
        let data = stream.raw_data();
        let mut out = chunk.stream(target, &data);
        for (key, value) in stream.dict().entries() {
            if &*key == b"Length" || SKIPPED_KEYS.contains(&&*key) {
                continue;
            }
            self.write_maybe_ref(&value, out.insert(Name(&key)), refs);
        }
    }

    fn write_maybe_ref(
        &mut self,
        value: &MaybeRef<Object<'_>>,
        obj: Obj<'_>,
        refs: &mut RefAllocator,
    ) {
        match value {
            MaybeRef::Ref(source) => obj.primitive(self.reference(*source, refs)),
            MaybeRef::NotRef(object) => self.write_object(object, obj, refs),
        }
    }

    /// The output number of a source object, queueing it for copying the
    /// first time it is seen; a reference to nothing becomes `null`.
    fn reference(&mut self, source: ObjRef, refs: &mut RefAllocator) -> Ref {
        *self.copied.entry(source).or_insert_with(|| {
            let target = refs.next();
            self.pending.push((source, target));
            target
        })
    }

    fn write_object(&mut self, object: &Object<'_>, obj: Obj<'_>, refs: &mut RefAllocator) {
        match object {
            Object::Null(_) => obj.primitive(pdf_writer::Null),
            Object::Boolean(b) => obj.primitive(*b),
            Object::Number(n) => {
                let v = n.as_f64();
                if v.fract() == 0.0 && v.abs() < f64::from(i32::MAX) {
                    obj.primitive(v as i32);
                } else {
                    obj.primitive(v as f32);
                }
            }
            Object::String(s) => obj.primitive(pdf_writer::Str(s.as_ref())),
            Object::Name(n) => obj.primitive(Name(n)),
            Object::Dict(d) => self.write_dict_entries(d, obj, refs),
            Object::Array(a) => self.write_array(a, obj, refs),
            // Streams are always indirect; a direct one is malformed input.
            Object::Stream(_) => obj.primitive(pdf_writer::Null),
        }
    }

    fn write_dict_entries(&mut self, dict: &Dict<'_>, obj: Obj<'_>, refs: &mut RefAllocator) {
        let mut out = obj.dict();
        for (key, value) in dict.entries() {
            if !SKIPPED_KEYS.contains(&&*key) {
                self.write_maybe_ref(&value, out.insert(Name(&key)), refs);
            }
        }
    }

    fn write_array(&mut self, array: &Array<'_>, obj: Obj<'_>, refs: &mut RefAllocator) {
        let mut out = obj.array();
        for item in array.raw_iter() {
            self.write_maybe_ref(&item, out.push(), refs);
        }
    }
}
