// What the line-data fuzz target checks for one input; `include!`d by the
// fuzz target and by tandem-linedata's proptest and corpus replay, so all
// run the same code.
//
// Any bytes offered as a line-data listing (under every framing, carriage
// control, encoding and TRC setting chosen by the first two bytes) must
// read, paginate, split and render or give an error, never panic; any text
// offered as a page layout must parse or give an error.

fn check_linedata(data: &[u8]) {
    use tandem_linedata::{
        CarriageControl, DocumentTrigger, Encoding, FieldPosition, FontFace, FontSpec,
        LineDataFormat, LineDataOptions, PageLayout, Paginator, RecordReader, render_pdf,
        split_documents,
    };
    let [a, b, listing @ ..] = data else { return };
    if a & 0x80 != 0 {
        if let Ok(text) = std::str::from_utf8(listing) {
            let _ = PageLayout::from_toml_str(text);
        }
        return;
    }
    let format = match a & 3 {
        0 => LineDataFormat::Rdw,
        1 => LineDataFormat::Newline,
        _ => LineDataFormat::Fixed {
            length: u32::from(b & 0x3F) + 1,
        },
    };
    let cc = [
        CarriageControl::Asa,
        CarriageControl::Machine,
        CarriageControl::None,
        CarriageControl::Asa,
    ][usize::from((a >> 2) & 3)];
    let encoding = [
        Encoding::Ebcdic500,
        Encoding::Ebcdic273,
        Encoding::Ebcdic1141,
        Encoding::Latin1,
    ][usize::from((a >> 4) & 3)];
    let mut options = LineDataOptions::new(format, cc, encoding);
    options.trc = a & 0x40 != 0;
    options.plz_field = Some(FieldPosition {
        line: 3,
        columns: (2, 6),
    });
    if b & 0x40 != 0 {
        options.trigger = DocumentTrigger::Text {
            line: 1,
            columns: (1, 4),
            text: "AZ".into(),
        };
    }
    let mut layout = PageLayout {
        lines_per_page: if b & 0x80 != 0 { 5 } else { 66 },
        ..PageLayout::default()
    };
    layout.channels.insert(2, 4);
    layout.channels.insert(12, layout.lines_per_page);
    layout.fonts.push(FontSpec {
        face: FontFace::CourierBold,
        size_pt: 8.0,
    });
    let _ = RecordReader::new(listing, format)
        .take_while(Result::is_ok)
        .count();
    if let Ok(p) = Paginator::new(listing, &options, &layout) {
        let _ = split_documents(p, &options.trigger, options.plz_field);
    }
    if listing.len() < 4096 {
        let _ = render_pdf(listing, &options, &layout, "F-", std::io::sink());
    }
}
