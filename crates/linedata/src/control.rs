//! Carriage control: ASA characters and IBM machine codes.

use serde::{Deserialize, Serialize};

use crate::Encoding;

/// Which carriage control, if any, the first byte of each record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarriageControl {
    /// ASA (ANSI) characters, acting before the line is printed:
    /// `' '` space 1, `'0'` space 2, `'-'` space 3, `'+'` no space
    /// (overprint), `'1'`–`'9'`, `'A'`–`'C'` skip to channel 1–12. The
    /// character is in the listing's encoding (X'40', X'F0', ... in EBCDIC).
    Asa,
    /// IBM machine codes (binary, not translated): X'01'/X'09'/X'11'/X'19'
    /// print then space 0/1/2/3 lines; X'89', X'91', ... X'E1' print then
    /// skip to channel 1–12; X'0B'/X'13'/X'1B' space 1/2/3 lines without
    /// printing; X'8B', X'93', ... X'E3' skip to channel 1–12 without
    /// printing; X'03' no operation.
    Machine,
    /// No carriage control: every record is printed on the next line.
    None,
}

/// What one record's carriage control asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Space this many lines (0 = overprint), then print (ASA).
    SpaceThenPrint(u8),
    /// Skip to the channel (1–12), then print (ASA).
    SkipThenPrint(u8),
    /// Print, then space this many lines (0–3; machine code).
    PrintThenSpace(u8),
    /// Print, then skip to the channel (1–12; machine code).
    PrintThenSkip(u8),
    /// Space this many lines without printing (machine code).
    SpaceImmediate(u8),
    /// Skip to the channel without printing (machine code).
    SkipImmediate(u8),
    /// No operation (machine X'03'): nothing printed, nothing moved.
    NoOp,
    /// X'5A': the rest of the record is a structured field.
    StructuredField,
}

impl Action {
    /// Whether the record's text is printed.
    pub fn prints(self) -> bool {
        matches!(
            self,
            Action::SpaceThenPrint(_)
                | Action::SkipThenPrint(_)
                | Action::PrintThenSpace(_)
                | Action::PrintThenSkip(_)
        )
    }
}

/// Decodes an ASA control byte in `encoding`; `None` if it is not one.
pub fn asa_action(byte: u8, encoding: Encoding) -> Option<Action> {
    if byte == 0x5A {
        return Some(Action::StructuredField);
    }
    Some(match encoding.decode_byte(byte) {
        ' ' => Action::SpaceThenPrint(1),
        '0' => Action::SpaceThenPrint(2),
        '-' => Action::SpaceThenPrint(3),
        '+' => Action::SpaceThenPrint(0),
        c @ '1'..='9' => Action::SkipThenPrint(c as u8 - b'0'),
        c @ 'A'..='C' => Action::SkipThenPrint(c as u8 - b'A' + 10),
        _ => return None,
    })
}

/// Decodes a machine control byte; `None` if it is not one.
pub fn machine_action(byte: u8) -> Option<Action> {
    Some(match byte {
        0x01 => Action::PrintThenSpace(0),
        0x09 => Action::PrintThenSpace(1),
        0x11 => Action::PrintThenSpace(2),
        0x19 => Action::PrintThenSpace(3),
        0x0B => Action::SpaceImmediate(1),
        0x13 => Action::SpaceImmediate(2),
        0x1B => Action::SpaceImmediate(3),
        0x03 => Action::NoOp,
        0x5A => Action::StructuredField,
        0x89..=0xE3 if (byte - 0x89).is_multiple_of(8) => {
            Action::PrintThenSkip((byte - 0x89) / 8 + 1)
        }
        0x8B..=0xE3 if (byte - 0x8B).is_multiple_of(8) => {
            Action::SkipImmediate((byte - 0x8B) / 8 + 1)
        }
        _ => return None,
    })
}
