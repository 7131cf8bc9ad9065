//! Any bytes offered as a print file: opening, measuring, finding the ink
//! of and importing every page into an output file must return an error or
//! succeed, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem_pdf::{Chunk, PageImporter, PdfInput, PdfWriter};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = PdfInput::from_bytes(data.to_vec(), "fuzz.pdf") else { return };
    let Ok(mut writer) = PdfWriter::new(Vec::new()) else { return };
    let mut importer = PageImporter::new(&input);
    for index in 0..input.page_count().min(64) {
        let _ = input.page_size(index);
        let _ = input.ink(index);
        let mut chunk = Chunk::new();
        if let Ok(page) = importer.import(index, writer.allocator(), &mut chunk) {
            let _ = writer.write_chunk(&chunk);
            let _ = writer.add_page(page.width, page.height, &[(b"P", page.form)], b"q /P Do Q");
        }
    }
    let _ = writer.finish();
});
