//! Line-data print files as redirect input: the listing is laid out with
//! the job's page layout into a PDF beside the output directory, and its
//! documents become the job's mail pieces.

use std::path::{Path, PathBuf};

use tandem_linedata::{LineDataOptions, PageLayout, render_pdf};
use tandem_ticket::{JobTicket, MailPiece};

use crate::CoreError;
use crate::output::AtomicFile;

/// A listing rendered to a temporary PDF, removed when dropped.
pub(crate) struct RenderedListing {
    path: PathBuf,
    /// The documents of the listing, as mail pieces.
    pub(crate) pieces: Vec<MailPiece>,
}

impl RenderedListing {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RenderedListing {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Reads the options file (and the page layout it names, relative to it),
/// lays out the ticket's line-data print file and writes the pages to a
/// hidden PDF next to `out_dir`. Pieces are named `{job}-000001`, ….
pub(crate) fn render_line_data(
    ticket: &JobTicket,
    options_path: &Path,
    out_dir: &Path,
) -> Result<RenderedListing, CoreError> {
    let text = std::fs::read_to_string(options_path).map_err(CoreError::io(options_path))?;
    /// The options file holds one `[line_data]` table.
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct OptionsFile {
        line_data: LineDataOptions,
    }
    let OptionsFile {
        line_data: mut options,
    } = toml::from_str(&text).map_err(|e| {
        CoreError::Incompatible(format!("line-data options {}: {e}", options_path.display()))
    })?;
    if options.layout.is_relative() {
        options.layout = options_path
            .parent()
            .unwrap_or(Path::new(""))
            .join(&options.layout);
    }
    let layout = PageLayout::from_file(&options.layout)?;
    let listing_path = &ticket.print_files[0].path;
    let listing = std::fs::read(listing_path).map_err(CoreError::io(listing_path))?;
    let name = out_dir
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let path = out_dir.with_file_name(format!(".{name}.listing-{}.pdf", std::process::id()));
    let mut file = AtomicFile::create(&path)?;
    let rendered = render_pdf(
        &listing,
        &options,
        &layout,
        &format!("{}-", ticket.id),
        &mut file,
    )?;
    file.commit()?;
    Ok(RenderedListing {
        path,
        pieces: rendered.pieces,
    })
}
