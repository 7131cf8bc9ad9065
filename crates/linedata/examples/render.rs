//! Renders a line-data listing to PDF and prints its mail pieces as JSON.
//!
//!     cargo run -p tandem-linedata --example render -- OPTIONS.toml LISTING OUT.pdf [PREFIX]
//!
//! `OPTIONS.toml` holds a `[line_data]` table; its `layout` path is taken
//! relative to the options file.

use std::path::Path;

use tandem_linedata::{LineDataOptions, PageLayout, render_pdf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [options_path, listing, out, rest @ ..] = args.as_slice() else {
        return Err("usage: render OPTIONS.toml LISTING OUT.pdf [PREFIX]".into());
    };
    let prefix = rest.first().map_or("LD-", String::as_str);
    #[derive(serde::Deserialize)]
    struct File {
        line_data: LineDataOptions,
    }
    let options = toml::from_str::<File>(&std::fs::read_to_string(options_path)?)?.line_data;
    let base = Path::new(options_path).parent().unwrap_or(Path::new("."));
    let layout = PageLayout::from_file(&base.join(&options.layout))?;
    let listing = std::fs::read(listing)?;
    let file = std::fs::File::create(out)?;
    let rendered = render_pdf(&listing, &options, &layout, prefix, file)?;
    println!("{}", serde_json::to_string_pretty(&rendered.pieces)?);
    eprintln!(
        "{} records, {} pages, {} structured fields",
        rendered.records, rendered.pages, rendered.structured_fields
    );
    Ok(())
}
