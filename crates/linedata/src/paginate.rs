//! Records → pages: carriage control, channel skips, overprint, page overflow.

use std::collections::VecDeque;

use crate::control::{Action, asa_action, machine_action};
use crate::{CarriageControl, LineDataError, LineDataOptions, PageLayout, Record, RecordReader};

/// One printed record on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Line number on the page, 1-based from the top.
    pub line: u32,
    /// Column of `text`'s first character, 1-based (leading blanks are
    /// dropped from `text` and counted here; an empty line has column 1).
    pub column: u32,
    /// Font index into [`PageLayout::fonts`] (from the TRC, else 0).
    pub font: u8,
    /// The decoded text, without leading and trailing blanks.
    pub text: String,
    /// Printed on a line that already holds text (ASA `'+'`, or after a
    /// machine X'01').
    pub overprint: bool,
    /// The record it came from, 1-based.
    pub record: u64,
}

/// How a page was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageStart {
    /// The first page of the listing.
    First,
    /// A skip to this channel went past the current line.
    Channel(u8),
    /// Spacing went past the last line of the previous page.
    Overflow,
}

/// A record starting X'5A': an AFP structured field, passed through unprinted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructuredField {
    /// Record number, 1-based.
    pub record: u64,
    /// Byte offset of the X'5A' in the input.
    pub offset: u64,
    /// The field from its length bytes on (the X'5A' not included):
    /// `LL LL D3 TT CC FF RR RR data...`.
    pub data: Vec<u8>,
}

impl StructuredField {
    /// The 3-byte identifier (e.g. `[0xD3, 0xA8, 0xAD]` for BNG).
    pub fn id(&self) -> [u8; 3] {
        match self.data.get(2..5) {
            Some(&[a, b, c]) => [a, b, c],
            _ => [0; 3],
        }
    }
}

/// One page of a listing.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// Page number in the listing, 1-based.
    pub number: u64,
    /// How the page was started.
    pub start: PageStart,
    /// Printed lines in record order (overprints follow the line they cover).
    pub lines: Vec<Line>,
    /// Structured fields met since the previous page got its last line
    /// (those after the last printed line of the listing go to the last page).
    pub structured_fields: Vec<StructuredField>,
}

impl Page {
    /// Text in columns `start..=end` (1-based) of `line`, from the first
    /// non-overprint record printed there, without surrounding blanks;
    /// empty if nothing is printed there.
    pub fn field(&self, line: u32, start: u32, end: u32) -> String {
        let Some(l) = self.lines.iter().find(|l| l.line == line && !l.overprint) else {
            return String::new();
        };
        let mut out = String::new();
        let mut col = l.column;
        for c in l.text.chars() {
            if col > end {
                break;
            }
            if col >= start {
                out.push(c);
            }
            col = col.saturating_add(1);
        }
        out.trim().to_string()
    }

    /// The page as plain text: one string per line number from 1 to the
    /// last printed line, text at its column, overprints ignored.
    pub fn to_text_lines(&self) -> Vec<String> {
        let last = self.lines.iter().map(|l| l.line).max().unwrap_or(0) as usize;
        let mut out = vec![String::new(); last];
        for l in self.lines.iter().filter(|l| !l.overprint) {
            let Some(s) = out.get_mut((l.line as usize).wrapping_sub(1)) else {
                continue;
            };
            let pad = (l.column as usize)
                .saturating_sub(1)
                .saturating_sub(s.chars().count());
            s.extend(std::iter::repeat_n(' ', pad));
            s.push_str(&l.text);
        }
        out
    }
}

/// Streams a listing's pages: holds only the page being filled (and the
/// previous one until the next gets a line), never the whole listing.
///
/// Yields `Err` once on a bad record and then ends.
#[derive(Debug)]
pub struct Paginator<'a> {
    records: RecordReader<'a>,
    layout: &'a PageLayout,
    options: Options,
    /// Current line; 0 = above line 1 (the start of the listing).
    line: u32,
    /// Something is printed on the current line.
    line_printed: bool,
    current: Page,
    /// Finished pages; the last is held until the next page gets a line.
    finished: VecDeque<Page>,
    /// Structured fields not yet given to a page.
    pending_fields: Vec<StructuredField>,
    pages_out: u64,
    done: bool,
    records_seen: u64,
}

#[derive(Clone, Copy, Debug)]
struct Options {
    cc: CarriageControl,
    encoding: crate::Encoding,
    trc: bool,
}

