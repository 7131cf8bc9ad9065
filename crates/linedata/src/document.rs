//! Pages → documents (mail pieces): trigger, PLZ field.

use serde::{Deserialize, Serialize};

use crate::{LineDataError, Page, PageStart};

/// What starts a new document (mail piece). The listing's first page always
/// starts one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum DocumentTrigger {
    /// Every page started by a skip to channel 1 (pages started by overflow
    /// or by skips to other channels continue the document). The default.
    #[default]
    Channel1,
    /// Every page whose `line` holds `text` in columns `start..=end`
    /// (1-based; compared without surrounding blanks).
    Text {
        /// Line number on the page, 1-based.
        line: u32,
        /// First and last column, 1-based, inclusive.
        columns: (u32, u32),
        /// The text that marks a document's first page.
        text: String,
    },
}

/// A text field on a document's first page: line and column range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldPosition {
    /// Line number on the page, 1-based.
    pub line: u32,
    /// First and last column, 1-based, inclusive.
    pub columns: (u32, u32),
}

impl FieldPosition {
    /// Checks that the field is non-empty and 1-based; `key` names it in the error.
    pub fn validate(&self, key: &str) -> Result<(), LineDataError> {
        let (s, e) = self.columns;
        if self.line == 0 || s == 0 || e < s {
            return Err(LineDataError::Options {
                key: key.into(),
                message: format!(
                    "line {} columns {s}..{e}: need line ≥ 1 and 1 ≤ start ≤ end",
                    self.line
                ),
            });
        }
        Ok(())
    }
}

/// One document of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// First page, 1-based.
    pub first_page: u64,
    /// Number of pages.
    pub page_count: u32,
    /// The PLZ read from the configured field of the first page (empty
    /// without a field or when the field is blank).
    pub plz: String,
}

/// Splits a stream of pages into documents, one page at a time.
#[derive(Clone, Debug)]
pub struct DocumentSplitter {
    trigger: DocumentTrigger,
    plz_field: Option<FieldPosition>,
    documents: Vec<Document>,
}

impl DocumentSplitter {
    /// A splitter with the given trigger and optional PLZ field.
    pub fn new(trigger: DocumentTrigger, plz_field: Option<FieldPosition>) -> Self {
        DocumentSplitter {
            trigger,
            plz_field,
            documents: Vec::new(),
        }
    }

    /// Whether `page` starts a document.
    pub fn starts_document(&self, page: &Page) -> bool {
        if self.documents.is_empty() {
            return true;
        }
        match &self.trigger {
            DocumentTrigger::Channel1 => {
                matches!(page.start, PageStart::First | PageStart::Channel(1))
            }
            DocumentTrigger::Text {
                line,
                columns,
                text,
            } => page.field(*line, columns.0, columns.1) == text.trim(),
        }
    }

    /// Adds the next page of the listing.
    pub fn push(&mut self, page: &Page) {
        if self.starts_document(page) {
            let plz = self
                .plz_field
                .map(|f| page.field(f.line, f.columns.0, f.columns.1))
                .unwrap_or_default();
            self.documents.push(Document {
                first_page: page.number,
                page_count: 1,
                plz,
            });
        } else if let Some(d) = self.documents.last_mut() {
            d.page_count = d.page_count.saturating_add(1);
        }
    }

    /// The documents so far.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// The documents.
    pub fn finish(self) -> Vec<Document> {
        self.documents
    }
}

/// Splits pages (e.g. from a [`crate::Paginator`]) into documents.
pub fn split_documents(
    pages: impl IntoIterator<Item = Result<Page, LineDataError>>,
    trigger: &DocumentTrigger,
    plz_field: Option<FieldPosition>,
) -> Result<Vec<Document>, LineDataError> {
    let mut splitter = DocumentSplitter::new(trigger.clone(), plz_field);
    for page in pages {
        splitter.push(&page?);
    }
    Ok(splitter.finish())
}