impl<'a> Paginator<'a> {
    /// Paginates `listing` as described by `options` (framing, carriage
    /// control, encoding, TRC) onto `layout`. Fails if the layout is invalid.
    pub fn new(
        listing: &'a [u8],
        options: &LineDataOptions,
        layout: &'a PageLayout,
    ) -> Result<Self, LineDataError> {
        layout.validate()?;
        if let crate::LineDataFormat::Fixed { length: 0 } = options.format {
            return Err(LineDataError::Options {
                key: "format.fixed.length".into(),
                message: "must be at least 1".into(),
            });
        }
        Ok(Paginator {
            records: RecordReader::new(listing, options.format),
            layout,
            options: Options {
                cc: options.carriage_control,
                encoding: options.encoding,
                trc: options.trc,
            },
            line: 0,
            line_printed: false,
            current: Page {
                number: 1,
                start: PageStart::First,
                lines: Vec::new(),
                structured_fields: Vec::new(),
            },
            finished: VecDeque::new(),
            pending_fields: Vec::new(),
            pages_out: 0,
            done: false,
            records_seen: 0,
        })
    }

    /// Number of records read so far.
    pub fn records_read(&self) -> u64 {
        self.records_seen
    }

    fn new_page(&mut self, start: PageStart, line: u32) {
        if self.current.lines.is_empty() {
            // Nothing printed yet: the page stays the same sheet.
            if self.current.start != PageStart::First {
                self.current.start = start;
            }
        } else {
            let number = self.current.number + 1;
            let old = std::mem::replace(
                &mut self.current,
                Page {
                    number,
                    start,
                    lines: Vec::new(),
                    structured_fields: Vec::new(),
                },
            );
            self.finished.push_back(old);
        }
        self.line = line;
        self.line_printed = false;
    }

    fn space(&mut self, n: u8) {
        if n == 0 {
            return;
        }
        let target = self.line + u32::from(n);
        if target > self.layout.lines_per_page {
            self.new_page(PageStart::Overflow, 1);
        } else {
            self.line = target;
            self.line_printed = false;
        }
    }

    fn skip(&mut self, channel: u8, record: &Record<'_>) -> Result<(), LineDataError> {
        let Some(target) = self.layout.channel_line(channel) else {
            return Err(LineDataError::ChannelNotInLayout {
                record: record.number,
                offset: record.data_offset,
                channel,
            });
        };
        if target > self.line || (target == self.line && !self.line_printed) {
            self.line = target;
            self.line_printed = false;
        } else {
            self.new_page(PageStart::Channel(channel), target);
        }
        Ok(())
    }

    fn print(&mut self, record: &Record<'_>, text_start: usize, font: u8) {
        if self.line == 0 {
            self.line = 1;
        }
        let bytes = record.data.get(text_start..).unwrap_or(&[]);
        let space = self.options.encoding.space();
        let lead = bytes.iter().take_while(|&&b| b == space).count();
        let trail = bytes[lead..]
            .iter()
            .rev()
            .take_while(|&&b| b == space)
            .count();
        let body = &bytes[lead..bytes.len() - trail];
        let text = self.options.encoding.decode(body);
        let column = if body.is_empty() {
            1
        } else {
            u32::try_from(lead + 1).unwrap_or(u32::MAX)
        };
        if !self.pending_fields.is_empty() {
            self.current
                .structured_fields
                .append(&mut self.pending_fields);
        }
        self.current.lines.push(Line {
            line: self.line,
            column,
            font,
            text,
            overprint: self.line_printed,
            record: record.number,
        });
        self.line_printed = true;
    }

    fn font(&self, record: &Record<'_>) -> Result<(u8, usize), LineDataError> {
        if !self.options.trc || self.options.cc == CarriageControl::None && record.data.is_empty() {
            return Ok((0, usize::from(self.options.cc != CarriageControl::None)));
        }
        let at = usize::from(self.options.cc != CarriageControl::None);
        let Some(&trc) = record.data.get(at) else {
            return Ok((0, at));
        };
        let fonts = self.layout.fonts.len();
        let value = if usize::from(trc) < fonts {
            trc
        } else {
            match self.options.encoding.decode_byte(trc) {
                c @ '0'..='9' => c as u8 - b'0',
                _ => trc,
            }
        };
        if usize::from(value) >= fonts {
            return Err(LineDataError::TrcNotInLayout {
                record: record.number,
                offset: record.data_offset + at as u64,
                trc,
                fonts,
            });
        }
        Ok((value, at + 1))
    }

    fn record(&mut self, record: Record<'_>) -> Result<(), LineDataError> {
        self.records_seen = record.number;
        let action = match self.options.cc {
            CarriageControl::None => Action::SpaceThenPrint(1),
            cc => {
                let Some(&byte) = record.data.first() else {
                    if cc == CarriageControl::Asa {
                        // A blank ASA record whose trailing blanks (the
                        // control character among them) were stripped.
                        self.space(1);
                        self.print(&record, 1, 0);
                        return Ok(());
                    }
                    return Err(LineDataError::EmptyRecord {
                        record: record.number,
                        offset: record.offset,
                    });
                };
                let action = if cc == CarriageControl::Asa {
                    asa_action(byte, self.options.encoding)
                } else {
                    machine_action(byte)
                };
                action.ok_or(LineDataError::UnknownControl {
                    record: record.number,
                    offset: record.data_offset,
                    byte,
                })?
            }
        };
        match action {
            Action::StructuredField => {
                let data = &record.data[1..];
                let declared = data
                    .get(..2)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
                match declared {
                    // Fixed-length records may pad a shorter field.
                    Some(len) if len >= 8 && len <= data.len() => {}
                    _ => {
                        return Err(LineDataError::BadStructuredField {
                            record: record.number,
                            offset: record.data_offset,
                            reason: match declared {
                                None => "shorter than its 2 length bytes".into(),
                                Some(len) => format!(
                                    "length field says {len} bytes, the record holds {} after X'5A' (need 8 to that)",
                                    data.len()
                                ),
                            },
                        });
                    }
                }
                self.pending_fields.push(StructuredField {
                    record: record.number,
                    offset: record.data_offset,
                    data: data[..declared.unwrap_or(0)].to_vec(),
                });
            }
            Action::NoOp => {}
            Action::SpaceImmediate(n) => self.space(n),
            Action::SkipImmediate(c) => self.skip(c, &record)?,
            Action::SpaceThenPrint(n) => {
                let (font, start) = self.font(&record)?;
                self.space(n);
                self.print(&record, start, font);
            }
            Action::SkipThenPrint(c) => {
                let (font, start) = self.font(&record)?;
                self.skip(c, &record)?;
                self.print(&record, start, font);
            }
            Action::PrintThenSpace(n) => {
                let (font, start) = self.font(&record)?;
                self.print(&record, start, font);
                self.space(n);
            }
            Action::PrintThenSkip(c) => {
                let (font, start) = self.font(&record)?;
                // Check the channel before printing so an error leaves no half-done record.
                if self.layout.channel_line(c).is_none() {
                    return Err(LineDataError::ChannelNotInLayout {
                        record: record.number,
                        offset: record.data_offset,
                        channel: c,
                    });
                }
                self.print(&record, start, font);
                self.skip(c, &record)?;
            }
        }
        Ok(())
    }

    fn emit(&mut self, page: Page) -> Option<Result<Page, LineDataError>> {
        self.pages_out += 1;
        Some(Ok(page))
    }
}

impl Iterator for Paginator<'_> {
    type Item = Result<Page, LineDataError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            // A finished page is handed out once a later page has a line.
            if (self.finished.len() > 1 || !self.current.lines.is_empty())
                && let Some(page) = self.finished.pop_front()
            {
                return self.emit(page);
            }
            match self.records.next() {
                Some(Ok(record)) => {
                    if let Err(e) = self.record(record) {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => {
                    // End of input: trailing structured fields join the last page.
                    let mut fields = std::mem::take(&mut self.pending_fields);
                    if let Some(mut page) = self.finished.pop_front() {
                        // `current` has no lines and this is the only finished page.
                        page.structured_fields.append(&mut fields);
                        self.done = true;
                        return self.emit(page);
                    }
                    self.done = true;
                    if self.current.lines.is_empty() && fields.is_empty() {
                        return None;
                    }
                    let mut page = std::mem::replace(
                        &mut self.current,
                        Page {
                            number: 0,
                            start: PageStart::First,
                            lines: Vec::new(),
                            structured_fields: Vec::new(),
                        },
                    );
                    page.structured_fields.append(&mut fields);
                    return self.emit(page);
                }
            }
        }
    }
}
